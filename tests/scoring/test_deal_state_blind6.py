"""The kinds of deal-state miss blind set 6 showed, each in other wording: a spending freeze as "not now", a price left
for later as no price, plan, price and timing all agreed."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _state(rubric: Rubric, call: Transcript) -> str | None:
    return score_transcript(call, rubric=rubric, stage_phase="proposal").deal_state


# --- A spending freeze for this term is "not now": botsu ----------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "親会社の指示で、今年度は新しい投資が一切凍結になりまして。",
        "実は今年度はもう難しい状況になってしまいまして。",
        "申し訳ないんですが、今期はこの件に一銭も使えないんです。",
    ],
)
def test_a_spending_freeze_this_term_is_not_now(said, rubric):
    call = _call(
        ("営業", "先日お送りしたスタンダードプランのお見積もり、月額5万円の件でお電話しました。"),
        ("顧客", said),
        ("営業", "そうでしたか。来年度の予算はいつ頃決まりますか。"),
        ("顧客", "来年の3月に決まります。"),
    )
    assert _state(rubric, call) == "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "Head office has frozen all spending for the rest of the fiscal year.",
        "There's not a cent for new tools this year, I'm afraid.",
    ],
)
def test_an_english_spending_freeze_is_not_now(said, en_rubric):
    call = _call(
        ("Rep", "I'm calling about the quote for the Standard plan, 500 dollars a month."),
        ("Customer", said),
        ("Rep", "I see. When is next year's budget set?"),
        ("Customer", "In March."),
        language="en",
    )
    assert _state(en_rubric, call) == "botsu"


def test_a_freeze_on_one_line_beside_a_budget_is_no_decline(en_rubric):
    call = _call(
        ("Rep", "The Basic plan is 90 dollars a month."),
        ("Customer", "Our hardware budget is frozen until spring, but sounds good, we will go with the Basic plan."),
        ("Rep", "Could we start on May 1?"),
        ("Customer", "Yes, May 1 works for us."),
        language="en",
    )
    assert _state(en_rubric, call) == "shodan"


def test_a_freeze_under_a_condition_is_a_limit_not_a_no(rubric):
    call = _call(
        ("営業", "スタンダードプランで月額5万円です。"),
        ("顧客", "それ以上かかるようなら、今年度は難しいです。5万円なら大丈夫です。"),
    )
    assert _state(rubric, call) != "botsu"


# --- A price left until the quote is no price: plan and timing only make wadai ------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "それでいきましょう。費用のほうは、正式な見積書をもらってから判断します。",
        "それでいきましょう。値段は見積もりを確認してから決めます。",
    ],
)
def test_a_price_left_until_the_quote_is_no_price(said, rubric):
    call = _call(
        ("営業", "まずは本社の1拠点でのスタンダードプランをご提案します。"),
        ("顧客", "そのプランでお願いします。導入は4月からにしたいです。"),
        ("営業", "承知しました。4月1日開始でいかがでしょう。"),
        ("顧客", said),
        ("営業", "お見積書は金曜日までにお送りします。"),
        ("顧客", "はい、お願いします。"),
    )
    assert _state(rubric, call) == "wadai"


def test_an_english_price_left_until_the_quote_is_no_price(en_rubric):
    call = _call(
        ("Rep", "I'd suggest the Standard plan for your two depots."),
        ("Customer", "Sounds good, we will go with the Standard plan."),
        ("Rep", "Could we start on May 1?"),
        ("Customer", "Yes, May 1 works for us."),
        ("Rep", "Great."),
        ("Customer", "We'll decide on the price once we've seen your formal quote."),
        ("Rep", "I'll send the quote by Friday."),
        language="en",
    )
    assert _state(en_rubric, call) == "wadai"


def test_a_price_agreed_after_the_quote_was_awaited_still_counts(rubric):
    call = _call(
        ("営業", "まずは本社の1拠点でのスタンダードプランをご提案します。"),
        ("顧客", "そのプランでお願いします。導入は4月からにしたいです。"),
        ("営業", "承知しました。4月1日開始でいかがでしょう。"),
        ("顧客", "それでいきましょう。費用のほうは、正式な見積書をもらってから判断します。"),
        ("営業", "お見積もりはこちらで、月額5万円です。"),
        ("顧客", "その金額で結構です。"),
    )
    assert _state(rubric, call) == "shodan"


# --- Plan, price and timing all agreed: shodan, with amounts in kanji numerals and a bundle as the plan --------------


def test_a_total_in_kanji_numerals_is_a_price(rubric):
    call = _call(
        ("営業", "スタンダードプランをご提案します。"),
        ("営業", "費用は総額で百二十万円です。"),
        ("顧客", "うん。"),
        ("営業", "導入はいつ頃がよろしいですか。"),
        ("顧客", "8月から使いたい。"),
        ("顧客", "じゃあ、そのプランでお願いします。"),
    )
    assert _state(rubric, call) == "shodan"


def test_a_bundle_agreed_with_its_amount_and_time_is_shodan(rubric):
    call = _call(
        ("営業", "レジ3台の入れ替えとセルフ精算機の2点セットで、"),
        ("営業", "合計で二百五十万円になります。"),
        ("顧客", "なるほど。"),
        ("営業", "導入はいつ頃がよろしいですか。"),
        ("顧客", "8月のお盆休みに入れてほしい。"),
        ("営業", "承知しました。お盆休みに工事します。"),
        ("顧客", "じゃあ、二百五十万で、その2点セットでお願いします。"),
    )
    assert _state(rubric, call) == "shodan"


def test_a_price_objection_said_as_not_said_is_no_objection(rubric):
    call = _call(
        ("営業", "スタンダードプランをご提案します。月額5万円です。"),
        ("顧客", "そのプランでお願いします。"),
        ("営業", "今月中にお決めいただければ、2割お安くします。"),
        ("顧客", "いや、別に高いとは言ってないですよ。"),
        ("営業", "導入はいつ頃がよろしいですか。"),
        ("顧客", "8月から使いたい。"),
    )
    assert _state(rubric, call) == "shodan"


def test_a_cheaper_price_welcomed_is_no_objection(rubric):
    call = _call(
        ("営業", "スタンダードプランをご提案します。月額5万円です。"),
        ("顧客", "そのプランでお願いします。"),
        ("営業", "年間契約でしたら1割お引きします。"),
        ("顧客", "へえ、安くなるなら、それは助かります。"),
        ("営業", "導入はいつ頃がよろしいですか。"),
        ("顧客", "8月から使いたい。"),
    )
    assert _state(rubric, call) == "shodan"


# --- A brush-off that says no need and no intention is a decline: botsu -------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "正直、そういうサービスを導入するつもりはありません。",
        "うちの店はそういうのは必要ないんですよ。紙の台帳で回ってますから。",
    ],
)
def test_no_intention_or_no_need_is_a_decline(said, rubric):
    call = _call(
        ("営業", "飲食店さま向けの予約管理システムのご案内でお電話しました。"),
        ("顧客", said),
        ("営業", "今なら初月無料のキャンペーンもございます。"),
        ("顧客", "はあ。"),
    )
    assert _state(rubric, call) == "botsu"


def test_an_english_no_intention_is_a_decline(en_rubric):
    call = _call(
        ("Rep", "I'm calling about our booking system for campsites."),
        ("Customer", "Honestly, we have no intention of switching systems."),
        language="en",
    )
    assert _state(en_rubric, call) == "botsu"


def test_no_need_for_one_part_is_no_decline(rubric):
    call = _call(
        ("営業", "スタンダードプランをご提案します。月額5万円です。"),
        ("顧客", "そのプランでお願いします。うちは研修はいらないです。"),
        ("営業", "導入はいつ頃がよろしいですか。"),
        ("顧客", "8月から使いたい。"),
    )
    assert _state(rubric, call) == "shodan"


# --- A proposal still to be written is no plan: a price taken and a time make wadai -------------------------------


def test_a_proposal_still_to_be_written_is_no_plan(rubric):
    call = _call(
        ("営業", "料金は年額百八十万円です。"),
        ("顧客", "その金額なら出せます。"),
        ("営業", "導入の時期はいかがでしょう。"),
        ("顧客", "来年の4月から使いたいです。"),
        ("営業", "承知しました。本日のお話をもとにご提案をまとめまして、来週水曜までにお送りします。"),
        ("顧客", "ありがとうございます。"),
    )
    assert _state(rubric, call) == "wadai"


def test_an_english_proposal_still_to_be_written_is_no_plan(en_rubric):
    call = _call(
        ("Rep", "The fee is 18,000 dollars a year."),
        ("Customer", "That price works for us."),
        ("Rep", "And when would you want to start?"),
        ("Customer", "We want to start in April."),
        ("Rep", "Great. I'll put together a proposal and send it over by Wednesday."),
        ("Customer", "Thanks, sounds good."),
        language="en",
    )
    assert _state(en_rubric, call) == "wadai"


def test_a_named_plan_to_be_brought_is_a_plan(rubric):
    call = _call(
        ("営業", "料金は年額百八十万円です。"),
        ("顧客", "その金額なら出せます。"),
        ("営業", "導入の時期はいかがでしょう。"),
        ("顧客", "来年の4月から使いたいです。"),
        ("営業", "では、2拠点からのスモールスタートのプランを資料にまとめてお持ちします。"),
        ("顧客", "ありがとうございます。そのプランでお願いします。"),
    )
    assert _state(rubric, call) == "shodan"


# --- An offer's deadline is no timing, and price talk put off is no price: none -----------------------------------


def test_an_offer_deadline_and_price_talk_put_off_make_no_deal(rubric):
    call = _call(
        ("営業", "配送管理アプリのご案内です。年内にご契約いただけましたら、"),
        ("営業", "初期費用を半額にさせていただきます。"),
        ("顧客", "いや、金額の話はまだいいですよ。"),
        ("営業", "1台あたり月額3000円のところ、年内なら2000円です。"),
        ("顧客", "ふーん。"),
        ("営業", "割引は年内限定ですので、ぜひご検討ください。"),
        ("顧客", "資料だけ送っておいて。"),
    )
    assert _state(rubric, call) is None


def test_an_english_offer_deadline_is_no_timing(en_rubric):
    call = _call(
        ("Rep", "The Standard plan is 40 dollars per truck per month."),
        ("Customer", "That price works for us, we'll go with the Standard plan."),
        ("Rep", "And if you sign by the end of the month, we take 20 percent off the first year."),
        ("Customer", "Okay."),
        language="en",
    )
    assert _state(en_rubric, call) == "wadai"


# --- A budget said as still to come is no price side: the time alone makes no state ---------------------------------


def test_a_budget_still_to_come_is_no_price_side(rubric):
    call = _call(
        ("営業", "導入の時期は決まっていますか。"),
        ("顧客", "4月の新年度から使い始めたいです。"),
        ("営業", "ご予算はいかがでしょう。"),
        ("顧客", "予算のほうは、まだまったくこれからでして。"),
    )
    assert _state(rubric, call) is None


# --- An amount the rep sums up as the guideline, confirmed by the customer, is the price side: wadai with a time --


def test_an_amount_confirmed_as_the_guideline_is_the_price_side(rubric):
    call = _call(
        ("営業", "今の外注はどのくらいかかっていますか。"),
        ("顧客", "清掃業者に月四万円払ってます。それを置き換えられるなら、同じくらいはいけると思います。"),
        ("営業", "月四万円ほどが一つの目安ということですね。"),
        ("顧客", "ええ、そのくらいなら。"),
        ("営業", "導入時期はいかがでしょう。"),
        ("顧客", "来年4月から使いたいです。"),
    )
    assert _state(rubric, call) == "wadai"


# --- The rep's product for a stated need is a plan only once the customer takes it up -----------------------------


@pytest.mark.parametrize(
    ("reply", "state"),
    [
        ("でも、うちの部長がこういうのに乗り気じゃないんですよ。", None),
        ("はい。", None),
        ("それはいいですね。ぜひ詳しく聞かせてください。", "wadai"),
    ],
)
def test_an_offer_for_a_need_counts_once_taken_up(reply, state, rubric):
    call = _call(
        ("営業", "今のシステムで困っていることはありますか。"),
        ("顧客", "入力画面が遅くて、窓口の待ち時間が長いと言われています。"),
        ("営業", "弊社のシステムなら、入力が半分の時間で済みますので、待ち時間も短くなります。"),
        ("顧客", reply),
        ("営業", "導入時期はいかがでしょう。"),
        ("顧客", "来年の4月から使いたいです。"),
    )
    assert _state(rubric, call) == state
