"""The coaching properties DealCoach keeps on HubSpot deals, in the Properties API's create shape (SDK field names):
created by the install (`connector/hubspot/setup.py`) and defined in the sandbox portal from the same list."""

from __future__ import annotations

from typing import Any

from connector.coaching_fields import (
    BANT_KEYS,
    CHECKS_HIT,
    CHECKS_MISSED,
    PHASE_IDS,
    SLA_STATUS,
    SLA_STATUS_VALUES,
    bant_field,
    phase_field,
)


def coaching_property_specs() -> list[dict[str, Any]]:
    """Number per phase (0-100), a checkbox per BANT item, and the assessed checks as text."""
    specs: list[dict[str, Any]] = [
        {
            "name": phase_field(p),
            "label": f"DealCoach {p.replace('_', ' ')}",
            "type": "number",
            "field_type": "number",
            "description": "Phase score of the latest call, 0-100; empty when not assessed",
        }
        for p in PHASE_IDS
    ]
    specs += [
        {
            "name": bant_field(b),
            "label": f"DealCoach BANT {b}",
            "type": "bool",
            "field_type": "booleancheckbox",
            "options": [("Yes", "true"), ("No", "false")],
            "description": "Heard in the latest call",
        }
        for b in BANT_KEYS
    ]
    specs += [
        {
            "name": CHECKS_HIT,
            "label": "DealCoach checks hit",
            "type": "string",
            "field_type": "textarea",
            "description": "Rubric check ids the latest call showed, with evidence",
        },
        {
            "name": CHECKS_MISSED,
            "label": "DealCoach checks missed",
            "type": "string",
            "field_type": "textarea",
            "description": "Rubric check ids the latest call scored 0",
        },
        {
            "name": SLA_STATUS,
            "label": "DealCoach SLA status",
            "type": "enumeration",
            "field_type": "select",
            "options": [(f"{ja} / {en}", value) for value, ja, en in SLA_STATUS_VALUES],
            "description": "Follow-up SLA: on track, due soon (within 24 h), overdue, or none open",
        },
    ]
    return specs
