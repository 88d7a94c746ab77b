"""Taken at face value (seed 000, ニーズヒアリング NG: 顧客の言葉を鵜呑みにし、真の課題を見極めない): in a discovery
call the customer says it works well enough and the rep accepts it without a question, or the rep agrees outright
with the customer's own diagnosis (issue 13, after blind29/30's first sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "needs_discovery.taken_at_face_value"


def _ngs(rubric: Rubric, *turns: tuple[str, str], phase: str = "needs_discovery", language: str = "ja") -> set[str]:
    card = score_transcript(role_call(*turns, language=language), rubric=rubric, stage_phase=phase)
    return {n.id for n in card.ng_behaviors}


ASKED = ("営業", "配車の割り当ては、今どうされていますか。")
FINE = ("顧客", "ホワイトボードですね。まあ、それで一応回ってはいるんですよ。")


def test_it_works_well_enough_accepted_without_a_question(rubric: Rubric) -> None:
    assert NG in _ngs(rubric, ASKED, FINE, ("営業", "回っているなら安心しました。では次に料金の件ですが。"))


def test_it_works_well_enough_then_dug_into_is_not(rubric: Rubric) -> None:
    dug = ("営業", "一応、というと、回らなくなる日もあるんでしょうか？")
    assert NG not in _ngs(rubric, ASKED, FINE, dug)


def test_not_read_outside_discovery(rubric: Rubric) -> None:
    accepted = ("営業", "回っているなら安心しました。では次に料金の件ですが。")
    assert NG not in _ngs(rubric, ASKED, FINE, accepted, phase="proposal")


def test_agreeing_outright_with_the_customers_diagnosis(rubric: Rubric) -> None:
    cause = ("顧客", "遅れの原因は、どう考えても運転手の数が足りないからです。")
    assert NG in _ngs(rubric, ASKED, cause, ("営業", "おっしゃる通りですね。人手不足はどこも深刻ですから。"))


@pytest.mark.parametrize(
    "reply", ["Good to hear. So, about pricing.", "Okay, you're right, that sounds like the driver shortage."]
)
def test_english_words_taken_at_face_value(en_rubric: Rubric, reply: str) -> None:
    asked = ("Rep", "How do you assign the trucks today?")
    fine = ("Customer", "A whiteboard, and honestly it works okay, and it's the driver shortage really.")
    assert NG in _ngs(en_rubric, asked, fine, ("Rep", reply), language="en")
