"""BANT timeline said as a part of a month (issue 13, after blind29/30's first sight): 十二月の頭には, 十月頭,
十月に入る前には. Wording written for these tests; the rep asks nothing about timing."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _timeline(rubric: Rubric, said: str) -> bool:
    call = role_call(("営業", "ありがとうございます、よく分かりました。"), ("顧客", said))
    return score_transcript(call, rubric=rubric, stage_phase="needs_discovery").bant["timeline"].found


@pytest.mark.parametrize(
    "said",
    [
        "遅くとも三月の中旬には、切り替えたいんです。",
        "七月に入る前には、現場で使えるようにしたいですね。",
        "入れるなら、九月頭。",
    ],
)
def test_a_part_of_a_month_wanted_is_a_timeline(rubric: Rubric, said: str) -> None:
    assert _timeline(rubric, said)


def test_a_month_with_no_part_named_is_not_this_shape(rubric: Rubric) -> None:
    assert not _timeline(rubric, "三月の決算の数字は、まだ出てないです。")


@pytest.mark.parametrize(
    "said",
    [
        "六月の総会までには、会員名簿が全部入っていてほしいんです。",
        "九月の新学期には、先生方が使えるようになっていたいですね。",
    ],
)
def test_a_months_event_by_which_something_is_wanted(rubric: Rubric, said: str) -> None:
    assert _timeline(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "年末の繁忙期の前には、出荷の画面だけでも回るようにしたいんですわ。",
        "梅雨明けの夏祭りに向けて、なんとか入れたいと思ってます。",
        "来年の決算までには、決めるつもりです。",
    ],
)
def test_a_time_anchor_with_a_target_and_a_want_is_a_timeline(rubric: Rubric, said: str) -> None:
    assert _timeline(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "去年の夏に、一回システムが止まったことがあって大変でした。",
        "去年の夏には入れたんですけど、結局使わなくなって。",
    ],
)
def test_a_time_anchor_told_as_history_is_not(rubric: Rubric, said: str) -> None:
    assert not _timeline(rubric, said)


@pytest.mark.parametrize(
    "said",
    ["再来月の頭までには、ちゃんと動いててもらわないと困るんです。", "来月の半ばには、現場で使えるようにしたいです。"],
)
def test_next_months_part_with_a_need_is_a_timeline(rubric: Rubric, said: str) -> None:
    assert _timeline(rubric, said)


def _en_timeline(en_rubric: Rubric, said: str) -> bool:
    call = role_call(("Rep", "Thanks, that helps a lot."), ("Customer", said), language="en")
    return score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery").bant["timeline"].found


@pytest.mark.parametrize(
    "said",
    [
        "End of April at the latest.",
        "The new wing goes live on our side June first, so that's the date.",
        "We'd need it running before late September.",
    ],
)
def test_english_deadlines_said_short_or_by_a_go_live(en_rubric: Rubric, said: str) -> None:
    assert _en_timeline(en_rubric, said)


def test_an_english_month_with_nothing_to_start_is_not(en_rubric: Rubric) -> None:
    assert not _en_timeline(en_rubric, "Last April was a rough month for us.")


def test_a_recap_keeps_its_dated_schedule_beside_the_next_meeting(en_rubric: Rubric) -> None:
    """A recap lists the next meeting and the schedule in clauses of one sentence (blind8's `j04`, and `cp06` once "talk
    again" became a meeting): the meeting's clause no longer hides the schedule's month. Wording written for this
    test."""
    call = role_call(
        (
            "Rep",
            "So to recap: our review meeting is Thursday the twentieth at ten; the install is May first, order by April tenth.",
        ),
        ("Customer", "Yes, that's right."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="negotiation_closing").bant["timeline"].found
