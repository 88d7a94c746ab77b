"""NG behaviours that belong to a phase (issue 13, blind9-18): a vague benefit is a proposal's fault, not one of a
negotiation arguing terms already proposed nor of an after-sales offer on top. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call as _call

VAGUE = "proposal.vague_benefits"


def _ngs(rubric: Rubric, phase: str) -> set[str]:
    call = _call(
        ("営業", "こちらを入れていただくと、現場の皆さんの毎日がぐっと楽になります。"),
        ("顧客", "そうですか。"),
    )
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase=phase).ng_behaviors}


@pytest.mark.parametrize(
    ("phase", "flagged"), [("proposal", True), ("negotiation_closing", False), ("after_follow", False)]
)
def test_a_vague_benefit_is_a_proposals_fault(phase, flagged, rubric):
    assert (VAGUE in _ngs(rubric, phase)) is flagged
