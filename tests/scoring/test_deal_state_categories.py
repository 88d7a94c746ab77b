"""Deal-state categories after blind7's first sight, in other wording than any labelled call: a no said as "we're
fine" or as the offer turned down this time (botsu), a price complaint reported in someone else's words (not the
customer's objection), an "oh" that welcomes the rep's timing (no hesitation)."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _state(rubric: Rubric, call: Transcript) -> str | None:
    return score_transcript(call, rubric=rubric, stage_phase="proposal").deal_state


@pytest.mark.parametrize(
    "said",
    [
        "申し訳ないけど、こっちはいいや。",
        "今回は、その保守の追加は結構です。",
    ],
)
def test_a_no_said_as_we_are_fine_or_turned_down_this_time_is_botsu(rubric: Rubric, said: str) -> None:
    call = _call(
        ("営業", "保守の追加プランですと、月額8千円で、来月から切り替えられます。"),
        ("顧客", said),
        ("営業", "承知しました。またご案内させてください。"),
    )
    assert _state(rubric, call) == "botsu"


def test_taking_the_offer_with_kekkou_is_no_decline(rubric: Rubric) -> None:
    call = _call(
        ("営業", "保守の追加プランですと、月額8千円で、来月から切り替えられます。"),
        ("顧客", "それで結構です。来月からお願いします。"),
    )
    assert _state(rubric, call) != "botsu"


def test_a_price_complaint_reported_in_someone_elses_words_is_not_the_customers_objection(rubric: Rubric) -> None:
    call = _call(
        ("営業", "ご提案のプランは、1店舗あたり月1万2千円で、4月から導入できます。"),
        ("顧客", "うちは去年、会員さんから「月謝が高い」って声が何件も出てね。"),
        ("営業", "そうでしたか。このプランで4月からでよろしいでしょうか。"),
        ("顧客", "うん、そのプランで4月からお願いします。"),
    )
    assert _state(rubric, call) == "shodan"


def test_an_oh_that_welcomes_the_reps_timing_is_no_hesitation(en_rubric: Rubric) -> None:
    call = _call(
        ("Rep", "The Standard plan is 700 a month, which is what we discussed."),
        ("Customer", "Yes, 700 a month on the Standard plan works for us."),
        ("Rep", "We could switch you over on May first, after your busy season."),
        ("Customer", "Oh, that's great. That keeps the busy season clear."),
        language="en",
    )
    assert _state(en_rubric, call) == "shodan"


def test_timing_waiting_to_become_clear_is_no_timeline(rubric: Rubric) -> None:
    call = _call(
        ("営業", "導入の時期はいかがでしょうか。"),
        ("顧客", "プランと金額はそれで決まりなので、時期が見えたら、こちらからご連絡します。"),
    )
    assert not score_transcript(call, rubric=rubric, stage_phase="proposal").bant["timeline"].found


@pytest.mark.parametrize(
    "said",
    [
        "それと、先ほどの社長様向けの一枚ものも、スケジュール案と一緒にお送りします。",
        "お客様から、いつ仕上がりますかという電話が一日に何本も来るんですよね。",
    ],
)
def test_a_schedule_to_come_or_someone_elses_when_is_no_timing(rubric: Rubric, said: str) -> None:
    call = _call(
        ("営業", "では、ビジネスプラン50IDで、月額22万1000円ということで。"),
        ("顧客", "この金額なら、私の決裁で進めて大丈夫です。"),
        ("営業", said),
    )
    assert _state(rubric, call) == "wadai"
