"""HubSpot's time formats: datetimes as ISO-8601 UTC with milliseconds on the way in, ms epoch or ISO on the way out."""

from __future__ import annotations

from datetime import UTC, datetime

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
