"""Slow trouble response (seed 000, アフターフォロー NG: トラブル対応が遅い) read from the customer counting the days the
trouble has waited on the vendor (issue 13, fifteenth session). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "after_follow.slow_trouble_response"


def _ngs(rubric: Rubric, said: str, phase: str = "after_follow", language: str = "ja") -> set[str]:
    if language == "en":
        opening, reply, who = (
            ("Rep", "How is the scheduler working for you?"),
            ("Rep", "Sorry to hear that."),
            "Customer",
        )
    else:
        opening, reply, who = ("営業", "その後、ご利用状況はいかがですか。"), ("営業", "申し訳ございません。"), "顧客"
    call = role_call(opening, (who, said), reply, language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    "said",
    [
        "印刷が止まる件、十日前に電話で言うたんですけどね。",
        "それ、三週間前にフォームから送ってますよ。",
        "もう一週間経ってるんですけど。",
        "サポートにメールしたんですが、まだ返事が来てないんです。",
    ],
)
def test_the_customer_counting_the_days_since_they_reported_it(rubric: Rubric, said: str) -> None:
    assert NG in _ngs(rubric, said)


def test_the_same_words_before_the_sale_are_no_after_sales_fault(rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, "今の業者さんには十日前に電話で言うたんですけどね。", phase="needs_discovery")


def test_a_date_in_the_past_with_nothing_reported_is_not(rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, "十日前に新しい店を開けたばかりなんです。")


@pytest.mark.parametrize(
    "said", ["I logged a ticket about it two weeks ago.", "We're still waiting on the fix for the export."]
)
def test_english_days_waited(en_rubric: Rubric, said: str) -> None:
    assert NG in _ngs(en_rubric, said, language="en")
