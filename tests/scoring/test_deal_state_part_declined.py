"""A no to one part of an offer, then a yes to the rest, is no lost deal (issue 13, after blind35's first sight: seed
003 counts ボツ only when the deal is declined). A no with nothing taken after it stays ボツ. Wording written for these
tests, unlike any labelled call."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _state(rubric: Rubric, last: str) -> str | None:
    call = role_call(
        ("営業", "勤怠のオプションも付けられますが、いかがですか。"),
        ("顧客", "ああ、勤怠は要らない。今のタイムカードを変える気はないから。"),
        ("営業", "承知しました。では、在庫管理のプランを月四万二千円、来月一日からでいかがでしょう。"),
        ("顧客", last),
    )
    return score_transcript(call, rubric=rubric, stage_phase="negotiation_closing").deal_state


@pytest.mark.parametrize("last", ["うん、それでいきましょう。", "じゃあ、そのプランでお願いします。"])
def test_a_part_turned_down_and_the_rest_taken_is_no_botsu(rubric: Rubric, last: str) -> None:
    assert _state(rubric, last) != "botsu"


def test_a_no_with_nothing_taken_after_it_stays_botsu(rubric: Rubric) -> None:
    assert _state(rubric, "いや、今回は全部見送りで。") == "botsu"


def test_a_no_then_a_polite_close_stays_botsu(rubric: Rubric) -> None:
    call = role_call(
        ("営業", "在庫管理のプランを月四万二千円でご提案します。"),
        ("顧客", "うーん、正直、入れる気はないです。"),
        ("営業", "承知しました。また何かあればご連絡ください。"),
        ("顧客", "はい、よろしくお願いします。"),
    )
    assert score_transcript(call, rubric=rubric, stage_phase="negotiation_closing").deal_state == "botsu"


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("追加のほうは、台数を増やす予定はないので。", "ja"),
        ("I'm not looking to add anything this year.", "en"),
        ("And the analytics module is a no, sorry.", "en"),
    ],
)
def test_no_plan_to_take_it_on_is_a_decline(rubric: Rubric, en_rubric: Rubric, said: str, language: str) -> None:
    rep = (
        ("Rep", "We could add the analytics module for 300 a month.")
        if language == "en"
        else ("営業", "端末を二台追加されてはいかがでしょう。")
    )
    cust = "Customer" if language == "en" else "顧客"
    card = score_transcript(
        role_call(rep, (cust, said), language=language),
        rubric=en_rubric if language == "en" else rubric,
        stage_phase="after_follow",
    )
    assert card.deal_state == "botsu"
