"""BANT said without being asked (issue 13, blind21–24's misses): who decided or decides together, an approval
already given, one's own signature by kind; a slip owned up to or a supply that may not last as a need. Wording
written for these tests; the rep asks nothing about them, so only the customer's own words can find them."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _found(rubric: Rubric, key: str, said: str, language: str = "ja") -> bool:
    rep = ("Rep", "Thanks for the update.") if language == "en" else ("営業", "ありがとうございます。")
    who = "Customer" if language == "en" else "顧客"
    card = score_transcript(
        role_call(rep, (who, said), language=language), rubric=rubric, stage_phase="needs_discovery"
    )
    return card.bant[key].found


@pytest.mark.parametrize(
    "said",
    [
        "ええ、決めたのはうちの専務なんですよ。",
        "こういうのは、私と主人で決めるんです。",
        "本部の稟議はもう通ってます。",
        # The thirty-fourth session, over every labelled call (wording written for this test).
        "店長がOK出さないと、うちは何も入れられないんです。",
        "切り替えの判断は、総務の課長です。",
        "店のことは全部、兄貴が決めてんねん。",
        "わしが店主やからな。",
    ],
)
def test_authority_said_unasked_in_japanese(rubric, said):
    assert _found(rubric, "authority", said)


@pytest.mark.parametrize(
    "said",
    [
        "Our trustees approved it last week.",
        "I sign contracts under twenty thousand myself.",
        "Anything like this goes to the parish commission.",
    ],
)
def test_authority_said_unasked_in_english(en_rubric, said):
    assert _found(en_rubric, "authority", said, "en")


@pytest.mark.parametrize(
    "said", ["先月、配送の日を取り違えてやらかしましてね。", "店の古い冷蔵庫が、いつまでもつかという状態でして。"]
)
def test_a_slip_owned_up_to_or_a_supply_that_may_not_last_is_a_need(rubric, said):
    assert _found(rubric, "need", said)


def test_a_decision_still_open_is_no_authority(rubric):
    assert not _found(rubric, "authority", "誰が決めるかは、まだ分からないです。")


@pytest.mark.parametrize(
    "said",
    [
        "正直なところ、こっちで考えてたのは月に四万円くらいなんですよ。",
        "今払ってる一万二千円より上は、ちょっと払えないですね。",
        "今年度の予算は、もう一円も残ってないんです。",
    ],
)
def test_a_budget_had_in_mind_a_ceiling_or_none_left_in_japanese(rubric, said):
    assert _found(rubric, "budget", said)


@pytest.mark.parametrize(
    "said",
    ["Honestly I was thinking about three hundred a month, max.", "The owner won't let us spend a dime until spring."],
)
def test_a_budget_had_in_mind_or_none_at_all_in_english(en_rubric, said):
    assert _found(en_rubric, "budget", said, "en")


def _timeline(rubric: Rubric, reply: str) -> bool:
    call = role_call(
        ("営業", "スケジュールですが、11月中に設定を終えて、12月1日から本稼働という流れです。"),
        ("顧客", reply),
    )
    return score_transcript(call, rubric=rubric, stage_phase="contract_implementation").bant["timeline"].found


def test_a_dated_schedule_the_customer_confirms_is_the_timeline(rubric):
    assert _timeline(rubric, "はい、その流れで大丈夫です。")


def test_a_dated_schedule_the_customer_pushes_back_on_is_no_timeline(rubric):
    assert not _timeline(rubric, "いや、12月は繁忙期なので、それはちょっと難しいです。")


def test_a_problem_recapped_and_confirmed_with_sou_nan_desu_is_the_need(rubric):
    call = role_call(
        ("営業", "前回、月末の請求書づくりに毎回二日かかっている、とおっしゃってましたね。"),
        ("顧客", "そうなんです。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="proposal")
    assert card.bant["need"].found


def test_who_decides_said_as_the_reason_for_a_request_is_authority(rubric):
    assert _found(rubric, "authority", "そういうのは家内が決めるんで、家内がいる土曜にしてもらえます？")
    assert not _found(rubric, "need", "そういうのは家内が決めるんで、家内がいる土曜にしてもらえます？")


def test_deciding_together_with_a_relative_is_authority(en_rubric):
    assert _found(en_rubric, "authority", "My sister and I decide these things together.", "en")


def test_a_bill_that_grew_told_as_tough_is_a_need(rubric):
    assert _found(rubric, "need", "電気代が去年の倍近くになってて、ほんましんどいわ。")


def test_an_alert_that_never_came_is_a_need(en_rubric):
    assert _found(en_rubric, "need", "The cooler hit twelve degrees overnight and we never got an alert.", "en")


def test_when_do_you_need_it_answered_with_a_month_is_the_timeline(en_rubric):
    call = role_call(
        ("Rep", "When do you need the sensors working out there?"),
        ("Customer", "By next September, before the first frost."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery").bant["timeline"].found


def test_when_answered_with_nobody_knows_is_no_timeline(en_rubric):
    call = role_call(
        ("Rep", "When would you like to start?"),
        ("Customer", "Honestly, nobody knows when the office move wraps up. Could be spring, could be next year."),
        language="en",
    )
    assert not score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery").bant["timeline"].found
