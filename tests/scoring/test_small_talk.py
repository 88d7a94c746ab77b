"""Small talk stretched (seed 000, 初回接触 NG: 無理に雑談を広げすぎて、時間を浪費する), read from the customer having
to pull the talk back to business or point at the clock after the rep's chat ran on (issue 13, blind9-24). Not the
opening's 「ご用件は」, not a goodbye at the end, not in a later phase. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call

NG = "first_contact.excess_small_talk"
CHAT = [
    ("営業", "どうも、北星システムの高田です。先週の花火大会、行かれました？"),
    ("顧客", "ああ、孫を連れて行きましたよ。"),
    ("営業", "いいですねえ。私も学生の頃は毎年行ってまして、屋台の焼きそばが楽しみで。"),
    ("顧客", "はあ。"),
    ("営業", "そういえば、駅前に新しいラーメン屋もできましたよね。あそこの味噌がまた濃くて。"),
    ("顧客", "そうですか。"),
    ("営業", "釣りはされます？この時期は港でアジがよく釣れるんですよ。"),
]
BUSINESS = [
    ("営業", "失礼しました。配送の受付を、今どのように回していらっしゃいますか。"),
    ("顧客", "電話とファックスで受けて、事務の二人が手で打ち込んでます。"),
    ("営業", "月にどのくらいの件数でしょう。"),
    ("顧客", "八百件くらいですね。月末は夜まで残ってます。"),
    ("営業", "ありがとうございます。来週の木曜、十月九日の十時に、画面をお見せする時間をいただけますか。"),
    ("顧客", "木曜の十時なら大丈夫です。"),
]


def _ngs(rubric: Rubric, call: Transcript, phase: str = "first_contact") -> set[str]:
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    "pull", ["あの、すみません、今日はどういったお話でしたっけ。", "ごめんなさい、この後十一時から来客がありまして。"]
)
def test_a_customer_pulling_back_to_business_after_the_chat_is_small_talk_stretched(rubric, pull):
    assert NG in _ngs(rubric, _call(*CHAT, ("顧客", pull), *BUSINESS))


def test_the_same_call_in_a_later_phase_is_not_read_as_small_talk(rubric):
    pull = "あの、すみません、今日はどういったお話でしたっけ。"
    assert NG not in _ngs(rubric, _call(*CHAT, ("顧客", pull), *BUSINESS), phase="negotiation_closing")


def test_asking_the_purpose_at_the_opening_is_no_small_talk(rubric):
    call = _call(
        ("営業", "お世話になります、北星システムの高田と申します。"),
        ("顧客", "はい、ご用件は何でしょう。"),
        *BUSINESS,
    )
    assert NG not in _ngs(rubric, call)


def test_a_goodbye_at_the_end_is_no_small_talk(rubric):
    call = _call(
        *BUSINESS,
        ("営業", "本日はありがとうございました。"),
        ("顧客", "いえいえ、この後会議があるので、これで失礼します。"),
    )
    assert NG not in _ngs(rubric, call)


def test_an_english_customer_pointing_at_the_clock_after_the_chat(en_rubric):
    call = _call(
        ("Rep", "Hi Dana, it's Sam from Harbourline. Did you catch the regatta on Saturday?"),
        ("Customer", "I did, briefly."),
        ("Rep", "Great day for it. I crewed on a friend's boat years ago, and we ended up last by a mile."),
        ("Customer", "Ha. Right."),
        ("Rep", "And the new cafe on the pier, have you tried their chowder? I go every Friday."),
        ("Customer", "Not yet."),
        ("Rep", "You should, honestly the best in town."),
        ("Customer", "Sam, I only have ten minutes, so what's this about?"),
        ("Rep", "Sorry, of course. How do you book the berths today?"),
        ("Customer", "On a whiteboard and a shared spreadsheet, and we double-book about twice a month."),
        ("Rep", "Could we look at it together on Tuesday, October 7 at 2pm?"),
        ("Customer", "Tuesday at 2 works."),
        language="en",
    )
    assert NG in _ngs(en_rubric, call)
