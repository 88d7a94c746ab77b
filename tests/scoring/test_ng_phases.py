"""NG behaviours that belong to a phase (issue 13, blind9-18): a vague benefit is a proposal's fault, not one of a
negotiation arguing terms already proposed nor of an after-sales offer on top; in after-sales, talking on is
information pushed one way and a vague "I'll be in touch" no first-contact fault. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call as _call

VAGUE = "proposal.vague_benefits"


def _ngs(rubric: Rubric, phase: str) -> set[str]:
    call = _call(
        ("営業", "こちらを入れていただくと、現場の皆さんの毎日がぐっと楽になります。"),
        ("顧客", "そうですか。"),
    )
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    ("phase", "flagged"), [("proposal", True), ("negotiation_closing", False), ("after_follow", False)]
)
def test_a_vague_benefit_is_a_proposals_fault(phase, flagged, rubric):
    assert (VAGUE in _ngs(rubric, phase)) is flagged


def _after_sales(rubric: Rubric, phase: str) -> set[str]:
    call = _call(
        (
            "営業",
            "本日は新機能のご紹介です。まず在庫の自動補充、次に発注書の一括作成、それから仕入先ごとの納期管理です。",
        ),
        ("顧客", "はい。"),
        ("営業", "さらに売上の予測機能、棚卸しのアプリ、店舗間の移動指示、どれも追加料金なしでお使いいただけます。"),
        ("顧客", "はい。"),
        ("営業", "加えて来月には、レシートの分析機能と、会員の購買履歴の画面も追加されますので、ぜひご活用ください。"),
        ("顧客", "はあ。"),
        ("営業", "では、また改めてご連絡いたします。"),
    )
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


def test_in_after_sales_talking_on_is_one_way_information(rubric):
    first = _after_sales(rubric, "first_contact")
    after = _after_sales(rubric, "after_follow")
    assert {"first_contact.one_sided_talk", "first_contact.vague_follow_up"} <= first
    assert "after_follow.one_way_info" in after
    assert not after & {"first_contact.one_sided_talk", "first_contact.vague_follow_up"}


@pytest.mark.parametrize(
    ("said", "phase", "flagged"),
    [
        ("実は、来月から別の業者さんに切り替えることにしまして。", "after_follow", True),
        ("契約が切れたら、更新はしないつもりです。", "after_follow", True),
        ("実は、来月から別の業者さんに切り替えることにしまして。", "needs_discovery", False),
        ("おかげさまで、更新もお願いしようと思ってます。", "after_follow", False),
        # The customer's own business switching, a thought, a threat and someone else's move are no loss.
        ("去年から、半分の畑を有機栽培に切り替えたんです。", "after_follow", False),
        ("正直、よその業者に替えることも考えてます。", "after_follow", False),
        ("今度また遅れたら、ほかの会社に変えますよ。", "after_follow", False),
        ("隣の工場は、別のメーカーの機械に替えたって聞きました。", "after_follow", False),
    ],
)
def test_leaving_for_another_vendor_in_after_sales_is_lost_to_a_competitor(said, phase, flagged, rubric):
    call = _call(
        ("営業", "本日はご利用状況の確認でお電話しました。"), ("顧客", said), ("営業", "さようでございますか。")
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("after_follow.lost_to_competitor" in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(("phase", "flagged"), [("needs_discovery", True), ("first_contact", False)])
def test_no_next_action_is_no_cold_calls_fault(phase, flagged, rubric):
    call = _call(
        ("営業", "導入の時期はいつ頃をお考えですか？"),
        ("顧客", "それがまだ全然読めないんです。"),
        ("営業", "そうですか。本日はありがとうございました。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("needs_discovery.no_next_action" in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(
    "said",
    [
        "では、資料をお送りしますので、またあらためてご連絡させていただきます。",
        "来週どこかで、またお電話させていただいてもよろしいですか。",
    ],
)
def test_a_vague_follow_up_in_hiragana_or_some_day_next_week(said, rubric):
    call = _call(("営業", "本日はありがとうございました。"), ("顧客", "どうも。"), ("営業", said), ("顧客", "はい。"))
    card = score_transcript(call, rubric=rubric, stage_phase="first_contact")
    assert "first_contact.vague_follow_up" in {n.id for n in card.ng_behaviors}


@pytest.mark.parametrize(
    ("said", "flagged"),
    [
        ("I'll email you the brochure and the rates, and we can take it from there.", True),
        ("I'll email you the brochure, and we can go through it on Tuesday the ninth at ten.", False),
        # blind128's `dc09` after its first sight (wording written for this test): the move handed over, no day.
        ("Whenever you're ready, just give me a call.", True),
        ("I'll check in again sometime after the holidays.", True),
    ],
)
def test_material_sent_and_the_rest_left_open_is_a_vague_follow_up_in_english(said, flagged, en_rubric):
    call = _call(
        ("Rep", "Thanks for walking me through the rota today."),
        ("Customer", "No worries."),
        ("Rep", said),
        ("Customer", "Sounds good."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="first_contact")
    assert ("first_contact.vague_follow_up" in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(("phase", "flagged"), [("needs_discovery", True), ("proposal", False)])
def test_a_discovery_that_hands_the_next_move_over_has_no_next_action(phase, flagged, rubric):
    call = _call(
        ("営業", "本日はありがとうございました。"),
        ("顧客", "いえいえ。"),
        ("営業", "では、資料を本日中にお送りしますので、ご検討いただければと思います。"),
        ("顧客", "はい。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("needs_discovery.no_next_action" in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(
    ("phase", "flagged"),
    [("first_contact", True), ("negotiation_closing", False), ("contract_implementation", False)],
)
def test_ill_be_in_touch_ends_a_first_contact_vaguely_not_a_closing_or_kickoff(phase, flagged, rubric):
    call = _call(
        ("営業", "本日は貴重なお時間をありがとうございました。"),
        ("顧客", "いえ、こちらこそ。"),
        ("営業", "それでは、社内で確認いたしまして、また追ってご連絡差し上げます。"),
        ("顧客", "お願いします。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("first_contact.vague_follow_up" in {n.id for n in card.ng_behaviors}) is flagged


def test_in_a_closing_call_long_turns_over_terms_are_no_one_sided_talk(rubric):
    assert "first_contact.one_sided_talk" not in _after_sales(rubric, "negotiation_closing")


@pytest.mark.parametrize(
    ("phase", "flagged"),
    [
        ("needs_discovery", True),
        ("proposal", False),
        ("negotiation_closing", False),
        ("contract_implementation", False),
    ],
)
def test_a_closed_interest_question_is_a_discovery_fault_only(phase, flagged, rubric):
    call = _call(
        ("営業", "前回お見せした予約画面なんですが、ご興味はおありでしょうか。"),
        ("顧客", "ええ、まあ。"),
        ("営業", "それでは、お見積もりの内容をご説明します。"),
        ("顧客", "はい。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase=phase)
    assert ("needs_discovery.shallow_question" in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(
    ("said", "flagged"),
    [
        ("We've decided we're not renewing after March.", True),
        ("A lot of shops around here switched to the cheaper plan last year.", False),
        ("I was thinking about not renewing, to be honest.", False),
    ],
)
def test_english_leaving_is_the_customers_own_decision(said: str, flagged: bool, en_rubric) -> None:
    call = _call(
        ("Rep", "Thanks for taking the time for this account review."),
        ("Customer", said),
        ("Rep", "I see."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="after_follow")
    assert ("after_follow.lost_to_competitor" in {n.id for n in card.ng_behaviors}) is flagged
