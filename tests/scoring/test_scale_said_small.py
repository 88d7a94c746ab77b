"""Mismatched scale (seed 000, 提案 NG: 顧客の規模感に合わないメリットを提示する): in a proposal the customer sets their
own small size against what is offered (issue 13, after blind29/30's first sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "proposal.mismatched_scale"


def _ngs(rubric: Rubric, said: str, phase: str = "proposal", language: str = "ja") -> set[str]:
    rep, cust = ("Rep", "Customer") if language == "en" else ("営業", "顧客")
    pitch = (
        "The regional dashboard rolls every branch up for head office."
        if language == "en"
        else "本部のダッシュボードで、全店の売上を一画面で比べていただけます。"
    )
    call = role_call((rep, pitch), (cust, said), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    "said", ["いや、うちは工房が一軒だけですよ。", "全店って言われても、チェーンじゃないですから。"]
)
def test_the_customer_setting_a_small_size_against_the_proposal(rubric: Rubric, said: str) -> None:
    assert NG in _ngs(rubric, said)


def test_the_same_words_before_a_proposal_describe_the_business(rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, "いや、うちは工房が一軒だけですよ。", phase="needs_discovery")


def test_an_english_customer_with_one_location(en_rubric: Rubric) -> None:
    assert NG in _ngs(en_rubric, "Head office? We only have one store.", language="en")


@pytest.mark.parametrize(
    ("said", "flagged"),
    [("Honestly, we're not six marinas.", True), ("We've got two slitters.", True), ("We've got two questions.", False)],
)
def test_an_english_size_said_back_after_a_case(en_rubric: Rubric, said: str, flagged: bool) -> None:
    """blind88's `bo10` (wording written for this test): the customer's size said back after a bigger client's case."""
    call = role_call(
        ("Rep", "One of our clients runs six marinas and twelve hundred slips, and they cut wrap waste by half."),
        ("Customer", said),
        ("Rep", "Sure."),
        language="en",
    )
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="proposal").ng_behaviors}
    assert (NG in ngs) is flagged
