"""Read recognised speech through its noise: numbers in one form, fillers and stutters dropped, split captions joined.

The markers (scoring/lexicon.py, scoring/shapes.py) are written for clean text; speech recognition writes 三十万 or
さんじゅうまん for 30万, 「えー、」 inside a sentence, 「見ました見ました」, 今季 for 今期, and splits one sentence over
several captions of the same speaker. `normalise` gives the scorer a cleaned transcript for detection and keeps, per
character, where it came from; `NormalisedCall.restore` turns every quote found in the cleaned text back into the
verbatim words of one original segment (the one holding most of the quote), so quotes stay verbatim.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from scoring.rubric import rubrics_dir
from scoring.scorecard import Evidence, Scorecard
from scoring.spoken_numbers import number_edits
from scoring.transcript import Segment, Transcript
from scoring.yaml_data import YamlReader, load_yaml

DATA_FILE = "speech-normalise.yaml"
_SEP = "\x00"
# Full-width digits and Latin letters fold one to one, so offsets do not move.
_WIDTH = str.maketrans(
    "０１２３４５６７８９" + "".join(map(chr, range(0xFF21, 0xFF3B))) + "".join(map(chr, range(0xFF41, 0xFF5B))),
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)
_WIDE_RE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
# The same word said twice with a comma (そ、その / 予算、予算は), or a short verb said twice (見ました見ました). Each
# alternative starts with a literal so the scan skips ahead in C: this runs over every call.
_WORD = "[ぁ-んァ-ヶー一-龥]"
# One pattern per comma, each starting with its literal: a class of both commas scans five times slower.
_STUTTERS_JA = tuple(
    comma + "(?:" + "|".join(rf"(?<=(?P<c{k}>{_WORD}{{{k}}}){comma})(?=(?P=c{k}))" for k in (4, 3, 2, 1)) + ")"
    for comma in ("、", ",")
)
_REPEAT_JA = "ました(?:" + "|".join(rf"(?<=(?P<r{k}>{_WORD}{{{k}}}ました))(?=(?P=r{k}))" for k in (3, 2, 1)) + ")"
_STUTTER_EN = r"\b(?P<w>[A-Za-z']+)(?:-\s?|\s)(?=(?P=w)\b)"
_PARTICLES = frozenset("のがをにでとも")
_JOINERS = {"ja": "", "en": " "}
_SENTENCE_END = frozenset("。．.？?！!」』…")


@dataclass(frozen=True)
class Piece:
    """A stretch of a cleaned segment and the original segment and offsets it came from (`same`: copied as is)."""

    start: int
    end: int
    seg: int
    orig_start: int
    orig_end: int
    same: bool


@dataclass(frozen=True)
class NormalisedCall:
    """The cleaned transcript the markers read, the original, and how to find the original words of a quote.

    `parts[k]` lists, for cleaned segment k, the original segments it was joined from with the offset each one's
    cleaned text starts at; `spans[i]` the replaced stretches of original segment i (cleaned start and end, original
    start and end, all relative to the segment).
    """

    transcript: Transcript
    original: Transcript
    parts: tuple[tuple[tuple[int, int], ...], ...] = ()
    spans: tuple[tuple[tuple[int, int, int, int], ...], ...] = ()

    @property
    def changed(self) -> bool:
        """False when the cleaned transcript is the original (nothing to map back)."""
        return self.transcript is not self.original

    def locate(self, quote: str, start_s: float | None = None) -> tuple[str, float | None] | None:
        """The original words behind a quote of the cleaned text, from the one segment that holds most of it."""
        segments = self.transcript.segments
        order = [i for i, s in enumerate(segments) if s.start == start_s] if start_s is not None else []
        for i in (*order, *range(len(segments))):
            pos = segments[i].text.find(quote)
            if pos >= 0:
                return self._back(i, pos, pos + len(quote))
        return None

    def restore(self, quote: str, start_s: float | None = None) -> tuple[str, float | None]:
        """`locate`, or the quote unchanged when the cleaned text does not hold it (it is then checked as it is)."""
        if not quote or not self.changed:
            return quote, start_s
        return self.locate(quote, start_s) or (quote, start_s)

    def pieces(self, k: int) -> list[Piece]:
        """Cleaned segment k as pieces, each copied as is or replaced, with the original segment and offsets."""
        out: list[Piece] = []
        for seg, offset in self.parts[k]:
            spans = self.spans[seg]
            length = len(self.original.segments[seg].text) + sum((b - a) - (ob - oa) for a, b, oa, ob in spans)
            at = orig_at = 0
            for a, b, oa, ob in spans:
                if a > at:
                    out.append(Piece(offset + at, offset + a, seg, orig_at, orig_at + a - at, True))
                out.append(Piece(offset + a, offset + b, seg, oa, ob, False))
                at, orig_at = b, ob
            out.append(Piece(offset + at, offset + length, seg, orig_at, orig_at + length - at, True))
        return out

    def _back(self, k: int, start: int, end: int) -> tuple[str, float | None]:
        share: dict[int, int] = {}
        bounds: dict[int, list[int]] = {}
        for p in self.pieces(k):
            if p.start >= end or p.end <= start:
                continue
            lo, hi = max(start, p.start), min(end, p.end)
            a = p.orig_start + (lo - p.start) if p.same else p.orig_start
            b = p.orig_start + (hi - p.start) if p.same else p.orig_end
            share[p.seg] = share.get(p.seg, 0) + hi - lo
            span = bounds.setdefault(p.seg, [a, b])
            span[0], span[1] = min(span[0], a), max(span[1], b)
        if not share:
            return "", None
        seg = max(share, key=lambda i: (share[i], -i))
        a, b = bounds[seg]
        original = self.original.segments[seg]
        return original.text[a:b].strip(), original.start


@dataclass(frozen=True)
class _Rules:
    fillers: re.Pattern[str] | None
    slips: tuple[tuple[re.Pattern[str], str], ...]
    stutters: tuple[re.Pattern[str], ...]


@cache
def _rules(language: str) -> _Rules:
    """The patterns of one language: fillers and homophone slips from the data file, stutters built in."""
    reader = YamlReader(DATA_FILE)
    data = reader.mapping(load_yaml(rubrics_dir() / DATA_FILE), "", {"version", "fillers", "homophones"})
    fillers = reader.strings(reader.mapping(data.get("fillers") or {}, "fillers", {"ja", "en"}), language, "fillers")
    entries = reader.mapping(data.get("homophones") or {}, "homophones", {"ja", "en"}).get(language) or []
    slips = []
    for n, entry in enumerate(entries):
        where = f"homophones.{language}[{n}]"
        entry = reader.mapping(entry, where, {"heard", "meant"})
        heard = _compile(reader, f"{where}.heard", reader.get(entry, "heard", where, str))
        slips.append((heard, reader.get(entry, "meant", where, str)))
    flags = re.I if language == "en" else 0
    filler = _compile(reader, f"fillers.{language}", rf"(?:{'|'.join(fillers)})[、,]?\s*", flags) if fillers else None
    stutters = (*_STUTTERS_JA, _REPEAT_JA) if language == "ja" else (_STUTTER_EN,)
    # Each slip is scanned on its own: a combined alternation loses the engine's first-character skip (4x slower).
    return _Rules(filler, tuple(slips), tuple(re.compile(p, flags) for p in stutters))


def _compile(reader: YamlReader, where: str, pattern: str, flags: int = 0) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise reader.fail(where, f"invalid regular expression: {exc}") from None


def _edits(text: str, rules: _Rules, language: str) -> list[tuple[int, int, str]]:
    """Every replacement in the call as (start, end, new text), from separate literal-first scans."""
    edits: list[tuple[int, int, str]] = []
    if rules.fillers is not None:
        for m in rules.fillers.finditer(text):
            start = m.start()
            # A turn that opens with a filler hesitates (うーん / えー / hmm, um): the deal-state rules read that.
            if start == 0 or text[start - 1] == _SEP:
                continue
            # A comma after a particle belongs to the filler's pause (株式会社…の、えー、佐野と申します).
            if start >= 2 and text[start - 1] in "、," and text[start - 2] in _PARTICLES:
                start -= 1
            edits.append((start, m.end(), ""))
    for pattern, meant in rules.slips:
        edits.extend((m.start(), m.end(), meant) for m in pattern.finditer(text))
    for n, pattern in enumerate(rules.stutters):
        for m in pattern.finditer(text):
            word = next(g for g in m.groups() if g is not None) if m.lastindex else ""
            if language != "ja":
                edits.append((m.start(), m.end(), ""))
            elif n < len(_STUTTERS_JA):
                # The match is the comma; the first copy is right behind it (そ、その → その).
                edits.append((m.start() - len(word), m.end(), ""))
            else:
                # The match is the verb's ending; the first copy ends with it (見ました見ました → 見ました).
                edits.append((m.end() - len(word), m.end(), ""))
    edits.extend(number_edits(text, language))
    return edits


def _clean(text: str, rules: _Rules, language: str) -> tuple[str, list[tuple[int, int, int, int]]]:
    """The cleaned text of the whole call and its replaced spans (clean start, clean end, original start, end)."""
    out: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    done = size = 0
    for start, end, new in sorted(_edits(text, rules, language)):
        if start < done or new == text[start:end] or _SEP in text[start:end]:
            continue
        out.append(text[done:start])
        size += start - done
        out.append(new)
        spans.append((size, size + len(new), start, end))
        size += len(new)
        done = end
    if not spans:
        return text, spans
    out.append(text[done:])
    return "".join(out), spans


def _joinable(previous: Segment, segment: Segment) -> bool:
    """The same speaker's next caption continues a sentence the previous one left open (no sentence end)."""
    text = previous.text.rstrip()
    return bool(text) and segment.speaker == previous.speaker and text[-1] not in _SENTENCE_END


def normalise(transcript: Transcript) -> NormalisedCall:
    """The call cleaned for detection, with the way back to the original words for every quote."""
    segments = transcript.segments
    joined = _SEP.join([s.text for s in segments])
    if not segments or joined.count(_SEP) != len(segments) - 1:
        return NormalisedCall(transcript, transcript)
    folded = joined.translate(_WIDTH) if _WIDE_RE.search(joined) else joined
    clean, call_spans = _clean(folded, _rules(transcript.language), transcript.language)
    texts = clean.split(_SEP)
    joinable = [
        i
        for i, (a, b) in enumerate(zip(segments, segments[1:], strict=False), 1)
        if a.speaker == b.speaker and _joinable(a, b)
    ]
    if clean == joined and not joinable:
        return NormalisedCall(transcript, transcript)
    # Replaced stretches per original segment, relative to it.
    spans: list[list[tuple[int, int, int, int]]] = [[] for _ in segments]
    clean_starts, orig_starts = [0], [0]
    for text, seg in zip(texts, segments, strict=True):
        clean_starts.append(clean_starts[-1] + len(text) + 1)
        orig_starts.append(orig_starts[-1] + len(seg.text) + 1)
    for a, b, oa, ob in call_spans:
        i = bisect.bisect_right(orig_starts, oa) - 1
        spans[i].append((a - clean_starts[i], b - clean_starts[i], oa - orig_starts[i], ob - orig_starts[i]))
    cleaned = [dataclasses.replace(s, text=t) if t != s.text else s for s, t in zip(segments, texts, strict=True)]
    merged: list[Segment] = []
    parts: list[list[tuple[int, int]]] = []
    joiner = _JOINERS.get(transcript.language, " ")
    starts_joined = set(joinable)
    for i, seg in enumerate(cleaned):
        if i in starts_joined and merged:
            last = merged[-1]
            parts[-1].append((i, len(last.text) + len(joiner)))
            merged[-1] = dataclasses.replace(
                last, text=last.text + joiner + seg.text, end=seg.end if seg.end is not None else last.end
            )
        else:
            merged.append(seg)
            parts.append([(i, 0)])
    return NormalisedCall(
        dataclasses.replace(transcript, segments=tuple(merged)),
        transcript,
        tuple(tuple(p) for p in parts),
        tuple(tuple(s) for s in spans),
    )


def restore_quotes(card: Scorecard, call: NormalisedCall) -> Scorecard:
    """The card with every quote found in the cleaned text replaced by the original, verbatim words."""
    if not call.changed:
        return card

    def ev(e: Evidence) -> Evidence:
        quote, start = call.restore(e.quote, e.start_s)
        return e if quote == e.quote else Evidence(quote=quote, start_s=start)

    def text(quote: str) -> str:
        return call.restore(quote)[0]

    return _map_quotes(card, ev, text)


def _map_quotes(card: Scorecard, ev: Callable[[Evidence], Evidence], text: Callable[[str], str]) -> Scorecard:
    phases = tuple(
        dataclasses.replace(
            p,
            criteria=tuple(
                dataclasses.replace(c, evidence=tuple(ev(e) for e in c.evidence)) if c.evidence else c
                for c in p.criteria
            ),
        )
        for p in card.phases
    )
    return dataclasses.replace(
        card,
        phases=phases,
        bant={k: dataclasses.replace(v, evidence=text(v.evidence)) if v.evidence else v for k, v in card.bant.items()},
        next_step=dataclasses.replace(card.next_step, evidence=text(card.next_step.evidence)),
        commitments=tuple(dataclasses.replace(c, evidence=text(c.evidence)) for c in card.commitments),
        ng_behaviors=tuple(dataclasses.replace(n, evidence=text(n.evidence)) for n in card.ng_behaviors),
    )
