"""Shared by the learned models' tests: a labelled call by name, and a call scored on the LLM path whose answer cannot
be used (what the LLM was told, and the offline card that stands in)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openai

from scoring.evaluation import load_labelled, parse
from scoring.llm.scorer import LlmScorer
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.scorer import score_call
from scoring.transcript import Transcript
from tests.fakes.openai_server import FakeOpenAI, FakeReply

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled"


def labelled_call(set_name: str, file_name: str) -> tuple[Transcript, dict[str, Any]]:
    """One labelled call's transcript and labels."""
    (call,) = [c for c in load_labelled(LABELLED / set_name) if c.name == file_name]
    return parse(call), call.labels


def sealed_sets() -> set[str]:
    """The sets no model may have learned from."""
    return {p.name for p in (LABELLED.parent / "sealed").iterdir() if p.is_dir()}


def llm_fallback(transcript: Transcript, stage_phase: str | None = None) -> tuple[dict[str, Any], Scorecard]:
    """Score on the LLM path against a fake server answering with malformed output: the facts block the model was
    sent, and the card that stood in."""
    rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
    with FakeOpenAI() as fake:
        client = openai.OpenAI(base_url=fake.url + "/v1", api_key="test", max_retries=0, timeout=10)
        fake.script(FakeReply.malformed())
        card = score_call(
            transcript,
            rubric=rubric,
            mode="llm",
            stage_phase=stage_phase,
            llm=LlmScorer(client, model="gpt-4o-mini"),
        )
        (request,) = fake.completions
    user = next(m["content"] for m in request.messages if m["role"] == "user")
    facts = json.loads(re.search(r"<<<BEGIN FACTS \S+>>>\n(.*)\n<<<END FACTS", user, re.S).group(1))
    assert card.extra["fallback_reason"] == "malformed_output"
    return facts, card
