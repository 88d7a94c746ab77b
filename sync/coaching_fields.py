"""Deal fields that let the CRM's own reports chart coaching: phase scores, BANT flags, checks hit and missed.

Each call overwrites them, so the CRM's property history (HubSpot propertiesWithHistory) is the per-call record the
manager report reads back: DealCoach keeps no copy of its own that could drift from the CRM.
"""

from __future__ import annotations

from typing import Any

from connector.coaching_fields import BANT_KEYS, CHECKS_HIT, CHECKS_MISSED, PHASE_IDS, bant_field, phase_field
from scoring.scorecard import Scorecard


def coaching_fields(scorecard: Scorecard) -> dict[str, Any]:
    """Per-phase scores (None where the phase was not assessed), BANT booleans and the assessed check ids."""
    fields: dict[str, Any] = {phase_field(p): None for p in PHASE_IDS}
    for phase in scorecard.phases:
        if phase.id in PHASE_IDS:
            fields[phase_field(phase.id)] = phase.score
    for key in BANT_KEYS:
        item = scorecard.bant.get(key)
        fields[bant_field(key)] = bool(item and item.found)
    assessed = scorecard.assessed()
    fields[CHECKS_HIT] = " ".join(c.id for c in assessed if scorecard.has_evidence(c.id))
    fields[CHECKS_MISSED] = " ".join(c.id for c in assessed if c.score == 0)
    return fields


def checks(value: str | None) -> tuple[str, ...]:
    """The check ids stored in a hit/missed field."""
    return tuple((value or "").split())
