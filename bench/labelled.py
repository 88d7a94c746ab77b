"""The offline card of a labelled call, as `dealcoach eval --scorer offline` scores it: shared by the bench's
measurement scripts (adjudication, the learned models' probes)."""

from __future__ import annotations

from scoring.evaluation import LabelledCall
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.scorer import score_call
from scoring.transcript import Transcript


def offline_card(call: LabelledCall, transcript: Transcript) -> Scorecard:
    """The reference rubric in the call's language, the labels' phase and rep hint, the offline scorer."""
    return score_call(
        transcript,
        rubric=load_rubric_or_reference("sales-7-phase", transcript.language),
        mode="offline",
        stage_phase=call.labels.get("stage_phase"),
        rep=call.labels.get("rep_hint"),
    )
