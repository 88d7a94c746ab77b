"""Offline scorer: deterministic marker rules over the transcript, every score backed by verbatim quotes, never a guess."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from scoring import (
    bant_model,
    consistency,
    deal_model,
    deal_state,
    followup,
    next_step_model,
    ng_model,
    normalise,
    speakers,
)
from scoring import commitments as promises
from scoring import rules_after as after
from scoring import rules_closing as closing
from scoring import rules_conduct as conduct
from scoring import rules_discovery as discovery
from scoring.collector import Collector
from scoring.formula import overall_score, phase_score
from scoring.markers import CallView
from scoring.metrics import compute_metrics, identify_rep, metrics_basis, turns
from scoring.rubric import Rubric
from scoring.scorecard import (
    Criterion,
    RepSpeaker,
    Scorecard,
)
from scoring.transcript import Transcript

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
DEFAULT_EXPECTED = ("first_contact", "needs_discovery")


@lru_cache(maxsize=1)
def _customer_vocabulary() -> ng_model.Vocabulary:
    """The n-grams the BANT and deal-state models read in the customer's words: counted once per call, and only
    these, since counting every n-gram of a long call's customer side cost about 1 ms more (docs/benchmarks.md)."""
    bant, deal = bant_model.packaged_model(), deal_model.packaged_model()
    return ng_model.Vocabulary.of(set(bant.idf) | set(deal.idf["customer"]))


def score_transcript(
    transcript: Transcript,
    *,
    rubric: Rubric,
    rep: str | None = None,
    stage_phase: str | None = None,
    call_date: date | None = None,
    learned: bool = True,
) -> Scorecard:
    """Score one call against the rubric; `call_date` (optional) lets 3月5日 become an ISO due date. Deterministic.

    `learned`: add the NG ids, BANT items and next step of the models learned from the labelled calls
    (`scoring/ng_model.py`, `scoring/bant_model.py`, `scoring/next_step_model.py`) to the rules' ones, and let the
    learned deal-state model (`scoring/deal_model.py`) revise the rules' state (the rules' own is kept in
    `extra["deal_state_rules"]` when it differs), and let the NG model drop the rules' NG ids it finds very unlikely
    (`extra["ng_rules_unlikely"]`); off for the LLM's facts, which the LLM reads for itself. The models
    read the call as they were trained on it: speakers named, before the speech clean-up the rules read."""
    if stage_phase is not None and stage_phase not in rubric.phase_ids:
        raise ValueError(f"unknown stage phase {stage_phase!r}; known: {', '.join(rubric.phase_ids)}")
    transcript, guessed = speakers.with_speakers(transcript)
    heard = normalise.normalise(transcript)
    rep_name, method, confidence = identify_rep(heard.transcript, rep)
    if guessed:
        method, confidence = f"{speakers.GUESSED_METHOD}+{method}", min(confidence, speakers.GUESSED_CONFIDENCE)
    view = CallView(heard.transcript, rep_name)
    rep_asked = [s for s in view.sentences if s.is_rep and s.is_question]
    call_turns = turns(transcript)
    metrics = compute_metrics(
        transcript,
        rep_name,
        rep_questions=(len(rep_asked), sum(s.is_open_question for s in rep_asked)),
        call_turns=call_turns,
    )
    c = Collector(view)
    discovery.rep_intro(c)
    discovery.purpose_and_research(c)
    discovery.questions(c)
    bant = discovery.bant(c)
    # The rules' own timing answer: seed 003's deal state reads it, as the deal-state model learned it.
    timeline_known = bant["timeline"].found
    # Who decides, as the rules read it: the learned BANT model marks authority on lines that name nobody, which hid
    # the unasked decider on 7 labelled calls (docs/scoring.md, "Blind sets 73–76").
    rules_authority = bant["authority"]
    customer_said = [s.text for s in transcript.segments if s.speaker != rep_name]
    customer_counts = _customer_vocabulary().counts(customer_said) if learned else None
    learned_bant = (
        bant_model.add_learned(c, bant, customer_said, customer_counts, language=transcript.language) if learned else []
    )
    discovery.discovery_depth(c)
    discovery.decision_maker_unknown(c, stage_phase, rules_authority)
    discovery.surface_only(c, stage_phase)
    discovery.taken_at_face_value(c, stage_phase)
    closing.proposal(c, stage_phase)
    closing.negotiation(c, stage_phase)
    next_step = closing.next_step(c)
    rules_next_step = next_step.set
    if learned:
        next_step = next_step_model.add_learned(c, next_step, transcript.segments)
    commitments = promises.commitments(view, call_date)
    conduct.shallow_questions(c)
    conduct.vague_answer(c)
    conduct.no_roi(c)
    conduct.concern_passed_over(c)
    conduct.came_back_to(c, stage_phase)
    conduct.attacks_competitor(c)
    conduct.case_mismatch(c)
    conduct.scale_said_small(c, stage_phase)
    conduct.big_case(c, stage_phase)
    conduct.slide_overload(c)
    after.pushy_upsell(c, stage_phase)
    after.trouble_left(c, commitments, stage_phase)
    after.changes_ignored(c, stage_phase)
    after.upsell_answered(c, stage_phase)
    after.touchpoints_lost(c, stage_phase)
    after.feedback_parked(c, stage_phase)
    after.kickoff(c, stage_phase)
    after.rollout(c, stage_phase)
    after.lost_to_rival(c, stage_phase)
    after.complaints_not_objections(c, stage_phase)
    conduct.pushy_schedule(c)
    conduct.small_talk_stretched(c, stage_phase)
    conduct.off_target(c, stage_phase)
    conduct.purpose_asked_late(c, stage_phase)
    conduct.next_purpose_vague(c)
    conduct.ignores_reaction(c, stage_phase)
    conduct.rushes_ahead(c, stage_phase)
    conduct.no_next_action(c, next_step, commitments, stage_phase)
    heard_turns = call_turns if not heard.changed else turns(heard.transcript)
    closing.monologue(c, heard.transcript, heard_turns, stage_phase, metrics)
    conduct.seller_driven(c, stage_phase)
    closing.listening(c, metrics)
    after.later_phase_reading(c, stage_phase)
    learned_ids: list[str] = []
    dropped_ids: list[str] = []
    if learned:
        rep_said = [s.text for s in transcript.segments if s.speaker == rep_name]
        first = ng_model.packaged_model()
        rep_counts = first.vocabulary_counts(rep_said)
        dropped_ids = ng_model.drop_unlikely(c, rep_said, transcript.language, tf=rep_counts)
        valid_ng = {n.id for p in rubric.phases for n in p.ng_behaviors}
        # On English calls the word model learned from English calls alone adds what the first model left; its ids
        # come after the first's, so the ids lent to the LLM card (read from the first model) are unchanged.
        readers: list[tuple[ng_model.NgModel, Mapping[str, int] | None]] = [(first, rep_counts)]
        if (second := ng_model.language_model(transcript.language)) is not None:
            readers.append((second, None))
        for reader, tf in readers:
            learned_ids += ng_model.add_learned(
                c,
                rep_said,
                valid_ng,
                model=reader,
                tf=tf,
                language=transcript.language,
                stage_phase=stage_phase,
                next_step_set=next_step.set,
                authority_known=bant["authority"].found,
            )

    rules_state = deal_state.deal_state(view, timeline_known=timeline_known, stage_phase=stage_phase)
    state = rules_state
    if learned:
        model = deal_model.packaged_model()
        state = model.state(
            deal_model.call_text(
                transcript.segments, rep_name, rules_state, stage_phase, model.tail_turns, customer_counts
            )
        )
    extra: dict[str, Any] = {"learned_ng": learned_ids} if learned_ids else {}
    if dropped_ids:
        extra["ng_rules_unlikely"] = dropped_ids
    if learned_bant:
        extra["learned_bant"] = learned_bant
    if next_step.set and not rules_next_step:
        extra["learned_next_step"] = True
    if state != rules_state:
        extra["deal_state_rules"] = rules_state

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
        phases.append(phase_score(rubric, phase, tuple(criteria), c.ngs))
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
        deal_state=state,
        rep_speaker=RepSpeaker(name=rep_name, method=method, confidence=confidence),
        metrics_basis=metrics_basis(transcript),
        extra=extra,
    )
    card = normalise.restore_quotes(card, heard)
    return followup.with_follow_up(consistency.reconcile(card, rubric, transcript), view, call_date)
