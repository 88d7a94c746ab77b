"""Discount first means the rep's own price concession brought up before any value or price talk (seed 000, issue 13):
a campaign everyone gets, a volume tier and a discount denied are none, and in after-sales a discount belongs to the
offer on top. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call as _call

FIRST = "negotiation_closing.discount_first"


def _ngs(rubric: Rubric, rep: str, phase: str = "proposal", language: str = "ja") -> set[str]:
    rep_side, customer = ("営業", "顧客") if language == "ja" else ("Rep", "Customer")
    ack = "そうですか。" if language == "ja" else "I see."
    call = _call((rep_side, rep), (customer, ack), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    "rep",
    [
        "春の期間限定で、保守の初年度が半額になっております。",
        "五十台以上まとめてご導入の場合は、ボリュームディスカウントもございます。",
        "これは値引きではないんですが、初期設定はこちらで代行いたします。",
        "値引きとは別の話で、ご契約いただいた方にはどなたにもお付けしているものです。",
        "券種は大人、小人、それから団体割引と市民割引がございます。",
        "単価八百円のところ、三千個以上でしたら七百二十円まで下げられます。",
        "これは値引きのお話とかではなくて、ご参考までに、年払いの料金表もお付けしています。",
    ],
)
def test_no_concession_of_the_reps_is_no_discount_first(rep, rubric):
    assert FIRST not in _ngs(rubric, rep)


def test_the_reps_own_cut_before_value_is_discount_first(rubric):
    assert FIRST in _ngs(rubric, "先に申し上げますと、今週中にご決断いただければ月額を三割お引きします。")


@pytest.mark.parametrize(
    ("rep", "expected"),
    [
        ("We're running a spring promo right now, two months free for new sign-ups.", False),
        ("We run an early-bird price every year, ten percent off for orders by December.", False),
        ("If you sign today I can knock 20% off the first year.", True),
    ],
)
def test_in_english_a_promo_is_none_and_a_cut_is(rep, expected, en_rubric):
    assert (FIRST in _ngs(en_rubric, rep, language="en")) is expected


def test_in_after_sales_a_discount_goes_with_the_offer_on_top(rubric):
    assert FIRST not in _ngs(
        rubric, "今月中にお申し込みいただければ、追加オプションの月額を二割お引きします。", "after_follow"
    )


def test_a_cut_after_the_rep_has_shown_the_value_in_figures_is_no_discount_first(rubric):
    cut = "今週中にご決断いただければ、月額を一割お引きします。"
    valued = _call(
        ("営業", "今の手入力がなくなると、月に四十時間の作業が十時間まで削減できます。"),
        ("顧客", "そうですか。"),
        ("営業", cut),
        ("顧客", "なるほど。"),
    )
    assert FIRST not in {
        n.id for n in score_transcript(valued, rubric=rubric, stage_phase="negotiation_closing").ng_behaviors
    }
    assert FIRST in _ngs(rubric, cut, phase="negotiation_closing")


def test_a_tier_by_quantity_said_as_a_condition_is_no_concession(rubric):
    assert FIRST not in _ngs(rubric, "三十本を超えるようでしたら、数量に応じてお値引きもございます。")


@pytest.mark.parametrize(
    ("rep", "flagged"),
    [
        ("Charging it overnight is far cheaper per hour than running the diesel one.", False),
        ("Look, I can make it cheaper for you if we get the paperwork done this week.", True),
    ],
)
def test_cheaper_in_english_is_a_concession_only_when_the_rep_gives_it(rep, flagged, en_rubric):
    assert (FIRST in _ngs(en_rubric, rep, language="en")) is flagged


def test_a_cut_refused_or_denied_at_length_is_no_concession(rubric, en_rubric):
    ja = "これは値引きのお願いをされたからではなくて、皆さんにお出ししている年払いの価格です。"
    assert FIRST not in _ngs(rubric, ja)
    assert FIRST not in _ngs(en_rubric, "I can't knock twenty percent off a single season, I'm afraid.", language="en")


def test_a_rep_meeting_the_customers_own_percent_off_ask_is_no_discount_first(en_rubric):
    call = _call(
        ("Customer", "My partner wants ten percent off before he signs anything."),
        ("Rep", "I hear you. A discount on the two-year term is something I can look at."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="negotiation_closing")
    assert FIRST not in {n.id for n in card.ng_behaviors}


@pytest.mark.parametrize(
    ("rep", "language"),
    [
        ("お値引きというより、工場の閑散期に納品を入れたいという事情なんです。", "ja"),
        ("正直なところ、本体のお値引きはもうぎりぎりでして。", "ja"),
        ("郵便の差し出し割引を受けるために、宛先を郵便番号順に並べておきます。", "ja"),
        ("燃焼の設定を見直すと、排気の温度を百八十度まで下げられます。", "ja"),
        ("ところで、閉店前の値引きはどんなふうにされてますか？", "ja"),
        ("I won't call the starter tier a discount, it isn't.", "en"),
        ("I'd rather not discount the licence to hit your number.", "en"),
        ("Paying yearly is ten percent off for everyone, that's just how billing works.", "en"),
        (
            "This isn't a push for a discount, but signing by the tenth keeps the early-registration rate of ninety.",
            "en",
        ),
    ],
)
def test_a_discount_disowned_someone_elses_or_no_price_at_all_is_no_discount_first(rep, language, rubric, en_rubric):
    """Not a cut of the rep's own: said as no discount or as the limit reached, a carrier's rate, a lowered reading,
    a question about the customer's markdowns, a rate every customer gets (blind judges confirmed none of these)."""
    assert FIRST not in _ngs(rubric if language == "ja" else en_rubric, rep, language=language)


def test_an_english_cut_offered_as_a_question_is_still_discount_first(en_rubric):
    assert FIRST in _ngs(en_rubric, "What if I could get you twenty percent off the first year?", language="en")


@pytest.mark.parametrize(
    "rep",
    [
        "Our usual terms are forty percent off retail, and we cover the freight on your side.",
        "Dealers get fifteen percent off list as standard.",
        "On any full-pallet order you get ten percent off, and freight is on us.",
        "It's eight percent off for orders over five hundred units.",
        "We're offering founding-customer pricing to the first ten studios this year.",
    ],
)
def test_english_terms_every_buyer_of_a_kind_gets_are_no_discount_first(rep, en_rubric):
    """A reseller's margin off retail, a dealer's list terms, an order-size tier, a launch rate: no concession of the
    rep's (blind51 ac04, blind85 bl09 and blind87 bn03 were flagged)."""
    assert FIRST not in _ngs(en_rubric, rep, language="en")


def test_an_english_cut_off_list_with_no_trade_terms_is_still_discount_first(en_rubric):
    assert FIRST in _ngs(en_rubric, "Let me knock twelve percent off list if you sign this week.", language="en")


@pytest.mark.parametrize(
    "rep",
    [
        "早速ですけど、一箱四百円のところを、50円引きの350円でいかしてもらいます。",
        "本体を二万円お引きして、十八万にします。",
    ],
)
def test_an_amount_taken_off_before_value_is_discount_first(rubric, rep):
    """A cut said as an amount off (50円引き, 二万円お引き), not only as tenths or a percentage (blind90 bq12)."""
    assert FIRST in _ngs(rubric, rep)


@pytest.mark.parametrize(
    ("rep", "language"),
    [
        # blind123's `cx08`, `cx10` and `cx14` after their first sight (wording written for this test).
        ("Everyone who books before March first gets ten percent off the first season.", "en"),
        ("Take thirty percent off twenty minutes and you save six minutes a shift.", "en"),
        ("正直、値引きっていうのは難しいんですが、保守の範囲を広げるご提案ならできます。", "ja"),
    ],
)
def test_a_dated_rate_for_everyone_a_share_of_a_time_or_a_cut_said_hard_is_no_discount_first(
    rep, language, rubric, en_rubric
):
    assert FIRST not in _ngs(en_rubric if language == "en" else rubric, rep, language=language)


def test_a_cut_said_easy_is_still_discount_first(rubric):
    assert FIRST in _ngs(rubric, "値引きでしたら、今月中のご契約で一割お引きできます。")
