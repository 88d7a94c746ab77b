"""HubSpot's time formats: datetimes as ISO-8601 UTC with milliseconds on the way in, ms epoch or ISO on the way out;
when a property's current value was set, from its `propertiesWithHistory` versions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_ms(dt: datetime) -> str:
    """`2026-11-24T01:00:00.000Z`, the form HubSpot stores datetime properties in."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_time(value: str | None) -> datetime | None:
    """A datetime property value (ms since the epoch or ISO-8601) as an aware datetime; None when unset."""
    if not value:
        return None
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def run_started_at(versions: Sequence[Any] | None, current: str) -> datetime | None:
    """When the property took `current` for the last time: the oldest of the newest versions that all hold it (a
    move away and back starts a new run). `versions` are `ValueWithTimestamp`s from `propertiesWithHistory`, which
    HubSpot lists newest first; they are sorted here anyway. None without a value or a version holding it."""
    if not current:
        return None
    started = None
    for v in sorted(versions or [], key=lambda v: _as_time(v.timestamp) or EPOCH, reverse=True):
        if v.value != current:
            break
        started = _as_time(v.timestamp)
    return started


def _as_time(value: datetime | str | None) -> datetime | None:
    """The SDK gives `timestamp` as a datetime; an ISO string (or a naive datetime) is read as UTC too."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return parse_time(value)
