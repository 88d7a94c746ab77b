"""LLM scorer: the scorecard (docs/architecture.md §6) from one strict-JSON Chat Completions call per transcript, with every answer checked before it is believed.

The model sees redacted text and the offline scorer's facts; its answer is bounded (scores clamped, unknown
ids dropped), every quote must be found verbatim in the original transcript (else the criterion is nulled and
flagged), and a refusal, malformed output or API failure falls back to the offline scorecard with a reason.
Answers are cached by content hash, so a redelivered call costs no tokens. Transcript text is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import openai

from scoring.evidence import EvidenceIndex, normalize
from scoring.llm.cache import MemoryScoreCache as MemoryScoreCache
from scoring.llm.cache import RedisScoreCache as RedisScoreCache
from scoring.llm.cache import ScoreCache as ScoreCache
from scoring.llm.merge import merge_outputs
from scoring.llm.prompt import (
    PROMPT_VERSION,
    Line,
    chunk_lines,
    estimate_tokens,
    halve,
    messages,
    nonce_for,
    offline_facts,
    suspected_injections,
    system_prompt,
    transcript_lines,
    user_message,
)
from scoring.llm.schema import Checker, annotate, response_format
from scoring.redact import redact
from scoring.rubric import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript

log = logging.getLogger("dealcoach.scoring.llm")

CACHE_PREFIX = "dealcoach:llm-score:v1:"
MIN_CHUNK_TOKENS = 200
MAX_CONTEXT_SPLITS = 4
_FRAME_TOKENS = 64  # per-message framing the API adds, rounded up

# USD per 1M tokens (input, output), list prices at the time of writing: check https://openai.com/api/pricing
# when adding a model. A model not listed gets `cost_usd: null`, never a guess.
PRICES_PER_MTOK: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "o4-mini": (1.10, 4.40),
    "gpt-5": (1.25, 10.00),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5-nano": (0.05, 0.40),
}
_SNAPSHOT_RE = re.compile(r"^(?P<base>.+?)-\d{4}-\d{2}-\d{2}$")
# Reasoning models reject any temperature but the default, so it is not sent to them.
_REASONING_MODEL_RE = re.compile(r"^(o\d|gpt-5)")


def price_for(model: str) -> tuple[float, float] | None:
    """(input, output) USD per 1M tokens for a model or its dated snapshot (gpt-4o-mini-2024-07-18), else None."""
    if model in PRICES_PER_MTOK:
        return PRICES_PER_MTOK[model]
    m = _SNAPSHOT_RE.match(model)
    return PRICES_PER_MTOK.get(m.group("base")) if m else None


def usage_record(model: str, prompt_tokens: int, completion_tokens: int) -> dict[str, Any]:
    """The scorecard's `usage` block; `cost_usd` is null for a model without a known price."""
    price = price_for(model)
    cost = None if price is None else round((prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000, 6)
    return {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "cost_usd": cost}


class _Fallback(Exception):
    """The LLM answer cannot be used; `reason` is a slug recorded as the scorecard's `fallback_reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _ContextTooLong(Exception):
    """The server said the prompt does not fit: split the chunk and try again."""


@dataclass(frozen=True)
class PromptPlan:
    """The requests a call turns into: fixed prompt parts, token estimates, and the transcript chunks (one when it fits)."""

    system: str
    response_format: dict[str, Any]
    nonce: str
    facts: dict[str, Any]
    overhead_tokens: int
    transcript_tokens: int
    budget_tokens: int
    chunks: list[list[Line]]


class LlmScorer:
    """Scores transcripts with an OpenAI(-compatible) model; construct once per process, it holds no per-call state."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        cache: ScoreCache | None = None,
        max_context_tokens: int = 128000,
        max_output_tokens: int = 8192,
        temperature: float | None = 0.0,
        restore_pii: bool = False,
    ) -> None:
        self.client = client
        self.model = model
        self.cache = cache
        self.max_context_tokens = int(max_context_tokens)
        self.max_output_tokens = int(max_output_tokens)
        self.temperature = temperature
        self.restore_pii = restore_pii

    def score(
        self,
        transcript: Transcript,
        *,
        rubric: Rubric,
        rep: str | None = None,
        stage_phase: str | None = None,
        offline: Scorecard,
        redact_pii: bool = True,
    ) -> Scorecard:
        """The LLM scorecard for one call, or `offline` with `fallback_reason` when the model's answer cannot be used."""
        redacted, redactions = redact(transcript, enabled=redact_pii)
        index = EvidenceIndex(transcript)
        injections = suspected_injections(transcript)
        facts = offline_facts(offline, transcript, redactions, stage_phase=stage_phase, index=index)
        key = self.cache_key(transcript, rubric, rep=rep, stage_phase=stage_phase, redact_pii=redact_pii, facts=facts)
        usage = [0, 0]
        meta: dict[str, Any] = {"model": self.model, "prompt_version": PROMPT_VERSION, "chunks": 0, "cache_hit": False}
        flags = [
            {"reason": "prompt_injection_suspected", "segment": seg} for seg in sorted({s for s, _, _ in injections})
        ]
        extras = {"redaction": {"enabled": redactions.enabled, "counts": redactions.counts()}, "llm": meta}
        try:
            cached = self.cache.get(key) if self.cache is not None else None
            if cached is not None and isinstance(cached.get("outputs"), list) and cached["outputs"]:
                outputs = cached["outputs"]
                meta.update(chunks=len(outputs), cache_hit=True)
                log.info("scoring.llm.scorer.cache_hit model=%s chunks=%d", self.model, len(outputs))
            else:
                outputs = self._ask(redacted, rubric, offline, facts, usage, meta)
                if self.cache is not None:
                    self.cache.set(
                        key,
                        {
                            "outputs": outputs,
                            "model": self.model,
                            "prompt_version": PROMPT_VERSION,
                            "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1]},
                        },
                    )
        except _Fallback as fb:
            log.warning(
                "scoring.llm.scorer.fallback model=%s reason=%s chunks=%d", self.model, fb.reason, meta["chunks"]
            )
            return annotate(
                offline,
                scorer="offline",
                fallback_reason=fb.reason,
                flags=flags,
                usage=usage_record(self.model, *usage),
                **extras,
            )
        checker = Checker(
            transcript, index=index, redactions=redactions, injections=injections, restore_pii=self.restore_pii
        )
        card = merge_outputs(outputs, rubric=rubric, offline=offline, checker=checker)
        log.info(
            "scoring.llm.scorer.scored model=%s chunks=%d prompt_tokens=%d completion_tokens=%d flags=%d",
            self.model,
            meta["chunks"],
            usage[0],
            usage[1],
            len(flags) + len(checker.flags),
        )
        return annotate(card, flags=flags + checker.flags, usage=usage_record(self.model, *usage), **extras)

    def cache_key(
        self,
        transcript: Transcript,
        rubric: Rubric,
        *,
        rep: str | None,
        stage_phase: str | None,
        redact_pii: bool,
        facts: dict[str, Any],
    ) -> str:
        """Hash of the normalised transcript, rubric id and version, model, prompt version and the other prompt inputs."""
        payload = {
            "prompt_version": PROMPT_VERSION,
            "model": self.model,
            "rubric": rubric.id,
            "rubric_version": rubric.version,
            "language": transcript.language,
            "rep": rep,
            "stage_phase": stage_phase,
            "redact": redact_pii,
            "segments": [[normalize(s.speaker), s.role, normalize(s.text)] for s in transcript.segments],
            "facts": _normalized(facts),
        }
        digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
        return CACHE_PREFIX + digest

    def plan(
        self,
        transcript: Transcript,
        *,
        rubric: Rubric,
        offline: Scorecard,
        stage_phase: str | None = None,
        redact_pii: bool = True,
    ) -> PromptPlan:
        """How the call would be sent (token estimates and chunks), without sending it: for tests and cost previews."""
        redacted, redactions = redact(transcript, enabled=redact_pii)
        facts = offline_facts(offline, transcript, redactions, stage_phase=stage_phase)
        return self._plan(redacted, rubric, offline, facts)

    def _plan(self, redacted: Transcript, rubric: Rubric, offline: Scorecard, facts: dict[str, Any]) -> PromptPlan:
        nonce = nonce_for(redacted)
        system = system_prompt(rubric, language=redacted.language)
        fmt = response_format(rubric)
        overhead = (
            estimate_tokens(system)
            + estimate_tokens(json.dumps(fmt, ensure_ascii=False))
            + estimate_tokens(user_message([], facts=facts, nonce=nonce, part=1, parts=2))
            + _FRAME_TOKENS
        )
        lines = transcript_lines(redacted, offline.rep_speaker.name)
        budget = self.max_context_tokens - self.max_output_tokens - overhead
        chunks = chunk_lines(lines, budget) if budget >= MIN_CHUNK_TOKENS else []
        return PromptPlan(
            system=system,
            response_format=fmt,
            nonce=nonce,
            facts=facts,
            overhead_tokens=overhead,
            transcript_tokens=sum(estimate_tokens(line.render()) + 1 for line in lines),
            budget_tokens=budget,
            chunks=chunks,
        )

    def _ask(
        self,
        redacted: Transcript,
        rubric: Rubric,
        offline: Scorecard,
        facts: dict[str, Any],
        usage: list[int],
        meta: dict[str, Any],
    ) -> list[dict[str, Any]]:
        """One request for the whole call, or one per chunk when it cannot fit; chunks are split again if the server objects."""
        plan = self._plan(redacted, rubric, offline, facts)
        if not plan.chunks:
            raise _Fallback("context_length_exceeded")
        chunks = list(plan.chunks)
        outputs: list[dict[str, Any]] = []
        splits = 0
        i = 0
        while i < len(chunks):
            meta["chunks"] = len(chunks)
            user = user_message(chunks[i], facts=facts, nonce=plan.nonce, part=i + 1, parts=len(chunks))
            try:
                outputs.append(self._complete(messages(plan.system, user), plan.response_format, usage))
            except _ContextTooLong:
                size = sum(estimate_tokens(line.render()) + 1 for line in chunks[i])
                halves = halve(chunks[i])
                if splits >= MAX_CONTEXT_SPLITS or size < 2 * MIN_CHUNK_TOKENS or len(halves) < 2:
                    raise _Fallback("context_length_exceeded") from None
                log.info("scoring.llm.scorer.context_split model=%s chunk=%d", self.model, i + 1)
                chunks[i : i + 1] = halves
                splits += 1
                continue
            i += 1
        meta["chunks"] = len(chunks)
        return outputs

    def _complete(self, msgs: list[dict[str, str]], fmt: dict[str, Any], usage: list[int]) -> dict[str, Any]:
        """One Chat Completions call (the client retries 429/5xx itself); the parsed JSON object, or _Fallback."""
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": msgs,
            "response_format": fmt,
            "max_completion_tokens": self.max_output_tokens,
        }
        if self.temperature is not None and not _REASONING_MODEL_RE.match(self.model):
            kwargs["temperature"] = self.temperature
        try:
            completion = self.client.chat.completions.create(**kwargs)
        except openai.BadRequestError as exc:
            if _is_context_error(exc):
                raise _ContextTooLong() from None
            raise _Fallback("bad_request") from None
        except openai.RateLimitError:
            raise _Fallback("rate_limited") from None
        except (openai.AuthenticationError, openai.PermissionDeniedError):
            raise _Fallback("auth_error") from None
        except openai.InternalServerError:
            raise _Fallback("server_error") from None
        except openai.APIStatusError as exc:
            raise _Fallback(f"api_error_{exc.status_code}") from None
        except openai.APITimeoutError:
            raise _Fallback("timeout") from None
        except openai.APIConnectionError:
            raise _Fallback("connection_error") from None
        except (openai.OpenAIError, ValueError):
            raise _Fallback("malformed_response") from None
        if completion.usage is not None:
            usage[0] += int(completion.usage.prompt_tokens or 0)
            usage[1] += int(completion.usage.completion_tokens or 0)
        if not completion.choices:
            raise _Fallback("malformed_output")
        choice = completion.choices[0]
        if getattr(choice.message, "refusal", None):
            raise _Fallback("refusal")
        if choice.finish_reason == "length":
            raise _Fallback("output_truncated")
        if choice.finish_reason == "content_filter":
            raise _Fallback("content_filter")
        try:
            data = json.loads(choice.message.content or "")
        except ValueError:
            raise _Fallback("malformed_output") from None
        if not isinstance(data, dict):
            raise _Fallback("malformed_output")
        return data


def _normalized(value: Any) -> Any:
    """Strings in a JSON-like value in quote-comparison form, so a redelivery that differs only in spacing or width hits."""
    if isinstance(value, str):
        return normalize(value)
    if isinstance(value, dict):
        return {k: _normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalized(v) for v in value]
    return value


def _is_context_error(exc: openai.APIStatusError) -> bool:
    """OpenAI says `context_length_exceeded`; vLLM and others only say so in the message."""
    message = str(getattr(exc, "message", "") or "").lower()
    return getattr(exc, "code", None) == "context_length_exceeded" or "maximum context length" in message
