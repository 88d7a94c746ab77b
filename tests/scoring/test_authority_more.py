"""BANT authority and budget in more words (issue 13, blind9-20): the boss to be won over, who decides named plainly, one's own
limit or signature. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from tests.scoring.role_calls import role_call as _call


@pytest.mark.parametrize(
    "said",
    [
        "この金額なら、専務にも説明がつきます。",
        "正直、この額だと部長に上げても通らないと思います。",
        "うちのことは、こちらが決めますので。",
        "お金を出すのは会長なんです。",
        "ここから先は私の決裁では無理なんです。",
    ],
)
def test_japanese_authority(said, rubric):
    call = _call(("営業", "ご検討状況はいかがでしょうか。"), ("顧客", said))
    assert score_transcript(call, rubric=rubric).bant["authority"].found


@pytest.mark.parametrize(
    "said",
    [
        "It'd be my call, really.",
        "I can sign that myself, it's under my limit.",
        "We both sign anything over five thousand.",
        "I'll have to justify this to the board first.",
    ],
)
def test_english_authority(said, en_rubric):
    call = _call(("Rep", "Where are you with it?"), ("Customer", said), language="en")
    assert score_transcript(call, rubric=en_rubric).bant["authority"].found


def test_a_boss_merely_mentioned_is_no_authority(rubric):
    call = _call(("営業", "ご検討状況はいかがでしょうか。"), ("顧客", "部長は今週ずっと出張でして。"))
    assert not score_transcript(call, rubric=rubric).bant["authority"].found


@pytest.mark.parametrize(
    "said",
    [
        "月八万なら、私も上に説明できます。",
        "今の三十万より上がるっていうのは、説明がつかないんですよ。",
        "初期費用の二十万は、まあ、ええとして。",
    ],
)
def test_japanese_budget_as_what_can_be_justified(said, rubric):
    call = _call(("営業", "先日お見積もりをお送りいたしました。"), ("顧客", said))
    assert score_transcript(call, rubric=rubric).bant["budget"].found


@pytest.mark.parametrize(
    "said",
    [
        "去年の監査のときに、昔の記録を出せって言われて、みんなで半日探したんです。",
        "週末はフロントがパンクしてまして。",
        "先月も三台壊れて、メーカーからはもう部品がないと言われました。",
    ],
)
def test_japanese_need_as_a_story_of_time_lost_or_things_broken(said, rubric):
    call = _call(("営業", "本日はお時間ありがとうございます。"), ("顧客", said))
    assert score_transcript(call, rubric=rubric).bant["need"].found
