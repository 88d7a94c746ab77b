"""Markers that describe a kind of sentence (scoring/shapes.py) and the metric-based pitch run: wording nobody listed."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from tests.scoring.role_calls import role_call as _call


def _card(rubric: Rubric, call: Transcript, stage: str = "needs_discovery") -> Scorecard:
    return score_transcript(call, rubric=rubric, stage_phase=stage)


def _found(rubric: Rubric, call: Transcript) -> set[str]:
    return {k for k, item in _card(rubric, call).bant.items() if item.found}


def _said(text: str, language: str = "ja") -> Transcript:
    rep = ("営業", "今の状況を教えていただけますか？") if language == "ja" else ("Rep", "Tell me how it works today.")
    return _call(rep, ("顧客" if language == "ja" else "Customer", text), language=language)


@pytest.mark.parametrize(
    ("text", "item"),
    [
        # A need by its predicate: hard to do, more than can be handled, time eaten, by hand, again and again, a must.
        ("伝票の控えが見つけにくくて、月末はいつも慌てています。", "need"),
        ("夕方の出荷が重なると、二人ではさばききれません。", "need"),
        ("検品の結果は手書きの表に書き込んでいます。", "need"),
        ("同じ問い合わせが一日に何度も来ます。", "need"),
        ("夜間の受付で、案内の担当者に手間を取られています。", "need"),
        ("多言語での表示は必須です。", "need"),
        # Authority: one's own decision, a body's policy, an approval obtained, a meeting the matter goes to.
        ("来週中には私の判断で決めます。", "authority"),
        ("グループの方針で、購買先は一本化することになっています。", "authority"),
        ("店長の了承をもらえれば進められます。", "authority"),
        ("来月の運営会議にかけてから正式に決まります。", "authority"),
        # Budget: an amount with a limit, a budget word with an amount, a cut, a source.
        ("年間で40万円程度に収めたいです。", "budget"),
        ("来期の広告費は3割削減の見込みです。", "budget"),
        ("修繕の基金から出すことになります。", "budget"),
        # Timeline: a time tied to deciding.
        ("年明けには結論を出したいです。", "timeline"),
    ],
)
def test_bant_by_shape(text, item, rubric):
    assert item in _found(rubric, _said(text))


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("The night shift keeps losing track of which rooms are cleaned, and guests get upset.", "need"),
        ("We can't keep up with the returns after the holidays.", "need"),
        ("Approvals are still done on paper forms.", "need"),
        ("Anything like this is up to our finance director.", "authority"),
        ("We could spend about 300 dollars a month on it.", "budget"),
        ("I'd like to decide before the end of next month.", "timeline"),
    ],
)
def test_english_bant_by_shape(text, item, en_rubric):
    assert item in _found(en_rubric, _said(text, "en"))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("入力は面倒ですか？", "ja"),  # a question
        ("手作業の部分は特に困ってはいないです。", "ja"),  # denied
        ("もし担当が休んだら回らないと思います。", "ja"),  # a hypothesis
        ("よその会社は紙で管理しているらしいです。", "ja"),  # hearsay about others
        ("おかげで二重入力がなくなりました。", "ja"),  # a problem solved
        ("今の仕組みで十分回っていますので、手作業でも問題ないです。", "ja"),  # sufficient
        ("月3万円だと、上に説明しにくいですね。", "ja"),  # a price objection, not a need
        ("It's not hard to train new staff.", "en"),
        ("If we grew, it would be a nightmare.", "en"),
        ("Other companies tell us their spreadsheets are a mess.", "en"),
    ],
)
def test_shapes_that_are_not_needs(text, language, rubric, en_rubric):
    assert "need" not in _found(rubric if language == "ja" else en_rubric, _said(text, language))


@pytest.mark.parametrize(
    "turns",
    [
        # A maybe, a budget cycle, and the rep asking when to call back are not an adoption time.
        (("営業", "導入の時期はいかがですか？"), ("顧客", "来年度にまた考えるかもしれません。")),
        (("営業", "本日はありがとうございます。"), ("顧客", "例年9月頃に翌年度の予算を組んでいます。")),
        (("営業", "では、8月ごろにお電話してもよろしいでしょうか？"), ("顧客", "はい、その頃でしたら。")),
    ],
)
def test_not_a_timeline(turns, rubric):
    assert "timeline" not in _found(rubric, _call(*turns))


def test_budget_first_needs_a_question_before_any_need(rubric):
    stated = _call(
        ("営業", "広告の出し方はご予算に合わせて調整できます。"),
        ("顧客", "そうですか。"),
        ("営業", "今はどのように集客されていますか？"),
        ("顧客", "チラシを手書きで作っていて、毎回半日つぶれます。"),
    )
    asked_after_need = _call(
        ("営業", "今はどのように集客されていますか？"),
        ("顧客", "チラシを手書きで作っていて、毎回半日つぶれます。"),
        ("営業", "ご予算はどのくらいでお考えですか？"),
        ("顧客", "月5万円までです。"),
    )
    asked_first = _call(
        ("営業", "さっそくですが、ご予算はどのくらいでお考えですか？"),
        ("顧客", "月5万円までです。"),
        ("営業", "今はどのように集客されていますか？"),
        ("顧客", "チラシを手書きで作っていて、毎回半日つぶれます。"),
    )
    ng = {
        name: {n.id for n in _card(rubric, c).ng_behaviors}
        for name, c in (("stated", stated), ("after", asked_after_need), ("first", asked_first))
    }
    assert "needs_discovery.budget_first" not in ng["stated"]
    assert "needs_discovery.budget_first" not in ng["after"]
    assert "needs_discovery.budget_first" in ng["first"]


def test_recap_confirmed_with_ee(rubric):
    call = _call(
        ("営業", "前回、問い合わせが月に300件ほどあると伺いました。"),
        ("顧客", "ええ、今も変わりません。"),
    )
    assert "need" in _found(rubric, call)


def test_price_per_unit_without_a_price_word(rubric):
    offer = _call(
        ("営業", "ご提案のプランですが、1アカウントあたり月1,200円です。"),
        ("顧客", "そうですか、それなら現場にも説明しやすいです。"),
    )
    loss = _call(
        ("営業", "ご提案のプランです。"),
        ("顧客", "今は手戻りで月20万円の損が出ています。"),
    )
    assert _card(rubric, offer, "proposal").deal_state == "wadai"
    assert _card(rubric, loss, "proposal").deal_state is None


def test_quote_for_a_quantity_is_a_plan(rubric):
    call = _call(
        ("営業", "タブレット12台分のお見積りをお持ちしました。"),
        ("顧客", "ありがとうございます。"),
        ("営業", "導入の時期はいつ頃をお考えですか？"),
        ("顧客", "来月から使い始めたいです。"),
    )
    assert _card(rubric, call, "proposal").deal_state == "shodan"


def test_another_vendors_lower_price_is_an_objection(rubric):
    call = _call(
        ("営業", "月額プランのご案内です。"),
        ("顧客", "ただ、今の会社のほうが少し…。"),
        ("営業", "なるほど。では年間契約なら1割お値引きできます。"),
        ("顧客", "検討します。"),
    )
    assert "negotiation_closing.discount_first" not in {n.id for n in _card(rubric, call, "proposal").ng_behaviors}


_PITCH = (
    "弊社の清掃ロボットは夜間に自動で床を磨きまして、朝には充電台に戻っております。",
    "センサーで段差や人を避けますので、営業中のフロアでもお使いいただけます。",
    "導入後の点検も年に二回、弊社の技術者が伺って行っております。",
)


def test_pitch_run_through_backchannels_is_one_sided(rubric):
    call = _call(
        ("営業", _PITCH[0]),
        ("顧客", "はあ。"),
        ("営業", _PITCH[1]),
        ("顧客", "うーん。"),
        ("営業", _PITCH[2]),
        ("顧客", "今は業者さんに週二回お願いしていて、その費用が重いんです。社内でも見直しの話が出ています。"),
        ("営業", "そうなんですね、今の費用はどのくらいでしょうか？"),
        ("顧客", "月に十数万円です。細かい金額は経理に聞かないとわかりませんが、だいたいそのくらいですね。"),
        seconds=12.0,
    )
    ng = {n.id for n in _card(rubric, call, "first_contact").ng_behaviors}
    assert "first_contact.one_sided_talk" in ng


@pytest.mark.parametrize(
    "middle",
    [
        # A real reply from the customer, or a question from the rep, breaks the run.
        ("顧客", "床の素材によっては傷がつかないか気になります。"),
        ("営業", "今はどなたが清掃されていますか？"),
    ],
)
def test_pitch_run_broken(middle, rubric):
    call = _call(
        ("営業", _PITCH[0]),
        ("顧客", "はあ。"),
        middle,
        ("顧客", "ええ。"),
        ("営業", _PITCH[1]),
        ("顧客", "うーん。"),
        ("営業", _PITCH[2]),
        ("顧客", "今は業者さんに週二回お願いしていて、その費用が重いんです。社内でも見直しの話が出ています。"),
        ("営業", "そうなんですね、今の費用はどのくらいでしょうか？"),
        ("顧客", "月に十数万円です。細かい金額は経理に聞かないとわかりませんが、だいたいそのくらいですね。"),
        seconds=12.0,
    )
    ng = {n.id for n in _card(rubric, call, "first_contact").ng_behaviors}
    assert "first_contact.one_sided_talk" not in ng


def test_unfinished_doubt_brushed_off_with_a_pivot(rubric):
    brushed = _call(
        ("営業", "こちらの乾燥機は業務用で、一度に20キロまで乾かせます。"),
        ("顧客", "うちの配電で動かせるのかどうか…。"),
        ("営業", "皆さんお使いになっていますので、大丈夫ですよ。ところで、設置はいつ頃がよろしいですか？"),
        ("顧客", "はあ。"),
    )
    answered = _call(
        ("営業", "こちらの乾燥機は業務用で、一度に20キロまで乾かせます。"),
        ("顧客", "うちの配電で動かせるのかどうか…。"),
        ("営業", "配電の容量は設置前に弊社で確認しますので、ご安心ください。"),
        ("顧客", "それなら安心です。"),
    )
    assert "negotiation_closing.objection_ignored" in {n.id for n in _card(rubric, brushed, "proposal").ng_behaviors}
    assert "negotiation_closing.objection_ignored" not in {
        n.id for n in _card(rubric, answered, "proposal").ng_behaviors
    }


def test_call_back_in_an_agreed_month_is_a_promise(rubric):
    agreed = _call(
        ("営業", "では、9月ごろにまたお電話してもよろしいでしょうか？"),
        ("顧客", "ええ、その頃でしたら。"),
        ("営業", "ありがとうございます。9月ごろにまたお電話いたします。"),
    )
    vague = _call(
        ("営業", "では、また来月あたりにご連絡いたします。"),
        ("顧客", "はい。"),
    )
    card = _card(rubric, agreed, "first_contact")
    assert "first_contact.vague_follow_up" not in {n.id for n in card.ng_behaviors}
    assert [c.owner for c in card.commitments] == ["rep"]
    assert "first_contact.vague_follow_up" in {n.id for n in _card(rubric, vague, "first_contact").ng_behaviors}


@pytest.mark.parametrize(
    ("reply", "promises"),
    [
        ("はい、ぜひお願いします。", 1),  # accepted
        ("メールで送ってください。", 1),
        ("いえ、今は結構です。", 0),  # refused
    ],
)
def test_offer_accepted_is_a_promise(reply, promises, rubric):
    call = _call(("営業", "料金の一覧をお送りしてよろしいでしょうか？"), ("顧客", reply))
    assert sum(c.owner == "rep" for c in _card(rubric, call).commitments) == promises


def test_standing_permission_is_not_a_promise(rubric):
    call = _call(("営業", "今後も、新しい事例を時々お送りしてもよろしいですか？"), ("顧客", "はい、どうぞ。"))
    assert not _card(rubric, call).commitments


def test_promises_inside_a_longer_clause(rubric, en_rubric):
    ja = _call(
        ("営業", "では見積書をお作りして、週明けにご説明に伺います。"),
        ("顧客", "よろしくお願いします。ほかの業者さんとも比べてみます。"),
    )
    en = _call(
        ("Rep", "I'll send the invite for Thursday at 3 pm."),
        ("Customer", "Thanks, I'll accept it and make sure she's free."),
        language="en",
    )
    assert sorted(c.owner for c in _card(rubric, ja).commitments) == ["customer", "rep"]
    assert sorted(c.owner for c in _card(en_rubric, en).commitments) == ["customer", "rep"]


def test_plan_as_a_verb_is_not_a_plan(en_rubric):
    call = _call(
        ("Rep", "How do you plan the weekly rota today?"),
        ("Customer", "We plan it on a whiteboard, and we can afford about 200 dollars a month for a tool."),
        language="en",
    )
    assert _card(en_rubric, call).deal_state is None


def test_quote_after_a_discount_is_a_promise(rubric):
    call = _call(
        ("顧客", "やはり月額が少し高いですね。"),
        ("営業", "では、割引を反映したお見積りを明日お送りします。"),
        ("顧客", "お願いします。"),
    )
    assert [c.owner for c in _card(rubric, call, "negotiation_closing").commitments] == ["rep"]


@pytest.mark.parametrize(
    ("text", "promises"),
    [
        ("見積りの比較表は、明後日までにこちらで作ってお届けします。", 1),  # a day, any verb
        ("現場の写真は私から担当の方に転送します。", 1),  # first person
        ("来週の部会にかけます。", 1),  # a dated step of their own
        ("その書類は毎月25日に経理の担当者が本社に送ってきます。", 0),  # a routine by someone else
        ("最終的には私が決めます。", 0),  # who decides, no day: authority, not a promise
        ("4月から使い始めます。", 0),  # an adoption time, not a promise
        ("来週でしたら大丈夫だと思います。", 0),  # an opinion
        ("はい、来週からでお願いします。", 0),  # a request
    ],
)
def test_customer_promise_by_shape(text, promises, rubric):
    call = _call(("営業", "ありがとうございます。"), ("顧客", text))
    assert sum(c.owner == "customer" for c in _card(rubric, call).commitments) == promises


def _ignored(rubric: Rubric, *turns: tuple[str, str]) -> bool:
    card = _card(rubric, _call(*turns), "first_contact")
    return "negotiation_closing.objection_ignored" in {n.id for n in card.ng_behaviors}


def test_hanging_reason_brushed_off_is_ignored(rubric):
    assert _ignored(
        rubric,
        ("営業", "社用車の管理システムのご案内です。"),
        ("顧客", "うちは今、リース会社さんの管理画面を使っているので。"),
        ("営業", "そうなんですね。弊社のものは評判がいいので、きっとご満足いただけます。"),
    )


@pytest.mark.parametrize(
    "turns",
    [
        # The reason explains the customer's own question, which the rep answers.
        (
            ("営業", "社用車の管理システムのご案内です。"),
            ("顧客", "スマホからも見られますか？外回りが多いので。"),
            ("営業", "はい、スマホのアプリからご覧いただけます。"),
        ),
        # The customer declines: the reason is the no's reason, not an objection to answer.
        (
            ("営業", "社用車の管理システムのご案内です。"),
            ("顧客", "うちは今、リース会社さんの管理画面を使っているので。"),
            ("営業", "そうなんですね。弊社のものは評判がいいので、きっとご満足いただけます。"),
            ("顧客", "いえ、今回は結構です。"),
        ),
    ],
)
def test_hanging_reason_that_is_not_an_objection(turns, rubric):
    assert not _ignored(rubric, *turns)
