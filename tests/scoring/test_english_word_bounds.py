"""English readings whose word bounds had been written as backspace characters, so they never matched (found in the
fifteenth issue-13 session): when said unknown, a concern settled by the reply, a part declined then the offer taken.
Each test here failed on the code before the fix. Wording written for these tests."""

from __future__ import annotations

import re

import pytest

from scoring import objections
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _state(en_rubric: Rubric, *turns: tuple[str, str]) -> str | None:
    call = role_call(*turns, language="en")
    return score_transcript(call, rubric=en_rubric, stage_phase="negotiation_closing").deal_state


def test_when_said_unknown_leaves_the_reps_date_unagreed(en_rubric: Rubric) -> None:
    terms = (
        ("Rep", "So that's the Team plan at 420 a month, and we could start on March 3rd."),
        ("Customer", "The Team plan at 420 works for us."),
    )
    assert _state(en_rubric, *terms, ("Customer", "March 3rd works.")) == "shodan"
    assert (
        _state(en_rubric, *terms, ("Customer", "Start date, though, that's the part I can't tell you yet.")) == "wadai"
    )


@pytest.mark.parametrize(
    ("last", "lost"),
    [
        ("Fine. We'll take it, the base plan then.", False),
        # A rival's product chosen after the no is no offer taken.
        ("We'll go with the other vendor's add-on instead.", True),
    ],
)
def test_an_english_part_declined_then_the_offer_taken(en_rubric: Rubric, last: str, lost: bool) -> None:
    got = _state(
        en_rubric,
        ("Rep", "The base plan is 300 a month; the analytics add-on is another 90."),
        ("Customer", "We're not interested in the analytics add-on, so that's a pass on that part."),
        ("Customer", last),
    )
    assert (got == "botsu") is lost


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (objections._SETTLED["en"], "Okay, that makes sense."),
        (objections._SETTLED["en"], "Fair enough, go on."),
        (objections._ABOUT_DISCOUNT, "It's not about the discount."),
    ],
)
def test_the_english_settled_and_discount_words_match_at_word_bounds(pattern: re.Pattern[str], text: str) -> None:
    assert pattern.search(text)
    assert not pattern.search(text.replace(" ", "x"))
