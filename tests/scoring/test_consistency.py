"""The consistency pass on cards a scorer (an LLM, say) got wrong: the issue-13 contradictions are resolved, not shown."""

from __future__ import annotations

import dataclasses

from scoring.consistency import reconcile
from scoring.formula import overall_score, phase_score
from scoring.rubric import Rubric
from scoring.scorecard import BantItem, Criterion, Evidence, NgObservation, PhaseScore, Scorecard
from scoring.transcript import Transcript


def _with(card: Scorecard, check_id: str, **changes: object) -> Scorecard:
    phases = tuple(PhaseScore(p.id, p.score, tuple(dataclasses.replace(c, **changes) if c.id == check_id else c
                                                   for c in p.criteria)) for p in card.phases)
    return dataclasses.replace(card, phases=phases)


def test_bant_criterion_2_with_the_block_saying_no_is_lowered(good_card: Scorecard, good_call: Transcript,
                                                              rubric: Rubric) -> None:
    asked = good_card.criterion("needs_discovery.bant.budget").evidence
    card = dataclasses.replace(good_card, bant={**good_card.bant, "budget": BantItem(found=False)})
    fixed = reconcile(_with(card, "needs_discovery.bant.budget", score=2, evidence=asked), rubric, good_call)
    assert fixed.criterion("needs_discovery.bant.budget").score == 1


def test_a_block_found_on_an_invented_quote_is_not_found(good_card: Scorecard, good_call: Transcript,
                                                         rubric: Rubric) -> None:
    card = dataclasses.replace(good_card, bant={**good_card.bant, "budget": BantItem(True, "予算は無制限です。")})
    fixed = reconcile(card, rubric, good_call)
    assert not fixed.bant["budget"].found and fixed.criterion("needs_discovery.bant.budget").score != 2


def test_listening_on_one_naruhodo_is_not_2(good_card: Scorecard, good_call: Transcript, rubric: Rubric) -> None:
    one = (Evidence("なるほど。"),) if any("なるほど。" in s.text for s in good_call.segments) else (
        Evidence(next(s.text for s in good_call.segments)),)
    card = _with(good_card, "first_contact.rapport.active_listening", score=2, evidence=one)
    assert reconcile(card, rubric, good_call).criterion("first_contact.rapport.active_listening").score == 1


def test_scores_without_quotes_are_not_assessed_and_the_overall_follows(good_card: Scorecard, good_call: Transcript,
                                                                        rubric: Rubric) -> None:
    card = _with(good_card, "first_contact.self_introduction.name_title_company", score=2, evidence=(Evidence("存在しない引用です。"),))
    fixed = reconcile(card, rubric, good_call)
    assert fixed.criterion("first_contact.self_introduction.name_title_company").score is None
    phase = fixed.phase("first_contact")
    assert phase.score == phase_score(rubric, rubric.phase("first_contact"), phase.criteria, fixed.ng_behaviors).score
    assert fixed.overall == overall_score(rubric, fixed.phases)
    assert fixed.extra["coverage"]["phases_scored"] == sum(p.score is not None for p in fixed.phases)


def test_advice_reading_the_criterion_back_is_replaced_by_the_seeds_phrasing(
        weak_card: Scorecard, weak_call: Transcript, rubric: Rubric) -> None:
    low = next(c for c in weak_card.assessed() if c.score == 0 and rubric.item_of(c.id).examples)
    text = rubric.check(low.id).text
    fixed = reconcile(_with(weak_card, low.id, advice=f"改善ポイント：{text}"), rubric, weak_call).criterion(low.id)
    assert fixed.advice and text not in fixed.advice


def test_reconcile_is_idempotent(good_card: Scorecard, good_call: Transcript, rubric: Rubric) -> None:
    once = reconcile(good_card, rubric, good_call)
    assert reconcile(once, rubric, good_call) == once == good_card


def test_each_ng_behaviour_takes_the_rubrics_points_off_its_own_phase_never_below_zero(rubric: Rubric) -> None:
    phase = rubric.phase("first_contact")
    full = tuple(Criterion(id=c.id, score=2, evidence=(Evidence("はい。"),)) for c in phase.checks)
    ng = NgObservation(id="first_contact.vague_follow_up")
    elsewhere = NgObservation(id="proposal.rambling")
    assert phase_score(rubric, phase, full).score == 100
    assert phase_score(rubric, phase, full, [ng, elsewhere]).score == 90
    assert phase_score(rubric, phase, full, [ng, elsewhere]).ng_deduction == 10
    low = tuple(Criterion(id=c.id, score=0 if i else 1) for i, c in enumerate(phase.checks))
    floored = phase_score(rubric, phase, low, [ng] * 12)
    assert floored.score == 0 and floored.ng_deduction == phase_score(rubric, phase, low).score
    off = dataclasses.replace(rubric, ng_penalty=0)
    assert phase_score(off, phase, full, [ng]).score == 100
