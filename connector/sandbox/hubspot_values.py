"""Property values as HubSpot stores them: strings, datetimes as ISO-8601 UTC with milliseconds, checked per type.

Error codes PROPERTY_DOESNT_EXIST, READ_ONLY_VALUE, INVALID_OPTION and INVALID_OWNER_ID are HubSpot's; the
codes for malformed numbers, dates, over-long strings and missing required values are the sandbox's
best approximation (HubSpot answers 400 VALIDATION_ERROR in all these cases).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from connector import clock

# HubSpot caps note bodies (and text values) at 65,536 characters.
NOTE_BODY_MAX = 65_536
STRING_MAX = 65_536


def now_ms() -> int:
    """Current time in ms since the epoch, HubSpot's unit for timestamps (from the process clock seam)."""
    return int(clock.now().timestamp() * 1000)


def iso_ms(ms: int) -> str:
    """HubSpot's timestamp format: `2025-01-31T09:00:00.000Z`."""
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse_ms(value: Any) -> int | None:
    """Milliseconds since the epoch from an ms-epoch number/string, an ISO-8601 datetime or a date."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(dt.timestamp() * 1000)


def as_text(value: Any) -> str:
    """The string HubSpot stores for a JSON property value (booleans lowercase, null clears)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_number(value: str) -> float | None:
    """The number a property value denotes, or None if it is not numeric."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


class PortalContext:
    """What value checks need to know about the portal: owner ids and pipelines (id → stage ids)."""

    def __init__(self, owner_ids: set[str], pipelines: dict[str, set[str]]) -> None:
        self.owner_ids = owner_ids
        self.pipelines = pipelines


class ValueProblem(Exception):
    """A value HubSpot would reject; `code` is the `error` field of the 400 body."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def normalize_value(definition: dict[str, Any], value: str, portal: PortalContext, pipeline: str | None) -> str:
    """The value as stored, or `ValueProblem`; an empty string clears a property of any type."""
    name, type_ = definition["name"], definition["type"]
    if value == "":
        return ""
    if name == "hubspot_owner_id":
        if value not in portal.owner_ids:
            raise ValueProblem("INVALID_OWNER_ID", f"{value} is not a valid owner id")
        return value
    if name == "pipeline":
        if value not in portal.pipelines:
            raise ValueProblem(
                "INVALID_OPTION", f"{value} was not one of the allowed options: {sorted(portal.pipelines)}"
            )
        return value
    if name == "dealstage":
        stages = portal.pipelines.get(pipeline or "default", set())
        if value not in stages:
            raise ValueProblem(
                "INVALID_OPTION",
                f"{value} was not one of the allowed options: {sorted(stages)} (pipeline {pipeline or 'default'})",
            )
        return value
    if type_ == "number":
        if as_number(value) is None:
            raise ValueProblem("INVALID_NUMBER", f"{value} is not a valid number")
        return value.strip()
    if type_ in ("datetime", "date"):
        ms = parse_ms(value)
        if ms is None:
            raise ValueProblem("INVALID_DATE", f"{value} is not a valid date/time (use ms since epoch or ISO 8601)")
        return iso_ms(ms) if type_ == "datetime" else iso_ms(ms)[:10]
    if type_ == "bool":
        if value.lower() not in ("true", "false"):
            raise ValueProblem("INVALID_OPTION", f"{value} was not one of the allowed options: [true, false]")
        return value.lower()
    if type_ == "enumeration":
        allowed = [o["value"] for o in definition.get("options", [])]
        parts = value.split(";") if definition.get("fieldType") == "checkbox" else [value]
        bad = [p for p in parts if p not in allowed]
        if bad:
            raise ValueProblem("INVALID_OPTION", f"{bad[0]} was not one of the allowed options: [{', '.join(allowed)}]")
        return value
    limit = NOTE_BODY_MAX if name == "hs_note_body" else STRING_MAX
    if len(value) > limit:
        raise ValueProblem("INVALID_STRING_LENGTH", f"{name} is {len(value)} characters long; the limit is {limit}")
    return value
