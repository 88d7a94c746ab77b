"""A big company's case held up in a proposal (seed 000, 提案 NG: 顧客の規模感に合わないメリットを提示する): the customer
hears success from a world of another size (issue 13, fifteenth session). It is no case from another trade by itself
(twenty-ninth session: that reading was never right over the labelled calls). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

SCALE, TRADE = "proposal.mismatched_scale", "proposal.irrelevant_case"
BOTH = {SCALE, TRADE}


def _ngs(rubric: Rubric, case: str, phase: str = "proposal", language: str = "ja") -> set[str]:
    rep, cust = ("Rep", "Customer") if language == "en" else ("営業", "顧客")
    nod = "Mm-hm." if language == "en" else "はい。"
    call = role_call((rep, case), (cust, nod), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    "case",
    [
        "こちら、大手の物流会社さんの事例なんですが、配車の手間が半分になりました。",
        "たとえば大規模な病院グループ様ですと、年間で二千万円の削減になっています。",
        "全国に八十店舗あるドラッグストアチェーン様でも使っていただいております。",
    ],
)
def test_a_big_company_case_in_a_proposal_is_out_of_scale_not_of_trade(rubric: Rubric, case: str) -> None:
    ngs = _ngs(rubric, case)
    assert SCALE in ngs and TRADE not in ngs


@pytest.mark.parametrize(
    "case",
    [
        "同じ規模の印刷会社さんの事例なんですが、校正の戻りが三割減りました。",
        "私もともと大手のメーカーさんにいまして、そこで生産管理を担当していました。",
        "大手の物流会社さんでも使っていただけるものなんでしょうか。",
    ],
)
def test_a_case_of_the_same_size_the_reps_own_history_or_a_question_is_not(rubric: Rubric, case: str) -> None:
    assert not BOTH & _ngs(rubric, case)


@pytest.mark.parametrize(
    ("case", "flagged"),
    [
        # blind115's `cp08` and blind117's `cr07` at their first sight: a case whose volume runs to tens of thousands.
        (
            "事例でいうと、九州の家具メーカーさん、年間で一万台くらい作ってらっしゃるところで、二台入れていただいて。",
            True,
        ),
        ("こちらは苗の事例なんですけども、関東の苗屋さんで、年間千五百万本の苗を出されているところです。", True),
        # The same volume said to be of the customer's size is no mismatch.
        ("これは三河の窯元さんで、規模はほぼ同じ、年間百万枚ちょっとのところです。", False),
        ("規模の近いところで、隣の県の、人口二万人台の町の商工会さんの事例です。", False),
    ],
)
def test_a_case_of_a_far_bigger_volume_is_out_of_scale(rubric: Rubric, case: str, flagged: bool) -> None:
    assert (SCALE in _ngs(rubric, case)) is flagged


def test_the_same_case_outside_a_proposal_is_not_read(rubric: Rubric) -> None:
    assert not BOTH & _ngs(
        rubric, "こちら、大手の物流会社さんの事例なんですが、配車の手間が半分になりました。", "needs_discovery"
    )


@pytest.mark.parametrize(
    "case",
    [
        "One of our biggest customers is a theme park in Ohio, and they cut queue times by a third.",
        "A national building supplies chain with over 200 stores runs it across every branch.",
    ],
)
def test_an_english_big_company_case(en_rubric: Rubric, case: str) -> None:
    ngs = _ngs(en_rubric, case, language="en")
    assert SCALE in ngs and TRADE not in ngs


def test_an_english_case_of_a_peer_is_not(en_rubric: Rubric) -> None:
    assert not BOTH & _ngs(
        en_rubric, "One of our customers is a bakery your size, two shops, same setup.", language="en"
    )
