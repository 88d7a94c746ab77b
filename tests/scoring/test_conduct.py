"""NG behaviours read from the exchange (scoring/rules_conduct.py): each rule flags the shown behaviour and leaves its
near-miss alone. Wording written for these tests, not taken from the batteries."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call as _call

CASES = [
    (
        "proposal.vague_answer",
        [("顧客", "この機械、一時間で何枚刷れるんですか？"), ("営業", "かなりの枚数をこなせますので、ご安心ください。")],
        [("顧客", "この機械、一時間で何枚刷れるんですか？"), ("営業", "A4で一時間に3600枚です。")],
    ),
    (
        "proposal.vague_answer",
        [("顧客", "この端末、庁内ネットワークとの接続ってどうなりますか？"), ("営業", "えーと、たぶん大丈夫だと思います。")],
        [("顧客", "この端末、庁内ネットワークとの接続ってどうなりますか？"), ("営業", "閉域網の専用ゲートウェイ経由で、構成図を明日お送りします。")],
    ),
    (
        "proposal.vague_answer",
        [("顧客", "段取り替えの時間は、何分くらい縮まるもんですか？"), ("営業", "そこはもう、かなり改善しますよ。")],
        [("顧客", "段取り替えの時間は、何分くらい縮まるもんですか？"), ("営業", "同じ台数の工場で、45分が20分になっています。")],
    ),
    (
        "negotiation_closing.attacks_competitor",
        [("顧客", "ミドリ社さんからも見積もりを取ってます。"), ("営業", "ミドリ社さんは手抜きで有名ですよ。")],
        [("顧客", "ミドリ社さんからも見積もりを取ってます。"), ("営業", "ミドリ社さんは価格が抑えめで、弊社は保守が手厚いのが違いです。")],
    ),
    (
        "after_follow.pushy_upsell",
        [("営業", "保守パックにオプションで清掃も付けませんか。"), ("顧客", "いや、清掃は自分たちでやるんで要らないです。"),
         ("営業", "今なら半年分サービスしますので、ぜひ付けましょう。")],
        [("営業", "保守パックにオプションで清掃も付けませんか。"), ("顧客", "いや、清掃は自分たちでやるんで要らないです。"),
         ("営業", "承知しました、では保守パックだけで進めます。")],
    ),
    (
        "first_contact.pushy_schedule",
        [("営業", "来週の水曜にお伺いしてもよろしいですか。"), ("顧客", "来週は決算でバタバタでして。"),
         ("営業", "そこを何とか、水曜の8時に10分だけで結構です。")],
        [("営業", "来週の水曜にお伺いしてもよろしいですか。"), ("顧客", "来週は決算でバタバタでして。"),
         ("営業", "失礼しました。決算が明けるのはいつ頃でしょうか。")],
    ),
    (
        "needs_discovery.no_next_action",
        [("営業", "導入の時期はいつ頃をお考えですか？"), ("顧客", "それがまだ全然読めないんです。"), ("営業", "そうですか。本日はありがとうございました。")],
        [("営業", "導入の時期はいつ頃をお考えですか？"), ("顧客", "それがまだ全然読めないんです。"),
         ("営業", "では比較表を金曜までにお送りしますので、来週の火曜、10時に15分だけお電話でご意見を伺えますか。"), ("顧客", "はい、火曜の10時で大丈夫です。")],
    ),
    (
        "needs_discovery.no_next_action",
        [("営業", "このプランでしたら月額4万円です。"), ("顧客", "いずれはやりたいんやけどね、落ち着いたら。"), ("営業", "承知しました。本日はありがとうございました。")],
        [("営業", "このプランでしたら月額4万円です。"), ("顧客", "いずれはやりたいんやけどね、落ち着いたら。"),
         ("営業", "では繁忙期明けの3月2日、10時に15分だけ、状況を伺うお電話をしてもよろしいですか。"), ("顧客", "ええよ、3月2日の10時ね。")],
    ),
    (
        "negotiation_closing.objection_ignored",
        [("顧客", "停電のとき、データは消えないんですか？"), ("営業", "それで、画面の色は三色から選べます。"), ("顧客", "いや、停電の話なんですけど。")],
        [("顧客", "停電のとき、データは消えないんですか？"), ("営業", "停電時は内蔵電池で30分保持し、その間にクラウドへ送ります。"), ("顧客", "それなら安心です。")],
    ),
]  # fmt: skip


@pytest.mark.parametrize(("ng_id", "shown", "near_miss"), CASES, ids=[f"{c[0]}-{n}" for n, c in enumerate(CASES)])
def test_each_rule_flags_the_behaviour_and_not_its_near_miss(rubric: Rubric, ng_id: str, shown, near_miss) -> None:
    flagged = {n.id for n in score_transcript(_call(*shown), rubric=rubric).ng_behaviors}
    spared = {n.id for n in score_transcript(_call(*near_miss), rubric=rubric).ng_behaviors}
    assert ng_id in flagged
    assert ng_id not in spared


def test_reactions_talked_over_twice_are_ignored_reactions(rubric: Rubric) -> None:
    talked_over = _call(
        ("営業", "次に在庫の自動補充機能ですが、発注点を学習します。"),
        ("顧客", "ちょっと待って、発注点ってなんですか。"),
        ("営業", "さらに仕入先とのEDI連携にも対応しております。"),
        ("顧客", "すみません、ついていけてないんですが。"),
        ("営業", "加えて帳票も自由にカスタマイズできます。"),
    )
    answered = _call(
        ("営業", "次に在庫の自動補充機能ですが、発注点を学習します。"),
        ("顧客", "ちょっと待って、発注点ってなんですか。"),
        ("営業", "失礼しました、要は「これを切ったら注文する在庫の数」です。今はどう決めていますか？"),
        ("顧客", "勘ですね。"),
    )
    assert "proposal.ignores_reaction" in {n.id for n in score_transcript(talked_over, rubric=rubric).ng_behaviors}
    assert "proposal.ignores_reaction" not in {n.id for n in score_transcript(answered, rubric=rubric).ng_behaviors}


def test_reactions_talked_over_are_a_proposals_ng_only(rubric: Rubric) -> None:
    talked_over = _call(
        ("営業", "続いて保守契約の条項ですが、第七条で免責を定めております。"),
        ("顧客", "すみません、免責って何ですか。"),
        ("営業", "また第九条では再委託についても定めております。"),
        ("顧客", "ちょっと、ついていけてないんですが。"),
        ("営業", "加えて第十二条で解約の予告期間を定めております。"),
    )

    def flagged(phase: str) -> bool:
        card = score_transcript(talked_over, rubric=rubric, stage_phase=phase)
        return "proposal.ignores_reaction" in {n.id for n in card.ng_behaviors}

    assert flagged("proposal")
    assert not flagged("contract_implementation")
    assert not flagged("negotiation_closing")


def test_a_backchannel_is_listening_and_money_met_with_money_is_no_ignored_objection(rubric: Rubric) -> None:
    negotiated = _call(
        ("顧客", "月額18万、これは正直、うちの規模では厳しい。"),
        ("営業", "はい。"),
        ("顧客", "12万なら、私も説明できる。"),
        ("営業", "12万ですと保守が成り立たないので、15万でいかがでしょうか。"),
    )
    topic = _call(("営業", "機能は以上です。"), ("顧客", "それで、金額なんですけど。"), ("営業", "月額5万円です。"))
    for call in (negotiated, topic):
        assert "negotiation_closing.objection_ignored" not in {
            n.id for n in score_transcript(call, rubric=rubric).ng_behaviors
        }


@pytest.mark.parametrize(
    "answer",
    ["It really varies by property, to be honest.", "It depends a bit on the set-up, there are a few options."],
)
def test_an_english_answer_that_names_nothing_is_vague(en_rubric: Rubric, answer: str) -> None:
    call = _call(
        ("Customer", "Does your engine connect to our booking system directly?"), ("Rep", answer), language="en"
    )
    assert "proposal.vague_answer" in {n.id for n in score_transcript(call, rubric=en_rubric).ng_behaviors}


CASE = ("営業", "たとえば政令市の消防局様では、職員二千名で全面導入いただいております。")


@pytest.mark.parametrize(
    ("reply", "ng_id"),
    [
        ("二千名…。うちは百二十名ですけど。", "proposal.mismatched_scale"),
        ("うちは十五人なんで、ちょっと規模が…", "proposal.mismatched_scale"),
        ("うちは鋳物屋やけどね。", "proposal.irrelevant_case"),
        ("うちは除雪だから、消防とはちょっと違うんでないかな。", "proposal.irrelevant_case"),
    ],
)
def test_a_case_the_customer_sets_their_business_against_is_off_target(rubric: Rubric, reply: str, ng_id: str) -> None:
    ngs = {n.id for n in score_transcript(_call(CASE, ("顧客", reply)), rubric=rubric).ng_behaviors}
    assert ng_id in ngs


def test_a_difference_inside_the_customers_own_firm_sets_nothing_against_the_case(rubric: Rubric) -> None:
    ngs = {
        n.id
        for n in score_transcript(_call(CASE, ("顧客", "部署ごとに使い方が違うんですよ。")), rubric=rubric).ng_behaviors
    }
    assert "proposal.irrelevant_case" not in ngs


def test_a_case_the_customer_takes_up_is_not(rubric: Rubric) -> None:
    ngs = {
        n.id
        for n in score_transcript(
            _call(CASE, ("顧客", "へえ、うちも勤務表は手作業なんで参考になります。")), rubric=rubric
        ).ng_behaviors
    }
    assert not ngs & {"proposal.mismatched_scale", "proposal.irrelevant_case"}


@pytest.mark.parametrize(
    ("reply", "echoed"),
    [
        ("消防局……。", True),
        ("消防局、ですか。", True),
        ("消防局ね、参考になります。", False),
        ("二千名は多いですね。", False),
    ],
)
def test_the_case_echoed_back_with_doubt_is_a_case_from_elsewhere(rubric: Rubric, reply: str, echoed: bool) -> None:
    ngs = {n.id for n in score_transcript(_call(CASE, ("顧客", reply)), rubric=rubric).ng_behaviors}
    assert ("proposal.irrelevant_case" in ngs) is echoed


@pytest.mark.parametrize("reply", ["事例ね。", "二千名か。", "三か月半ね。"])
def test_a_figure_or_the_word_case_echoed_doubts_no_trade(rubric: Rubric, reply: str) -> None:
    """An echo of the case's figure, span or the word 事例 itself (blind judges and labels: no case from elsewhere)."""
    case = ("営業", "たとえば消防局様の事例では、職員二千名で三か月半かけて全面導入いただいております。")
    ngs = {n.id for n in score_transcript(_call(case, ("顧客", reply)), rubric=rubric).ng_behaviors}
    assert "proposal.irrelevant_case" not in ngs


@pytest.mark.parametrize(
    ("reply", "echoed"), [("A ferry operator?", True), ("Ferry operator, huh.", True), ("You can send it.", False)]
)
def test_an_english_case_echoed_back_is_one_from_elsewhere(en_rubric: Rubric, reply: str, echoed: bool) -> None:
    case = ("Rep", "One of our customers, a ferry operator, cut its no-shows in half. I can send it over.")
    ngs = {
        n.id for n in score_transcript(_call(case, ("Customer", reply), language="en"), rubric=en_rubric).ng_behaviors
    }
    assert ("proposal.irrelevant_case" in ngs) is echoed


MIDDLE = [("営業", f"{n}番目の機能についてご説明します。") for n in range(1, 10)]


def test_a_call_back_said_mid_call_is_not_how_the_call_ends(rubric: Rubric) -> None:
    early = _call(("営業", "その件は確認して、またご連絡します。"), *MIDDLE, ("営業", "本日はありがとうございました。"))
    late = _call(*MIDDLE, ("営業", "では、またご連絡します。本日はありがとうございました。"))
    assert "first_contact.vague_follow_up" not in {n.id for n in score_transcript(early, rubric=rubric).ng_behaviors}
    assert "first_contact.vague_follow_up" in {n.id for n in score_transcript(late, rubric=rubric).ng_behaviors}


def test_a_benefit_said_with_its_figure_is_not_vague(rubric: Rubric) -> None:
    figured = _call(("営業", "年払いにしていただくと、21万7800円で、一か月分お得になります。"))
    vague = _call(("営業", "年払いにしていただくと、かなりお得になります。"))
    assert "proposal.vague_benefits" not in {n.id for n in score_transcript(figured, rubric=rubric).ng_behaviors}
    assert "proposal.vague_benefits" in {n.id for n in score_transcript(vague, rubric=rubric).ng_behaviors}


@pytest.mark.parametrize(
    "asked", ["ネット予約とかってご興味ございますか？", "弊社の会員アプリなんですが、ご興味ございますか？"]
)
def test_a_closed_interest_question_without_ni_is_shallow(rubric: Rubric, asked: str) -> None:
    call = _call(("営業", asked), ("顧客", "うーん、どうですかね。"))
    assert "needs_discovery.shallow_question" in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_an_interest_question_made_open_is_not_shallow(rubric: Rubric) -> None:
    call = _call(("営業", "予約まわりでは、どの機能にご関心がおありですか？"), ("顧客", "キャンセル待ちですね。"))
    assert "needs_discovery.shallow_question" not in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_an_offer_to_the_interested_is_no_question(rubric: Rubric) -> None:
    call = _call(("営業", "ご興味がおありでしたら、資料をお送りします。"), ("顧客", "お願いします。"))
    assert "needs_discovery.shallow_question" not in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_a_time_pressed_after_a_no_is_pushy(en_rubric: Rubric) -> None:
    pressed = _call(
        ("Customer", "Look, it'd be my call, and I'm telling you we're fine."),
        ("Rep", "Just thirty minutes. I'll send an invite for Thursday at eight thirty, you can always decline."),
        language="en",
    )
    chosen = _call(
        ("Customer", "Thursday's not good, we've got the auditors in. Friday at ten would work."),
        ("Rep", "Friday at ten it is. I'll send the invite."),
        language="en",
    )
    assert "first_contact.pushy_schedule" in {n.id for n in score_transcript(pressed, rubric=en_rubric).ng_behaviors}
    assert "first_contact.pushy_schedule" not in {n.id for n in score_transcript(chosen, rubric=en_rubric).ng_behaviors}


def test_a_start_pressed_after_next_month_is_no_good_is_pushy(rubric: Rubric) -> None:
    call = _call(
        ("顧客", "いや、来月はちょっと。今、電子カルテの入れ替え中でして。"),
        ("営業", "そうなんですね。ただ、来月からでも並行して始められますよ。"),
    )
    assert "first_contact.pushy_schedule" in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_slides_the_customer_cannot_read_or_a_long_deck_is_overload(rubric: Rubric) -> None:
    tiny = _call(
        ("営業", "こちらが全体の構成図です。"), ("顧客", "すいません、字ぃちっちゃくて、ちょっと読まれへんのですけど。")
    )
    deck = _call(*[("営業", f"続いて{n}ページ目、こちらのスライドをご覧ください。") for n in range(1, 6)])
    forecast = _call(("営業", "発注はどうされていますか？"), ("顧客", "新商品が出るから、あれの発注が一番読まれへん。"))
    assert "proposal.slide_overload" in {n.id for n in score_transcript(tiny, rubric=rubric).ng_behaviors}
    assert "proposal.slide_overload" in {n.id for n in score_transcript(deck, rubric=rubric).ng_behaviors}
    assert "proposal.slide_overload" not in {n.id for n in score_transcript(forecast, rubric=rubric).ng_behaviors}


def _first_call_ngs(rubric: Rubric, *turns: tuple[str, str]) -> set[str]:
    return {n.id for n in score_transcript(_call(*turns), rubric=rubric, stage_phase="first_contact").ng_behaviors}


def test_signing_pressed_on_a_first_call_is_seller_driven(rubric: Rubric) -> None:
    pressed = ("営業", "今日このお電話で、アカウントだけお作りすることもできるんですが。")
    sent = ("営業", "では、本日中にお申し込みのフォームをメールでお送りします。")
    assert "first_contact.seller_driven" in _first_call_ngs(rubric, ("顧客", "はい。"), pressed)
    assert "first_contact.seller_driven" not in _first_call_ngs(rubric, ("顧客", "はい。"), sent)


def test_a_deadline_is_seller_driven_only_from_a_rep_doing_the_talking(rubric: Rubric) -> None:
    deadline = ("営業", "今月中にお申し込みいただければ、初期費用が無料になります。")
    talk = [("営業", "弊社のアプリは、日報も勤怠も写真も一つで管理できまして、現場の方の手間がかなり減ります。")] * 6
    one_sided = _first_call_ngs(rubric, *talk, ("顧客", "はあ。"), deadline)
    balanced = _first_call_ngs(
        rubric,
        ("営業", "今、日報はどうされていますか？"),
        ("顧客", "紙に書いて、事務所で妻がエクセルに打ち直してます。毎晩一時間です。"),
        deadline,
    )
    assert "first_contact.seller_driven" in one_sided
    assert "first_contact.seller_driven" not in balanced


def test_an_effect_asked_in_figures_and_answered_without_one_is_no_roi(rubric: Rubric) -> None:
    asked = ("顧客", "それで、FAXの入力は一日何時間くらい減るんですか？常務に数字で説明せなあかんので。")
    vague = _call(asked, ("営業", "そうですね、かなり楽になると思います。"))
    figured = _call(asked, ("営業", "同じ規模の卸さんで、一日4時間が1時間半になっています。"))
    assert "proposal.no_roi" in {n.id for n in score_transcript(vague, rubric=rubric).ng_behaviors}
    assert "proposal.no_roi" not in {n.id for n in score_transcript(figured, rubric=rubric).ng_behaviors}


@pytest.mark.parametrize(
    "answer",
    [
        "そうですね、かなり増えると思います。",
        "そこは設定次第で色々できます。",
        "ええ、まあ、最近は色々出てますので。",
        "開けてからも、冷蔵なら結構持ちますよ。",
        "ええ、そのへんは、提携してる業者もいますので。",
        "今この場では、いつとは申し上げにくいんですが。",
    ],
)
def test_more_answers_that_name_nothing_are_vague(rubric: Rubric, answer: str) -> None:
    call = _call(("顧客", "平日の昼のお客さんは、どのくらい増えるもんなんですか？"), ("営業", answer))
    assert "proposal.vague_answer" in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_a_reaction_the_customer_talks_past_or_a_loss_is_no_reaction_left_hanging(en_rubric: Rubric) -> None:
    def flagged(first: str, second: str) -> bool:
        call = _call(
            ("Rep", "The Crew plan is 95 a month per van, and you have eleven vans."),
            ("Customer", first),
            ("Rep", "On top of that, the route screen syncs every five minutes."),
            ("Customer", second),
            ("Rep", "And the reporting module exports straight to your accounts package."),
            language="en",
        )
        card = score_transcript(call, rubric=en_rubric, stage_phase="proposal")
        return "proposal.ignores_reaction" in {n.id for n in card.ng_behaviors}

    assert flagged("Sorry, you lost me there.", "Wait, what does syncing mean for the drivers?")
    assert not flagged("Hm. So that comes to 1045 a month.", "Hm. And the drivers would see it on their phones.")
    assert not flagged("Last winter we lost two contracts over missed visits.", "We lost a lot of time on paper too.")


def test_a_third_day_offered_after_two_refusals_is_a_pushy_schedule(rubric: Rubric) -> None:
    def flagged(*turns: tuple[str, str]) -> bool:
        card = score_transcript(_call(*turns), rubric=rubric, stage_phase="first_contact")
        return "first_contact.pushy_schedule" in {n.id for n in card.ng_behaviors}

    opening = [
        ("営業", "一度、十五分だけ画面をお見せできればと思うのですが、来週の月曜の午前はいかがでしょう。"),
        ("顧客", "来週は棚卸しで、ちょっと無理ですね。"),
        ("営業", "では、その次の水曜日、十二日の午後でしたら。"),
    ]
    assert flagged(
        *opening,
        ("顧客", "午後は配達で手一杯なんですよ。"),
        ("営業", "五分でも結構ですので、金曜の朝一番とかでも。"),
    )
    assert not flagged(*opening, ("顧客", "水曜の午後なら、三時からで大丈夫です。"), ("営業", "ありがとうございます。"))


@pytest.mark.parametrize(
    "jab",
    [
        "港湾システムさん、あそこは人が少ないから、いつ潰れてもおかしくないですよ。",
        "あそこのアプリ、しょっちゅう止まるって話聞きますけど、大丈夫ですか。",
        "港湾システムさんだと、何かあっても二時間じゃ来られないと思いますよ。",
    ],
)
def test_a_rival_said_to_go_under_or_fail_is_run_down(rubric: Rubric, jab: str) -> None:
    call = _call(("顧客", "今回は、港湾システムさんのほうにお願いすることにしました。"), ("営業", jab))
    assert "negotiation_closing.attacks_competitor" in {
        n.id for n in score_transcript(call, rubric=rubric).ng_behaviors
    }


def test_an_english_rival_called_a_dinosaur_or_about_to_close_is_run_down(en_rubric: Rubric) -> None:
    call = _call(
        ("Customer", "We've decided to go with Harbormind."),
        ("Rep", "Honestly, they'll be out of business in a year, and their app is a dinosaur."),
        language="en",
    )
    assert "negotiation_closing.attacks_competitor" in {
        n.id for n in score_transcript(call, rubric=en_rubric).ng_behaviors
    }


@pytest.mark.parametrize(
    ("said", "score"),
    [
        ("本日は、現場の日報についてお伺いしたくお時間をいただきました。", 2),
        ("今日は新しい勤怠アプリのご案内でお電話しました。", 1),
        ("はじめまして、田中と申します。", 0),
    ],
)
def test_a_call_reason_said_as_the_sellers_errand_half_states_the_purpose(
    rubric: Rubric, said: str, score: int
) -> None:
    card = score_transcript(_call(("営業", said), ("顧客", "はい。")), rubric=rubric, stage_phase="first_contact")
    assert card.criterion("first_contact.meeting_purpose.purpose_stated").score == score


def test_an_english_caller_saying_why_they_call_half_states_the_purpose(en_rubric: Rubric) -> None:
    call = _call(
        ("Rep", "Hi, I'm calling about the new scheduling tool we launched."), ("Customer", "Okay."), language="en"
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="first_contact")
    assert card.criterion("first_contact.meeting_purpose.purpose_stated").score == 1


@pytest.mark.parametrize(
    ("said", "off"),
    [
        ("いや、うちは冷凍品は扱ってないです。", True),
        ("うちは花屋ですよ。", True),
        ("いや、予算って、まだ何も決めてないですよ。", False),
        ("うちも冷凍品が増えてきてましてね。", False),
    ],
)
def test_a_first_contact_where_the_customer_corrects_their_trade_is_off_target(
    rubric: Rubric, said: str, off: bool
) -> None:
    call = _call(("営業", "冷凍品の配送で、温度の記録にお困りではないかと思いまして。"), ("顧客", said))
    ngs = {n.id for n in score_transcript(call, rubric=rubric, stage_phase="first_contact").ng_behaviors}
    assert ("first_contact.off_target_topic" in ngs) is off
    later = {n.id for n in score_transcript(call, rubric=rubric, stage_phase="proposal").ng_behaviors}
    assert "first_contact.off_target_topic" not in later


def test_an_english_customer_saying_we_dont_sell_that_is_off_target(en_rubric: Rubric) -> None:
    call = _call(
        ("Rep", "Your retail customers would love online gift cards."),
        ("Customer", "We don't sell any retail, it's all wholesale."),
        language="en",
    )
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="first_contact").ng_behaviors}
    assert "first_contact.off_target_topic" in ngs


@pytest.mark.parametrize(("phase", "flagged"), [("first_contact", True), ("after_follow", False)])
def test_a_day_pressed_on_a_customer_already_served_is_no_first_contact_fault(
    rubric: Rubric, phase: str, flagged: bool
) -> None:
    call = _call(
        ("営業", "点検のお伺い、来週の火曜の朝はいかがでしょう。"),
        ("顧客", "火曜は市場の日で、ちょっと無理なんです。"),
        ("営業", "では、その翌日の水曜、十日の朝は。"),
        ("顧客", "水曜の朝も仕入れで手一杯なんですよ。"),
        ("営業", "十分で終わりますので、木曜の七時とかでも。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("first_contact.pushy_schedule" in {n.id for n in card.ng_behaviors}) is flagged


def test_a_year_put_off_with_a_maybe_leaves_the_timing_open(rubric: Rubric) -> None:
    """来年かなあ names no time: a proposal that ends on it with no day owes a next action."""
    call = _call(
        ("営業", "この内容でしたら、一台あたり月額二万円でご用意できます。"),
        ("顧客", "うーん、今は現場が手一杯でね。まあ、来年かなあ。"),
        ("営業", "承知しました。本日の資料はメールでお送りしておきます。本日はありがとうございました。"),
    )
    assert "needs_discovery.no_next_action" in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


def test_todays_material_is_no_due_day(rubric: Rubric) -> None:
    """本日の資料 is the material of today's meeting, not a promise for today; 今日のうちに still is one."""
    today_s = score_transcript(_call(("営業", "本日の資料はメールでお送りします。"), ("顧客", "はい。")), rubric=rubric)
    within = score_transcript(
        _call(("営業", "資料は今日のうちにメールでお送りします。"), ("顧客", "はい。")), rubric=rubric
    )
    assert [c.due_hint for c in today_s.commitments] == [""]
    assert [c.due_hint for c in within.commitments] == ["今日"]


def test_a_deal_turned_down_owes_no_next_action(rubric: Rubric) -> None:
    call = _call(
        ("営業", "この内容でしたら、一台あたり月額二万円でご用意できます。"),
        ("顧客", "申し訳ないんですけど、今回は見送らせてください。来年かなあ、また考えるとしたら。"),
        ("営業", "承知しました。本日はありがとうございました。"),
    )
    assert "needs_discovery.no_next_action" not in {n.id for n in score_transcript(call, rubric=rubric).ng_behaviors}


@pytest.mark.parametrize(
    "turns",
    [
        # A day turned down in plain words, and another pressed with "just".
        [
            ("Rep", "Could we get everyone on a quick call tomorrow at nine?"),
            ("Customer", "Tomorrow's not going to happen, my foreman is out on site all week."),
            ("Rep", "Wednesday, then? I just don't want you to lose the spring slot."),
        ],
        # Asked to call back later, and the rep's reply split over two captions presses an hour anyway.
        [
            ("Customer", "Honestly, this is our busy stretch. Call me after the trade show."),
            ("Rep", "I hear you, but after the show the install calendar is nearly full."),
            ("Rep", "It only takes fifteen minutes. Monday at two, or Tuesday at nine?"),
        ],
    ],
)
def test_an_english_day_turned_down_in_plain_words_and_pressed_again_is_pushy(en_rubric: Rubric, turns) -> None:
    call = _call(*turns, language="en")
    assert "first_contact.pushy_schedule" in {n.id for n in score_transcript(call, rubric=en_rubric).ng_behaviors}


def test_an_english_day_turned_down_and_left_to_the_customer_is_not_pushy(en_rubric: Rubric) -> None:
    call = _call(
        ("Rep", "Could we get everyone on a quick call tomorrow at nine?"),
        ("Customer", "Tomorrow really doesn't work for us."),
        ("Rep", "No problem. When would suit you and your foreman?"),
        language="en",
    )
    assert "first_contact.pushy_schedule" not in {n.id for n in score_transcript(call, rubric=en_rubric).ng_behaviors}


def _rushes_ahead(*customer: str, phase: str = "proposal", language: str = "ja", rubric: Rubric) -> bool:
    """A proposal where the rep goes through three steps of the offer and the customer answers each with one line."""
    steps = (
        [
            "まず、在庫の引当は夜間バッチで締めます。",
            "次に、欠品の予測を発注点に反映します。",
            "最後に、月次で係数を見直します。",
        ]
        if language == "ja"
        else [
            "First, stock is allocated in the nightly batch.",
            "Then shortages feed the reorder point.",
            "Finally, the factors are reviewed monthly.",
        ]
    )
    rep, cust = ("営業", "顧客") if language == "ja" else ("Rep", "Customer")
    turns = [t for step, said in zip(steps, customer, strict=True) for t in ((rep, step), (cust, said))]
    card = score_transcript(_call(*turns, language=language), rubric=rubric, stage_phase=phase)
    return "proposal.rushes_ahead" in {n.id for n in card.ng_behaviors}


def test_a_customer_lost_twice_or_back_on_a_point_still_unclear_is_pressed_on(
    rubric: Rubric, en_rubric: Rubric
) -> None:
    """Seed 000's proposal NG 顧客が理解していないのに、話をどんどん進める: said twice, or said again of an earlier
    point; once is a question the rep can still answer, and outside a proposal it is not this id."""
    twice = ("ちょっと待ってください、引当っていうのは…", "はい。", "すみません、まだよく分かってなくて。")
    back = ("はい。", "なるほど。", "あの、さっきの夜間バッチの件、結局よく分からなかったんですけど。")
    once = ("ちょっと待ってください、引当っていうのは…", "はい。", "なるほど、それなら分かります。")
    assert _rushes_ahead(*twice, rubric=rubric)
    assert _rushes_ahead(*back, rubric=rubric)
    assert not _rushes_ahead(*once, rubric=rubric)
    assert not _rushes_ahead(*twice, phase="negotiation_closing", rubric=rubric)
    lost_en = ("Hold on, allocated how?", "Okay.", "Sorry, I still don't follow.")
    assert _rushes_ahead(*lost_en, language="en", rubric=en_rubric)
    assert not _rushes_ahead(
        "Hold on, allocated how?", "Okay.", "Right, that makes sense.", language="en", rubric=en_rubric
    )


@pytest.mark.parametrize(
    ("reply", "language", "pressed"),
    [
        ("はい、そこは大丈夫です。で、次に画面のほうですが。", "ja", True),
        ("按分というのは、使った量で料金を分けることです。", "ja", False),
        ("It's configurable. Moving on to the pilot.", "en", True),
        ("Let me just go to slide twelve, which shows the structure.", "en", True),
        ("Sure: each site is billed on what it uses.", "en", False),
    ],
)
def test_lost_once_and_the_rep_moves_on_is_pressing_on(
    rubric: Rubric, en_rubric: Rubric, reply: str, language: str, pressed: bool
) -> None:
    """One "I don't follow" the rep moves past (で、次に; moving on) is pressed on; one the rep answers is a question
    answered (rushes_ahead was found on 7 of 57 labelled calls when blind127's `db03` was missed at first sight; this
    reading finds 9 more, none false). Wording written for this test."""
    lost, rep, cust = (
        ("あの、按分っていうのは…", "営業", "顧客")
        if language == "ja"
        else ("Sorry, I'm not sure I follow. Billed how?", "Rep", "Customer")
    )
    call = _call((rep, "請求は三部料金制で出します。" if language == "ja" else "Invoices use the three-part tariff."),
                 (cust, lost), (rep, reply), (cust, "はい。" if language == "ja" else "Okay."), language=language)
    card = score_transcript(call, rubric=rubric if language == "ja" else en_rubric, stage_phase="proposal")
    assert ("proposal.rushes_ahead" in {n.id for n in card.ng_behaviors}) is pressed


def test_a_discovery_call_that_ends_with_nothing_for_the_rep_to_do_has_no_next_action(rubric: Rubric) -> None:
    """No next step, no promise of any kind: the call ends where it began (labelled blind59–84: 5 such calls, all
    labelled no_next_action). A promise without a day, or a customer who says no, is not this."""

    def flagged(last: str, answer: str = "はい、どうも。") -> bool:
        call = _call(
            ("営業", "今、受付はどのように回されていますか？"),
            ("顧客", "電話と紙の台帳ですね。土曜はパンクします。"),
            ("営業", "なるほど、土曜が一番大変なんですね。"),
            ("顧客", "そうなんですよ。"),
            ("営業", last),
            ("顧客", answer),
        )
        card = score_transcript(call, rubric=rubric, stage_phase="needs_discovery")
        return "needs_discovery.no_next_action" in {n.id for n in card.ng_behaviors}

    assert flagged("わかりました。本日はありがとうございました。")
    assert not flagged("わかりました。では、土曜の予約の流れをまとめた資料をお送りします。")
    assert not flagged(
        "わかりました。本日はありがとうございました。", "正直、うちは今のままでいいので、今回はお断りします。"
    )


@pytest.mark.parametrize(
    "deadline",
    [
        "Most of your neighbours are locking in this rate while they still can.",
        "The launch offer ends on Friday, so it's worth deciding now.",
        "We only have three delivery slots left this month.",
    ],
)
def test_an_english_deadline_from_a_rep_doing_the_talking_is_seller_driven(en_rubric: Rubric, deadline: str) -> None:
    def ngs(*turns: tuple[str, str]) -> set[str]:
        card = score_transcript(_call(*turns, language="en"), rubric=en_rubric, stage_phase="first_contact")
        return {n.id for n in card.ng_behaviors}

    talk = [("Rep", "Our platform handles bookings, payments and reminders, and it syncs with your calendar too.")] * 6
    assert "first_contact.seller_driven" in ngs(*talk, ("Customer", "Right."), ("Rep", deadline))
    balanced = ngs(
        ("Rep", "How are you handling bookings today?"),
        ("Customer", "Paper diary and the phone, and my partner types it up every night for an hour."),
        ("Rep", deadline),
    )
    assert "first_contact.seller_driven" not in balanced
