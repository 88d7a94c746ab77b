"""Calendar months in the tenant's time zone, and the fiscal year's months up to a given one."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def parse_month(text: str) -> date:
    """'2026-11' -> date(2026, 11, 1); anything else is a ValueError naming the expected form."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"month must look like YYYY-MM, got {text!r}") from None


def next_month(month: date) -> date:
    """The first day of the following month."""
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def bounds(month: date, timezone: str) -> tuple[datetime, datetime]:
    """[start, end) of the month as aware datetimes in the tenant's zone (month-end is 00:00 of the next month)."""
    tz = ZoneInfo(timezone)
    start = datetime(month.year, month.month, 1, tzinfo=tz)
    following = next_month(month)
    return start, datetime(following.year, following.month, 1, tzinfo=tz)


def fiscal_months(month: date, fiscal_start: int) -> list[date]:
    """The fiscal year's months from its first month up to and including `month` (April start by default)."""
    year = month.year if month.month >= fiscal_start else month.year - 1
    current = date(year, fiscal_start, 1)
    months = []
    while current <= month:
        months.append(current)
        current = next_month(current)
    return months


def key(month: date) -> str:
    """'YYYY-MM', the form targets and report columns are keyed by."""
    return f"{month.year:04d}-{month.month:02d}"
