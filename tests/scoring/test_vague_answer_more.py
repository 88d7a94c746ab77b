"""Vague answers in more words (issue 13, blind9-18): the question pushed past to a later page or another time, "it
can do all sorts", "it really depends on the scope"; at kick-off the same vague answer leaves the scope vague.
Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from tests.scoring.role_calls import role_call as _call

VAGUE = "proposal.vague_answer"


@pytest.mark.parametrize(
    "reply",
    [
        "それは後ろの方のページでご説明しますので、先に進めさせていただきますね。",
        "詳しくはまた別途ご説明させていただければと思います。",
        "設定次第で色々できますので。",
    ],
)
def test_a_question_pushed_past_is_answered_vaguely(reply, rubric):
    call = _call(("顧客", "返品のときは、画面はどうなるんですか？"), ("営業", reply), ("顧客", "はあ。"))
    card = score_transcript(call, rubric=rubric, stage_phase="proposal")
    assert VAGUE in {n.id for n in card.ng_behaviors}


def test_in_english_it_really_depends_is_vague(en_rubric):
    call = _call(
        ("Customer", "And the partner network, what would that cost us?"),
        ("Rep", "It really depends on the scope, could be a small job, could be bigger."),
        ("Customer", "Hm."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="proposal")
    assert VAGUE in {n.id for n in card.ng_behaviors}


def test_at_kickoff_a_vague_answer_leaves_the_scope_vague(rubric):
    call = _call(
        ("顧客", "保守の範囲は、どこまで入ってるんですか？"),
        ("営業", "基本的には全部見ますので、ご安心ください。"),
        ("顧客", "はあ。"),
    )
    found = {n.id for n in score_transcript(call, rubric=rubric, stage_phase="contract_implementation").ng_behaviors}
    assert "contract_implementation.vague_scope" in found
    assert VAGUE not in found


@pytest.mark.parametrize(
    ("asked", "reply"),
    [
        (
            "現場は屋上とか電波の悪いところも多いんですけど、それでも大丈夫ですか。",
            "あー、はい、たぶん大丈夫だと思います。",
        ),
        (
            "それは、うちの写真がほかのお店にも見えるってことですか。",
            "いえ、その辺はいろいろ配慮してますので、ご心配なく。",
        ),
    ],
)
def test_any_real_question_answered_with_reassurance_is_vague(asked, reply, rubric):
    call = _call(("顧客", asked), ("営業", reply), ("顧客", "はあ。"))
    card = score_transcript(call, rubric=rubric, stage_phase="proposal")
    assert VAGUE in {n.id for n in card.ng_behaviors}


def test_in_english_should_be_straightforward_is_vague(en_rubric):
    call = _call(
        ("Customer", "What about our past bookings and gift vouchers?"),
        ("Rep", "Should be straightforward, we've moved plenty of people over."),
        ("Customer", "Okay."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="proposal")
    assert VAGUE in {n.id for n in card.ng_behaviors}


@pytest.mark.parametrize(
    ("asked", "reply", "vague"),
    [
        # blind123's `cx09` and blind124's `cy01` after their first sight (wording written for this test): a question
        # asked with a full stop, met with "it depends on the use" or handed to someone who knows.
        ("それで、何か月で元が取れるの。", "そうですね、使い方次第のところもありまして…。", True),
        ("なんでその順番になったのか、っていうのが。", "そこは仕組みの話なので、詳しい者からまた。", True),
        ("それで、何か月で元が取れるの。", "今の使い方ですと、十四か月です。", False),
        # An answer put off with a check promised is no vague one (確認させてください).
        ("解約したらデータはどうなるんですか？", "たぶん出せたと思うんですけど、条件は確認させてください。", False),
    ],
)
def test_a_plain_question_with_a_full_stop_answered_vaguely(asked, reply, vague, rubric):
    call = _call(("顧客", asked), ("営業", reply), ("顧客", "はあ。"))
    card = score_transcript(call, rubric=rubric, stage_phase="proposal")
    assert (VAGUE in {n.id for n in card.ng_behaviors}) is vague


@pytest.mark.parametrize(
    ("reply", "vague"),
    [
        ("It depends on the number of sites, so I'll price it properly on Thursday.", False),
        ("It depends on your headcount; for forty people it's about nine hundred a month.", False),
        ("It depends on the situation, really, every customer's different.", True),
    ],
)
def test_in_english_depending_on_a_measure_the_price_is_reckoned_by_is_no_vague_answer(reply, vague, en_rubric):
    """Five English "it depends on the count / the volume / the term" replies were read as vague on older sets (`cj17`,
    `cc03`, `ae19`, `bc03`, `bg03`), none labelled (wording written for this test)."""
    call = _call(("Customer", "So what would that cost us?"), ("Rep", reply), ("Customer", "Okay."), language="en")
    card = score_transcript(call, rubric=en_rubric, stage_phase="proposal")
    assert (VAGUE in {n.id for n in card.ng_behaviors}) is vague
