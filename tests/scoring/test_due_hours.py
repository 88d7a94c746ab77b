"""Hours to keep a promise (`scoring/due.py`, `due_in_hours`): a due word and a day both said give the sooner, so a
task is never due after the day the rep named (blind86's `bm15`: 「来週の月曜、8日までにお送りします」 was given the
word's week, 168 h, two days past the 8th). Dates written for these tests; the call's day is an input."""

from __future__ import annotations

from datetime import date

from scoring.due import MAIL_HOURS, WEEK_HOURS, due_in_hours

CALL = date(2031, 5, 1)


def test_a_week_word_with_a_day_named_is_due_by_that_day() -> None:
    assert due_in_hours("来週", "2031-05-06", CALL) == 5 * 24
    assert due_in_hours("next week", "2031-05-06", CALL) == 5 * 24


def test_a_week_word_alone_keeps_its_week_and_a_day_alone_its_days() -> None:
    assert due_in_hours("来週", None, CALL) == WEEK_HOURS
    assert due_in_hours("", "2031-05-03", CALL) == 2 * 24
    assert due_in_hours("", "2031-06-30", CALL) == WEEK_HOURS


def test_a_same_day_word_stays_the_sooner_and_nothing_named_goes_with_the_mail() -> None:
    assert due_in_hours("本日中", "2031-05-01", CALL) == 8
    assert due_in_hours("来週", "2031-05-20", CALL) == WEEK_HOURS
    assert due_in_hours("", None, CALL) == MAIL_HOURS


def test_without_the_calls_day_a_word_still_counts() -> None:
    assert due_in_hours("来週", "2031-05-06", None) == WEEK_HOURS
    assert due_in_hours("", "2031-05-06", None) == WEEK_HOURS
