"""Small talk stretched (seed 000, 初回接触 NG: 無理に雑談を広げすぎて、時間を浪費する) read from the opening's topics:
two or more of the rep's opening turns on chat (the weather, sport, a weekend) that the call never comes back to
(issue 13, fifteenth session). Wording written for these tests."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "first_contact.excess_small_talk"
BUSINESS = [
    ("営業", "それで本日は、配送の受付をどうされているか伺えればと思いまして。"),
    ("顧客", "電話とFAXです。"),
    ("営業", "一日何件くらいですか。"),
    ("顧客", "八十件くらいですね。"),
    ("営業", "受付の方は何名でされていますか。"),
    ("顧客", "二名です。"),
    ("営業", "FAXの読み間違いはありますか。"),
    ("顧客", "たまにあります。"),
    ("営業", "では、来週の火曜に画面をお見せしてもよろしいですか。"),
    ("顧客", "火曜の午後ならいいですよ。"),
]


def _ngs(rubric: Rubric, *opening: tuple[str, str]) -> set[str]:
    call = role_call(*opening, *BUSINESS)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase="first_contact").ng_behaviors}


def test_two_opening_turns_of_chat_never_taken_up_again(rubric: Rubric) -> None:
    assert NG in _ngs(
        rubric,
        ("営業", "いやあ、今日は暑いですね。こっちは朝から三十五度ですよ。"),
        ("顧客", "はあ、そうですね。"),
        ("営業", "そういえば昨日の野球、見ました？九回の逆転、すごかったですね。"),
        ("顧客", "いや、見てないです。"),
    )


def test_one_turn_of_chat_is_an_ordinary_opening(rubric: Rubric) -> None:
    assert NG not in _ngs(
        rubric,
        ("営業", "いやあ、今日は暑いですね。"),
        ("顧客", "ほんまですね。"),
    )


def test_a_topic_the_call_comes_back_to_is_the_business(rubric: Rubric) -> None:
    call = role_call(
        ("営業", "今年は雪が早いですね。もうゲレンデは滑れますか。"),
        ("顧客", "ええ、先週オープンしました。"),
        ("営業", "雪が多いと、リフトの点検も大変ですよね。"),
        ("顧客", "そうなんです。"),
        *BUSINESS[:6],
        ("営業", "雪が降った日の朝は、受付が集中しますか。"),
        ("顧客", "雪が降ると電話が倍になります。"),
        *BUSINESS[6:],
    )
    ngs = {n.id for n in score_transcript(call, rubric=rubric, stage_phase="first_contact").ng_behaviors}
    assert NG not in ngs


def test_english_opening_chat_about_the_game_and_the_weekend(en_rubric: Rubric) -> None:
    business = [
        ("Rep", "So, how do you take delivery bookings today?"),
        ("Customer", "Phone and email."),
        ("Rep", "How many a day?"),
        ("Customer", "About eighty."),
        ("Rep", "Who handles them?"),
        ("Customer", "Two people at the front desk."),
        ("Rep", "Could I show you a screen next Tuesday?"),
        ("Customer", "Tuesday afternoon is fine."),
    ]
    call = role_call(
        ("Rep", "Did you catch the game last night? What a finish."),
        ("Customer", "I didn't, no."),
        ("Rep", "Shame. Any plans for the weekend? I'm heading up to the lake."),
        ("Customer", "Not really."),
        *business,
        language="en",
    )
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="first_contact").ng_behaviors}
    assert NG in ngs
