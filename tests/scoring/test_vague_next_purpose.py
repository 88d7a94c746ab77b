"""Vague next purpose (seed 000, 初回接触 NG: 次回の目的が曖昧なまま次の商談へ進む): the customer asks what the next
meeting is for and the rep's answer names nothing (issue 13, after blind29/30's first sight). Wording written for these
tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "first_contact.vague_next_purpose"


def _ngs(rubric: Rubric, asked: str, answer: str, language: str = "ja") -> set[str]:
    rep, cust = ("Rep", "Customer") if language == "en" else ("営業", "顧客")
    date = "Could we meet on Friday the ninth at eleven?" if language == "en" else "では、九日の金曜、十一時はいかがでしょう。"
    ok = "Friday the ninth at eleven is fine." if language == "en" else "九日の十一時なら空いてます。"
    call = role_call((rep, date), (cust, ok), (cust, asked), (rep, answer), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase="first_contact").ng_behaviors}


@pytest.mark.parametrize(
    "answer", ["ええ、まあ、その時にまた色々とお話しできれば。", "とりあえず一度お顔を見てご挨拶できればと思います。"]
)
def test_asked_what_the_meeting_is_for_and_answered_with_nothing(rubric: Rubric, answer: str) -> None:
    assert NG in _ngs(rubric, "次回は、どんな内容になるんでしょう？", answer)


def test_answered_with_an_agenda_is_not(rubric: Rubric) -> None:
    answer = "倉庫の実測をして、三通りの棚割り案とお見積もりをお持ちします。"
    assert NG not in _ngs(rubric, "次回は、どんな内容になるんでしょう？", answer)


def test_an_english_meeting_left_to_see_where_it_goes(en_rubric: Rubric) -> None:
    answer = "Oh, we'll sort of catch up, and go from there."
    assert NG in _ngs(en_rubric, "And what will we talk about then?", answer, language="en")
