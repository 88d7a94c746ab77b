"""Verbatim evidence: find a quote in the transcript despite whitespace and full-width/half-width differences, and return the exact original text.

An LLM copies quotes imperfectly (a half-width digit for a full-width one, a dropped space), so matching is
done on an NFKC- and whitespace-normalised form; what is returned is always the original substring, so a
scorecard quote stays a verbatim substring of the transcript (docs/architecture.md §6).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from scoring.transcript import Transcript

MIN_QUOTE_CHARS = 2
# Dash and tilde variants NFKC leaves apart but transcribers and models use interchangeably.
_EXTRA_FOLD = str.maketrans({"〜": "~", "−": "-", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-"})
_DECORATION = "「」『』\"'“”‘’…"
_HALFWIDTH_SOUND_MARKS = ("\uff9e", "\uff9f")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: segment index, character offsets in that segment's text, the exact text and its time."""

    segment: int
    start: int
    end: int
    text: str
    start_s: float | None


def _units(text: str) -> Iterable[tuple[int, str]]:
    """Characters grouped with the combining marks that follow them (so ｶﾞ normalises like ガ), with their offsets."""
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and (unicodedata.combining(text[j]) or text[j] in _HALFWIDTH_SOUND_MARKS):
            j += 1
        yield i, text[i:j]
        i = j


def normalize_with_map(text: str) -> tuple[str, list[int], list[int]]:
    """The normalised text and, per normalised character, the original start and end offsets of the unit it came from."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, unit in _units(text):
        for ch in unicodedata.normalize("NFKC", unit).translate(_EXTRA_FOLD):
            if ch.isspace():
                continue
            out.append(ch)
            starts.append(i)
            ends.append(i + len(unit))
    return "".join(out), starts, ends


def normalize(text: str) -> str:
    """NFKC, dash/tilde folding, all whitespace removed: the form quotes are compared in."""
    return normalize_with_map(text)[0]


def _candidates(quote: str) -> list[str]:
    """The quote as given, then without the brackets, quote marks or ellipses a model tends to add around it."""
    stripped = quote.strip().strip(_DECORATION).strip()
    while stripped.endswith("..."):
        stripped = stripped[:-3].rstrip()
    while stripped.startswith("..."):
        stripped = stripped[3:].lstrip()
    out = []
    for c in (quote, stripped):
        n = normalize(c)
        if len(n) >= MIN_QUOTE_CHARS and n not in out:
            out.append(n)
    return out


class EvidenceIndex:
    """The transcript's segments in normalised form, built once per scorecard and searched per quote."""

    def __init__(self, transcript: Transcript) -> None:
        self.transcript = transcript
        self._segments = [normalize_with_map(s.text) for s in transcript.segments]

    def find(self, quote: str, *, segments: Iterable[int] | None = None) -> QuoteMatch | None:
        """The first place (in transcript order) where the quote occurs within one segment, or None."""
        if not isinstance(quote, str):
            return None
        order = sorted(set(segments)) if segments is not None else range(len(self._segments))
        for needle in _candidates(quote):
            for idx in order:
                if not 0 <= idx < len(self._segments):
                    continue
                norm, starts, ends = self._segments[idx]
                pos = norm.find(needle)
                if pos < 0:
                    continue
                seg = self.transcript.segments[idx]
                start, end = starts[pos], ends[pos + len(needle) - 1]
                return QuoteMatch(segment=idx, start=start, end=end, text=seg.text[start:end], start_s=seg.start)
        return None


def find_quote(quote: str, transcript: Transcript) -> QuoteMatch | None:
    """One-off lookup of a quote in a transcript (build an EvidenceIndex when checking many)."""
    return EvidenceIndex(transcript).find(quote)


def is_verbatim(quote: str, transcript: Transcript) -> bool:
    """True when the quote occurs in one segment of the transcript after normalisation."""
    return find_quote(quote, transcript) is not None
