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


def _after_sales(rubric: Rubric, said: str, stage: str = "after_follow", then: str = "承知しました。") -> str | None:
    call = role_call(
        ("営業", "その件は本日中に担当から折り返させます。ところで、上位の分析プランが月一万五千円でございまして。"),
        ("顧客", said),
        ("営業", then),
        ("顧客", "はい。"),
    )
    return score_transcript(call, rubric=rubric, stage_phase=stage).deal_state


@pytest.mark.parametrize(
    "said", ["分析プランは要らないです、正直。", "いや、そういうのはもういいです。", "上位プランなんかやらへんよ。"]
)
def test_an_after_sales_offer_refused_outright_is_botsu(rubric: Rubric, said: str) -> None:
    """After the sale an offer is a deal of its own: refused outright, it is ボツ while the service goes on."""
    assert _after_sales(rubric, said) == "botsu"


def test_the_same_words_before_the_sale_refuse_only_a_part(rubric: Rubric) -> None:
    assert _after_sales(rubric, "分析プランは要らないです、正直。", stage="proposal") != "botsu"


def test_paper_declined_after_the_sale_is_no_offer_refused(rubric: Rubric) -> None:
    assert _after_sales(rubric, "カタログは要らないです、見ないので。") != "botsu"


@pytest.mark.parametrize(
    "said", ["まあ、それはいいです。で、刃を替えれば、もう詰まらないの。", "まあ、その話はもうええわ。"]
)
def test_a_point_let_go_after_the_sale_is_no_offer_refused(rubric: Rubric, said: str) -> None:
    """blind78's `be09`: a complaint's grievance dropped with まあ (well, never mind that) refuses nothing."""
    assert _after_sales(rubric, said) != "botsu"


def test_someone_elses_no_reported_after_the_sale_is_no_offer_refused(rubric: Rubric) -> None:
    """blind79's `bf15`: the customer tells what their own buyers do not want; no offer of the rep's is refused."""
    said = "うちのお客さんは、小さい袋なんか要らない、まとめて欲しいって言うんですよ。"
    assert _after_sales(rubric, said) != "botsu"


def _english_after_sales(en_rubric: Rubric, said: str) -> str | None:
    call = role_call(
        ("Rep", "While I have you, the reporting add-on is forty a month."),
        ("Customer", said),
        ("Rep", "Understood."),
        language="en",
    )
    return score_transcript(call, rubric=en_rubric, stage_phase="after_follow").deal_state


def test_an_english_fleet_cut_after_the_sale_is_no_offer_refused(en_rubric: Rubric) -> None:
    """blind79's `bf20`: "we don't need that many now" is a usage change, not the add-on turned down."""
    assert _english_after_sales(en_rubric, "We don't need that many now, we sold two of the vans in March.") != "botsu"


def test_an_after_sales_offer_taken_after_a_no_is_no_botsu(rubric: Rubric) -> None:
    said = "分析プランは要らないです。"
    then = "では、件数の少ないライトプランが月五千円ですが、いかがでしょう。"
    call = role_call(
        ("営業", "上位の分析プランが月一万五千円でございまして。"),
        ("顧客", said),
        ("営業", then),
        ("顧客", "ああ、それでお願いします。"),
    )
    assert score_transcript(call, rubric=rubric, stage_phase="after_follow").deal_state != "botsu"


def test_an_english_after_sales_offer_refused_is_botsu(en_rubric: Rubric) -> None:
    assert _english_after_sales(en_rubric, "Honestly, we don't need that.") == "botsu"


@pytest.mark.parametrize("last", ["据え置きでこの内容やったら、文句ないわ。", "これなら通るわ。社長にも言うとく。"])
def test_a_part_put_off_then_the_rest_found_beyond_complaint_is_no_botsu(rubric: Rubric, last: str) -> None:
    """blind124's `cy20` after its first sight (wording written for this test): the add-on put off, the renewal taken
    in plain Kansai words."""
    call = role_call(
        ("営業", "それと、分析ソフトの新しい版もご案内できますが。"),
        ("顧客", "今はええわ。パンフだけ置いといて。"),
        ("営業", "承知しました。では保守の更新は、今の内容のまま年額十八万円、四月一日からでいかがでしょう。"),
        ("顧客", last),
    )
    assert score_transcript(call, rubric=rubric, stage_phase="after_follow").deal_state != "botsu"
