"""Invariants of the write path, each checked end to end against a sandbox CRM through the real client.

Each test names the invariant it holds; each was seen to fail once with its invariant broken (see the issue notes).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis

import sync.writeback
from connector.base import Crm, PartialWriteError, RetryableCrmError
from connector.models import TaskSpec
from connector.tenants import Tenant, TenantRegistry, crm_for
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.job_context import sla_context
from sync.sla.apply import run_sla
from sync.writeback import LockLostError, Writeback, deal_lock
from tests.conftest import FIXTURES, TEST_NOW, TEST_SECRET_KEY
from webhooks.app import create_app

REP = "75000001"
GOOD = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
WEAK = FIXTURES / "transcripts" / "weak_call.ja.txt"


@pytest.fixture
def hub(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def _crm(stack: EmbeddedStack, conn: redis.Redis) -> tuple[Tenant, Crm]:
    tenant = TenantRegistry(conn, TEST_SECRET_KEY).get(stack.tenant)
    assert tenant is not None
    return tenant, crm_for(tenant)


def _spec(stack: EmbeddedStack, deal: str, name: str, **extra: str) -> TaskSpec:
    return TaskSpec(key=f"{stack.tenant}/deal-{deal}/test-{name}", deal_id=deal, subject=f"テスト {name}",
                    body="本文", due=TEST_NOW + timedelta(days=1), **extra)  # type: ignore[arg-type]


def test_deal_moved_on_before_the_worker_gets_one_stage_task_and_no_phantom(hub: EmbeddedStack) -> None:
    """A stage entry is the stage the event names: a deal created and moved on before the worker ran gets
    one coaching task, for the stage it is in, and no task is created only to be auto-completed."""
    deal = hub.create_deal(name="先行移動テスト", stage="appointmentscheduled", owner_id=REP)
    hub.move_stage(deal, "qualifiedtobuy")
    hub.drain()
    tasks = hub.tasks_on(deal)
    stage_tasks = [t for t in tasks if "/stage-" in t["hs_task_body"]]
    assert len(stage_tasks) == 1, [t["hs_task_subject"] for t in tasks]
    assert "/stage-qualifiedtobuy/" in stage_tasks[0]["hs_task_body"]
    assert all(t["hs_task_status"] == "NOT_STARTED" for t in tasks), [t["hs_task_subject"] for t in tasks]
    hub.control("POST", "webhooks/redeliver")
    hub.drain()
    assert len(hub.tasks_on(deal)) == len(tasks)


def test_late_scored_older_call_never_overwrites_newer_fields(hub: EmbeddedStack) -> None:
    """Scorecard ordering: the deal fields belong to the most recent call, whatever order calls are scored in."""
    deal = hub.create_deal(name="順序テスト", stage="appointmentscheduled", owner_id=REP)
    newer_at = TEST_NOW - timedelta(hours=1)
    hub.log_call(deal_id=deal, transcript=GOOD, title="2回目", at=newer_at, owner_id=REP)
    hub.drain()
    after_newer = hub.deal_properties(deal)
    hub.log_call(deal_id=deal, transcript=WEAK, title="1回目", at=newer_at - timedelta(days=3), owner_id=REP)
    hub.drain()
    after_older = hub.deal_properties(deal)
    assert len(hub.notes_on(deal)) == 2, "the older call is still coached"
    for name in ("dealcoach_score", "dealcoach_bant", "dealcoach_last_scored_at"):
        assert after_older[name] == after_newer[name], name


def test_writer_whose_lock_expired_cannot_write(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    """Fencing: once a job's deal lock has expired and another job holds it, the first job's writes are refused."""
    deal = hub.create_deal(name="ロックテスト", stage="appointmentscheduled", owner_id=REP)
    tenant, crm = _crm(hub, redis_conn)
    with deal_lock(redis_conn, tenant.id, deal) as fence:
        redis_conn.delete(f"dealcoach:lock:{tenant.id}:{deal}")  # the TTL ran out while the job was slow
        with deal_lock(redis_conn, tenant.id, deal) as other:
            Writeback(redis_conn, crm, tenant.id, deal, fence=other).upsert_tasks([_spec(hub, deal, "b")])
            with pytest.raises(LockLostError):
                Writeback(redis_conn, crm, tenant.id, deal, fence=fence).upsert_tasks([_spec(hub, deal, "a")])
    subjects = [t["hs_task_subject"] for t in hub.tasks_on(deal)]
    assert "テスト b" in subjects and "テスト a" not in subjects


def test_two_workers_on_one_deal_write_once(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    """The per-deal lock: two jobs upserting the same task at the same moment create it once."""
    deal = hub.create_deal(name="同時実行テスト", stage="appointmentscheduled", owner_id=REP)
    tenant, crm = _crm(hub, redis_conn)
    # A slow CRM widens the window in which two unserialized writers would both miss the task and create it.
    hub.control("POST", "faults", json={"delay_s": 0.4, "path_prefix": "/crm/v3/objects/tasks/batch/create"})
    barrier, errors = threading.Barrier(2), []

    def job() -> None:
        try:
            barrier.wait()
            with deal_lock(redis_conn, tenant.id, deal) as fence:
                Writeback(redis_conn, crm, tenant.id, deal, fence=fence).upsert_tasks([_spec(hub, deal, "same")])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=job) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert [t["hs_task_subject"] for t in hub.tasks_on(deal)].count("テスト same") == 1


def test_sla_plan_is_computed_inside_the_deal_lock(hub: EmbeddedStack, redis_conn: redis.Redis,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """While another job holds the deal, the SLA step reads nothing: its plan would be made from a task list
    that is being changed."""
    deal = hub.create_deal(name="計画テスト", stage="appointmentscheduled", owner_id=REP)
    hub.drain()
    tenant, crm = _crm(hub, redis_conn)
    ctx = sla_context(redis_conn, tenant, crm)
    deal_obj = crm.get_deal(deal)
    monkeypatch.setattr(sync.writeback, "LOCK_WAIT_S", 0.2)
    with deal_lock(redis_conn, tenant.id, deal):
        before = hub.control("GET", "calls")
        with pytest.raises(RetryableCrmError):
            run_sla(ctx, deal_obj, now=TEST_NOW)
        assert hub.control("GET", "calls") == before


def test_partial_batch_write_is_not_written_again_on_retry(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    """Partial batch writes: the records a refused batch did write are remembered, so the retry skips them."""
    deal = hub.create_deal(name="部分書き込みテスト", stage="appointmentscheduled", owner_id=REP)
    tenant, crm = _crm(hub, redis_conn)
    specs = [_spec(hub, deal, "first"), _spec(hub, deal, "second")]
    hub.control("POST", "faults", json={"batch_record_failures": 1, "category": "RATE_LIMITS"})
    with deal_lock(redis_conn, tenant.id, deal) as fence:
        with pytest.raises(PartialWriteError) as refused:
            Writeback(redis_conn, crm, tenant.id, deal, fence=fence).upsert_tasks(specs)
    assert len(refused.value.created) == 1 and len(refused.value.failed) == 1
    with deal_lock(redis_conn, tenant.id, deal) as fence:
        results = Writeback(redis_conn, crm, tenant.id, deal, fence=fence).upsert_tasks(specs)
    assert sorted(r.action for r in results) == ["created", "unchanged"]
    created = hub.control("GET", "writes", params={"objectType": "tasks", "action": "create"})["total"]
    assert created == 2, "each task was created exactly once"


def test_one_open_task_per_deal_obligation_whatever_the_number_of_calls(hub: EmbeddedStack) -> None:
    """Obligations of the deal (confirm the budget, book the next meeting…) are keyed by the deal: a second call
    that still lacks them updates the open task, a newer call that settles them closes it, and an older call scored
    late changes nothing."""
    deal = hub.create_deal(name="義務テスト", stage="appointmentscheduled", owner_id=REP)
    first_at = TEST_NOW - timedelta(days=3)

    def obligations() -> list[dict[str, str]]:
        return [t for t in hub.tasks_on(deal) if "/obligation-" in t["hs_task_body"]]

    hub.log_call(deal_id=deal, transcript=WEAK, title="1回目", at=first_at, owner_id=REP)
    hub.drain()
    first = obligations()
    assert any("予算を確認する" in t["hs_task_subject"] for t in first)
    hub.log_call(deal_id=deal, transcript=WEAK, title="2回目", at=first_at + timedelta(days=1), owner_id=REP)
    hub.drain()
    subjects = [t["hs_task_subject"] for t in obligations() if t["hs_task_status"] != "COMPLETED"]
    assert len(subjects) == len(set(subjects)) == len(first), "one open task per obligation"
    hub.log_call(deal_id=deal, transcript=GOOD, title="3回目", at=first_at + timedelta(days=2), owner_id=REP)
    hub.drain()
    assert all(t["hs_task_status"] == "COMPLETED" for t in obligations()), "the newest call settled them"
    hub.log_call(deal_id=deal, transcript=WEAK, title="古い通話", at=first_at - timedelta(days=1), owner_id=REP)
    hub.drain()
    assert all(t["hs_task_status"] == "COMPLETED" for t in obligations()), "a late older call reopens nothing"
    assert len(obligations()) == len(first)


def test_a_stage_entry_keeps_its_task_when_the_first_job_fails_and_a_second_event_reports_it(
        hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    """Recording an entry and writing its task succeed or fail together: the creation event's job records the entry
    and then fails in the SLA step; a second event for the same entry arrives; one task, whatever runs when."""
    from rq import Queue

    from connector.models import Event
    from sync.queue import EVENTS, enqueue_events

    hub.control("POST", "webhooks", json={"target_url": None})  # this test delivers the events itself
    deal = hub.create_deal(name="再試行テスト", stage="qualifiedtobuy", owner_id=REP)
    created = Event(kind="deal.created", tenant=hub.tenant, event_id="created-1", object_id=deal,
                    occurred_at=TEST_NOW - timedelta(minutes=5))
    # The job reads the deal, records the entry, then fails writing (HubSpot answers 500 to every task write).
    hub.control("POST", "faults", json={"status": 500, "rate": 1.0, "path_prefix": "/crm/v3/objects/tasks/batch/create"})
    enqueue_events(redis_conn, [created])
    hub.run_worker()
    events = Queue(EVENTS, connection=redis_conn)
    (retrying,) = events.scheduled_job_registry.get_job_ids()
    hub.control("DELETE", "faults")
    changed = Event(kind="deal.stage_changed", tenant=hub.tenant, event_id="changed-1", object_id=deal,
                    occurred_at=TEST_NOW - timedelta(minutes=5), data={"property_value": "qualifiedtobuy"})
    enqueue_events(redis_conn, [changed])
    hub.run_worker()
    events.scheduled_job_registry.remove(retrying)
    events.enqueue_job(events.fetch_job(retrying))
    hub.run_worker()
    stage_tasks = [t for t in hub.tasks_on(deal) if "/stage-" in t["hs_task_body"]]
    assert len(stage_tasks) == 1, [t["hs_task_subject"] for t in stage_tasks]
