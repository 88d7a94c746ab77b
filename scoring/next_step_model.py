"""A dated next step the rules did not read, found by a model learned from the labelled calls
(`rubrics/next-step-model.json`).

The rules set the next step when a day for meeting is named and the other side takes it up in words they know (はい、
その日で; works for us). On unseen calls they miss about one in twenty, more on some sets (a summary that states the
date as settled, 「では十一月三十日の二時に伺います」 after an earlier 「ええよ」). The NG model's per-id text model
(`scoring/ng_model.py`), trained on the call's last turns by `python -m bench.ng_text_probe --target next_step
export`, reads whether a next step was agreed (docs/scoring.md, "A learned next-step model"). When it says so and the
rules did not, the step is set on the day-naming sentence of the last turns the model rates highest: only a sentence
the rules themselves take for a meeting day (`rules_closing.meeting_days`), never a deadline, and not when the call
ends on 「また連絡します」, which the rules flagged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from scoring import rules_closing
from scoring.collector import Collector
from scoring.ng_model import NgModel, parse_model
from scoring.scorecard import NextStep
from scoring.transcript import Segment

MODEL_FILE = "next-step-model.json"
ID = "next_step"
TAIL_TURNS = 15  # the turns the model reads: where a next meeting is agreed
VAGUE = "first_contact.vague_follow_up"


@lru_cache(maxsize=1)
def packaged_model() -> NgModel:
    """The model shipped in `rubrics/`, validated once: its one id is the next step."""
    text = resources.files("rubrics").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return parse_model(json.loads(text), {ID}, what="the next step")


def add_learned(c: Collector, step: NextStep, segments: Sequence[Segment], model: NgModel | None = None) -> NextStep:
    """The rules' step when set; else the learned one, on a meeting day of the last turns, or the rules' unset step.
    `segments`: the call as the model was trained on it (speakers named, before the speech clean-up the view reads,
    which may join turns: the view's last turns are counted in its own)."""
    if step.set or any(n.id == VAGUE for n in c.ngs):
        return step
    model = model or packaged_model()
    if ID not in model.shown([s.text for s in segments[-TAIL_TURNS:]]):
        return step
    first = max(0, len(c.view.transcript.segments) - TAIL_TURNS)
    days = [(s, span) for s, span in rules_closing.meeting_days(c.view) if s.seg >= first]
    at = model.evidence(ID, model.sentence_vectors([s.text for s, _ in days]))
    if at is None:
        return step
    s, span = days[at]
    return rules_closing.agreed(c, s, span, (s.evidence(c.view.matches("date", s.text)),))
