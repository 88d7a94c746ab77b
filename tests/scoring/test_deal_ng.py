"""Seed 003's deal state counts terms the customer has not disputed, and seed 000's NG behaviours in other wordings."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.transcript import Segment, Transcript


def _call(*turns: tuple[str, str]) -> Transcript:
    return Transcript(
        segments=tuple(Segment(speaker=s, text=t, role="rep" if s == "営業" else "customer") for s, t in turns)
    )


@pytest.mark.parametrize(
    ("turns", "state"),
    [
        # The customer's last word on the plan doubts it: plan not present, price and timing are (話題, not 商談).
        (
            (
                ("営業", "ベーシックプランをご提案します。月額3万円です。"),
                ("顧客", "月3万円なら払える範囲ですね。"),
                ("営業", "4月から始めるのはいかがですか。"),
                ("顧客", "時期は4月で考えています。"),
                ("営業", "ありがとうございます。"),
                ("顧客", "ただ、プランは上位のものが要るのか、社内で話してみないとわからないです。"),
            ),
            "wadai",
        ),
        # Staying with the current vendor is a decline without a rejection word.
        ((("営業", "ご検討いかがでしたか。"), ("顧客", "今の業者さんとの契約を更新することにしました。")), "botsu"),
        # "Not for now" in other words is a decline.
        ((("営業", "ご検討いかがでしたか。"), ("顧客", "当面は入れ替えを検討しておりません。")), "botsu"),
        # A fee as a percentage is a price; a past price-tag mistake is a need, not the deal's price.
        ((("営業", "手数料は売上の5%です。プランはライトで。"), ("顧客", "そのプランでお願いします。")), "wadai"),
        (
            (
                ("営業", "プランはライトです。"),
                ("顧客", "そのプランでお願いします。以前、値引きの価格を1000円間違えました。"),
            ),
            None,
        ),
        (
            (
                ("営業", "プランはライトです。"),
                ("顧客", "そのプランでお願いします。この間、特売の価格を500円間違えました。"),
            ),
            None,
        ),
        # A free item is not a price, and a busy season is not an adoption time: the plan alone is present.
        (
            (
                ("営業", "スタンダードプランです。研修も無料でご用意しております。"),
                ("顧客", "そのプランでお願いします。"),
            ),
            None,
        ),
        ((("営業", "スタンダードプランです。繁忙期の時期も安心です。"), ("顧客", "そのプランでお願いします。")), None),
    ],
)
def test_deal_state_counts_what_stands(turns, state, rubric):
    assert score_transcript(_call(*turns), rubric=rubric).deal_state == state


def _ng(rubric, *turns: tuple[str, str]) -> set[str]:
    return {n.id for n in score_transcript(_call(*turns), rubric=rubric, stage_phase="first_contact").ng_behaviors}


@pytest.mark.parametrize(
    ("rep", "ng", "present"),
    [
        # A campaign everyone gets is no concession of the rep's (issue 13); the rep's own cut is.
        ("今ならキャンペーンで、導入費用が無料になります。", "negotiation_closing.discount_first", False),
        ("今月中にご契約いただければ、導入費用を二割お引きします。", "negotiation_closing.discount_first", True),
        ("初期費用ゼロのプランもございます。", "negotiation_closing.discount_first", False),
        ("新しい会計ソフトにご興味はありますか？", "needs_discovery.shallow_question", True),
        ("どの機能にご関心がありますか？", "needs_discovery.shallow_question", False),
        ("資料は本日お送りしますので、また改めてご連絡いたします。", "first_contact.vague_follow_up", True),
        ("明日またご連絡いたします。", "first_contact.vague_follow_up", False),
        ("カタログをお送りしますので、また来月ご連絡いたします。", "first_contact.vague_follow_up", True),
        ("今回の設備には、おいくらくらいまでお出しになれますか？", "needs_discovery.budget_first", True),
    ],
)
def test_ng_behaviours_in_other_words(rep, ng, present, rubric):
    found = _ng(rubric, ("営業", "お世話になります。"), ("顧客", "どうも。"), ("営業", rep), ("顧客", "そうですか。"))
    assert (ng in found) is present


@pytest.mark.parametrize(
    ("reply", "ignored"),
    [
        ("多くのお客様にご利用いただいていますので、ご安心ください。", True),
        (
            "データは国内で暗号化して保管しますので、監査のご担当にもご安心いただけるかと思います。ご安心ください。",
            False,
        ),
    ],
)
def test_a_hedged_concern_waved_away_is_ignored(reply, ignored, rubric):
    found = _ng(
        rubric,
        ("営業", "クラウド版のご提案です。"),
        ("顧客", "ただ、データの保管について監査のほうが何と言うか…。"),
        ("営業", reply),
        ("顧客", "そうですか。"),
    )
    assert ("negotiation_closing.objection_ignored" in found) is ignored
