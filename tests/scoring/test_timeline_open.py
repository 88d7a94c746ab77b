"""A time that waits on something unknown is no BANT timeline (issue 13, blind9-18). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from tests.scoring.role_calls import role_call as _call


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("来年度もどうなるか、正直読めないんですよ。", False),
        ("特にいつまで、っていうのは…。", False),
        ("十月の繁忙期までには入れたいです。", True),
    ],
)
def test_a_time_left_open_is_no_timeline(said, found, rubric):
    call = _call(("営業", "導入の時期はいつ頃をお考えですか？"), ("顧客", said), ("営業", "承知しました。"))
    assert score_transcript(call, rubric=rubric).bant["timeline"].found is found
