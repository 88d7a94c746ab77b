"""Business days and hours of one tenant (default: Tokyo, 9:00–18:00, weekends and Japanese public holidays off).

SLA due times are counted in business time so that "3 business hours after Friday 17:00" is Monday 11:00
(Tuesday when Monday is a holiday). Pure: no clock reads; every datetime in and out is timezone-aware,
and results are expressed in the calendar's timezone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

YEAR_END_RANGE = ((12, 29), (1, 3))
_MAX_SCAN_DAYS = 3660


class CalendarError(ValueError):
    """A calendar setting that cannot be used (unknown timezone or country, bad hours, naive datetime)."""


def _as_date(value: date | str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


def _as_time(value: time | str, name: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{name}: {value!r} is not a time (HH:MM)") from None


class BusinessCalendar:
    """When a tenant's team works: weekdays between `start` and `end`, minus public and company holidays."""

    def __init__(
        self,
        timezone: str = "Asia/Tokyo",
        start: time = time(9),
        end: time = time(18),
        weekend: Iterable[int] = (5, 6),
        country: str | None = "JP",
        extra_holidays: Iterable[date | str] = (),
        extra_workdays: Iterable[date | str] = (),
        year_end_holidays: bool = False,
    ) -> None:
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise CalendarError(f"timezone: unknown timezone {timezone!r}") from None
        self.timezone = timezone
        self.start = _as_time(start, "start")
        self.end = _as_time(end, "end")
        if self.start >= self.end:
            raise CalendarError(f"business hours: start {self.start} must be before end {self.end}")
        self.weekend = frozenset(int(d) for d in weekend)
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            raise CalendarError(
                f"weekend: {sorted(self.weekend)} must be weekday numbers 0-6 (Monday=0), not all seven"
            )
        self.country = country or None
        try:
            self._public = holidays.country_holidays(self.country) if self.country else None
        except NotImplementedError:
            raise CalendarError(f"country: no public holiday data for {country!r}") from None
        self._off: dict[date, str | None] = {}  # day → holiday_name(day)
        self.extra_holidays = frozenset(_as_date(d) for d in extra_holidays)
        self.extra_workdays = frozenset(_as_date(d) for d in extra_workdays)
        self.year_end_holidays = bool(year_end_holidays)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any] | None) -> BusinessCalendar:
        """The calendar a tenant's settings describe: `timezone` (the tenant's one time zone) and `calendar` for the
        rest (business hours, weekend, country, company holidays and workdays, year-end holidays)."""
        s = dict(settings or {})
        cal = dict(s.get("calendar") or {})
        hours = cal.get("business_hours") or {}
        return cls(
            timezone=s.get("timezone") or "Asia/Tokyo",
            start=hours.get("start", time(9)),
            end=hours.get("end", time(18)),
            weekend=cal.get("weekend", (5, 6)),
            country=cal.get("country", "JP"),
            extra_holidays=cal.get("extra_holidays", ()),
            extra_workdays=cal.get("extra_workdays", ()),
            year_end_holidays=bool(cal.get("year_end_holidays", False)),
        )

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(timezone={self.timezone!r}, start={self.start}, end={self.end}, "
            f"country={self.country!r}, year_end_holidays={self.year_end_holidays})"
        )

    def holiday_name(self, day: date) -> str | None:
        """Why `day` is off (public holiday name, company holiday, weekend), or None on a business day; remembered
        per day (a sweep asks about the same few weeks for every deal: ~20 lookups a deal)."""
        if day not in self._off:
            self._off[day] = self._holiday_name(day)
        return self._off[day]

    def _holiday_name(self, day: date) -> str | None:
        if day in self.extra_workdays:
            return None
        if day in self.extra_holidays:
            return "company holiday"
        if self.year_end_holidays and self._in_year_end(day):
            return "year-end holidays"
        if self._public is not None and day in self._public:
            return str(self._public.get(day))
        if day.weekday() in self.weekend:
            return "weekend"
        return None

    def is_business_day(self, day: date) -> bool:
        """True when the team works on `day` (extra workdays win over weekends and holidays)."""
        return self.holiday_name(day) is None

    def localize(self, dt: datetime) -> datetime:
        """`dt` in the calendar's timezone; naive datetimes are refused because their instant is unknown."""
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise CalendarError(f"naive datetime {dt.isoformat()}: business time needs a timezone")
        return dt.astimezone(self.tz)

    def opening(self, day: date) -> datetime:
        """When business starts on `day`, in the calendar's timezone."""
        return datetime.combine(day, self.start, tzinfo=self.tz)

    def closing(self, day: date) -> datetime:
        """When business ends on `day`, in the calendar's timezone."""
        return datetime.combine(day, self.end, tzinfo=self.tz)

    def is_business_time(self, dt: datetime) -> bool:
        """True when `dt` falls inside business hours of a business day (the end instant itself is outside)."""
        local = self.localize(dt)
        return self.is_business_day(local.date()) and self.start <= local.timetz().replace(tzinfo=None) < self.end

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        return self._first_business_day(day + timedelta(days=1))

    def _first_business_day(self, day: date) -> date:
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_business_day(day):
                return day
            day += timedelta(days=1)
        raise CalendarError(f"no business day within {_MAX_SCAN_DAYS} days of {day}")

    def next_business_start(self, dt: datetime) -> datetime:
        """The earliest business moment at or after `dt`: `dt` itself during business hours, else the next opening."""
        local = self.localize(dt)
        day = local.date()
        if self.is_business_day(day):
            if local < self.opening(day):
                return self.opening(day)
            if local < self.closing(day):
                return local
        return self.opening(self.next_business_day(day))

    def add_business_hours(self, dt: datetime, hours: float) -> datetime:
        """`dt` plus `hours` of business time, counted from the next business start; may end exactly at closing."""
        if hours < 0:
            raise CalendarError(f"hours must not be negative, got {hours}")
        remaining = timedelta(hours=hours)
        current = self.next_business_start(dt)
        while True:
            closing = self.closing(current.date())
            available = _elapsed(current, closing)
            if remaining <= available:
                return (current.astimezone(UTC) + remaining).astimezone(self.tz)
            remaining -= available
            current = self.opening(self.next_business_day(current.date()))

    def add_business_days(self, dt: datetime, days: int) -> datetime:
        """`days` business days after the next business start of `dt`, at the same time of day."""
        if days < 0:
            raise CalendarError(f"days must not be negative, got {days}")
        current = self.next_business_start(dt)
        day = current.date()
        for _ in range(days):
            day = self.next_business_day(day)
        return datetime.combine(day, current.timetz().replace(tzinfo=None), tzinfo=self.tz)

    def business_hours_between(self, a: datetime, b: datetime) -> float:
        """Business hours elapsed from `a` to `b` (negative when `b` is earlier), e.g. to measure reply speed."""
        a_local, b_local = self.localize(a), self.localize(b)
        if b_local < a_local:
            return -self.business_hours_between(b_local, a_local)
        total = timedelta()
        day = a_local.date()
        while day <= b_local.date():
            if self.is_business_day(day):
                lo = max(a_local, self.opening(day))
                hi = min(b_local, self.closing(day))
                if hi > lo:
                    total += _elapsed(lo, hi)
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def close_of_business(self, day: date) -> datetime:
        """Closing time of `day`, or of the next business day when `day` is off: a day-granular due time."""
        return self.closing(self._first_business_day(day))

    def _in_year_end(self, day: date) -> bool:
        (m1, d1), (m2, d2) = YEAR_END_RANGE
        return (day.month, day.day) >= (m1, d1) or (day.month, day.day) <= (m2, d2)


def _elapsed(a: datetime, b: datetime) -> timedelta:
    """Real elapsed time between two aware datetimes (through UTC, so DST transitions are counted correctly)."""
    return b.astimezone(UTC) - a.astimezone(UTC)
