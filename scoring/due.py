"""When a promise is due: the day it names (今日, 明日, 3月5日, today) and the time (17時, 正午, 5pm), never later."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

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
# Week words name no day: a call-back "next week" is still vague (NG rule and promises alike).
WEEK_WORDS = frozenset({"今週中", "来週中", "来週", "this week", "next week"})
# A time a promise names: a deadline (17時まで, by 5pm) or a time joined to its day word (今日の17時, 明日の正午).
_DAY_WORDS = r"(?:今日|本日|明日|明朝|明後日|\d{1,2}月\d{1,2}日|\d{1,2}日)"
_JA_CLOCK = r"(?P<ampm>午前|午後|朝|夕方の?)?\s*(?<![\d０-９])(?P<h>\d{1,2}|[０-９]{1,2})\s*(?:時|:|：)\s*(?:(?P<half>半)|(?P<m>\d{1,2})分?)?"
_JA_TIME_RES = (
    re.compile(rf"{_DAY_WORDS}(?:の|、)?\s*{_JA_CLOCK}"),
    re.compile(rf"{_JA_CLOCK}\s*(?:まで|迄)"),
    re.compile(r"(?P<noon>正午|午前中|お昼まで|昼まで)"),
)
_EN_TIME_RE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?:(?P<noon>noon|midday)|(?P<h>\d{1,2})"
    r"(?:(?::(?P<m>\d{2}))\s*(?P<ampm>[ap]\.?m\.?)?|\s*(?P<ampm2>[ap]\.?m\.?)))(?![\w/-])",
    re.I,
)
# 5時まで in business talk is 17:00: an hour under 8 without 午前 / a.m. is read as afternoon.
_PM_BELOW = 8


def named_day(hint: str, call_date: date | None) -> date | None:
    """The day a relative due word names (今日 → the call's day), when the call's date is known."""
    lowered = hint.lower()
    for word, days in _RELATIVE_DAYS:
        if word in lowered and call_date is not None:
            return call_date + timedelta(days=days)
    return None


def due_date(text: str, hint: str, call_date: date | None) -> str | None:
    """The promise's due day as an ISO date: a date said outright, else the day a relative word names, else the call's
    day when only a time is named (17時までにお送りします)."""
    day = named_day(hint, call_date)
    if day is None and not hint and call_date is not None and named_time(text) is not None:
        day = call_date
    return absolute_due(text, call_date) or (day.isoformat() if day else None)


def due_in_hours(hint: str, due: str | None, call_date: date | None = None) -> int:
    """Hours to keep a promise: its due word, else until the day it names (at most a week), else with the mail (3 h).
    A word and a day both said (来週の月曜、8日までに) give the sooner: the day named bounds the word's week."""
    lowered = hint.lower()
    by_word = next((hours for word, hours in DUE_HOURS if word in lowered), None)
    by_day = _hours_to(due, call_date) if due else None
    if by_word is not None:
        return by_word if by_day is None else min(by_word, by_day)
    if due:
        return WEEK_HOURS if by_day is None else by_day
    return MAIL_HOURS


def _hours_to(due: str, call_date: date | None) -> int | None:
    """Hours from the call's day to the day a promise names (8 at least, a week at most); None without the call's day
    or with a malformed day."""
    if call_date is None:
        return None
    try:
        days = (date.fromisoformat(due[:10]) - call_date).days
    except ValueError:
        return None
    return max(8, min(WEEK_HOURS, days * 24))


def named_time(text: str) -> time | None:
    """The time of day a promise names (今日の17時, 17時までに, 明日の正午, 午前中, by 5pm), as local wall-clock time."""
    for rx in (*_JA_TIME_RES, _EN_TIME_RE):
        for m in rx.finditer(text):
            found = _clock(m)
            if found is not None:
                return found
    return None


def _clock(m: re.Match[str]) -> time | None:
    groups = {k: v for k, v in m.groupdict().items() if v}
    if "noon" in groups:
        return time(12, 0)
    if "h" not in groups:
        return None
    hour = int(groups["h"].translate(str.maketrans("０１２３４５６７８９", "0123456789")))
    minute = 30 if "half" in groups else int(groups.get("m", 0))
    ampm = (groups.get("ampm") or groups.get("ampm2") or "").lower().replace(".", "")
    if (
        ampm in ("午後", "夕方", "夕方の", "pm") or (hour < _PM_BELOW and ampm not in ("午前", "朝", "am"))
    ) and hour < 12:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
