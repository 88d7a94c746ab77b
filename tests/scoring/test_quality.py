"""Offline scorer quality on the hand-labelled calls: precision and recall per field, with floors the scorer must keep.

Each call in tests/fixtures/transcripts/labelled/tune/ has a sidecar `<name>.expected.json` written from the call alone
(labelling rules in docs/scoring.md). `"set": "holdout"` marks calls written after the markers were tuned on the
others; the table reports both groups so the tuned figures cannot hide the honest ones. The blind set of issue 13
(labelled/blind/, one labels.json) is measured by `dealcoach eval` and tests/scoring/test_evaluation.py, without floors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from scoring.evaluation import Tally
from scoring.offline import score_transcript
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import BANT_KEYS, Scorecard
from scoring.transcript import parse_transcript

LABELLED = Path(__file__).resolve().parents[1] / "fixtures" / "transcripts" / "labelled" / "tune"
FORMATS = (".json", ".vtt", ".srt", ".txt")
FLOORS = {"rep_speaker": 0.85, "bant": 0.85, "next_step": 0.85, "deal_state": 0.85, "ng_behaviors": 0.80, "commitments": 0.75}


@dataclass
class Report:
    """Tallies per field over a group of calls, and the misses behind them."""

    calls: int = 0
    fields: dict[str, Tally] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def tally(self, name: str) -> Tally:
        return self.fields.setdefault(name, Tally())


def labelled_calls() -> list[tuple[Path, dict[str, Any]]]:
    """Every labelled transcript with its expectations, in name order."""
    calls = []
    for path in sorted(LABELLED.iterdir()):
        if path.suffix in FORMATS and not path.name.endswith(".expected.json"):
            calls.append((path, json.loads((LABELLED / f"{path.stem}.expected.json").read_text(encoding="utf-8"))))
    return calls


def score(path: Path, expected: dict[str, Any]) -> Scorecard:
    """Score a labelled call the way the pipeline does: parsed from bytes, the rubric of its language, the CRM stage's phase."""
    transcript = parse_transcript(path.read_bytes(), filename=path.name)
    rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
    return score_transcript(transcript, rubric=rubric, stage_phase=expected.get("stage_phase"))


def compare(report: Report, name: str, card: Scorecard, expected: dict[str, Any]) -> None:
    """Add one call's predictions against its labels to the report."""
    report.calls += 1
    rep_ok = card.rep_speaker.name == expected["rep_speaker"]
    report.tally("rep_speaker").add(rep_ok, True)
    report.tally("rep_speaker").fp += not rep_ok
    for key in BANT_KEYS:
        got, want = card.bant[key].found, expected["bant"][key]
        for tally in (report.tally("bant"), report.tally(f"bant.{key}")):
            tally.add(got, want)
        if got != want:
            report.misses.append(f"{name}: bant.{key} {'found' if got else 'missed'}")
    report.tally("next_step").add(card.next_step.set, expected["next_step"])
    if card.next_step.set != expected["next_step"]:
        report.misses.append(f"{name}: next_step {'set' if card.next_step.set else 'missed'}")
    got_ng, want_ng = {n.id for n in card.ng_behaviors}, set(expected["ng_behaviors"])
    ng = report.tally("ng_behaviors")
    ng.tp, ng.fp, ng.fn = ng.tp + len(got_ng & want_ng), ng.fp + len(got_ng - want_ng), ng.fn + len(want_ng - got_ng)
    report.misses += [f"{name}: ng {i} extra" for i in sorted(got_ng - want_ng)] + [f"{name}: ng {i} missed" for i in sorted(want_ng - got_ng)]
    state, want_state = card.deal_state, expected["deal_state"]
    deal = report.tally("deal_state")
    deal.tp += state is not None and state == want_state
    deal.fp += state is not None and state != want_state
    deal.fn += want_state is not None and state != want_state
    if state != want_state:
        report.misses.append(f"{name}: deal_state {state} (expected {want_state})")
    for owner in ("rep", "customer"):
        got_n = sum(c.owner == owner for c in card.commitments)
        want_n = expected["commitments"][owner]
        both = min(got_n, want_n)
        for tally in (report.tally("commitments"), report.tally(f"commitments.{owner}")):
            tally.tp, tally.fp, tally.fn = tally.tp + both, tally.fp + got_n - both, tally.fn + want_n - both
        if got_n != want_n:
            report.misses.append(f"{name}: commitments.{owner} {got_n} (expected {want_n})")


def table(reports: dict[str, Report]) -> str:
    """A plain-text precision/recall table, one column pair per group of calls."""
    groups = list(reports)
    names = list(next(iter(reports.values())).fields)
    head = f"{'field':<22}" + "".join(f"{g + f' ({reports[g].calls})':>20}" for g in groups)
    lines = [head, f"{'':<22}" + "".join(f"{'precision  recall':>20}" for _ in groups)]
    for name in names:
        cells = "".join(f"{_rate(reports[g].fields[name].precision):>11.2f}{_rate(reports[g].fields[name].recall):>9.2f}" for g in groups)
        lines.append(f"{name:<22}{cells}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    out = {"all": Report(), "tuned": Report(), "holdout": Report(), "blind": Report(), "tune-13": Report(), "tune-14": Report(), "tune-15": Report(), "tune-16": Report(), "tune-17": Report()}
    for path, expected in labelled_calls():
        card = score(path, expected)
        group = expected.get("set") or "tuned"
        for key in ("all", group):
            compare(out[key], path.name, card, expected)
    return out


def test_the_labelled_set_is_varied_enough() -> None:
    calls = labelled_calls()
    assert len(calls) >= 12
    names = [p.name for p, _ in calls]
    assert sum(".en." in n for n in names) >= 3
    assert {Path(n).suffix for n in names} == set(FORMATS)
    vtts = [(LABELLED / n).read_text(encoding="utf-8") for n in names if n.endswith(".vtt")]
    assert any("<v " in t for t in vtts) and any("<v " not in t for t in vtts), "both VTT speaker styles"
    phases = {e["stage_phase"] for _, e in calls}
    assert {"first_contact", "needs_discovery", "proposal", "negotiation_closing", "contract_implementation", "after_follow"} <= phases
    assert any(e["deal_state"] == "botsu" for _, e in calls)
    assert sum(e.get("set") == "holdout" for _, e in calls) >= 6


def _rate(value: float | None) -> float:
    """A field with nothing predicted (or nothing expected) has made no mistake of that kind."""
    return 1.0 if value is None else value


def test_quality_floors(reports: dict[str, Report], capsys: pytest.CaptureFixture[str]) -> None:
    report = table(reports)
    misses = "\n".join(reports["all"].misses)
    with capsys.disabled():
        print(f"\n\nOffline scorer quality on the labelled calls\n{report}\n\nMisses:\n{misses}\n")
    low = [f"{name} {kind} {value:.2f} < {floor}" for name, floor in FLOORS.items()
           for kind, value in (("precision", _rate(reports["all"].fields[name].precision)),
                               ("recall", _rate(reports["all"].fields[name].recall)))
           if value < floor]
    assert not low, f"{low}\n{report}\n{misses}"
