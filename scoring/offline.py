"""Offline scorer: deterministic marker rules over the transcript, every score backed by verbatim quotes, never a guess."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import islice

from scoring import consistency, followup, objections
from scoring.formula import overall_score, phase_score
from scoring.markers import CallView, Hit, Sentence, date_span
from scoring.metrics import Turn, compute_metrics, identify_rep, metrics_basis, turns
from scoring.rubric import Rubric
from scoring.scorecard import (
    BANT_KEYS,
    BantItem,
    Criterion,
    Evidence,
    NextStep,
    NgObservation,
    RepSpeaker,
    Scorecard,
)
from scoring.transcript import Transcript

MONOLOGUE_LIMIT_S = 120.0
# One-sided talk without one long turn (the customer only backchannels): Gong's 43:57 norm and its 65 % ceiling,
# taken well beyond (the rep four times the customer) and with almost no questions (fewer than one per 4 minutes).
ONE_SIDED_RATIO = 0.80
ONE_SIDED_SECONDS_PER_QUESTION = 240.0
EVIDENCE_PER_CRITERION = 3

ABSENCE_OBSERVABLE = frozenset(
    {
        "first_contact.self_introduction.name_title_company",
        "first_contact.meeting_purpose.purpose_stated",
        "first_contact.next_meeting.next_step_agreed",
        "needs_discovery.open_questions.deep_questions",
        "needs_discovery.open_questions.summary_check",
        "needs_discovery.bant.natural_flow",
        "needs_discovery.bant.budget",
        "needs_discovery.bant.authority",
        "needs_discovery.bant.need",
        "needs_discovery.bant.timeline",
        "needs_discovery.competition.current_tools",
        "needs_discovery.wrap_up.next_schedule",
        "proposal.evidence.quantified",
        "proposal.benefits.roi_clear",
        "negotiation_closing.concerns.identified",
        "negotiation_closing.decision_maker.authority_confirmed",
        "contract_implementation.terms.explained",
        "contract_implementation.roadmap.schedule",
        "after_follow.regular_follow.usage_check",
    }
)
WEEK_WORDS = frozenset({"今週中", "来週中", "来週", "this week", "next week"})
DEFAULT_EXPECTED = ("first_contact", "needs_discovery")


@dataclass(frozen=True)
class Finding:
    """What a rule saw for one check; `primary` findings show the call was in that phase, secondary ones only count if it was."""

    score: int
    evidence: tuple[Evidence, ...] = ()
    primary: bool = True


class _Collector:
    """Accumulates findings, NG observations and the structured blocks while the rules run."""

    def __init__(self, view: CallView) -> None:
        self.view = view
        self.findings: dict[str, Finding] = {}
        self.ngs: list[NgObservation] = []

    def put(
        self,
        check_id: str,
        score: int,
        hits: list[Hit] | list[Sentence] | tuple[Evidence, ...] = (),
        *,
        primary: bool = True,
    ) -> None:
        evidence = tuple(h if isinstance(h, Evidence) else h.evidence() for h in hits[:EVIDENCE_PER_CRITERION])
        current = self.findings.get(check_id)
        if current is None or score > current.score:
            self.findings[check_id] = Finding(score, evidence, primary)

    def ng(self, ng_id: str, quote: str) -> None:
        if all(n.id != ng_id for n in self.ngs):
            self.ngs.append(NgObservation(id=ng_id, evidence=quote))


def _rep_intro(c: _Collector) -> None:
    v = c.view
    opening = [s for s in v.sentences if s.is_rep][:10]
    company = next((s for s in opening if v.matches("intro_company", s.text)), None)
    name = next((s for s in opening if v.matches("intro_name", s.text)), None)
    if company:
        c.put("first_contact.self_introduction.name_title_company", 2, [company])
    elif name:
        c.put("first_contact.self_introduction.name_title_company", 1, [name])


def _purpose_and_research(c: _Collector) -> None:
    v = c.view
    if hits := v.find("purpose", who="rep"):
        c.put("first_contact.meeting_purpose.purpose_stated", 2, hits)
    if hits := v.find("goal", who="rep"):
        c.put("first_contact.meeting_purpose.goal_stated", 2, hits)
    if hits := v.find("intent", who="rep"):
        c.put("first_contact.meeting_purpose.intent_confirmed", 2, hits)
        if v.next_turn(hits[0].sentence, customer=True):
            c.put("first_contact.meeting_purpose.expectations_aligned", 2, hits)
    for hit in v.find("research", who="rep"):
        c.put("first_contact.relevant_topics.research_used", 2, [hit])
        if v.matches("strategy", hit.sentence.text):
            c.put("research.company.strategy", 2, [hit])
        if v.matches("news", hit.sentence.text):
            c.put("research.company.news", 2, [hit])
    if hits := v.find("empathy", who="rep"):
        c.put("first_contact.rapport.empathy", 2, hits, primary=False)
    backchannels = v.find("backchannel", who="rep")
    if backchannels:
        c.put(
            "needs_discovery.open_questions.listening", 2 if len(backchannels) >= 2 else 1, backchannels, primary=False
        )


def _questions(c: _Collector) -> None:
    v = c.view
    open_qs = [s for s in v.sentences if s.is_rep and s.is_open_question]
    deep = [s for s in open_qs if v.matches("deep", s.text)]
    if open_qs:
        ordered = deep + [s for s in open_qs if s not in deep]
        c.put("needs_discovery.open_questions.deep_questions", 2 if len(open_qs) >= 3 and deep else 1, ordered)
    summaries = v.find("summary", who="rep")
    confirmed = [h for h in summaries if h.sentence.is_question or _next_sentence_is_question(v, h.sentence)]
    if summaries:
        hits = confirmed or summaries
        c.put("needs_discovery.open_questions.summary_check", 2 if confirmed else 1, hits)
        c.put("needs_discovery.wrap_up.shared_summary", 2 if confirmed else 1, hits, primary=False)
        c.put("proposal.two_way.confirm_understanding", 2 if confirmed else 1, hits, primary=False)
    if hits := v.find("shallow_question", who="rep"):
        c.ng("needs_discovery.shallow_question", hits[0].quote)
    if hits := v.find("check_in", who="rep", questions=True):
        c.put("proposal.two_way.check_in_questions", 1, hits, primary=False)


def _next_sentence_is_question(v: CallView, s: Sentence) -> bool:
    nxt = v.sentences[s.order + 1] if s.order + 1 < len(v.sentences) else None
    return bool(nxt and nxt.seg == s.seg and nxt.is_question)


def _reply_text(v: CallView, s: Sentence) -> tuple[list[Sentence], str]:
    reply = v.next_turn(s, customer=s.is_rep)
    return reply, "".join(r.text for r in reply)


def _bant(c: _Collector) -> dict[str, BantItem]:
    v = c.view
    result: dict[str, BantItem] = {}
    found_evidence: list[Evidence] = []
    for key in BANT_KEYS:
        # Only the first few are kept as evidence, so stop looking once there are enough (a long call has hundreds).
        stated = list(
            islice(
                (
                    h
                    for h in v.find(key, who="customer")
                    if not v.negated(h)
                    and not v.asks(h)
                    and not v.deflected(h)
                    and not v.matches("result", h.sentence.text)
                ),
                EVIDENCE_PER_CRITERION,
            )
        )
        asked = v.find(key, who="rep", questions=True)
        answered: tuple[Hit, Sentence] | None = None
        for q in asked:
            reply, text = _reply_text(v, q.sentence)
            if reply and len(text) >= 6 and not v.matches("deflection", text):
                # The sentence of the answer that carries it (集計ですね。…3日くらいかかっています。), else the fullest one.
                answered = (
                    q,
                    next(
                        (r for r in reply if v.matches(key, r.text) or v.matches("cost", r.text)),
                        max(reply, key=lambda r: len(r.text)),
                    ),
                )
                break
        check = f"needs_discovery.bant.{key}"
        if stated:
            result[key] = BantItem(found=True, evidence=stated[0].quote)
            c.put(check, 2, stated)
            found_evidence.append(stated[0].evidence())
        elif answered:
            result[key] = BantItem(found=True, evidence=answered[1].quote())
            c.put(check, 2, (answered[0].evidence(), answered[1].evidence()))
            found_evidence.append(answered[1].evidence())
        elif key in ("need", "timeline") and (confirmed := v.confirmed_recap(key)):
            result[key] = BantItem(found=True, evidence=confirmed[0].quote())
            c.put(check, 2, (confirmed[0].evidence(), confirmed[1].evidence()))
            found_evidence.append(confirmed[0].evidence())
        else:
            result[key] = BantItem(found=False)
            if asked:
                c.put(check, 1, asked)
    budget = next(iter(v.find("budget", who="rep")), None)
    need = next((h for h in v.find("need") if not v.negated(h)), None)
    # Money the customer raised first (a quote over budget) makes the rep's budget question an answer, not an opener.
    money = min((h.sentence.order for m in ("budget", "price") for h in v.find(m, who="customer")), default=None)
    if (
        budget
        and (need is None or need.sentence.order > budget.sentence.order)
        and (money is None or money > budget.sentence.order)
    ):
        c.ng("needs_discovery.budget_first", budget.quote)
        c.put("needs_discovery.bant.natural_flow", 0, [budget])
    elif found_evidence:
        c.put("needs_discovery.bant.natural_flow", 2 if len(found_evidence) >= 3 else 1, tuple(found_evidence))
    authority = c.findings.get("needs_discovery.bant.authority")
    if authority and authority.score >= 1:
        c.put(
            "negotiation_closing.decision_maker.authority_confirmed", authority.score, authority.evidence, primary=False
        )
    return result


def _discovery_depth(c: _Collector) -> None:
    v = c.view
    rep_asks = v.find("competitor", who="rep", questions=True)
    told = v.find("competitor", who="customer")
    if rep_asks or told:
        c.put("needs_discovery.competition.current_tools", 2 if rep_asks and told else 1, told + rep_asks)
    if hits := v.find("dissatisfaction", who="customer"):
        c.put("needs_discovery.competition.dissatisfaction", 2 if rep_asks else 1, hits)
    if hits := v.find("past_eval", who="customer"):
        c.put("needs_discovery.competition.past_evaluations", 2, hits)
    if hits := v.find("why_now", who="rep", questions=True):
        c.put("needs_discovery.competition.why_now", 2, hits)
    if hits := v.find("past_attempt", who="rep", questions=True):
        c.put(
            "needs_discovery.current_process.past_attempts",
            2 if v.next_turn(hits[0].sentence, customer=True) else 1,
            hits,
        )
    if hits := v.find("bottleneck", who="rep", questions=True):
        c.put(
            "needs_discovery.current_process.bottleneck",
            2 if v.find("bottleneck", who="customer") else 1,
            hits + v.find("bottleneck", who="customer"),
        )
    numbers = v.find("customer_number", who="customer")
    if numbers:
        c.put("needs_discovery.current_process.quantitative_data", 2 if len(numbers) >= 2 else 1, numbers)


def _proposal(c: _Collector) -> None:
    v = c.view
    quantified = v.find("quantified", who="rep")
    if quantified:
        c.put("proposal.evidence.quantified", 2, quantified)
        c.put("proposal.benefits.quantitative", 2, quantified, primary=False)
    if hits := v.find("roi", who="rep"):
        c.put("proposal.evidence.roi", 2, hits)
        c.put("proposal.benefits.roi_clear", 2, hits)
    if hits := v.find("case_study", who="rep"):
        numbered = [h for h in hits if v.matches("quantified", h.sentence.text)]
        c.put("proposal.evidence.case_studies", 2 if numbered else 1, numbered or hits)
    if hits := v.find("matching_case", who="rep"):
        c.put("proposal.evidence.matching_cases", 2, hits)
    if hits := v.find("uses_discovery", who="rep"):
        c.put("proposal.customization.uses_discovery", 2, hits)
    vague = v.find("vague_benefit", who="rep")
    if vague and not quantified:
        c.ng("proposal.vague_benefits", vague[0].quote)
        c.put("proposal.benefits.quantitative", 0, vague)


def _negotiation(c: _Collector) -> None:
    v = c.view
    if hits := v.find("concern_question", who="rep", questions=True):
        c.put("negotiation_closing.concerns.identified", 2, hits)
    added = v.find("added_value", who="rep")
    discounts = v.find("discount", who="rep")
    objections = v.find("price_objection", who="customer")
    if added:
        c.put("negotiation_closing.value_not_discount.added_value", 2, added)
    if discounts:
        first = discounts[0]
        if not any(o.sentence.order < first.sentence.order for o in objections):
            c.ng("negotiation_closing.discount_first", first.quote)
            if not added:
                c.put("negotiation_closing.value_not_discount.added_value", 0, [first])
        elif not added:
            c.put("negotiation_closing.value_not_discount.added_value", 1, [first])
    _objection_ignored(c)
    if hits := v.find("decision_maker_meeting"):
        c.put("negotiation_closing.decision_maker.meeting_set", 2, hits)
    if hits := v.find("post_contract", who="rep"):
        c.put("negotiation_closing.closing.post_contract_flow", 2, hits)
    for marker, check in (
        ("contract_terms", "contract_implementation.terms.explained"),
        ("roadmap", "contract_implementation.roadmap.schedule"),
        ("training", "contract_implementation.rollout.training"),
        ("support_contact", "contract_implementation.support.contact_points"),
    ):
        if hits := v.find(marker, who="rep", questions=False):
            c.put(check, 2, hits)
    for marker, check in (
        ("usage_check", "after_follow.regular_follow.usage_check"),
        ("satisfaction", "after_follow.satisfaction.measured"),
        ("upsell", "after_follow.upsell.usage_based"),
    ):
        if hits := v.find(marker, who="rep", questions=True):
            c.put(check, 2, hits)


def _objection_ignored(c: _Collector) -> None:
    """NG: a concern (outright or hedged) the rep brushes off, leaves untouched, or hears a second time."""
    if concern := objections.ignored(c.view):
        c.ng("negotiation_closing.objection_ignored", concern.quote())


def _next_step(c: _Collector) -> NextStep:
    v = c.view
    proposed: tuple[Sentence, tuple[int, int]] | None = None
    for s in v.sentences:
        span = date_span(v, s.text)
        if span is None or not v.meeting_context(s):
            continue
        reply, text = _reply_text(v, s)
        date_match = v.matches("date", s.text)
        # Repeating the date back (「2月3日の16時ですね。」) is how people accept one.
        echoed = v.matches("date", text)
        if reply and (v.matches("affirm", text) or echoed) and not v.matches("refuse", text):
            at = s.text.find(echoed.group(0)) if echoed else -1
            if at >= 0 and (chosen := date_span(v, s.text[at:])) is not None:
                span = (at + chosen[0], at + chosen[1])
            step = NextStep(set=True, when=s.text[span[0] : span[1]], evidence=s.quote(date_match))
            evidence = (s.evidence(date_match), reply[0].evidence())
            for check in ("first_contact.next_meeting.next_step_agreed", "needs_discovery.wrap_up.next_schedule"):
                c.put(check, 2, evidence)
            c.put("first_contact.next_meeting.follow_up_timing", 2, evidence, primary=False)
            seg_text = v.transcript.segments[s.seg].text
            points = 1 + sum(bool(v.matches(m, seg_text)) for m in ("participants", "preparation", "plan"))
            c.put("first_contact.next_meeting.four_points", 2 if points >= 3 else 1, evidence, primary=False)
            return step
        proposed = proposed or (s, span)
    # A promise with a day (明日ご連絡します) is not vague; "later this week" names no day.
    vague = [
        h
        for h in v.find("vague_follow_up", who="rep")
        if not ((due := v.matches("due", h.sentence.text)) and due.group(0).lower() not in WEEK_WORDS)
    ]
    if vague:
        c.ng("first_contact.vague_follow_up", vague[-1].quote)
        for check in ("first_contact.next_meeting.next_step_agreed", "needs_discovery.wrap_up.next_schedule"):
            c.put(check, 0, [vague[-1]])
    elif proposed:
        for check in ("first_contact.next_meeting.next_step_agreed", "needs_discovery.wrap_up.next_schedule"):
            c.put(check, 1, [proposed[0]])
    return NextStep(set=False)


def _monologue(
    c: _Collector,
    transcript: Transcript,
    call_turns: list[Turn],
    stage_phase: str | None,
    metrics: dict[str, float | int],
) -> None:
    v = c.view
    basis = metrics_basis(transcript)
    longest = None
    for turn in call_turns:
        length = turn.end - turn.start if basis == "timestamps" else turn.talk_s
        if turn.speaker == v.rep_speaker and (longest is None or length > longest[0]):
            longest = (length, turn)
    if longest is None:
        return
    questions = int(metrics["questions_rep"])
    one_sided = float(metrics["talk_ratio_rep"]) >= ONE_SIDED_RATIO and questions <= max(
        2, float(metrics["duration_s"]) / ONE_SIDED_SECONDS_PER_QUESTION
    )
    if longest[0] <= MONOLOGUE_LIMIT_S and not one_sided:
        return
    said = [s for s in v.sentences if s.seg in longest[1].segments]
    first = next((s for s in said if len(s.text) >= 15), said[0])
    c.ng("proposal.ignores_reaction" if stage_phase == "proposal" else "first_contact.one_sided_talk", first.quote())
    c.put("first_contact.rapport.active_listening", 0, [first])


def _listening(c: _Collector, metrics: dict[str, float | int]) -> None:
    if "first_contact.rapport.active_listening" in c.findings or len(c.view.transcript.segments) < 6:
        return
    backchannels = c.view.find("backchannel", who="rep")
    if not backchannels:
        return
    ratio, longest = float(metrics["talk_ratio_rep"]), float(metrics["longest_monologue_rep_s"])
    # One 「なるほど。」 is not a listening habit: 2/2 needs the metrics and more than one backchannel.
    score = 2 if ratio <= 0.6 and longest <= 60 and len(backchannels) >= 2 else 1
    c.put("first_contact.rapport.active_listening", score, backchannels, primary=False)


def score_transcript(
    transcript: Transcript,
    *,
    rubric: Rubric,
    rep: str | None = None,
    stage_phase: str | None = None,
    call_date: date | None = None,
) -> Scorecard:
    """Score one call against the rubric; `call_date` (optional) lets 3月5日 become an ISO due date. Deterministic."""
    if stage_phase is not None and stage_phase not in rubric.phase_ids:
        raise ValueError(f"unknown stage phase {stage_phase!r}; known: {', '.join(rubric.phase_ids)}")
    rep_name, method, confidence = identify_rep(transcript, rep)
    view = CallView(transcript, rep_name)
    rep_asked = [s for s in view.sentences if s.is_rep and s.is_question]
    call_turns = turns(transcript)
    metrics = compute_metrics(
        transcript,
        rep_name,
        rep_questions=(len(rep_asked), sum(s.is_open_question for s in rep_asked)),
        call_turns=call_turns,
    )
    c = _Collector(view)
    _rep_intro(c)
    _purpose_and_research(c)
    _questions(c)
    bant = _bant(c)
    _discovery_depth(c)
    _proposal(c)
    _negotiation(c)
    next_step = _next_step(c)
    commitments = followup.commitments(view, call_date)
    _monologue(c, transcript, call_turns, stage_phase, metrics)
    _listening(c, metrics)

    phase_of = {ch.id: p.id for p, _, ch in rubric.iter_checks()}
    active = {phase_of[k] for k, f in c.findings.items() if f.primary and f.score >= 1 and k in phase_of}
    active |= {n.id.split(".", 1)[0] for n in c.ngs}
    expected = {n.id.split(".", 1)[0] for n in c.ngs}
    if stage_phase:
        active.add(stage_phase)
        expected.add(stage_phase)
    else:
        expected |= {p for p in DEFAULT_EXPECTED if p in active}
    phases = []
    for phase in rubric.phases:
        criteria = []
        for check in phase.checks:
            f = c.findings.get(check.id)
            if f is not None and (f.primary or phase.id in active):
                score, evidence = f.score, f.evidence
            elif check.id in ABSENCE_OBSERVABLE and phase.id in expected:
                score, evidence = 0, ()
            else:
                criteria.append(Criterion(id=check.id, score=None))
                continue
            criteria.append(
                Criterion(
                    id=check.id,
                    score=score,
                    evidence=evidence,
                    advice=followup.advice(rubric, check.id, score, transcript.language),
                )
            )
        phases.append(phase_score(phase, tuple(criteria)))
    overall = overall_score(rubric, tuple(phases))
    card = Scorecard(
        rubric=rubric.id,
        rubric_version=rubric.version,
        language=transcript.language,
        scorer="offline",
        overall=overall,
        phases=tuple(phases),
        metrics=metrics,
        bant=bant,
        next_step=next_step,
        commitments=tuple(commitments),
        ng_behaviors=tuple(c.ngs),
        deal_state=followup.deal_state(view, timeline_known=bant["timeline"].found),
        rep_speaker=RepSpeaker(name=rep_name, method=method, confidence=confidence),
        metrics_basis=metrics_basis(transcript),
    )
    return followup.with_follow_up(consistency.reconcile(card, rubric, transcript), view, call_date)
