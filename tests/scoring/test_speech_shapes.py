"""BANT, declines, vague call-backs and promises as people say them on the phone, in other wording than the tune-16
calls (t40-t49): budgets by substitution or as a limit with what it allows, needs told through what goes wrong for
the customer's own customers, authority by the act, timelines tied to an event, and the guards that keep them apart
from a past event, a question or a signed contract."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _card(rubric: Rubric, call: Transcript, stage: str = "needs_discovery") -> Scorecard:
    return score_transcript(call, rubric=rubric, stage_phase=stage)


def _found(rubric: Rubric, *said: str, language: str = "ja") -> set[str]:
    rep = ("Rep", "Thanks for your time today.") if language == "en" else ("営業", "本日はありがとうございます。")
    who = "Customer" if language == "en" else "顧客"
    call = _call(rep, *((who, s) for s in said), language=language)
    return {k for k, item in _card(rubric, call).bant.items() if item.found}


@pytest.mark.parametrize(
    "said",
    [
        "今、清掃を頼んでる会社に月4万払ってて、それと同じくらいなら出せます。",
        "いまの保守代くらいなら、払えます。",
        "年間で300万までは出ます。",
        "月5万以内なら、問題ないです。",
    ],
)
def test_a_budget_said_by_what_it_replaces_or_as_a_limit_with_what_it_allows(rubric, said):
    assert "budget" in _found(rubric, said)


def test_an_english_budget_by_substitution(en_rubric):
    said = "We spend about that on paper forms today, so we could cover it."
    assert "budget" in _found(en_rubric, said, language="en")


@pytest.mark.parametrize(
    "said",
    [
        "朝の便で荷物を積み間違えて、お客さんのところへ謝りに行きました。",
        "電話の順番待ちで、お客さんが諦めて帰っちゃうんです。",
        "台帳を手で書き写してるんです。",
        "誰が何を発注したのか、分からなくなるんですよ。",
        "ベテランが一人、問い合わせに張り付きで。",
        "先週も、配達先を一件飛ばしちゃって。",
    ],
)
def test_a_need_told_by_what_goes_wrong(rubric, said):
    assert "need" in _found(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "いや、もう他社さんと契約しちゃってるんですよ。",
        "予算はまだ分からなくて。",
    ],
)
def test_a_signed_contract_is_no_need_and_an_unknown_stays_unknown(rubric, said):
    assert not _found(rubric, said) & {"need", "budget"}


@pytest.mark.parametrize(
    "said",
    ["最後は理事長が判子を押します。", "部長には、もう話を通してあります。", "決めるのも、私なんですよ。"],
)
def test_authority_said_by_the_act(rubric, said):
    assert "authority" in _found(rubric, said)


@pytest.mark.parametrize("said", ["My co-owner and I decide on purchases.", "Our GM signs anything above five grand."])
def test_english_authority_said_by_the_act(en_rubric, said):
    assert "authority" in _found(en_rubric, said, language="en")


@pytest.mark.parametrize("said", ["繁忙期の前には切り替えたいです。", "棚卸しが済んでから導入したいです。"])
def test_a_timeline_tied_to_an_event(rubric, said):
    assert "timeline" in _found(rubric, said)


def test_an_english_timeline_tied_to_an_event(en_rubric):
    assert "timeline" in _found(en_rubric, "We'd want it before the spring break crowd.", language="en")


@pytest.mark.parametrize(
    "said",
    ["前にも同じような機械を入れたんですが、使わなくなりました。", "値段の前に、現場で使えるかどうか聞きたいです。"],
)
def test_a_past_event_or_a_question_first_is_no_timeline(rubric, said):
    assert "timeline" not in _found(rubric, said)


@pytest.mark.parametrize(
    "said", ["では、また、近いうちに、ご連絡させていただきます。", "また改めて、お電話いたします。"]
)
def test_a_call_back_with_pauses_and_no_day_is_vague(rubric, said):
    call = _call(
        ("営業", "本日はありがとうございました。資料は本日お送りします。"),
        ("顧客", "はい。"),
        ("営業", said),
        ("顧客", "はい、どうも。"),
    )
    assert "first_contact.vague_follow_up" in {n.id for n in _card(rubric, call, "first_contact").ng_behaviors}


@pytest.mark.parametrize(
    "said", ["うーん、今の会社さんで十分ですので、いいです。", "いまのシステムで間に合ってますので。"]
)
def test_kept_with_what_they_have_is_a_decline(rubric, said):
    call = _call(
        ("営業", "スタンダードプランで、月額3万円になります。"),
        ("顧客", said),
        ("営業", "承知しました。"),
    )
    assert _card(rubric, call, "proposal").deal_state == "botsu"


def test_a_customer_promise_said_plainly_and_a_waiting_state_that_is_none(rubric):
    call = _call(
        ("営業", "では、14日の10時に伺います。"),
        ("顧客", "14日ね、お待ちしてます。"),
        ("営業", "見積書は明日お送りします。"),
        ("顧客", "わかった。台数は、明日までに店長に聞いておくよ。"),
    )
    said = [c.text for c in _card(rubric, call, "proposal").commitments if c.owner == "customer"]
    assert said == ["台数は、明日までに店長に聞いておくよ。"]


def test_a_yes_said_to_oneself_takes_up_the_price_and_states_a_budget(rubric):
    call = _call(
        ("営業", "ライトプランで、月額9,800円になります。"),
        ("顧客", "うん、月々これくらいなら、払えるかな。"),
        ("営業", "ありがとうございます。開始はいつ頃がよろしいですか。"),
        ("顧客", "来月の1日から始めたいです。じゃあ、ライトプランでお願いします。"),
    )
    card = _card(rubric, call, "proposal")
    assert card.deal_state == "shodan"
    assert card.bant["budget"].found


def test_the_customers_own_work_with_quotes_is_a_need_not_the_deals_price(rubric):
    call = _call(
        ("営業", "ご提案はスタンダードプランです。"),
        ("顧客", "うちは見積書を毎回エクセルで作り直していて、手間なんです。"),
        ("営業", "導入の時期はいつ頃をお考えですか。"),
        ("顧客", "4月から使い始めたいです。スタンダードプランでお願いします。"),
    )
    assert _card(rubric, call, "proposal").deal_state == "wadai"


@pytest.mark.parametrize(
    ("said", "item"),
    [
        ("今の清掃代ぐらいは、出せると思います。", "budget"),
        ("ええ、月6万円でお願いします。", "budget"),
        ("部長とも相談して、導入しようということになりました。", "authority"),
        ("夜中に冷凍庫が止まって、気づいたら在庫が全部だめになってたんです。", "need"),
        ("台風で倉庫が水に浸かって、在庫がだめになったことがあったでしょう。", "need"),
        ("あんなことは二度と起きてほしくないんで。", "need"),
    ],
)
def test_budget_authority_and_need_as_told_in_a_story(rubric, said, item):
    assert item in _found(rubric, said)


@pytest.mark.parametrize("said", ["We need it running by the first of April.", "We want it live June first."])
def test_an_english_start_with_a_month(en_rubric, said):
    assert "timeline" in _found(en_rubric, said, language="en")


def _ignored(rubric: Rubric, *turns: tuple[str, str]) -> bool:
    ngs = {n.id for n in _card(rubric, _call(*turns), "proposal").ng_behaviors}
    return "negotiation_closing.objection_ignored" in ngs


def test_the_reason_they_want_it_left_hanging_is_no_objection(rubric):
    assert not _ignored(
        rubric,
        ("営業", "弊社のセンサーは、温度が上がるとすぐスマホに通知します。"),
        ("顧客", "去年みたいなことは、二度と起きてほしくないんで。"),
        ("営業", "それでは、料金のご説明に移ります。"),
    )


def test_a_topic_brought_up_is_no_objection(rubric):
    assert not _ignored(
        rubric,
        ("営業", "お電話ありがとうございます。サポート窓口です。"),
        ("顧客", "先月から使ってる勤怠アプリの、あの打刻の件なんですけど。"),
        ("営業", "本日は夜間に定期メンテナンスを行う予定です。"),
    )


def test_an_objection_said_as_not_said_is_none(rubric):
    assert not _ignored(
        rubric,
        ("営業", "今月中のお申し込みでしたら、5%お値引きします。"),
        ("顧客", "いや、高いとも言ってないですけど。"),
        ("営業", "ぜひこの機会にと思いまして。"),
    )


def test_a_discount_said_as_tenths_taken_off_is_a_discount(rubric):
    call = _call(
        ("営業", "お見積もりは総額で120万円になります。"),
        ("顧客", "はい。"),
        ("営業", "今週中にお決めいただければ、2割お引きいたします。"),
        ("顧客", "そうなんですね。"),
    )
    assert "negotiation_closing.discount_first" in {
        n.id for n in _card(rubric, call, "negotiation_closing").ng_behaviors
    }


def test_a_customer_pushing_back_on_a_statement_was_ignored(rubric):
    assert _ignored(
        rubric,
        ("営業", "弊社のアプリなら、入荷の記録も写真で残せます。"),
        ("顧客", "うちは紙の帳面で回ってますから。"),
        ("営業", "さらに、発注の履歴もグラフで見られます。"),
        ("顧客", "いや、だから、紙で間に合ってるんですって。"),
        ("営業", "在庫の通知機能もございます。"),
    )


def test_pushing_back_on_a_question_is_an_answer(rubric):
    assert not _ignored(
        rubric,
        ("営業", "紙の帳面というのは、どのように付けていらっしゃいますか？"),
        ("顧客", "いや、だから、毎朝手で書いてるんですよ。"),
        ("営業", "なるほど、毎朝ですか。"),
    )


def test_an_english_budget_said_as_money_the_customer_has(en_rubric):
    assert "budget" in _found(en_rubric, "We have roughly thirty thousand a year for tools like this.", language="en")


def test_the_reps_amount_taken_in_a_word_is_a_budget(rubric):
    call = _call(
        ("営業", "ご提案のプランは、月額5万円になります。よろしいでしょうか。"),
        ("顧客", "はい、月5万円で。"),
    )
    assert _card(rubric, call).bant["budget"].found


def test_a_hedge_about_what_the_customer_has_now_is_no_objection(rubric):
    assert not _ignored(
        rubric,
        ("営業", "弊社のサービスは、予約の受付を自動で行います。"),
        ("顧客", "今は電話代行に頼んでて、でも結局こっちで折り返さないといけないんで、意味がなくて。"),
        ("営業", "料金は月額3万円からになります。"),
    )
