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
        # blind106's `cg05` and blind117's `cr05` (wording written for this test): two times weighed, neither chosen.
        ("再来月になるのか、それとも秋口なのか、まだ何とも。", False),
        ("年度内にやるんか、来年度に回すんか、わしには分からん。", False),
    ],
)
def test_a_time_left_open_is_no_timeline(said, found, rubric):
    call = _call(("営業", "導入の時期はいつ頃をお考えですか？"), ("顧客", said), ("営業", "承知しました。"))
    assert score_transcript(call, rubric=rubric).bant["timeline"].found is found


@pytest.mark.parametrize(
    "said",
    [
        "いつから使い始めるかは、現場の班長と相談させてください。",
        "いつ入れるかは、冬の点検が終わってからだね。",
        "時期はね、それが一番読めないんですよ。",
    ],
)
def test_a_when_put_as_the_open_question_it_still_is_is_no_timeline(rubric, said):
    call = _call(("営業", "導入の時期について、お考えはありますか。"), ("顧客", said))
    assert not score_transcript(call, rubric=rubric, stage_phase="proposal").bant["timeline"].found


@pytest.mark.parametrize(
    ("said", "found"),
    [
        ("で、いつ頃の話になるの、これ。", False),
        ("前向きにって、何をいつまでにしてくれるん。", False),
        ("春に検査装置を入れ替えたばっかりなんですよ。", False),
        ("十月の繁忙期までには入れ替えたいんですよ。", True),
    ],
)
def test_the_question_word_or_a_purchase_already_made_states_no_time(said, found, rubric):
    """The customer's time word is いつ itself, or dates a purchase made (blind102 cc18, blind103 cd05, blind62)."""
    call = _call(
        ("営業", "本日はありがとうございます。検査の件でお電話しました。"), ("顧客", said), ("営業", "承知しました。")
    )
    assert score_transcript(call, rubric=rubric, stage_phase="needs_discovery").bant["timeline"].found is found


@pytest.mark.parametrize(
    ("asked", "said", "found"),
    [
        ("一度お伺いしてお見せします。いつ頃がご都合よろしいですか。", "平日の、火曜が定休日なんで、火曜なら。", False),
        ("導入の時期はいつ頃をお考えですか？", "それはまあ、いいのがあれば、って感じで。", False),
        ("導入の時期はいつ頃をお考えですか？", "そうですね、来年の春ぐらいですかね。", True),
    ],
)
def test_an_answer_about_when_to_meet_or_naming_no_time_is_no_timeline(asked, said, found, rubric):
    """The rep's "when" asked about the next meeting (blind82 bi16), or answered with no time at all (blind96 bw12)."""
    call = _call(("営業", asked), ("顧客", said), ("営業", "承知しました。"))
    assert score_transcript(call, rubric=rubric, stage_phase="needs_discovery").bant["timeline"].found is found
