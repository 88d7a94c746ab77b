"""The offline card of a labelled call, as `dealcoach eval --scorer offline` scores it: shared by the bench's
measurement scripts (adjudication, the learned models' probes)."""

from __future__ import annotations

from scoring.evaluation import LabelledCall
from scoring.offline import score_transcript
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript


def offline_card(call: LabelledCall, transcript: Transcript, *, learned: bool = True) -> Scorecard:
    """The reference rubric in the call's language, the labels' phase and rep hint, the offline scorer (what
    `score_call` returns in offline mode); `learned=False`: the rules alone, as the learned models' training reads
    them."""
    return score_transcript(
        transcript,
        rubric=load_rubric_or_reference("sales-7-phase", transcript.language),
        stage_phase=call.labels.get("stage_phase"),
        rep=call.labels.get("rep_hint"),
        learned=learned,
    )
