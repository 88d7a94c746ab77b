"""Objection ignored when the customer comes back to it (seed 000, 交渉・クロージング NG: 顧客の懸念や反論に触れず、
答えずに話を先へ進める; issue 13, after blind31–34's first sight). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NG = "negotiation_closing.objection_ignored"


def _ngs(rubric: Rubric, later: str, phase: str, language: str = "ja") -> set[str]:
    rep, cust = ("Rep", "Customer") if language == "en" else ("営業", "顧客")
    turns = (
        [(rep, "So the annual plan comes to 4,800."), (cust, "Okay."), (rep, "And setup is included."), (cust, later)]
        if language == "en"
        else [
            (rep, "年間プランですと、四十八万円になります。"),
            (cust, "はい。"),
            (rep, "初期設定は込みです。"),
            (cust, later),
        ]
    )
    card = score_transcript(role_call(*turns, language=language), rubric=rubric, stage_phase=phase)
    return {n.id for n in card.ng_behaviors}


@pytest.mark.parametrize(
    "later", ["それより、さっきの夜勤の人の話なんですけど。", "さっきも言うたけど、倉庫に電波が届かんのよ。"]
)
def test_coming_back_to_a_point_in_a_closing_call(rubric: Rubric, later: str) -> None:
    assert NG in _ngs(rubric, later, "negotiation_closing")


@pytest.mark.parametrize(
    ("later", "ignored"),
    [("さっきの条件なら、うちの枠は超えへんな。", False), ("さっきの停電の件、どうなってます？", True)],
)
def test_the_reps_terms_from_earlier_are_no_point_come_back_to(rubric: Rubric, later: str, ignored: bool) -> None:
    """blind127's `db11` after its first sight (wording written for this test): 条件 holds 件 but is the rep's offer."""
    assert (NG in _ngs(rubric, later, "negotiation_closing")) is ignored


def test_in_a_proposal_only_saying_it_was_said_already_counts(rubric: Rubric) -> None:
    assert NG in _ngs(rubric, "さっきも言いましたけど、倉庫に電波が届かないんです。", "proposal")
    assert NG not in _ngs(rubric, "それで、さっきの倉庫の広さの話なんですけど。", "proposal")


def test_an_english_customer_going_back_to_their_point(en_rubric: Rubric) -> None:
    assert NG in _ngs(
        en_rubric, "Sure. But going back to the night shift question.", "negotiation_closing", language="en"
    )
