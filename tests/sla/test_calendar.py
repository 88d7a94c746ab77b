"""The business calendar: Japanese holidays (substitute holidays, Golden Week), 9:00/18:00 boundaries, after-hours events."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from sync.sla.business_calendar import BusinessCalendar, CalendarError

CAL = BusinessCalendar()
TOKYO = ZoneInfo("Asia/Tokyo")
NEW_YORK = ZoneInfo("America/New_York")


def jst(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TOKYO)


@pytest.mark.parametrize("day, business, why", [
    (date(2026, 11, 16), True, "a Monday"),
    (date(2026, 11, 21), False, "Saturday"),
    (date(2026, 11, 22), False, "Sunday"),
    (date(2026, 11, 23), False, "勤労感謝の日 on a Monday"),
    (date(2025, 11, 24), False, "substitute holiday for 勤労感謝の日 on a Sunday"),
    (date(2025, 2, 24), False, "substitute holiday for 天皇誕生日 on a Sunday"),
    (date(2026, 9, 22), False, "国民の休日 between two holidays"),
    (date(2026, 4, 29), False, "昭和の日"),
    (date(2026, 5, 6), False, "Golden Week substitute holiday"),
    (date(2026, 5, 7), True, "first working day after Golden Week"),
    (date(2027, 1, 1), False, "元日"),
    (date(2026, 12, 29), True, "year-end company holidays are off by default"),
])
def test_is_business_day(day, business, why):
    assert CAL.is_business_day(day) is business, why


@pytest.mark.parametrize("start, hours, expected, why", [
    (jst(2026, 11, 13, 17), 3, jst(2026, 11, 16, 11), "Friday 17:00 + 3h is Monday 11:00"),
    (jst(2026, 11, 20, 17), 3, jst(2026, 11, 24, 11), "... Tuesday 11:00 when Monday is a holiday"),
    (jst(2025, 11, 21, 17), 3, jst(2025, 11, 25, 11), "... and when Monday is a substitute holiday"),
    (jst(2026, 5, 1, 17), 3, jst(2026, 5, 7, 11), "Golden Week: Friday before, Thursday after"),
    (jst(2026, 11, 16, 9), 3, jst(2026, 11, 16, 12), "from opening exactly"),
    (jst(2026, 11, 16, 8, 59), 3, jst(2026, 11, 16, 12), "before opening counts from 9:00"),
    (jst(2026, 11, 16, 15), 3, jst(2026, 11, 16, 18), "may end exactly at closing"),
    (jst(2026, 11, 16, 18), 3, jst(2026, 11, 17, 12), "at 18:00 counts from the next opening"),
    (jst(2026, 11, 16, 17, 59), 3, jst(2026, 11, 17, 11, 59), "one minute before closing"),
    (jst(2026, 11, 16, 20, 30), 3, jst(2026, 11, 17, 12), "an event logged after hours"),
    (jst(2026, 11, 23, 10), 3, jst(2026, 11, 24, 12), "an event logged on a holiday"),
    (jst(2026, 11, 21, 10), 0, jst(2026, 11, 24, 9), "zero hours on a weekend is the next business start"),
    (jst(2026, 11, 16, 17), 1.5, jst(2026, 11, 17, 9, 30), "fractional hours"),
    (jst(2026, 11, 9, 9), 45, jst(2026, 11, 13, 18), "a full week of business hours ends Friday at closing"),
    (jst(2026, 7, 31, 17), 3, jst(2026, 8, 3, 11), "across a month end"),
    (jst(2026, 12, 31, 10), 3, jst(2026, 12, 31, 13), "31 December is a working day by default"),
    (jst(2027, 3, 31, 17), 2, jst(2027, 4, 1, 10), "across the fiscal year end"),
])
def test_add_business_hours(start, hours, expected, why):
    result = CAL.add_business_hours(start, hours)
    assert result == expected, why
    assert result.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("start, days, expected, why", [
    (jst(2026, 11, 13, 10), 1, jst(2026, 11, 16, 10), "Friday + 1 is Monday, same time"),
    (jst(2026, 11, 20, 10), 1, jst(2026, 11, 24, 10), "skips the Monday holiday"),
    (jst(2026, 11, 21, 10), 1, jst(2026, 11, 25, 9), "a Saturday event counts from Tuesday's opening"),
    (jst(2026, 11, 17, 20), 1, jst(2026, 11, 19, 9), "after hours counts from the next opening"),
    (jst(2026, 4, 28, 15), 3, jst(2026, 5, 7, 15), "Golden Week"),
    (jst(2026, 1, 30, 11), 1, jst(2026, 2, 2, 11), "month end on a Friday"),
    (jst(2026, 11, 23, 10), 0, jst(2026, 11, 24, 9), "zero days lands on the next business start"),
])
def test_add_business_days(start, days, expected, why):
    assert CAL.add_business_days(start, days) == expected, why


@pytest.mark.parametrize("moment, expected", [
    (jst(2026, 11, 16, 10, 15), jst(2026, 11, 16, 10, 15)),
    (jst(2026, 11, 16, 7), jst(2026, 11, 16, 9)),
    (jst(2026, 11, 16, 18), jst(2026, 11, 17, 9)),
    (jst(2026, 11, 20, 18, 30), jst(2026, 11, 24, 9)),
    (jst(2026, 5, 2, 12), jst(2026, 5, 7, 9)),
])
def test_next_business_start(moment, expected):
    assert CAL.next_business_start(moment) == expected


@pytest.mark.parametrize("a, b, hours", [
    (jst(2026, 11, 16, 10), jst(2026, 11, 16, 12), 2.0),
    (jst(2026, 11, 20, 17), jst(2026, 11, 24, 11), 3.0),
    (jst(2026, 11, 16, 7), jst(2026, 11, 16, 20), 9.0),
    (jst(2026, 11, 16, 12), jst(2026, 11, 16, 10), -2.0),
    (jst(2026, 11, 21, 10), jst(2026, 11, 22, 10), 0.0),
])
def test_business_hours_between(a, b, hours):
    assert CAL.business_hours_between(a, b) == pytest.approx(hours)


def test_inputs_in_any_timezone_give_results_in_the_calendar_timezone():
    friday_17_jst = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    assert CAL.add_business_hours(friday_17_jst, 3).isoformat() == "2026-11-24T11:00:00+09:00"
    ny = datetime(2026, 3, 8, 3, 30, tzinfo=NEW_YORK)
    assert ny.utcoffset().total_seconds() == -4 * 3600
    assert CAL.next_business_start(ny).isoformat() == "2026-03-09T09:00:00+09:00"
    assert CAL.localize(ny).isoformat() == "2026-03-08T16:30:00+09:00"


def test_tokyo_has_no_dst_so_a_summer_and_winter_hour_are_equal():
    summer = CAL.business_hours_between(jst(2026, 7, 1, 9), jst(2026, 7, 1, 18))
    winter = CAL.business_hours_between(jst(2026, 1, 7, 9), jst(2026, 1, 7, 18))
    assert summer == winter == 9.0


def test_a_dst_calendar_counts_real_elapsed_time():
    berlin = BusinessCalendar(timezone="Europe/Berlin", country=None)
    friday = datetime(2026, 3, 27, 17, tzinfo=ZoneInfo("Europe/Berlin"))
    due = berlin.add_business_hours(friday, 3)
    assert due.isoformat() == "2026-03-30T11:00:00+02:00"


def test_year_end_company_holidays_are_a_setting():
    cal = BusinessCalendar(year_end_holidays=True)
    assert not cal.is_business_day(date(2026, 12, 29)) and not cal.is_business_day(date(2027, 1, 3))
    assert cal.is_business_day(date(2027, 1, 4)) and cal.is_business_day(date(2026, 12, 28))
    assert cal.add_business_hours(jst(2026, 12, 28, 17), 3) == jst(2027, 1, 4, 11)
    assert cal.holiday_name(date(2026, 12, 30)) == "year-end holidays"


def test_extra_holidays_and_workdays():
    cal = BusinessCalendar(extra_holidays=["2026-11-17"], extra_workdays=[date(2026, 11, 21)])
    assert not cal.is_business_day(date(2026, 11, 17))
    assert cal.is_business_day(date(2026, 11, 21))
    assert cal.add_business_hours(jst(2026, 11, 20, 17), 3) == jst(2026, 11, 21, 11)


def test_from_settings():
    cal = BusinessCalendar.from_settings({"timezone": "Asia/Tokyo", "calendar": {
        "business_hours": {"start": "10:00", "end": "19:00"}, "year_end_holidays": True, "extra_holidays": ["2026-11-18"]}})
    assert (cal.start, cal.end, cal.year_end_holidays) == (time(10), time(19), True)
    assert cal.add_business_hours(jst(2026, 11, 17, 18), 3) == jst(2026, 11, 19, 12)
    assert BusinessCalendar.from_settings(None).timezone == "Asia/Tokyo"


@pytest.mark.parametrize("make, message", [
    (lambda: BusinessCalendar(timezone="Mars/Olympus"), "unknown timezone"),
    (lambda: BusinessCalendar(start=time(18), end=time(9)), "must be before end"),
    (lambda: BusinessCalendar(country="XX"), "no public holiday data"),
    (lambda: BusinessCalendar(weekend=range(7)), "not all seven"),
    (lambda: BusinessCalendar(extra_holidays=["next tuesday"]), "not an ISO date"),
    (lambda: CAL.add_business_hours(datetime(2026, 11, 16, 10), 3), "naive datetime"),
    (lambda: CAL.add_business_hours(jst(2026, 11, 16, 10), -1), "must not be negative"),
    (lambda: CAL.add_business_days(jst(2026, 11, 16, 10), -1), "must not be negative"),
])
def test_errors(make, message):
    with pytest.raises(CalendarError, match=message):
        make()
