"""No clear purpose (seed 000, 初回接触 NG): on a first contact the customer has to ask what the call is for once the
talk is under way (issue 13, after blind29/30's first sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "first_contact.no_clear_purpose"


def _ngs(rubric: Rubric, turns: list[tuple[str, str]], phase: str = "first_contact", language: str = "ja") -> set[str]:
    card = score_transcript(role_call(*turns, language=language), rubric=rubric, stage_phase=phase)
    return {n.id for n in card.ng_behaviors}


_LATE = [
    ("営業", "お世話になります、北斗設備の三宅と申します。"),
    ("顧客", "はい、どうも。"),
    ("営業", "いやあ、今朝は冷えましたね。そちらは雪、大丈夫でしたか。"),
    ("顧客", "ええ、少し積もりました。"),
    ("営業", "うちの方なんて車が埋まってしまって、朝から雪かきでしたよ。"),
    ("顧客", "それは大変でしたね。"),
    ("営業", "ええ、もう腰が痛くて。そちらは駐車場も広いですし、大変でしょう。"),
    ("顧客", "まあ……あの、それで、何のお電話でしょう？"),
    ("営業", "失礼しました、ボイラーの遠隔監視のご案内でして。"),
]


def test_the_customer_asking_what_the_call_is_for_once_under_way(rubric: Rubric) -> None:
    assert NG in _ngs(rubric, _LATE)


def test_not_read_outside_a_first_contact(rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, _LATE, phase="needs_discovery")


def test_asked_as_the_call_is_answered_is_how_calls_open(rubric: Rubric) -> None:
    turns = [
        ("営業", "お世話になります、北斗設備の三宅と申します。"),
        ("顧客", "はい、総務の古川です。どういったご用件でしょうか。"),
        ("営業", "ボイラーの遠隔監視のご案内でお電話しました。"),
        ("顧客", "ああ、はい。"),
    ]
    assert NG not in _ngs(rubric, turns)


@pytest.mark.parametrize("asked", ["Sorry, and what is it you sell, exactly?", "Hang on, why are you calling me?"])
def test_an_english_customer_asking_late(en_rubric: Rubric, asked: str) -> None:
    turns = [
        ("Rep", "Hi, this is Dana from Fieldline."),
        ("Customer", "Hi."),
        ("Rep", "Lovely weather out your way this week, I hear."),
        ("Customer", "It's been okay."),
        ("Rep", "My cousin farms near you, he says the harvest looks good."),
        ("Customer", "Sure."),
        ("Rep", "Anyway, you folks have been around a long time, right?"),
        ("Customer", asked),
    ]
    assert NG in _ngs(en_rubric, turns, language="en")
