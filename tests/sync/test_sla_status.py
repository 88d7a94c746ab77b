"""The SLA status deal field: its value from DealCoach's open SLA tasks, and written only when it changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis

from connector.coaching_fields import SLA_STATUS, SLA_STATUS_VALUES, salesforce_name
from connector.models import MarkedRecord
from sync.sla.status import pending_status, remember_written, sla_status, status_update

NOW = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)


def _task(rule: str, due: timedelta, status: str = "NOT_STARTED") -> MarkedRecord:
    key = f"t1/deal-1/sla-{rule}/x" if rule else "t1/deal-1/call-9/next-book_meeting"
    return MarkedRecord(key=key, id=rule or "c", status=status, due=NOW + due)


def test_status_follows_the_open_sla_tasks() -> None:
    assert sla_status([], NOW) == "none"
    # DealCoach's coaching tasks and completed SLA tasks do not make a status.
    assert sla_status([_task("", -timedelta(days=3)), _task("thank_you", -timedelta(hours=1), "COMPLETED")], NOW) == "none"
    assert sla_status([_task("thank_you", timedelta(days=3))], NOW) == "on_track"
    assert sla_status([_task("thank_you", timedelta(days=3)), _task("minutes", timedelta(hours=5))], NOW) == "due_soon"
    assert sla_status([_task("thank_you", timedelta(hours=5)), _task("minutes", -timedelta(minutes=1))], NOW) == "overdue"
    assert {v for v, _, _ in SLA_STATUS_VALUES} == {"on_track", "due_soon", "overdue", "none"}


def test_status_is_written_on_change_only(redis_conn: redis.Redis) -> None:
    assert status_update(redis_conn, "t1", "d1", "on_track") == {SLA_STATUS: "on_track"}
    remember_written(redis_conn, "t1", "d1", {SLA_STATUS: "on_track", "dealcoach_score": 70})
    assert status_update(redis_conn, "t1", "d1", "on_track") == {}
    assert status_update(redis_conn, "t1", "d1", "overdue") == {SLA_STATUS: "overdue"}
    # Another tenant's deal with the same id is its own.
    assert status_update(redis_conn, "t2", "d1", "on_track") == {SLA_STATUS: "on_track"}
    late = [("d1", [_task("thank_you", -timedelta(hours=1))]), ("d2", [])]
    remember_written(redis_conn, "t1", "d2", {SLA_STATUS: "none"})
    assert pending_status(redis_conn, "t1", late, NOW) == {"d1": {SLA_STATUS: "overdue"}}


def test_salesforce_name_of_the_field() -> None:
    assert salesforce_name(SLA_STATUS) == "DealCoach_SLA_Status__c"
