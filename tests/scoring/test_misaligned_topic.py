"""Misaligned topic (seed 000, 初回接触 NG: 相手が求める内容とズレた話を続ける): on a first contact the customer sets
the rep right on what they need (issue 13, after blind31/32's first sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "first_contact.misaligned_topic"


def _ngs(rubric: Rubric, said: str, phase: str = "first_contact", language: str = "ja") -> set[str]:
    rep = (
        ("Rep", "Our scheduling board makes route planning much faster.")
        if language == "en"
        else ("営業", "弊社のシステムですと、シフト表がアプリで組めるようになります。")
    )
    who = "Customer" if language == "en" else "顧客"
    card = score_transcript(role_call(rep, (who, said), language=language), rubric=rubric, stage_phase=phase)
    return {n.id for n in card.ng_behaviors}


def test_set_right_on_what_they_need(rubric: Rubric) -> None:
    assert NG in _ngs(rubric, "いや、シフトじゃなくて、欲しいのは勤怠の集計なんですよ。")


@pytest.mark.parametrize(
    "said", ["いや、料金の話じゃなくて、もう他で決めてるんですよ。", "いや、うちは介護じゃなくて保育なんです。"]
)
def test_money_or_their_trade_is_not_this(rubric: Rubric, said: str) -> None:
    assert NG not in _ngs(rubric, said)


def test_an_english_customer_naming_the_real_problem(en_rubric: Rubric) -> None:
    assert NG in _ngs(
        en_rubric, "Planning isn't the problem. The real problem is drivers not showing up.", language="en"
    )
