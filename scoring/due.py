"""When a promise is due: the day it names (今日, 明日, 3月5日, today), never later than that day."""

from __future__ import annotations

from datetime import date, timedelta

from scoring.markers import absolute_due

# Relative day words, longest first so 明後日 is not read as 明日.
_RELATIVE_DAYS = (
    ("明後日", 2),
    ("明日", 1),
    ("明朝", 1),
    ("今日", 0),
    ("本日", 0),
    ("tomorrow", 1),
    ("today", 0),
    ("tonight", 0),
)
# Business hours to keep a promise by the words that name its time (seed 001: small promises at once).
DUE_HOURS = (
    ("今日中", 8),
    ("本日中", 8),
    ("今日", 8),
    ("本日", 8),
    ("明後日", 48),
    ("明日", 24),
    ("明朝", 24),
    ("今週", 72),
    ("週明け", 96),
    ("来週", 168),
    ("today", 8),
    ("tonight", 8),
    ("tomorrow", 24),
    ("this week", 72),
    ("next week", 168),
)
WEEK_HOURS = 168
MAIL_HOURS = 3


def named_day(hint: str, call_date: date | None) -> date | None:
    """The day a relative due word names (今日 → the call's day), when the call's date is known."""
    lowered = hint.lower()
    for word, days in _RELATIVE_DAYS:
        if word in lowered and call_date is not None:
            return call_date + timedelta(days=days)
    return None


def due_date(text: str, hint: str, call_date: date | None) -> str | None:
    """The promise's due day as an ISO date: a date said outright, else the day a relative word names."""
    day = named_day(hint, call_date)
    return absolute_due(text, call_date) or (day.isoformat() if day else None)


def due_in_hours(hint: str, due: str | None, call_date: date | None = None) -> int:
    """Hours to keep a promise: its due word, else until the day it names (at most a week), else with the mail (3 h)."""
    lowered = hint.lower()
    for word, hours in DUE_HOURS:
        if word in lowered:
            return hours
    if due:
        if call_date is None:
            return WEEK_HOURS
        try:
            days = (date.fromisoformat(due[:10]) - call_date).days
        except ValueError:
            return WEEK_HOURS
        return max(8, min(WEEK_HOURS, days * 24))
    return MAIL_HOURS
