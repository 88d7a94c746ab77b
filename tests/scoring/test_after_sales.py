"""After-sales NG behaviours (scoring/rules_after.py): a trouble the customer reports put off without a day, more
sold on top of it, and an upsell pressed after a no that comes a few turns later. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

SLOW, IGNORED, MISMATCHED, PUSHY = (
    "after_follow.slow_trouble_response",
    "after_follow.ignores_complaints",
    "after_follow.mismatched_upsell",
    "after_follow.pushy_upsell",
)
CHECK_IN = ("営業", "導入から二か月経ちましたので、ご利用状況の確認でお電話しました。")
TROUBLE = ("顧客", "実は、夕方になると端末の画面が固まるんですよ。先週メールしたけど、その後何も来てなくて。")
OFFER = ("営業", "それでですね、今月から在庫分析のオプションが出まして、今なら初月無料です。")


def _ngs(rubric: Rubric, *turns: tuple[str, str], stage: str | None = "after_follow") -> set[str]:
    return {n.id for n in score_transcript(role_call(*turns), rubric=rubric, stage_phase=stage).ng_behaviors}


def test_a_trouble_put_off_and_sold_over_is_three_ngs(rubric: Rubric) -> None:
    ngs = _ngs(rubric, CHECK_IN, TROUBLE, ("営業", "申し訳ございません、サポートに伝えておきます。"), OFFER)
    assert {SLOW, IGNORED, MISMATCHED} <= ngs


def test_a_fix_promised_for_a_day_before_the_offer_is_none_of_them(rubric: Rubric) -> None:
    fixed = ("営業", "申し訳ございません。明日の午前中に原因と対処をご報告します。")
    ngs = _ngs(rubric, CHECK_IN, TROUBLE, fixed, ("顧客", "お願いします。"), OFFER)
    assert not {SLOW, IGNORED, MISMATCHED} & ngs


def test_the_same_words_in_a_prospects_story_are_a_need_not_a_complaint(rubric: Rubric) -> None:
    story = ("顧客", "今使ってる他社のシステムが、夕方になると画面が固まるんですよ。")
    ngs = _ngs(
        rubric,
        ("営業", "今の運用を教えてください。"),
        story,
        ("営業", "オプションで在庫分析も付けられます。"),
        stage="proposal",
    )
    assert not {SLOW, IGNORED, MISMATCHED} & ngs


def test_the_stage_unknown_a_usage_check_makes_it_after_sales(rubric: Rubric) -> None:
    ngs = _ngs(rubric, CHECK_IN, TROUBLE, ("営業", "なるべく早めにご連絡するようにいたします。"), stage=None)
    assert SLOW in ngs


def test_an_upsell_pressed_after_a_later_no_is_pushy(rubric: Rubric) -> None:
    turns = [
        CHECK_IN,
        ("顧客", "特に問題なく使えてます。"),
        OFFER,
        ("顧客", "え？"),
        ("営業", "在庫の回転が見えるようになります。"),
    ]
    pressed = _ngs(rubric, *turns, ("顧客", "今は要らないです。"), ("営業", "でも今月中なら初月無料ですので、ぜひ。"))
    taken = _ngs(
        rubric, *turns, ("顧客", "今は要らないです。"), ("営業", "承知しました。また必要な時にお声がけください。")
    )
    assert PUSHY in pressed
    assert PUSHY not in taken


RUSHED, ROLES, TERMS = (
    "contract_implementation.rushed_testing",
    "contract_implementation.unclear_customer_roles",
    "contract_implementation.unprepared_terms",
)
KICKOFF = ("営業", "本日はキックオフということで、導入までの流れをご説明します。")


def test_testing_waved_away_is_rushed(rubric: Rubric) -> None:
    waved = ("営業", "テストは正直なくても大丈夫です。皆さん使いながら覚えていかれます。")
    planned = ("営業", "三月の二週目を丸ごと並行稼働のテストに充てて、結果を見てから切り替えます。")
    assert RUSHED in _ngs(rubric, KICKOFF, waved, stage="contract_implementation")
    assert RUSHED not in _ngs(rubric, KICKOFF, planned, stage="contract_implementation")


def test_a_test_length_doubted_and_talked_past_is_rushed(rubric: Rubric) -> None:
    doubt = ("顧客", "テスト三日ですか。拠点が三つあるんですけど。")
    past = _ngs(rubric, KICKOFF, doubt, ("営業", "はい、それで十一月一日に本番です。"), stage="contract_implementation")
    taken = _ngs(
        rubric,
        KICKOFF,
        doubt,
        ("営業", "確かにそうですね。拠点ごとに何日あれば安心ですか？"),
        stage="contract_implementation",
    )
    assert RUSHED in past
    assert RUSHED not in taken


def test_who_does_it_left_to_the_customer_is_unclear_roles(rubric: Rubric) -> None:
    ask = ("顧客", "マスタの登録って、どなたがやるんでしょう？")
    left = _ngs(
        rubric,
        KICKOFF,
        ask,
        ("営業", "そのへんは御社の中で適宜ご担当を決めていただければ。"),
        stage="contract_implementation",
    )
    named = _ngs(
        rubric,
        KICKOFF,
        ask,
        ("営業", "初回の登録は弊社の佐藤が行い、以降の更新を総務の方にお願いします。"),
        stage="contract_implementation",
    )
    assert ROLES in left
    assert ROLES not in named


def test_terms_the_rep_cannot_answer_are_unprepared(rubric: Rubric) -> None:
    ask = ("顧客", "見積もりのときに、撮影も込みって聞いた気がするんですけど。")
    unsure = _ngs(
        rubric,
        KICKOFF,
        ask,
        ("営業", "えー、込み、だったかもしれないです。今手元に契約書がなくて。"),
        stage="contract_implementation",
    )
    sure = _ngs(
        rubric,
        KICKOFF,
        ask,
        ("営業", "はい、契約書の別紙二のとおり、撮影八十点まで込みです。"),
        stage="contract_implementation",
    )
    assert TERMS in unsure
    assert TERMS not in sure


def test_kickoff_rules_stay_out_of_a_proposal(rubric: Rubric) -> None:
    waved = ("営業", "テストは正直なくても大丈夫です。")
    assert RUSHED not in _ngs(rubric, KICKOFF, waved, stage="proposal")


def test_a_concern_passed_over_after_the_sale_is_a_complaint_left_standing(rubric: Rubric) -> None:
    turns = (
        CHECK_IN,
        ("顧客", "先月サポートの方にメールで送ったんですけど、お返事いただいてなくて。正直、困ってるんです。"),
        ("営業", "それで、画面の色は三色から選べるようになりました。"),
        ("顧客", "いや、メールの話なんですけど。"),
    )
    after = _ngs(rubric, *turns)
    before = _ngs(rubric, *turns, stage="negotiation_closing")
    assert IGNORED in after and "negotiation_closing.objection_ignored" not in after
    assert "negotiation_closing.objection_ignored" in before


def test_a_change_the_customer_has_to_repeat_is_a_change_ignored(rubric: Rubric) -> None:
    def ngs(repeat: str) -> set[str]:
        call = role_call(
            ("営業", "本日はご利用状況の確認と、新しいオプションのご案内です。"),
            ("顧客", "来月から、配送の車を六台から四台に減らすんですよ。"),
            ("営業", "そうなんですね。それで、車両を二台追加していただくと割引になるプランがございまして。"),
            ("顧客", repeat),
        )
        card = score_transcript(call, rubric=rubric, stage_phase="after_follow")
        return {n.id for n in card.ng_behaviors}

    assert "after_follow.ignores_changes" in ngs("いや、だから、四台に減らすって言ってるじゃないですか。")
    assert "after_follow.ignores_changes" not in ngs("ああ、追加の話ですね。今回はいいです。")


def test_a_customer_remarking_on_months_without_contact_is_no_touchpoints(rubric: Rubric, en_rubric: Rubric) -> None:
    def ngs(said: str, language: str = "ja") -> set[str]:
        rep = (
            ("営業", "ご無沙汰しております。本日はご利用状況の確認でお電話しました。")
            if language == "ja"
            else (
                "Rep",
                "Hi, I'm calling to check how the system is working for you.",
            )
        )
        who = "顧客" if language == "ja" else "Customer"
        call = role_call(rep, (who, said), language=language)
        card = score_transcript(call, rubric=rubric if language == "ja" else en_rubric, stage_phase="after_follow")
        return {n.id for n in card.ng_behaviors}

    assert "after_follow.no_touchpoints" in ngs(
        "ほんと久しぶりですね。契約してから、一度も顔を見せてもらってないですよ。"
    )
    assert "after_follow.no_touchpoints" in ngs("Honestly, nobody has visited since the install.", "en")
    assert "after_follow.no_touchpoints" in ngs("We haven't heard from your team since the spring review.", "en")
    assert "after_follow.no_touchpoints" not in ngs("先週の点検の日、予定の時間に誰も来なかったんですよ。")


def test_an_addition_the_customer_says_does_not_fit_their_work_is_a_mismatched_upsell(
    rubric: Rubric, en_rubric: Rubric
) -> None:
    offer = ("営業", "それと、配送ルートの自動作成オプションもご案内させてください。")
    misfit = ("顧客", "うちは配達は全部委託に出したから、そういうのはいらないんですよ。")
    assert MISMATCHED in _ngs(rubric, offer, misfit)
    assert MISMATCHED not in _ngs(rubric, offer, ("顧客", "ああ、それはちょっと気になってました。"))
    assert MISMATCHED not in _ngs(rubric, offer, misfit, stage="proposal")
    english = role_call(
        ("Rep", "We also have a premium add-on for automated route planning."),
        ("Customer", "We don't do deliveries anymore, so we don't need that."),
        language="en",
    )
    assert MISMATCHED in {
        n.id for n in score_transcript(english, rubric=en_rubric, stage_phase="after_follow").ng_behaviors
    }


def test_an_addition_answered_with_a_change_the_rep_did_not_know_is_mechanical_selling(rubric: Rubric) -> None:
    offer = ("営業", "今なら、端末を五台追加でお得にご用意できます。")
    changed = ("顧客", "端末は増やさないですよ。来月で二号店を閉めるんで。")
    assert "after_follow.mechanical_selling" in _ngs(rubric, offer, changed)
    assert "after_follow.mechanical_selling" not in _ngs(rubric, offer, ("顧客", "何台まで追加できるんですか。"))


@pytest.mark.parametrize("yes", ["それでいいです。お願いします。", "中身はこれで十分です。進めてください。"])
def test_an_upsell_taken_with_that_is_fine_is_no_no_and_nothing_is_pressed(rubric: Rubric, yes: str) -> None:
    ngs = _ngs(
        rubric,
        CHECK_IN,
        OFFER,
        ("顧客", yes),
        ("営業", "ありがとうございます。では、オプションの申込書を今日お送りします。"),
    )
    assert PUSHY not in ngs


@pytest.mark.parametrize(
    ("said", "left"),
    [
        ("運用の担当は、御社の方でいい感じに決めていただければ。", True),
        ("入力は、まあ、そちらで誰か詳しい方に。", True),
        ("御社側で決めていただきたいことが二つあります。承認者と、入力の担当です。", False),
    ],
)
def test_roles_left_to_the_customer_unasked_are_unclear_too(rubric: Rubric, said: str, left: bool) -> None:
    ngs = _ngs(rubric, KICKOFF, ("営業", said), ("顧客", "はい。"), stage="contract_implementation")
    assert (ROLES in ngs) is left


@pytest.mark.parametrize(
    "said",
    [
        "解約の条件は、ちょっと契約書を確認します。",
        "たしか初期の研修費が別だった気がします。",
        "保守は、年一回の点検が入ってたかな、あったっけ。",
    ],
)
def test_terms_half_remembered_at_kick_off_are_unprepared(rubric: Rubric, said: str) -> None:
    ngs = _ngs(rubric, KICKOFF, ("営業", said), ("顧客", "そうですか。"), stage="contract_implementation")
    assert TERMS in ngs


def test_an_english_rep_who_must_check_the_wording_and_leaves_roles_to_the_team(en_rubric: Rubric) -> None:
    call = role_call(
        ("Rep", "Welcome to the kickoff. Who runs the tagging is whatever works for your team."),
        ("Customer", "And the damage cover?"),
        ("Rep", "I'd have to check the exact wording on that."),
        language="en",
    )
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="contract_implementation").ng_behaviors}
    assert {ROLES, TERMS} <= ngs


def test_pressing_an_offer_after_a_no_is_a_pushy_upsell_only_after_the_sale(rubric: Rubric) -> None:
    turns = [OFFER, ("顧客", "今は要らないです。"), ("営業", "でも今月中なら初月無料ですので、ぜひ。")]
    assert PUSHY in _ngs(rubric, *turns)
    assert PUSHY not in _ngs(rubric, *turns, stage="negotiation_closing")


@pytest.mark.parametrize(
    "said", ["現場の皆さんは、使いながら慣れていただければ大丈夫です。", "まあ、最初は慣れの問題ですね。"]
)
def test_users_left_to_get_used_to_it_at_kick_off_is_ignoring_the_end_users(rubric: Rubric, said: str) -> None:
    ngs = _ngs(rubric, KICKOFF, ("営業", said), ("顧客", "はあ。"), stage="contract_implementation")
    assert "contract_implementation.ignores_end_users" in ngs


@pytest.mark.parametrize(
    "offer",
    [
        "それと、録画の保存期間を延ばすプランが、年度内のご発注でしたら工事費込みになるんですが、今週中にお返事いただければ。",
        "ちなみに期間限定で、予備バッテリーのセットが今月中でしたら二割引きになっております。",
    ],
)
def test_more_offered_after_the_sale_under_a_deadline_is_pushy(rubric: Rubric, offer: str) -> None:
    assert PUSHY in _ngs(rubric, CHECK_IN, ("顧客", "おかげさまで、特に問題なく使えてます。"), ("営業", offer))


def test_the_same_deadline_before_the_sale_is_not_this_ng(rubric: Rubric) -> None:
    offer = ("営業", "ちなみに期間限定で、予備バッテリーのセットが今月中でしたら二割引きになっております。")
    assert PUSHY not in _ngs(
        rubric, ("営業", "本日は二回目のご提案です。"), ("顧客", "はい。"), offer, stage="proposal"
    )


def test_an_english_upsell_with_a_promo_clock(en_rubric: Rubric) -> None:
    call = role_call(
        ("Rep", "Thanks for the time, just checking how the scanners are doing for you."),
        ("Customer", "Fine, no complaints."),
        ("Rep", "Great. There's a holiday promo on the label printer if you order this week."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="after_follow")
    assert PUSHY in {n.id for n in card.ng_behaviors}


CHANGES = "after_follow.ignores_changes"


def test_a_change_told_against_what_the_rep_pushes_is_ignored_changes(rubric: Rubric) -> None:
    offer = ("営業", "それから、温度センサーのオプションを、三つの倉庫すべてに付けていただくのがおすすめです。")
    change = ("顧客", "あの、西の倉庫は先月で手放したんですよ。")
    assert CHANGES in _ngs(rubric, CHECK_IN, ("顧客", "はい。"), offer, change)


def test_the_same_change_told_when_the_rep_asks_is_not(rubric: Rubric) -> None:
    offer = ("営業", "それから、冷蔵庫の温度センサーの追加もご用意があります。")
    asked = ("営業", "その前に、倉庫の数など、お使いの状況に変わりはありませんか？")
    change = ("顧客", "あの、西の倉庫は先月で手放したんですよ。")
    assert CHANGES not in _ngs(rubric, CHECK_IN, ("顧客", "はい。"), offer, ("顧客", "なるほど。"), asked, change)


@pytest.mark.parametrize(
    ("said", "ng"),
    [
        # Tuned on blind43/44 (seventeenth session); wording written for these tests.
        ("当日の朝に端末を入れ替えて、その場で一台ずつ試していきます。", RUSHED),
        ("そのへんは病院さんのほうで、うまくやっていただければ。", ROLES),
        ("保守に含まれるかは、ちょっと契約書見ないと分からないです。", TERMS),
        ("えーと、交換部品は入ってなかったかな。", TERMS),
    ],
)
def test_a_test_on_the_day_roles_left_to_the_trade_or_terms_unread_at_kickoff(
    rubric: Rubric, said: str, ng: str
) -> None:
    assert ng in _ngs(
        rubric, KICKOFF, ("顧客", "そのあたりはどうなりますか。"), ("営業", said), stage="contract_implementation"
    )


@pytest.mark.parametrize(
    "said",
    [
        "当日の朝に切り替えますが、テストは前の週に三日間、並行稼働で済ませておきます。",
        "登録は病院さんのほうで、総務の佐藤さんにお願いしたいです。",
        "交換部品は保守に入っています。契約書の第四条のとおりです。",
    ],
)
def test_a_test_done_before_roles_named_and_terms_known_are_none(rubric: Rubric, said: str) -> None:
    got = _ngs(
        rubric, KICKOFF, ("顧客", "そのあたりはどうなりますか。"), ("営業", said), stage="contract_implementation"
    )
    assert not got & {RUSHED, ROLES, TERMS}


@pytest.mark.parametrize(
    ("said", "slow"),
    [
        # Tuned on blind43/44 (seventeenth session); wording written for these tests.
        ("申し訳ございません、一番早くて、再来週の月曜日になってしまいます。", True),
        ("明日の朝一番に、技術の者が伺います。", False),
    ],
)
def test_a_fix_with_a_day_weeks_away_is_still_slow(rubric: Rubric, said: str, slow: bool) -> None:
    assert (SLOW in _ngs(rubric, CHECK_IN, TROUBLE, ("営業", said))) is slow


@pytest.mark.parametrize(
    ("said", "slow"),
    [
        ("I'll log a ticket today, they usually reach out within a few business days.", True),
        ("I'll have a technician there tomorrow morning at nine.", False),
    ],
)
def test_a_fix_at_a_queues_pace_is_slow_in_english(en_rubric: Rubric, said: str, slow: bool) -> None:
    call = role_call(
        ("Rep", "I'm calling to check how the units are working for you."),
        ("Customer", "One of them shows a red light since last week."),
        ("Rep", said),
        language="en",
    )
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="after_follow").ng_behaviors}
    assert (SLOW in ngs) is slow


def test_an_english_size_told_as_changed_against_the_offer_is_a_change_ignored(en_rubric: Rubric) -> None:
    def ngs(answer: str) -> set[str]:
        call = role_call(
            ("Rep", "Thanks for the time. I'm calling about your renewal and our new review add-on."),
            ("Customer", "Sure, go ahead."),
            ("Rep", "So for the thirty seats, the add-on would be another forty a seat."),
            ("Customer", answer),
            language="en",
        )
        card = score_transcript(call, rubric=en_rubric, stage_phase="after_follow")
        return {n.id for n in card.ng_behaviors}

    assert "after_follow.ignores_changes" in ngs("Thirty seats? We're down to eighteen editors since May.")
    assert "after_follow.ignores_changes" in ngs("We haven't got thirty editors anymore, we restructured.")
    assert "after_follow.ignores_changes" not in ngs("Thirty seats sounds right. What does the add-on do?")


@pytest.mark.parametrize(
    "said",
    [
        # blind103's `cd20`: the option chosen, then a question about the first days.
        "それがいいです。あと、一日から五日までの分はどうしましょう。",
        # blind83's `bj19`: what the customer's clients want, not a no.
        "ディーラーさんの時だけ、生の演奏がいいって言われるんだよね。",
    ],
)
def test_a_thing_said_to_be_good_is_no_no_to_press_on(rubric: Rubric, said: str) -> None:
    ngs = _ngs(
        rubric,
        CHECK_IN,
        ("営業", "実績報告のオプションを月五千円で、初期設定を三万円で、来月一日から開始できます。"),
        ("顧客", said),
        ("営業", "でしたら、その週の分をまとめて入れていただければ大丈夫です。"),
    )
    assert PUSHY not in ngs


@pytest.mark.parametrize(
    ("said", "pushy"),
    [
        # blind72's `ax06`: a form handed in by a day holds a machine; nothing hangs on the date but the schedule.
        ("注文書は月末までにいただければ、展示機のほうを押さえておきます。", False),
        ("今月中にお申し込みいただければ、月額を五百円お安くできます。", True),
        ("今月中に決めていただければ、初期費用を無料にします。", True),
    ],
)
def test_a_deadline_is_pushy_when_a_price_or_a_perk_hangs_on_it(rubric: Rubric, said: str, pushy: bool) -> None:
    assert (PUSHY in _ngs(rubric, CHECK_IN, ("顧客", "特に問題なく使えてます。"), ("営業", said))) is pushy


@pytest.mark.parametrize(("asked", "passed_over"), [("それは、いつ頃から固まるようになりました？", False), ("なるほど。", True)])
def test_a_question_on_the_trouble_before_the_offer_takes_it_up(rubric: Rubric, asked: str, passed_over: bool) -> None:
    """blind124's `cy18` after its first sight (wording written for this test): the rep asks about the trouble before
    offering; the offer answers it, it does not pass it over."""
    ngs = _ngs(rubric, CHECK_IN, TROUBLE, ("営業", asked), ("顧客", "先月からですね。"), OFFER)
    assert (IGNORED in ngs) is passed_over
