"""Feedback unused (seed 000, アフターフォロー NG: フィードバックを収集するだけで、改善につなげない): in an after-sales
call the rep says the customer's request went to the product side and sits there (issue 13, after blind29/30's first
sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "after_follow.feedback_unused"


def _ngs(rubric: Rubric, reply: str, stage: str = "after_follow", language: str = "ja") -> set[str]:
    asked = (
        ("Customer", "Back in spring I asked for a night-mode screen. Any news on that?")
        if language == "en"
        else ("顧客", "春の面談でお願いした、夜間用の暗い画面の件、どうなりました？")
    )
    rep = "Rep" if language == "en" else "営業"
    call = role_call((rep, "Thanks for making time for the quarterly review."), asked, (rep, reply), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=stage).ng_behaviors}


@pytest.mark.parametrize(
    "reply",
    [
        "すみません、製品チームには報告してあるんですが、その後の動きはまだでして。",
        "ええ、本社の企画には上げたんですが、まだ対応の予定が出ていなくて。",
    ],
)
def test_a_request_passed_on_and_parked_is_feedback_unused(rubric: Rubric, reply: str) -> None:
    assert NG in _ngs(rubric, reply)


def test_an_english_request_sitting_in_the_backlog(en_rubric: Rubric) -> None:
    reply = "I put it into the tracker, and honestly it sits in the product backlog still."
    assert NG in _ngs(en_rubric, reply, language="en")


def test_a_request_answered_with_a_release_is_not(rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, "はい、来月十日のアップデートで夜間モードが入ります。")


def test_not_read_before_the_sale(rubric: Rubric) -> None:
    reply = "すみません、製品チームには報告してあるんですが、その後の動きはまだでして。"
    assert NG not in _ngs(rubric, reply, stage="proposal")


@pytest.mark.parametrize(
    "reply",
    [
        "あ、はい、その件は開発の方に共有してあります。",
        "はい、いただいたご意見は本部のほうで集計してまして。",
        "正直に申し上げると、社内で話は出したんですが、止まってしまっていまして。",
    ],
)
def test_a_request_said_to_sit_with_a_department_is_feedback_unused(rubric: Rubric, reply: str) -> None:
    """Where it was passed and no change to tell (blind67–81: seven such calls labelled, missed before)."""
    assert NG in _ngs(rubric, reply)


@pytest.mark.parametrize("reply", ["Yeah, we did log that feedback.", "I think that was passed on to the team."])
def test_an_english_request_logged_or_passed_on_and_left_there(en_rubric: Rubric, reply: str) -> None:
    assert NG in _ngs(en_rubric, reply, language="en")


def test_a_request_passed_on_and_since_released_is_not(rubric: Rubric, en_rubric: Rubric) -> None:
    reply = "はい、開発の方に共有してありまして、来月十日のアップデートで選べるようになります。"
    assert NG not in _ngs(rubric, reply)
    assert NG not in _ngs(en_rubric, "We did log that, and the night mode ships in the May update.", language="en")


@pytest.mark.parametrize(
    ("reply", "language"),
    [
        ("そうでしたか。では、その要望は、改めて開発のほうに上げておきます。", "ja"),
        ("Ugh, yeah. I'll pass that on to the product team again.", "en"),
        ("I'll log it again and flag it for the next review.", "en"),
    ],
)
def test_a_request_passed_on_once_more_is_feedback_unused(
    rubric: Rubric, en_rubric: Rubric, reply: str, language: str
) -> None:
    """Passing a request on again says it went nowhere the first time (blind91 br20, blind94 bu20)."""
    assert NG in _ngs(en_rubric if language == "en" else rubric, reply, language=language)


def test_passing_a_new_request_on_is_not(rubric: Rubric, en_rubric: Rubric) -> None:
    assert NG not in _ngs(rubric, "承知しました。その要望は開発のほうに上げておきます。")
    assert NG not in _ngs(en_rubric, "Good idea. I'll pass that on to the product team.", language="en")
