"""Measure a scorer against labelled calls: precision and recall per field, a deal-state confusion table, the worst calls.

A labels directory holds transcripts and their labels, either in one `labels.json` (`{"calls": {file: labels}}`)
or in one sidecar `<stem>.expected.json` per call (format in docs/scoring.md). The scorer is passed in, so the
same measurement runs on the offline scorer, the LLM scorer or a customer's own rubric.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scoring.scorecard import BANT_KEYS, Scorecard
from scoring.transcript import Transcript, TranscriptError, parse_transcript

FORMATS = (".json", ".vtt", ".srt", ".txt")
LABELS_FILE = "labels.json"
SIDECAR = ".expected.json"
QUALITIES = ("excellent", "mixed", "poor")
STATES = ("shodan", "wadai", "botsu", None)
TALK_RATIO_MAX = 0.65
REQUIRED = ("rep_speaker", "bant", "next_step", "ng_behaviors", "deal_state")
FIELDS = (
    "rep_speaker",
    "bant",
    *(f"bant.{k}" for k in BANT_KEYS),
    "next_step",
    "talk_ratio_in_range",
    "deal_state",
    "ng_behaviors",
    "commitments",
    "quotes_verbatim",
)

Score = Callable[[Transcript, dict[str, Any]], Scorecard]


class LabelsError(ValueError):
    """A labels directory or file that cannot be used; the message names the file and the problem."""


@dataclass
class Tally:
    """True/false positives and negatives for one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, predicted: bool, expected: bool) -> None:
        self.tp += predicted and expected
        self.fp += predicted and not expected
        self.fn += expected and not predicted

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def counted(self) -> bool:
        return bool(self.tp + self.fp + self.fn)

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": rounded(self.precision),
            "recall": rounded(self.recall),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(frozen=True)
class LabelledCall:
    """One transcript file with its labels."""

    path: Path
    labels: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name


@dataclass
class Evaluation:
    """Everything one run over a labels directory measured."""

    calls: int = 0
    fields: dict[str, Tally] = field(default_factory=lambda: {f: Tally() for f in FIELDS})
    confusion: dict[str, dict[str, int]] = field(
        default_factory=lambda: {_state(w): {_state(g): 0 for g in STATES} for w in STATES}
    )
    misses: dict[str, list[str]] = field(default_factory=dict)
    overall_by_quality: dict[str, list[int]] = field(default_factory=dict)
    # Each NG id on its own: which behaviours a scorer finds and which it misses, not only their sum.
    ng_by_id: dict[str, Tally] = field(default_factory=dict)

    def deal_state_accuracy(self) -> float | None:
        """Share of calls whose deal state (none included) is the labelled one."""
        total = sum(sum(row.values()) for row in self.confusion.values())
        return sum(self.confusion[s][s] for s in self.confusion) / total if total else None

    def worst(self, n: int = 5) -> list[tuple[str, list[str]]]:
        """The calls with the most misses, most first (name order among equals)."""
        ranked = sorted(self.misses.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return [(name, m) for name, m in ranked[:n] if m]

    def quality_means(self) -> dict[str, float]:
        """Mean overall score per labelled quality (excellent, mixed, poor), for the calls that have both."""
        return {q: sum(v) / len(v) for q in QUALITIES if (v := self.overall_by_quality.get(q))}

    def order_holds(self) -> bool | None:
        """excellent > mixed > poor on mean overall score; None when fewer than two qualities were labelled."""
        means = [m for q in QUALITIES if (m := self.quality_means().get(q)) is not None]
        return all(a > b for a, b in zip(means, means[1:], strict=False)) if len(means) >= 2 else None

    def ng_ids_most_missed(self) -> list[tuple[str, Tally]]:
        """Every NG id labelled or found, most misses first, then most false finds, then by id."""
        return sorted(self.ng_by_id.items(), key=lambda kv: (-kv[1].fn, -kv[1].fp, kv[0]))

    def to_dict(self) -> dict[str, Any]:
        """The JSON form `dealcoach eval --json` prints."""
        return {
            "calls": self.calls,
            "fields": {k: t.to_dict() for k, t in self.fields.items()},
            "ng_by_id": {k: t.to_dict() for k, t in sorted(self.ng_by_id.items())},
            "deal_state_confusion": self.confusion,
            "deal_state_accuracy": rounded(self.deal_state_accuracy()),
            "overall_by_quality": {q: round(m, 1) for q, m in self.quality_means().items()},
            "order_holds": self.order_holds(),
            "worst_calls": [{"call": n, "misses": m} for n, m in self.worst()],
        }


def rounded(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _state(value: str | None) -> str:
    return value or "none"


def read_labels_file(path: Path) -> dict[str, Any]:
    """A labels file's table, file name → labels; raises LabelsError when it is not `{"calls": {...}}`."""
    raw = _read_json(path)
    calls = raw.get("calls") if isinstance(raw, dict) else None
    if not isinstance(calls, dict):
        raise LabelsError(f"{path}: expected an object with a 'calls' object (file name → labels)")
    return calls


def load_labelled(directory: Path, labels: dict[str, Any] | None = None) -> list[LabelledCall]:
    """Every labelled transcript of a directory, in name order; raises LabelsError on a missing or malformed label.

    `labels` (file name → labels) replaces the directory's own labels, e.g. a second labeller's or agreed ones.
    """
    if not directory.is_dir():
        raise LabelsError(f"{directory}: not a directory")
    labels_file = directory / LABELS_FILE
    table: dict[str, Any] = (
        labels if labels is not None else read_labels_file(labels_file) if labels_file.is_file() else {}
    )
    out = []
    for path in sorted(directory.iterdir()):
        if path.suffix not in FORMATS or path.name.endswith(SIDECAR) or path.name == LABELS_FILE:
            continue
        sidecar = directory / f"{path.stem}{SIDECAR}"
        found = table.get(path.name) if path.name in table else (_read_json(sidecar) if sidecar.is_file() else None)
        if found is None:
            continue
        validate(path.name, found)
        out.append(LabelledCall(path=path, labels=found))
    unknown = sorted(set(table) - {c.name for c in out})
    if unknown:
        source = labels_file if labels is None else "the labels given"
        raise LabelsError(f"{source}: labels for files that are not in {directory}: {', '.join(unknown)}")
    if not out:
        raise LabelsError(f"{directory}: no labelled transcripts ({LABELS_FILE} or <name>{SIDECAR} sidecars)")
    return out


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelsError(f"{path}: unreadable labels: {exc}") from None


def validate(name: str, labels: Any) -> None:
    if not isinstance(labels, dict):
        raise LabelsError(f"{name}: labels must be an object")
    missing = [k for k in REQUIRED if k not in labels]
    if missing:
        raise LabelsError(f"{name}: labels lack {', '.join(missing)}")
    rep = labels["rep_speaker"]
    if rep is not None and (not isinstance(rep, str) or not rep.strip()):
        raise LabelsError(f"{name}: rep_speaker must be the rep's speaker name as the transcript spells it, or null")
    if not isinstance(labels["bant"], dict) or set(labels["bant"]) != set(BANT_KEYS):
        raise LabelsError(f"{name}: bant must have exactly {', '.join(BANT_KEYS)}")
    if labels["deal_state"] not in STATES:
        raise LabelsError(f"{name}: deal_state must be shodan, wadai, botsu or null")
    if labels.get("quality") not in (None, *QUALITIES):
        raise LabelsError(f"{name}: quality must be excellent, mixed or poor")


def parse(call: LabelledCall) -> Transcript:
    """The call's transcript, parsed from bytes as the pipeline does; an unreadable one is named in the error."""
    try:
        return parse_transcript(call.path.read_bytes(), filename=call.path.name)
    except TranscriptError as exc:
        raise TranscriptError(f"{call.path.name}: {exc}") from None


def quotes(card: Scorecard) -> Iterator[str]:
    """Every quote a scorecard shows: criteria evidence, BANT, next step, commitments and NG behaviours."""
    for p in card.phases:
        for c in p.criteria:
            yield from (e.quote for e in c.evidence)
    yield from (b.evidence for b in card.bant.values() if b.evidence)
    if card.next_step.evidence:
        yield card.next_step.evidence
    yield from (c.evidence for c in card.commitments if c.evidence)
    yield from (n.evidence for n in card.ng_behaviors if n.evidence)


def verbatim(quote: str, transcript: Transcript) -> bool:
    """True when the quote is an exact substring of one segment's text."""
    return any(quote in s.text for s in transcript.segments)


@dataclass(frozen=True)
class Reading:
    """What one reader says about a call, in the labels' own terms: a scorecard's or a second labeller's."""

    rep_speaker: str | None
    bant: dict[str, bool]
    next_step: bool
    deal_state: str | None
    ng: frozenset[str]
    commitments: dict[str, int]
    talk_ratio: float | None = None
    talk_ratio_in_range: bool | None = None
    quotes: tuple[str, ...] = ()
    overall: int | None = None


def card_reading(card: Scorecard) -> Reading:
    """A scorecard read as labels: the fields `compare` measures, its quotes and its overall score."""
    ratio = float(card.metrics["talk_ratio_rep"]) if "talk_ratio_rep" in card.metrics else None
    return Reading(
        rep_speaker=card.rep_speaker.name,
        bant={k: card.bant[k].found for k in BANT_KEYS},
        next_step=card.next_step.set,
        deal_state=card.deal_state,
        ng=frozenset(n.id for n in card.ng_behaviors),
        commitments=dict(Counter(c.owner for c in card.commitments)),
        talk_ratio=ratio,
        talk_ratio_in_range=ratio <= TALK_RATIO_MAX if ratio is not None else None,
        quotes=tuple(quotes(card)),
        overall=card.overall,
    )


def compare(ev: Evaluation, name: str, card: Scorecard, labels: dict[str, Any], transcript: Transcript) -> None:
    """Add one call's scorecard against its labels to the evaluation."""
    tally(ev, name, card_reading(card), labels, transcript)


def tally(ev: Evaluation, name: str, got: Reading, labels: dict[str, Any], transcript: Transcript | None) -> None:
    """Add one reading against the call's labels; a field the labels mark disputed (`disputed`) is not counted."""
    ev.calls += 1
    misses = ev.misses.setdefault(name, [])
    f = ev.fields
    disputed = labels.get("disputed") or {}
    # A null rep label: the transcript names nobody (an untagged dialer file), so rep identification is not measured.
    if labels["rep_speaker"] is not None and not disputed.get("rep_speaker"):
        rep_ok = got.rep_speaker == labels["rep_speaker"]
        f["rep_speaker"].add(rep_ok, True)
        f["rep_speaker"].fp += not rep_ok
        if not rep_ok:
            misses.append(f"rep_speaker {got.rep_speaker!r} (expected {labels['rep_speaker']!r})")
    for key in BANT_KEYS:
        if key in disputed.get("bant", ()):
            continue
        found, want = got.bant[key], bool(labels["bant"][key])
        f["bant"].add(found, want)
        f[f"bant.{key}"].add(found, want)
        if found != want:
            misses.append(f"bant.{key} {'found' if found else 'missed'}")
    if not disputed.get("next_step"):
        f["next_step"].add(got.next_step, bool(labels["next_step"]))
        if got.next_step != bool(labels["next_step"]):
            misses.append(f"next_step {'set' if got.next_step else 'missed'}")
    if "talk_ratio_in_range" in labels and got.talk_ratio_in_range is not None and not disputed.get("talk_ratio"):
        got_in, want_in = got.talk_ratio_in_range, bool(labels["talk_ratio_in_range"])
        f["talk_ratio_in_range"].add(got_in, want_in)
        f["talk_ratio_in_range"].add(not got_in, not want_in)
        if got_in != want_in:
            shown = f"{got.talk_ratio} " if got.talk_ratio is not None else ""
            misses.append(f"talk_ratio {shown}{'in' if got_in else 'out of'} range")
    if not disputed.get("deal_state"):
        state, want_state = got.deal_state, labels["deal_state"]
        deal = f["deal_state"]
        deal.tp += state is not None and state == want_state
        deal.fp += state is not None and state != want_state
        deal.fn += want_state is not None and state != want_state
        ev.confusion[_state(want_state)][_state(state)] += 1
        if state != want_state:
            misses.append(f"deal_state {state} (expected {want_state})")
    unsure = set(disputed.get("ng_behaviors", ()))
    got_ng, want_ng = got.ng - unsure, set(labels["ng_behaviors"]) - unsure
    ng = f["ng_behaviors"]
    ng.tp, ng.fp, ng.fn = ng.tp + len(got_ng & want_ng), ng.fp + len(got_ng - want_ng), ng.fn + len(want_ng - got_ng)
    for ng_id in got_ng | want_ng:
        ev.ng_by_id.setdefault(ng_id, Tally()).add(ng_id in got_ng, ng_id in want_ng)
    misses += [f"ng {i} extra" for i in sorted(got_ng - want_ng)] + [f"ng {i} missed" for i in sorted(want_ng - got_ng)]
    for owner, want_n in (labels.get("commitments") or {}).items():
        if owner in disputed.get("commitments", ()):
            continue
        got_n = got.commitments.get(owner, 0)
        both = min(got_n, int(want_n))
        cm = f["commitments"]
        cm.tp, cm.fp, cm.fn = cm.tp + both, cm.fp + got_n - both, cm.fn + int(want_n) - both
        if got_n != want_n:
            misses.append(f"commitments.{owner} {got_n} (expected {want_n})")
    for quote in got.quotes:
        ok = transcript is not None and verbatim(quote, transcript)
        f["quotes_verbatim"].add(ok, True)
        f["quotes_verbatim"].fp += not ok
        if not ok:
            misses.append(f"quote not verbatim: {quote[:30]!r}")
    if labels.get("quality") in QUALITIES and got.overall is not None:
        ev.overall_by_quality.setdefault(labels["quality"], []).append(got.overall)


def evaluate(calls: list[LabelledCall], score: Score) -> Evaluation:
    """Score every labelled call with `score` and measure it against the labels."""
    ev = Evaluation()
    for call in calls:
        transcript = parse(call)
        compare(ev, call.name, score(transcript, call.labels), call.labels, transcript)
    return ev


def cell(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "–"


def tally_table(label: str, tallies: dict[str, Tally], *, width: int, tp_width: int = 5) -> list[str]:
    """A header and one line per counted tally: precision, recall, tp, fp, fn."""
    lines = [f"{label:<{width}}{'precision':>10}{'recall':>8}{'tp':>{tp_width}}{'fp':>5}{'fn':>5}"]
    for name, t in tallies.items():
        if t.counted:
            lines.append(
                f"{name:<{width}}{cell(t.precision):>10}{cell(t.recall):>8}{t.tp:>{tp_width}}{t.fp:>5}{t.fn:>5}"
            )
    return lines


def report(ev: Evaluation, title: str = "") -> str:
    """The plain-text report `dealcoach eval` prints."""
    lines = [title] if title else []
    lines += [f"{ev.calls} labelled calls", "", *tally_table("field", ev.fields, width=24, tp_width=6)]
    lines += [
        "",
        "deal state (rows: labelled, columns: scored)",
        f"{'':<10}" + "".join(f"{_state(s):>8}" for s in STATES),
    ]
    for want in STATES:
        lines.append(f"{_state(want):<10}" + "".join(f"{ev.confusion[_state(want)][_state(g)]:>8}" for g in STATES))
    lines.append(f"accuracy {cell(ev.deal_state_accuracy())}")
    if ev.ng_by_id:
        lines += ["", *tally_table("NG behaviour (most missed first)", dict(ev.ng_ids_most_missed()), width=48)]
    means = ev.quality_means()
    if means:
        order = {True: "holds", False: "does not hold", None: "not measurable"}[ev.order_holds()]
        shown = " > ".join(f"{q} {m:.0f}" for q, m in means.items())
        lines += ["", f"overall score by labelled quality: {shown} (order {order})"]
    worst = ev.worst()
    if worst:
        lines += ["", "worst calls:"]
        lines += [f"  {n} ({len(m)}): {'; '.join(m)}" for n, m in worst]
    return "\n".join(lines)
