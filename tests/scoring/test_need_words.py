"""BANT need in words the customer uses for a problem (issue 13, after blind13/14's first sight): work redone, left
lying, slipped through, asked about too often, a rate below where it should be, a repeat to avoid. Wording written
for these tests; a neutral statement of the same facts is no need."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

ASK = ("営業", "今、受注の処理はどのようにされていますか。")


def _need(rubric: Rubric, said: str) -> bool:
    card = score_transcript(role_call(ASK, ("顧客", said)), rubric=rubric, stage_phase="needs_discovery")
    return card.bant["need"].found


@pytest.mark.parametrize(
    "said",
    [
        "寸法の取り違えがあったら、箱は作り直しや。",
        "展示会の名刺が、ほぼ放置されてて。",
        "去年、更新の管理が漏れて、契約が自動で延びてもうた。",
        "家でつながらへんっていう問い合わせがすごい多いんですよ。",
        "相談から契約まで、三割いかんとです。",
        "あれはもう二度とやりたくないので。",
    ],
)
def test_a_problem_in_the_customers_words_is_a_need(rubric: Rubric, said: str) -> None:
    assert _need(rubric, said)


@pytest.mark.parametrize(
    "said", ["受注はFAXとメールで受けて、事務の者が入力しています。", "三割くらいが新規のお客さんです。"]
)
def test_the_same_facts_said_plainly_are_no_need(rubric: Rubric, said: str) -> None:
    assert not _need(rubric, said)


def test_the_problem_named_as_such_is_a_need_but_no_problem_is_none(rubric):
    told = role_call(
        ("営業", "温室の管理で、今どのあたりが大変ですか。"),
        ("顧客", "昼は人がいるからいいんだけど、問題は明け方の冷え込みなんですよ。"),
    )
    fine = role_call(
        ("営業", "温室の管理で、今どのあたりが大変ですか。"),
        ("顧客", "いや、今のところ特に問題ないですね。"),
    )
    assert score_transcript(told, rubric=rubric).bant["need"].found
    assert not score_transcript(fine, rubric=rubric).bant["need"].found


def test_a_trouble_the_customer_tells_is_a_need_in_any_phase(rubric):
    call = role_call(
        ("営業", "更新のご案内でお電話しました。"),
        ("顧客", "その前に、先週から予約の画面が夕方になると固まるんですよ。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="after_follow")
    assert card.bant["need"].found and "固まる" in card.bant["need"].evidence
    fine = role_call(("営業", "更新のご案内でお電話しました。"), ("顧客", "はい、特に何も起きてないです。"))
    assert not score_transcript(fine, rubric=rubric, stage_phase="after_follow").bant["need"].found
