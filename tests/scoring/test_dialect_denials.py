"""A customer's no said in dialect or as a push-back states nothing (issue 13, after blind31/32's first sight):
困ってへん is no need, わしが決めることでもない names no decider, 予算て言われても is no budget. Wording written for
these tests."""

from __future__ import annotations

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _bant(rubric: Rubric, said: str) -> dict[str, bool]:
    call = role_call(("営業", "いまの仕入れの流れを、少し伺ってもいいですか。"), ("顧客", said))
    card = score_transcript(call, rubric=rubric, stage_phase="needs_discovery")
    return {k: b.found for k, b in card.bant.items()}


def test_not_troubled_in_kansai_speech_is_no_need(rubric: Rubric) -> None:
    assert not _bant(rubric, "いやあ、別に今は困ってへんのよ。")["need"]


def test_not_troubled_in_tohoku_speech_is_no_need(rubric: Rubric) -> None:
    assert not _bant(rubric, "んだども、今はそんなに困ってねえべな。")["need"]


def test_not_ones_own_say_in_plain_speech_names_no_decider(rubric: Rubric) -> None:
    assert not _bant(rubric, "まあ、わしが決めることでもないしな。")["authority"]


def test_a_budget_question_pushed_back_is_no_budget(rubric: Rubric) -> None:
    assert not _bant(rubric, "いや、いきなり予算て言われてもなあ。何も見てへんのに。")["budget"]


def test_troubled_in_dialect_is_a_need_and_its_denial_is_not(rubric: Rubric) -> None:
    assert _bant(rubric, "仕入れの読み違いで、毎週困っとるんよ。")["need"]
    assert _bant(rubric, "夕方の電話が鳴りやまんで、困っちょるんです。")["need"]
    assert not _bant(rubric, "いや、別に困っとらんよ。")["need"]


def test_something_to_put_right_is_a_need(rubric: Rubric) -> None:
    assert _bant(rubric, "月末の検品待ちが滞留してて、あれは本当に何とかしたいんですよ。")["need"]
