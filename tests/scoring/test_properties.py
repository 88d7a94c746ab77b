"""Scorecard invariants (issue 13) over every labelled call and over transcripts generated from the rubric's own phrases.

Each property was seen failing once with its invariant broken in scoring/ (docs/scoring.md, "Invariants").
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import due as due_rules
from scoring.evaluation import load_labelled, quotes
from scoring.markers import absolute_due
from scoring.offline import score_transcript
from scoring.render import html_to_text, render_note_html
from scoring.rubric import Rubric, load_rubric
from scoring.scorecard import BANT_KEYS, Scorecard
from scoring.transcript import Transcript, parse_transcript

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled"
CALL_DATE = date(2026, 12, 3)
RUBRIC = load_rubric("sales-7-phase", "ja")
RUBRIC_EN = load_rubric("sales-7-phase", "en")
LISTENING = ("first_contact.rapport.active_listening", "needs_discovery.open_questions.listening")
PROPS = settings(deadline=None, derandomize=True, database=None, max_examples=60,
                 suppress_health_check=[HealthCheck.too_slow])

# The rubric's own example phrases (seed 000), one utterance per 「…」, as the rep says them.
REP_LINES = sorted({q.replace("○○", "田中").replace("〇〇", "田中") for _, item, _ in RUBRIC.iter_checks()
                    for q in re.findall(r"「([^」]{4,})」", " ".join(item.examples))})
CUSTOMER_LINES = [
    "ご予算は年間300万円で確保しています。", "最終的には部長の決裁になります。", "月末の集計に3日かかっていて困っています。",
    "4月から導入したいと考えています。", "ただ、現場が使いこなせるかどうか…。", "やはり価格が気になりますね。",
    "正直、月額20万円は高いですね。", "今回は見送らせていただきます。", "はい、12月10日の14時で大丈夫です。", "なるほど。",
    "はい。", "えっと、予算はまだ決まっていません。", "本日中に社内の資料をお送りします。", "スタンダードプランで十分です。",
]
PROMISES = ["本日中にお見積りをお送りします。", "今日の17時までに資料をお送りします。", "明日までに議事録をお送りします。",
            "12月10日までに提案書をご用意します。", "来週中に事例をお送りします。", "確認してご連絡いたします。",
            "明日の正午までに契約書をお送りします。", "15時半までに見積書をお送りします。"]


def violations(card: Scorecard, transcript: Transcript, rubric: Rubric, call_date: date | None) -> list[str]:
    """Every broken invariant of one scorecard, as readable lines (empty when the card is consistent)."""
    out: list[str] = []
    segments = [s.text for s in transcript.segments]
    for c in card.assessed():
        if c.score and not c.evidence:
            out.append(f"{c.id}: {c.score} without a quote")
        if c.id in LISTENING and c.score == 2 and len(c.evidence) < 2:
            out.append(f"{c.id}: 2/2 on one backchannel")
        check = rubric.check(c.id)
        if c.advice and check is not None and check.text in c.advice:
            out.append(f"{c.id}: advice repeats the criterion")
    out += [f"quote not verbatim: {q!r}" for q in quotes(card) if not any(q in s for s in segments)]
    for key in BANT_KEYS:
        criterion = card.criterion(f"needs_discovery.bant.{key}")
        if card.bant[key].found != (criterion is not None and criterion.score == 2):
            out.append(f"bant.{key}: block {card.bant[key].found}, criterion {criterion and criterion.score}")
    scored = [p.id for p in card.phases if p.score is not None]
    for p in card.phases:
        weight = {c.id: c.weight for c in rubric.phase(p.id).checks}
        assessed = [c for c in p.criteria if c.score is not None]
        if not assessed:
            continue
        share = round(100 * sum(weight[c.id] * c.score for c in assessed) / sum(2 * weight[c.id] for c in assessed))
        shown = [n.id for n in card.ng_behaviors if n.id.startswith(f"{p.id}.")]
        if p.score != max(0, share - rubric.ng_penalty * len(shown)):
            out.append(f"{p.id}: {p.score}, not {share} less {rubric.ng_penalty} for each of {shown}")
    coverage = card.extra.get("coverage") or {}
    if coverage.get("phases_scored") != len(scored) or coverage.get("scored") != scored:
        out.append(f"coverage {coverage} but phases scored {scored}")
    if coverage.get("phases_total") != len(rubric.phases) or (card.overall is None) != (not scored):
        out.append("overall and coverage disagree")
    note = html_to_text(render_note_html(card, lang="en", rubric=RUBRIC_EN))
    if card.overall is not None and f"over {len(scored)} of {len(rubric.phases)} phases" not in note:
        out.append("the note's overall score does not show its coverage")
    for p in card.phases:
        if p.ng_deduction and f"{p.score} (−{p.ng_deduction} for NG behaviours)" not in note:
            out.append(f"the note's {p.id} score does not show its NG deduction")
    why = next((line for line in note.splitlines() if line.startswith("Not assessed (")), "")
    unscored = [p for p in RUBRIC_EN.phases if p.id not in scored]
    if unscored and not (why.endswith("DealCoach does not guess.") and all(p.label in why for p in unscored)):
        out.append(f"the note does not say why {[p.id for p in unscored]} are not assessed: {why!r}")
    rep_promises = [c for c in card.commitments if c.owner == "rep"]
    hours = {a.id: a.due_in_hours for a in card.next_actions}
    for c in card.commitments:
        named = absolute_due(c.text, call_date) or (
            d.isoformat() if (d := due_rules.named_day(c.due_hint, call_date)) else None)
        if named and (c.due is None or c.due[:10] > named):
            out.append(f"promise {c.text!r} due {c.due}, later than the named {named}")
        at = due_rules.named_time(c.text)
        if at is not None and (c.due_clock is None or c.due_clock > at or (call_date and c.due is None)):
            out.append(f"promise {c.text!r} due {c.due} {c.due_time}, later than the named {at}")
        if named and c.owner == "rep" and call_date:
            bound = max(8, (date.fromisoformat(named) - call_date).days * 24)
            action = f"commitment_{rep_promises.index(c) + 1}"
            if hours.get(action, 0) > bound:
                out.append(f"{action} due in {hours[action]} h, later than {named}")
    return out


def _labelled() -> list[tuple[str, Path, dict]]:
    return [(f"{part}/{c.name}", c.path, c.labels) for part in sorted(d.name for d in LABELLED.iterdir() if d.is_dir()) for c in load_labelled(LABELLED / part)]


@pytest.mark.parametrize(("name", "path", "labels"), _labelled(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_labelled_call_gives_a_consistent_scorecard(name: str, path: Path, labels: dict) -> None:
    transcript = parse_transcript(path.read_bytes(), filename=path.name)
    rubric = RUBRIC if transcript.language == "ja" else RUBRIC_EN
    card = score_transcript(transcript, rubric=rubric, stage_phase=labels.get("stage_phase"), call_date=CALL_DATE)
    assert violations(card, transcript, rubric, CALL_DATE) == []


def _render(turns: list[tuple[bool, str]], style: str) -> tuple[bytes, str]:
    if style == "json":
        segments = [{"speaker": "佐藤" if rep else "高橋", "role": "rep" if rep else "customer", "start": i * 9.0,
                     "end": i * 9.0 + 8, "text": text} for i, (rep, text) in enumerate(turns)]
        return json.dumps({"language": "ja", "segments": segments}, ensure_ascii=False).encode(), "call.json"
    lines = [f"{'佐藤' if rep else '高橋'}：{text}" for rep, text in turns]
    return ("株式会社ミライの佐藤と申します。\n" if style == "intro" else "").encode() + "\n".join(lines).encode(), "call.txt"


TURNS = st.lists(st.one_of(st.tuples(st.just(True), st.sampled_from(REP_LINES + PROMISES)),
                           st.tuples(st.just(False), st.sampled_from(CUSTOMER_LINES))), min_size=2, max_size=24)


@settings(PROPS, max_examples=150)
@given(turns=TURNS, style=st.sampled_from(["json", "text", "intro"]),
       stage=st.sampled_from([None, "first_contact", "needs_discovery", "proposal", "negotiation_closing"]))
def test_generated_calls_from_the_rubrics_phrases_give_consistent_scorecards(
        turns: list[tuple[bool, str]], style: str, stage: str | None) -> None:
    data, filename = _render(turns, style)
    transcript = parse_transcript(data, filename=filename)
    card = score_transcript(transcript, rubric=RUBRIC, stage_phase=stage, call_date=CALL_DATE)
    assert violations(card, transcript, RUBRIC, CALL_DATE) == []


def test_the_generator_reaches_what_the_properties_are_about() -> None:
    """The phrase pools carry BANT, listening, promises for today and a scored phase, so the properties are not vacuous."""
    turns = [(True, "株式会社ミライの佐藤と申します。"), (False, CUSTOMER_LINES[0]), (True, "なるほど。"),
             (False, CUSTOMER_LINES[2]), (True, PROMISES[1]), (False, "なるほど。"), (True, PROMISES[0])]
    data, filename = _render(turns, "json")
    transcript = parse_transcript(data, filename=filename)
    card = score_transcript(transcript, rubric=RUBRIC, stage_phase="needs_discovery", call_date=CALL_DATE)
    assert card.bant["budget"].found and card.criterion("needs_discovery.bant.budget").score == 2
    assert {c.due for c in card.commitments if c.owner == "rep"} == {CALL_DATE.isoformat()}
    assert card.criterion("first_contact.rapport.active_listening").score == 1  # one なるほど is not a habit
    assert card.extra["coverage"]["phases_scored"] >= 1 and len(REP_LINES) > 30
    assert violations(card, transcript, RUBRIC, CALL_DATE) == []


_LABELLED_CARD = None


def _base() -> tuple[Scorecard, Transcript]:
    """One labelled call's offline card, the raw material the 'LLM' below rewrites."""
    global _LABELLED_CARD
    if _LABELLED_CARD is None:
        path = LABELLED / "tune" / "discovery_good.ja.json"
        transcript = parse_transcript(path.read_bytes(), filename=path.name)
        _LABELLED_CARD = (score_transcript(transcript, rubric=RUBRIC, call_date=CALL_DATE), transcript)
    return _LABELLED_CARD


@settings(PROPS, max_examples=25)
@given(data=st.data())
def test_any_card_a_model_could_return_is_made_consistent(data: st.DataObject) -> None:
    """A model's card may claim anything (scores, quotes, BANT); what leaves score_call keeps every invariant."""
    import dataclasses

    from scoring.consistency import reconcile
    from scoring.scorecard import BantItem, Evidence, PhaseScore

    card, transcript = _base()
    real = [s.text for s in transcript.segments]
    quote = st.one_of(st.sampled_from(real), st.sampled_from(["予算は無制限です。", "なるほど。", "x"]))
    phases = []
    for p in card.phases:
        criteria = []
        for c in p.criteria:
            score = data.draw(st.sampled_from([None, 0, 1, 2]))
            evidence = tuple(Evidence(q) for q in data.draw(st.lists(quote, max_size=3)))
            advice = data.draw(st.sampled_from(["", f"改善ポイント：{RUBRIC.check(c.id).text}", "別の言い方で"]))
            criteria.append(dataclasses.replace(c, score=score, evidence=evidence, advice=advice))
        phases.append(PhaseScore(p.id, data.draw(st.sampled_from([None, 50, 100])), tuple(criteria)))
    bant = {k: BantItem(found=data.draw(st.booleans()), evidence=data.draw(quote)) for k in BANT_KEYS}
    claimed = dataclasses.replace(card, phases=tuple(phases), bant=bant, overall=data.draw(st.sampled_from([None, 7, 77])))
    fixed = reconcile(claimed, RUBRIC, transcript)
    assert violations(fixed, transcript, RUBRIC, CALL_DATE) == []


def test_a_promise_for_today_becomes_a_task_due_today_not_in_a_week() -> None:
    """Issue 13's case end to end: the scorer's commitments feed the follow-up SLA rules (seed 001)."""
    from tests.sla.sla_helpers import call, deal, jst, run, state

    path = LABELLED / "blind" / "b10_today_promises_mobile.ja.json"
    transcript = parse_transcript(path.read_bytes(), filename=path.name)
    card = score_transcript(transcript, rubric=RUBRIC, call_date=date(2026, 11, 20))
    promises = [c.to_dict() for c in card.commitments if c.owner == "rep"]
    assert len(promises) == 2 and {p["due"] for p in promises} == {"2026-11-20"}
    plan = run(state(jst(2026, 11, 20, 17, 5), [deal()], [call(commitments=promises)]))
    dues = [t.due for t in plan.create if t.rule in ("promise_small", "promise_deliverable") and "interim" not in t.key]
    assert dues and all(d <= jst(2026, 11, 20, 23, 59) for d in dues), dues
