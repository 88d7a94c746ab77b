"""Encode a scorecard's checks hit and missed as `<rubric>@<version>:<hit>:<missed>`, two hex bitmaps in the
rubric's check order (153 checks: 39 hex digits each), and decode them back for the manager report's lifts."""

from __future__ import annotations

from connector.check_code_field import MAX_LENGTH
from scoring.rubric import Rubric, load_rubric, load_rubric_or_reference
from scoring.scorecard import Scorecard


def _order(rubric: Rubric) -> list[str]:
    return [check.id for _, _, check in rubric.iter_checks()]


def _bitmap(ids: set[str], order: list[str]) -> str:
    value = sum(1 << i for i, cid in enumerate(order) if cid in ids)
    return format(value, "x")


def encode(scorecard: Scorecard, rubric: Rubric) -> str | None:
    """The code of one scored call; None when it would not fit the field (a rubric of over ~480 checks)."""
    assessed = scorecard.assessed()
    hit = {c.id for c in assessed if scorecard.has_evidence(c.id)}
    missed = {c.id for c in assessed if c.score == 0}
    order = _order(rubric)
    code = f"{rubric.id}@{rubric.version}:{_bitmap(hit, order)}:{_bitmap(missed, order)}"
    return code if len(code) <= MAX_LENGTH else None


def checks_code(scorecard: Scorecard) -> str | None:
    """The code for the rubric the call was scored with; None for a rubric DealCoach cannot load again by its id."""
    try:
        rubric = load_rubric_or_reference(scorecard.rubric, scorecard.language or "ja")
    except (ValueError, OSError):
        return None
    return encode(scorecard, rubric) if str(rubric.version) == str(scorecard.rubric_version) else None


def decode(code: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(hit, missed) check ids; empty when the code is absent, malformed, or names a rubric version not shipped."""
    try:
        head, hit, missed = (code or "").split(":")
        rubric_id, version = head.rsplit("@", 1)
        rubric = load_rubric(rubric_id, "ja")
        hits, misses = int(hit, 16), int(missed, 16)
    except (ValueError, OSError):
        return (), ()
    if str(rubric.version) != version:
        return (), ()
    order = _order(rubric)
    return (
        tuple(cid for i, cid in enumerate(order) if hits >> i & 1),
        tuple(cid for i, cid in enumerate(order) if misses >> i & 1),
    )
