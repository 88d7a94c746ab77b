"""Amounts as people say them (issue 13, after blind7's first sight): a kanji amount with a big unit inside and no
counter after it (月の二十四万五千だと…), English prices said in pairs (eleven twenty a month); in other wording than
any labelled call."""

from __future__ import annotations

import pytest

from scoring.normalise import normalise
from scoring.transcript import Segment, Transcript


def _clean(text: str, language: str = "ja") -> str:
    call = normalise(Transcript(segments=(Segment("顧客", text),), language=language))
    return call.transcript.segments[0].text


@pytest.mark.parametrize(
    ("heard", "clean"),
    [
        ("月の二十四万五千だと、ちょっと重いね。", "月の245000だと、ちょっと重いね。"),
        ("初期の七万二千はいいとして。", "初期の72000はいいとして。"),
    ],
)
def test_a_kanji_amount_with_a_big_unit_inside_is_an_amount_whatever_follows(heard: str, clean: str) -> None:
    assert _clean(heard) == clean


@pytest.mark.parametrize("kept", ["万一のときは電話します。", "千代田区の事務所です。"])
def test_words_around_a_big_unit_stay(kept: str) -> None:
    assert _clean(kept) == kept


@pytest.mark.parametrize(
    ("heard", "clean"),
    [
        ("It's eleven twenty a month.", "It's 1120 a month."),
        ("We paid nineteen ninety-five last year.", "We paid 1995 last year."),
        ("It was one hundred twenty per seat.", "It was 120 per seat."),
    ],
)
def test_english_amounts_said_in_pairs(heard: str, clean: str) -> None:
    assert _clean(heard, language="en") == clean
