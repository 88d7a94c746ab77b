"""BANT authority said plainly, in dialect, or of someone else (issue 13, from blind9/10's misses): who decides,
a seal obtained, the boss still to see it, one's own yes enough; in English, "he decides anything over…", "goes to
our GM". Wording written for these tests; a boss mentioned with no say in it is no authority."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _authority(rubric: Rubric, said: str, language: str = "ja") -> bool:
    ask = (
        ("Rep", "How do decisions like this get made?")
        if language == "en"
        else ("営業", "導入はどのように決まりますか。")
    )
    who = "Customer" if language == "en" else "顧客"
    card = score_transcript(
        role_call(ask, (who, said), language=language), rubric=rubric, stage_phase="needs_discovery"
    )
    return card.bant["authority"].found


@pytest.mark.parametrize(
    "said",
    [
        "ああいうの決めんのは専務やし。",
        "常務の判子ももらってますんで。",
        "うちの院長にも見せなあかんしね。",
        "わしがええ言うたら、それで通るんや。",
    ],
)
def test_who_decides_in_plain_or_dialect_speech_is_authority(rubric: Rubric, said: str) -> None:
    assert _authority(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "I'll have to take this to our operations director. She decides anything over budget.",
        "Anything new goes to our GM first.",
    ],
)
def test_who_it_goes_to_in_english_is_authority(en_rubric: Rubric, said: str) -> None:
    assert _authority(en_rubric, said, language="en")


@pytest.mark.parametrize("said", ["社長は毎朝六時に来てますね。", "専務がこの前、展示会に行ってました。"])
def test_a_boss_mentioned_with_no_say_is_not(rubric: Rubric, said: str) -> None:
    assert not _authority(rubric, said)


@pytest.mark.parametrize(
    ("said", "language"),
    [
        ("最終的には父ですね、お金のことは。", "ja"),
        ("そういうのは女将が決めるんで。", "ja"),
        ("Anything over five grand has to go to our board.", "en"),
        ("Owner Priya decides on anything like this.", "en"),
        ("Honestly? I sign.", "en"),
    ],
)
def test_who_decides_said_by_family_title_or_bare_is_authority(rubric, en_rubric, said, language):
    rep, who = ("営業", "顧客") if language == "ja" else ("Rep", "Customer")
    ask = "導入については、どのように進めるご予定ですか。" if language == "ja" else "How would you take this forward?"
    call = role_call((rep, ask), (who, said), language=language)
    card = score_transcript(call, rubric=rubric if language == "ja" else en_rubric)
    assert card.bant["authority"].found
