"""Attacks competitor: a rival's weakness passed on as hearsay or stated flat counts as running it down (issue 13,
blind9-18). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from tests.scoring.role_calls import role_call as _call

NG = "negotiation_closing.attacks_competitor"


@pytest.mark.parametrize(
    ("rep", "flagged"),
    [
        ("あちらの業者さんは、納品が遅いという話をよく聞きますね。", True),
        ("あそこの端末、正直、よう落ちるって評判ですよ。", True),
        ("あちらの業者さんは、納品が早いという話をよく聞きますね。", False),
        # blind115's `cp02` at its first sight: weaknesses listed, then put down to what one hears.
        ("でも、見積もりが遅いとか、担当がすぐ替わるとか、そういうお話もよく聞くんですよ、よその業者さんだと。", True),
        ("納期が短いとか、対応が早いとか、そういうお話もよく聞くんですよ、よその業者さんだと。", False),
    ],
)
def test_a_rivals_weakness_as_hearsay_is_an_attack(rep, flagged, rubric):
    call = _call(
        ("顧客", "実は、ほかの業者さんにも見積もりをお願いしてまして。"),
        ("営業", rep),
        ("顧客", "そうですか。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="negotiation_closing")
    assert (NG in {n.id for n in card.ng_behaviors}) is flagged


@pytest.mark.parametrize(
    ("rep", "flagged"),
    [
        ("Honestly, their platform is years behind ours.", True),
        # blind119's `ct15` at its first sight (wording written for this test): a rival's record held against them.
        ("Just so you know, the other yard people use, they've had three safety violations this year.", True),
        ("Just so you know, the other yard people use, they've had three new trucks this year.", False),
    ],
)
def test_in_english_a_rivals_weakness_or_record_is_an_attack(rep, flagged, en_rubric):
    call = _call(
        ("Customer", "We're also talking to another vendor."),
        ("Rep", rep),
        ("Customer", "Okay."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="negotiation_closing")
    assert (NG in {n.id for n in card.ng_behaviors}) is flagged
