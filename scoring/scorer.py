"""Choose the scorer for a call: offline rules (the embedded default), the LLM, or `auto` (the LLM when configured)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Literal, Protocol

from scoring import consistency, ng_model
from scoring.offline import score_transcript
from scoring.rubric import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript

Mode = Literal["offline", "llm", "auto"]
MODES: tuple[str, ...] = ("offline", "llm", "auto")


class CallScorer(Protocol):
    """A model-backed scorer (the LLM adapter in scoring/llm/): improves the offline card, or returns it as is."""

    def score(
        self,
        transcript: Transcript,
        *,
        rubric: Rubric,
        rep: str | None = None,
        stage_phase: str | None = None,
        offline: Scorecard,
        redact_pii: bool = True,
    ) -> Scorecard: ...


class LlmNotConfigured(RuntimeError):
    """`mode="llm"` was asked for but no LLM is configured (set OPENAI_API_KEY or OPENAI_BASE_URL)."""


def score_call(
    transcript: Transcript,
    *,
    rubric: Rubric,
    mode: Mode = "auto",
    rep: str | None = None,
    stage_phase: str | None = None,
    llm: CallScorer | None = None,
    redact_pii: bool = True,
    call_date: date | None = None,
    learned: bool = True,
) -> Scorecard:
    """Score one call; the offline scorecard is always computed (it is the LLM's facts and its fallback).

    `learned`: let the models learned from the labelled calls take part (`scoring/offline.py`): on the offline card,
    and on the LLM card through the NG ids the NG model rates highly (`lend_learned_ng`). The LLM's facts are the
    rules' alone either way, so answers written to them stay valid; False measures the rules or the LLM alone.
    """
    if mode not in MODES:
        raise ValueError(f"unknown scorer mode {mode!r}; known: {', '.join(MODES)}")
    if mode == "llm" and llm is None:
        raise LlmNotConfigured(
            "the LLM scorer is not configured: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)"
        )
    rules_only = mode != "offline" and llm is not None
    offline = score_transcript(
        transcript,
        rubric=rubric,
        rep=rep,
        stage_phase=stage_phase,
        call_date=call_date,
        learned=learned and not rules_only,
    )
    if llm is None or not rules_only:
        return offline
    card = llm.score(
        transcript, rubric=rubric, rep=rep, stage_phase=stage_phase, offline=offline, redact_pii=redact_pii
    )
    if "fallback_reason" in card.extra or learned:
        full = score_transcript(
            transcript, rubric=rubric, rep=rep, stage_phase=stage_phase, call_date=call_date, learned=learned
        )
        if "fallback_reason" in card.extra:
            # The rules stand in for the model: with the learned models' output, as on any offline card.
            card = dataclasses.replace(full, extra={**full.extra, **card.extra})
        else:
            card = _lend_learned_ng(card, full, transcript)
    return consistency.reconcile(card, rubric, transcript, call_date)


def _lend_learned_ng(card: Scorecard, full: Scorecard, transcript: Transcript) -> Scorecard:
    """The LLM card with the learned NG model's most probable ids (`scoring.ng_model.lend_learned_ng`)."""
    model = ng_model.packaged_model()
    threshold = model.llm_threshold.get(transcript.language)
    if threshold is None:
        return card
    rep = full.rep_speaker.name
    probabilities = model.probabilities([s.text for s in transcript.segments if s.speaker == rep])
    return ng_model.lend_learned_ng(card, full, probabilities, threshold)


def mode_from_env(env: Mapping[str, str], default: Mode = "offline") -> Mode:
    """`DEALCOACH_SCORER` (offline | llm | auto), else `default`."""
    value = (env.get("DEALCOACH_SCORER") or default).strip().lower()
    if value not in MODES:
        raise ValueError(f"DEALCOACH_SCORER={value!r} is not one of {', '.join(MODES)}")
    return value  # type: ignore[return-value]
