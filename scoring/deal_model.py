"""Seed 003's deal state read by a model learned from the labelled calls (`rubrics/deal-model.json`).

The rules (`scoring/deal_state.py`) find plan, price and timing by phrase and take-up, and are right on about 0.72
of unseen calls: whether a term is *agreed* or only mentioned is said in too many ways for markers. A multinomial
logistic regression over four inputs reads it better on held-out sets (docs/scoring.md, "A learned deal-state
model"): character 2–4-grams of what the customer said, the same of the call's last turns (where terms are agreed
or declined), the rules' own state and the call's phase. The rules' state is one of its inputs, so it departs from
the rules only where the words weigh against them.

Trained by `python -m bench.deal_state_probe export` (scikit-learn, development only); here it is plain arithmetic
on the exported weights. It speaks only on calls with enough customer turns to read agreement from. The n-gram and
TF-IDF helpers are the NG model's, so both read text the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from scoring.ng_model import ModelError, counts, tfidf
from scoring.transcript import Segment

MODEL_FILE = "deal-model.json"
STATES: tuple[str | None, ...] = ("shodan", "wadai", "botsu", None)
TEXT_BLOCKS = ("customer", "tail")
NONE = "none"  # the JSON name of the null state and of a call given no phase


def state_name(state: str | None) -> str:
    return NONE if state is None else state


@dataclass(frozen=True)
class CallText:
    """What the model reads of a call: the customer's utterances, the last turns, the rules' state and the phase."""

    customer: Sequence[str]
    tail: Sequence[str]
    rules_state: str | None
    phase: str | None
    # `counts(customer)` when the caller has them already (over the model's vocabulary at least)
    customer_counts: Mapping[str, int] | None = None

    def customer_turns(self) -> int:
        return len(self.customer)


def call_text(
    segments: Sequence[Segment],
    rep: str | None,
    rules_state: str | None,
    phase: str | None,
    tail_turns: int,
    customer_counts: Mapping[str, int] | None = None,
) -> CallText:
    """The model's reading of a call whose speakers are named (`speakers.with_speakers`): training and scoring alike."""
    return CallText(
        customer=[s.text for s in segments if s.speaker != rep],
        tail=[s.text for s in segments[-tail_turns:]] if tail_turns else [],
        rules_state=rules_state,
        phase=phase,
        customer_counts=customer_counts,
    )


@dataclass(frozen=True)
class StateWeights:
    """One state's linear score: intercept, a weight per n-gram of each text block, one per rules' state and phase."""

    intercept: float
    text: dict[str, dict[str, float]]
    rules: dict[str, float]
    phase: dict[str, float]


@dataclass(frozen=True)
class DealModel:
    """The exported model: per text block the vocabulary's IDF, per state its weights, the one-hot value, the number
    of last turns read as the tail, and the floor: fewer customer turns than this, and the rules' state stands (on
    short exchanges the model was right less often than the rules, held out: docs/scoring.md)."""

    idf: dict[str, dict[str, float]]
    states: dict[str, StateWeights]
    onehot: float
    tail_turns: int
    min_customer_turns: int
    trained_on: tuple[str, ...]

    def vectors(self, call: CallText) -> dict[str, dict[str, float]]:
        """The TF-IDF vector of each text block, as the model was trained on."""
        return {
            "customer": tfidf(
                counts(call.customer) if call.customer_counts is None else call.customer_counts, self.idf["customer"]
            ),
            "tail": tfidf(counts(call.tail), self.idf["tail"]),
        }

    def probabilities(self, call: CallText) -> dict[str | None, float]:
        """State → probability (softmax of the linear scores); {} on a call with fewer customer turns than the floor."""
        if call.customer_turns() < self.min_customer_turns:
            return {}
        x = self.vectors(call)
        rules, phase = state_name(call.rules_state), state_name(call.phase)
        scores = {
            name: w.intercept
            + sum(v * w.text[block].get(g, 0.0) for block, vec in x.items() for g, v in vec.items())
            + self.onehot * (w.rules.get(rules, 0.0) + w.phase.get(phase, 0.0))
            for name, w in self.states.items()
        }
        top = max(scores.values())
        exp = {name: math.exp(s - top) for name, s in scores.items()}
        total = sum(exp.values())
        return {(None if name == NONE else name): e / total for name, e in exp.items()}

    def state(self, call: CallText) -> str | None:
        """The most probable state (the rules' on a tie or on a short call)."""
        probs = self.probabilities(call)
        if not probs:
            return call.rules_state
        best = max(probs.values())
        if probs.get(call.rules_state, -1.0) >= best:
            return call.rules_state
        return min((s for s, p in probs.items() if p == best), key=state_name)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ModelError(f"{what} must be a finite number")
    return float(value)


def _count(d: dict[str, Any], key: str) -> int:
    value = d.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ModelError(f"{key} must be a non-negative integer")
    return value


def _weights(d: Any, what: str, allowed: set[str] | None = None) -> dict[str, float]:
    if not isinstance(d, dict):
        raise ModelError(f"{what} must be an object")
    if allowed is not None and (stray := next((k for k in d if k not in allowed), None)):
        raise ModelError(f"{what}: {stray!r} is not one of {sorted(allowed)}")
    return {str(k): _number(v, f"{what}[{k!r}]") for k, v in d.items()}


def parse_model(d: Any, phases: set[str] | None = None) -> DealModel:
    """Validate the exported JSON: every state a seed-003 state, every weight on a vocabulary n-gram, numbers finite."""
    if not isinstance(d, dict) or d.get("format") != 1:
        raise ModelError("not a deal-state model file (format 1)")
    idf_raw = d.get("idf")
    if not isinstance(idf_raw, dict) or set(idf_raw) != set(TEXT_BLOCKS):
        raise ModelError(f"idf must have exactly the blocks {TEXT_BLOCKS}")
    idf = {block: _weights(idf_raw[block], f"idf.{block}") for block in TEXT_BLOCKS}
    state_names = {state_name(s) for s in STATES}
    states_raw = d.get("states")
    if not isinstance(states_raw, dict) or set(states_raw) != state_names:
        raise ModelError(f"states must be exactly {sorted(state_names)}")
    phase_names = None if phases is None else phases | {NONE}
    states = {}
    for name, w in states_raw.items():
        if not isinstance(w, dict) or not isinstance(w.get("text"), dict) or set(w["text"]) != set(TEXT_BLOCKS):
            raise ModelError(f"{name}: text must have exactly the blocks {TEXT_BLOCKS}")
        text = {}
        for block in TEXT_BLOCKS:
            text[block] = _weights(w["text"][block], f"{name}.text.{block}")
            if stray := next((g for g in text[block] if g not in idf[block]), None):
                raise ModelError(f"{name}.{block}: n-gram {stray!r} is not in the vocabulary")
        states[name] = StateWeights(
            intercept=_number(w.get("intercept"), f"{name}.intercept"),
            text=text,
            rules=_weights(w.get("rules"), f"{name}.rules", state_names),
            phase=_weights(w.get("phase"), f"{name}.phase", phase_names),
        )
    onehot = _number(d.get("onehot"), "onehot")
    floor, tail_turns = _count(d, "min_customer_turns"), _count(d, "tail_turns")
    trained_on = d.get("trained_on")
    if not isinstance(trained_on, list) or not all(isinstance(s, str) for s in trained_on):
        raise ModelError("trained_on must be a list of set names")
    return DealModel(
        idf=idf,
        states=states,
        onehot=onehot,
        tail_turns=tail_turns,
        min_customer_turns=floor,
        trained_on=tuple(trained_on),
    )


@lru_cache(maxsize=1)
def packaged_model() -> DealModel:
    """The model shipped in `rubrics/`, validated once against the reference rubric's phases."""
    from scoring.rubric import load_rubric

    text = resources.files("rubrics").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return parse_model(json.loads(text), set(load_rubric("sales-7-phase", "ja").phase_ids))
