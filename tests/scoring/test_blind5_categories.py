"""The kinds of miss blind set 5 showed, each in other wording: deal terms only one side holds, budgets said as a
ceiling or a freeze, who decides said as a person, objections that are not, and the NG shapes English lacked."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _card(rubric: Rubric, call: Transcript, stage: str = "proposal") -> Scorecard:
    return score_transcript(call, rubric=rubric, stage_phase=stage)


def _found(rubric: Rubric, call: Transcript) -> set[str]:
    return {k for k, item in _card(rubric, call, "needs_discovery").bant.items() if item.found}


def _ngs(rubric: Rubric, call: Transcript, stage: str = "proposal") -> set[str]:
    return {n.id for n in _card(rubric, call, stage).ng_behaviors}


# --- Deal state: a term is present only when both sides hold it -------------------------------------------------


def test_rep_terms_met_with_hesitation_and_deferral_make_no_deal(rubric):
    call = _call(
        ("営業", "ご提案はスタンダードプランで、1拠点あたり月額4万円になります。"),
        ("顧客", "うーん、月4万…。"),
        ("営業", "稼働は来月1日から可能です。"),
        ("顧客", "来月と言われましても…。"),
        ("営業", "いかがでしょうか。"),
        ("顧客", "この場では決められないので、一度持ち帰らせてください。"),
    )
    assert _card(rubric, call).deal_state is None


def test_rep_terms_the_customer_takes_up_still_count(rubric):
    call = _call(
        ("営業", "ご提案はスタンダードプランで、1拠点あたり月額4万円になります。"),
        ("顧客", "その金額で結構です。"),
        ("営業", "稼働は来月1日から可能です。"),
        ("顧客", "それでお願いします。"),
    )
    assert _card(rubric, call).deal_state == "shodan"


def test_a_budget_asked_lower_than_the_price_is_no_price_side(rubric):
    call = _call(
        ("営業", "前回のお見積もりでは、年額180万円でした。"),
        ("顧客", "上が少し難色を示していまして。正直、150万円くらいにならないかと思っています。"),
        ("営業", "プランはベーシックのままでよろしいですか。"),
        ("顧客", "はい、プランはベーシックでいいです。"),
        ("営業", "導入の時期はいかがですか？"),
        ("顧客", "10月から使い始めたいです。"),
    )
    card = _card(rubric, call)
    assert card.bant["budget"].found
    assert card.deal_state == "wadai"


def test_a_price_objection_is_the_customers_last_word_on_price(rubric):
    call = _call(
        ("営業", "お送りしたお見積もりはご覧いただけましたか。"),
        ("顧客", "ええ、セット内容はあれでいいと思います。"),
        ("顧客", "ただ、正直ちょっと高いですね。"),
        ("営業", "時期はいかがでしょう。"),
        ("顧客", "それはまだ何とも言えません。"),
    )
    assert _card(rubric, call).deal_state is None


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("新店舗のオープン日自体がまだ決まっていないので、時期はその後です。", "timeline"),
        ("来年度の予算額は、3月の理事会で決まりますので。", "budget"),
    ],
)
def test_an_undecided_item_is_not_found(text, item, rubric):
    call = _call(("営業", "時期やご予算についてはいかがですか？"), ("顧客", text))
    assert item not in _found(rubric, call)


def test_english_terms_not_chosen_and_times_tied_to_nothing(en_rubric):
    call = _call(
        ("Rep", "There's a basic tier at nine hundred a month and a plus tier; I wouldn't commit to either yet."),
        ("Customer", "Okay."),
        ("Rep", "What happened last quarter?"),
        ("Customer", "We had three outages this quarter alone."),
        ("Customer", "And our hardware money is spent until June."),
        language="en",
    )
    card = _card(en_rubric, call)
    assert card.deal_state is None
    assert not card.bant["timeline"].found


def test_the_plan_for_today_is_an_agenda_not_a_plan(en_rubric):
    call = _call(
        ("Rep", "The plan for this call is a short overview."),
        ("Customer", "Sure."),
        ("Rep", "When would you want to go live?"),
        ("Customer", "We want to switch before our lease renews in May."),
        language="en",
    )
    assert _card(en_rubric, call).deal_state is None


# --- Budget as a ceiling, a capacity or a freeze; authority as who decides -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "うちの規模だと、月5千円くらいが限界かなと思ってます。",
        "年間80万くらいまでなら、何とか出せると思います。",
        "今期は新しいシステムへの投資をすべて見合わせることになりました。",
    ],
)
def test_budget_as_a_ceiling_or_a_freeze(text, rubric):
    assert "budget" in _found(rubric, _call(("営業", "費用面はいかがですか？"), ("顧客", text)))


def test_a_freeze_is_not_a_timeline(rubric):
    call = _call(("営業", "状況はいかがですか？"), ("顧客", "来期は新規の購入をすべて凍結すると決まりました。"))
    assert "timeline" not in _found(rubric, call)


@pytest.mark.parametrize(
    "text",
    [
        "反対というわけではないんですけど…結局は館長が決めることなので。",
        "このままの金額だと、本部が首を縦に振らないと思います。",
    ],
)
def test_authority_as_who_decides(text, rubric):
    assert "authority" in _found(rubric, _call(("営業", "いかがでしょうか。"), ("顧客", text)))


@pytest.mark.parametrize(
    "text",
    [
        "I can't approve this on my own; anything that size goes to our board.",
        "Honestly, the owner has the final say on software.",
    ],
)
def test_english_authority_as_who_decides(text, en_rubric):
    call = _call(("Rep", "How do decisions like this get made?"), ("Customer", text), language="en")
    assert "authority" in _found(en_rubric, call)


@pytest.mark.parametrize(
    "text", ["$500 a month is our limit.", "Around 2,000 dollars a year would be the ceiling for us."]
)
def test_english_budget_as_a_ceiling(text, en_rubric):
    call = _call(("Rep", "Tell me about money."), ("Customer", text), language="en")
    assert "budget" in _found(en_rubric, call)


# --- NG precision: what is not an ignored objection ----------------------------------------------------------------


@pytest.mark.parametrize(
    "turns",
    [
        # An apology when declining.
        (("営業", "ご検討の結果はいかがでしたか。"), ("顧客", "今回はいろいろ調べていただいたのに、すみませんけど。")),
        # A reason that explains what the customer has just said in the same turn.
        (
            ("営業", "導入の時期はいかがですか。"),
            ("顧客", "夏休み前には使えるようにしたいです。生徒の面談もそれで組むので。"),
        ),
        # The answer to the rep's own question.
        (("営業", "資料はご覧になりましたか？"), ("顧客", "いえ、まだ開けてもいないんですけど。")),
        # Who decides, left hanging.
        (("営業", "ご判断はどなたが？"), ("顧客", "決めるのは院長なんで。")),
    ],
)
def test_not_an_ignored_objection(turns, rubric):
    # The rep moves on without taking it up: had it been an objection, it would be ignored.
    call = _call(*turns, ("営業", "資料は本日中にお送りします。"), ("顧客", "はい。"))
    assert "negotiation_closing.objection_ignored" not in _ngs(rubric, call)


# --- NG recall: shallow questions, brush-offs, vague follow-ups and benefits ---------------------------------------


@pytest.mark.parametrize(
    ("turns", "ng", "language"),
    [
        (
            (("営業", "今お使いのツールにはご満足いただけていますか。"), ("顧客", "まあ、普通です。")),
            "needs_discovery.shallow_question",
            "ja",
        ),
        (
            (("営業", "弊社の新サービスに、ご関心はおありでしょうか。"), ("顧客", "うーん。")),
            "needs_discovery.shallow_question",
            "ja",
        ),
        (
            (("Rep", "Would your team be interested in a trial?"), ("Customer", "Maybe.")),
            "needs_discovery.shallow_question",
            "en",
        ),
        (
            (("顧客", "年配のスタッフがちゃんと使えるか心配で。"), ("営業", "大丈夫です。操作は簡単ですから。")),
            "negotiation_closing.objection_ignored",
            "ja",
        ),
        (
            (
                ("Customer", "I'm worried the drivers won't use it."),
                ("Rep", "It's super simple, they'll get the hang of it. Now, about contract length."),
            ),
            "negotiation_closing.objection_ignored",
            "en",
        ),
        (
            (("営業", "資料をお送りします。ご不明点などございましたら、お気軽にご連絡ください。"), ("顧客", "はい。")),
            "first_contact.vague_follow_up",
            "ja",
        ),
        (
            (("Rep", "Great talking to you. I'll follow up with you later this month."), ("Customer", "Okay.")),
            "first_contact.vague_follow_up",
            "en",
        ),
        (
            (("Rep", "Your whole intake process will run a lot smoother with it."), ("Customer", "I see.")),
            "proposal.vague_benefits",
            "en",
        ),
    ],
)
def test_ng_shapes(turns, ng, language, rubric, en_rubric):
    # Each NG read in its own phase: a discovery fault in a discovery call (a proposal re-reads it, rules_after.py).
    stage = "needs_discovery" if ng.startswith("needs_discovery.") else "proposal"
    assert ng in _ngs(rubric if language == "ja" else en_rubric, _call(*turns, language=language), stage)


def test_an_invitation_to_call_after_a_decline_is_not_vague(rubric):
    call = _call(
        ("顧客", "今回は見送らせていただくことにしました。"),
        ("営業", "承知しました。また何かございましたら、いつでもご連絡ください。"),
    )
    assert "first_contact.vague_follow_up" not in _ngs(rubric, call)


@pytest.mark.parametrize(
    "text",
    ["繁忙期は3月から5月で、電話が鳴りっぱなしになります。", "お盆の時期は、予約の電話がひっきりなしです。"],
)
def test_a_season_of_the_business_is_no_timeline(text, rubric):
    assert "timeline" not in _found(rubric, _call(("営業", "普段の様子を教えてください。"), ("顧客", text)))


def test_a_request_the_rep_grants_is_a_rep_promise_once(en_rubric):
    granted = _call(
        ("Rep", "That's the overview."),
        ("Customer", "Could you email me the price sheet?"),
        ("Rep", "Absolutely."),
        language="en",
    )
    again = _call(
        ("Rep", "I'll send you the price sheet this afternoon."),
        ("Customer", "Great, just email me whatever you have."),
        ("Rep", "Sure."),
        language="en",
    )
    assert [c.owner for c in _card(en_rubric, granted).commitments] == ["rep"]
    assert [c.owner for c in _card(en_rubric, again).commitments] == ["rep"]


def test_a_hanging_reason_after_a_backchannel_still_opens_the_turn(rubric):
    call = _call(
        ("営業", "こちらのサービスは月々のお支払いだけで使えます。"),
        ("顧客", "そうですか。うちは今、別の会社さんと3年契約を結んだばかりなので。"),
        ("営業", "きっとご満足いただけますよ。資料は本日中にお送りします。"),
        ("顧客", "はい。"),
    )
    assert "negotiation_closing.objection_ignored" in _ngs(rubric, call)
