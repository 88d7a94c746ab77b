"""End to end: sandbox HubSpot → signed webhook → real Flask app → Redis/RQ → jobs → CRM, read back via the SDK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.registry import FailedJobRegistry

from connector import clock
from connector.models import Event
from connector.sandbox.hubspot import HubSpotSandboxConfig
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.queue import SCORING, enqueue_events
from tests.conftest import FIXTURES, TEST_NOW, TEST_SECRET_KEY
from webhooks.app import create_app

REP = "75000001"
TRANSCRIPT = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
CALL_AT = TEST_NOW - timedelta(hours=1)


@pytest.fixture
def stack(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def creates(stack: EmbeddedStack, object_type: str) -> int:
    """How many records of a type were created through the API (from the sandbox's write log)."""
    return stack.control("GET", "writes", params={"objectType": object_type, "action": "create"})["total"]


def log_scored_call(stack: EmbeddedStack, *, transcript: Path = TRANSCRIPT) -> tuple[str, str]:
    deal = stack.create_deal(name="株式会社テスト / 導入", stage="appointmentscheduled", owner_id=REP, amount="1200000")
    stack.drain()
    call = stack.log_call(deal_id=deal, transcript=transcript, title="初回ヒアリング", at=CALL_AT, owner_id=REP)
    stack.drain()
    return deal, call


def test_call_becomes_scorecard_note_tasks_and_deal_fields(stack: EmbeddedStack) -> None:
    deal, call = log_scored_call(stack)
    notes = stack.notes_on(deal)
    assert len(notes) == 1
    body = notes[0]["hs_note_body"]
    assert "スコア" in body and f"dealcoach:key=hubspot:62515/deal-{deal}/call-{call}/scorecard" in body
    linked = stack.hubspot.crm.associations.v4.basic_api.get_page("notes", notes[0]["id"], "deals")
    assert [str(r.to_object_id) for r in linked.results] == [deal], "on the deal (HubSpot has no note↔call type)"
    tasks = stack.tasks_on(deal)
    subjects = [t["hs_task_subject"] for t in tasks]
    assert any("お礼" in s or "議事録" in s for s in subjects), subjects
    assert all(t["hs_task_status"] == "NOT_STARTED" for t in tasks)
    assert all(t["hubspot_owner_id"] == REP for t in tasks)
    props = stack.deal_properties(deal)
    assert props["dealcoach_score"] not in (None, "")
    assert 0 <= float(props["dealcoach_score"]) <= 100
    assert props["dealcoach_bant"].startswith("B")
    assert props["dealcoach_last_scored_at"].startswith(CALL_AT.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"))


def test_three_deliveries_and_a_rerun_write_nothing_twice(stack: EmbeddedStack, redis_conn: redis.Redis) -> None:
    deal, _ = log_scored_call(stack)
    notes, tasks = len(stack.notes_on(deal)), len(stack.tasks_on(deal))
    created = (creates(stack, "notes"), creates(stack, "tasks"))
    for _ in range(2):
        stack.control("POST", "webhooks/redeliver")
        stack.drain()
    for job_id in Queue(SCORING, connection=redis_conn).finished_job_registry.get_job_ids():
        Queue(SCORING, connection=redis_conn).enqueue("sync.jobs.process_call", *_job_args(redis_conn, job_id))
    stack.run_worker()
    assert (len(stack.notes_on(deal)), len(stack.tasks_on(deal))) == (notes, tasks)
    assert (creates(stack, "notes"), creates(stack, "tasks")) == created


def _job_args(conn: redis.Redis, job_id: str) -> tuple[Any, ...]:
    from rq.job import Job

    return tuple(Job.fetch(job_id, connection=conn).args)


def test_redis_loss_is_rebuilt_from_crm_markers(stack: EmbeddedStack, redis_conn: redis.Redis) -> None:
    deal, call = log_scored_call(stack)
    before = (len(stack.notes_on(deal)), len(stack.tasks_on(deal)))
    for key in redis_conn.scan_iter("dealcoach:idem:*"):
        redis_conn.delete(key)
    for key in redis_conn.scan_iter("rq:*"):
        redis_conn.delete(key)
    stack.control("POST", "webhooks/redeliver")
    stack.drain()
    assert (len(stack.notes_on(deal)), len(stack.tasks_on(deal))) == before


def test_portal_without_dealcoach_properties_uses_body_markers(redis_conn: redis.Redis) -> None:
    bare = HubSpotSandboxConfig(custom_properties={})
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, config=bare) as stack:
        deal, _ = log_scored_call(stack)
        tasks = stack.tasks_on(deal)
        assert tasks and all("[dealcoach:key=" in t["hs_task_body"] for t in tasks)
        redis_conn.delete("dealcoach:idem:hubspot:62515")
        for key in redis_conn.scan_iter("rq:*"):
            redis_conn.delete(key)
        stack.control("POST", "webhooks/redeliver")
        stack.drain()
        assert len(stack.tasks_on(deal)) == len(tasks)
        assert stack.deal_properties(deal).get("dealcoach_score") in (None, "")


def test_stage_entry_tasks_one_per_entry_and_ticked_from_the_scorecard(stack: EmbeddedStack) -> None:
    deal, _ = log_scored_call(stack)

    def stage_tasks() -> list[str]:
        return [t["hs_task_body"] for t in stack.tasks_on(deal) if "/stage-" in t["hs_task_body"]]

    before = len(stage_tasks())
    stack.move_stage(deal, "qualifiedtobuy")
    stack.drain()
    stack.move_stage(deal, "appointmentscheduled")
    stack.drain()
    stack.move_stage(deal, "qualifiedtobuy")
    stack.drain()
    assert len(stage_tasks()) == before + 3
    assert any("☑" in b for b in stage_tasks()), "the scorecard's evidence should tick at least one key check"
    stack.control("POST", "webhooks/redeliver")
    stack.drain()
    assert len(stage_tasks()) == before + 3


def test_late_stage_event_is_recorded_without_a_task(stack: EmbeddedStack, redis_conn: redis.Redis) -> None:
    deal = stack.create_deal(name="順序テスト", stage="appointmentscheduled", owner_id=REP)
    stack.drain()
    stack.move_stage(deal, "presentationscheduled")
    stack.drain()
    before = len(stack.tasks_on(deal))
    late = Event(kind="deal.stage_changed", tenant=stack.tenant, event_id="late-1", object_id=deal,
                 occurred_at=clock.now() - timedelta(days=2), data={"property_value": "qualifiedtobuy"})
    enqueue_events(redis_conn, [late])
    stack.run_worker()
    assert len(stack.tasks_on(deal)) == before
    history = [m for m in redis_conn.zrange(f"dealcoach:stages:{stack.tenant}:{deal}", 0, -1)]
    assert any(b"qualifiedtobuy" in m for m in history)


def test_throttled_then_recovered_writes_once(stack: EmbeddedStack) -> None:
    stack.control("POST", "faults", json={"status": 429, "count": 2, "retry_after": 1,
                                          "path_prefix": "/crm/v3/objects/tasks/batch/create"})
    deal, _ = log_scored_call(stack)
    assert len(stack.notes_on(deal)) == 1
    assert stack.tasks_on(deal)


def test_persistent_failure_lands_in_retry_and_recovers_without_duplicates(stack: EmbeddedStack,
                                                                           redis_conn: redis.Redis) -> None:
    deal = stack.create_deal(name="障害テスト", stage="appointmentscheduled", owner_id=REP)
    stack.drain()
    stack.control("POST", "faults", json={"status": 500, "rate": 1.0, "path_prefix": "/crm/v3/objects/notes"})
    stack.log_call(deal_id=deal, transcript=TRANSCRIPT, title="障害中の通話", at=CALL_AT, owner_id=REP)
    stack.drain()
    scoring = Queue(SCORING, connection=redis_conn)
    assert scoring.scheduled_job_registry.get_job_ids(), "a 500 is retried later, not dropped"
    assert stack.notes_on(deal) == []
    stack.control("DELETE", "faults")
    for job_id in scoring.scheduled_job_registry.get_job_ids():
        scoring.scheduled_job_registry.remove(job_id)
        scoring.enqueue_job(scoring.fetch_job(job_id))
    stack.run_worker()
    assert len(stack.notes_on(deal)) == 1
    assert not FailedJobRegistry(SCORING, connection=redis_conn).get_job_ids()


def test_unknown_tenant_event_in_queue_is_skipped_cleanly(redis_conn: redis.Redis) -> None:
    event = Event(kind="call.logged", tenant="hubspot:999", event_id="x", object_id="1",
                  occurred_at=clock.now(), object_type="call")
    enqueue_events(redis_conn, [event])
    SimpleWorker([Queue(SCORING, connection=redis_conn)], connection=redis_conn).work(burst=True)
    job = Queue(SCORING, connection=redis_conn).fetch_job("hubspot-999-evt-x")
    assert job is not None and job.return_value() == {"status": "skipped", "reason": "unknown_tenant"}


def test_fatal_error_fails_at_once_with_its_reason(stack: EmbeddedStack, redis_conn: redis.Redis) -> None:
    deal = stack.create_deal(name="致命的エラー", stage="appointmentscheduled", owner_id=REP)
    stack.drain()
    stack.control("POST", "faults", json={"status": 400, "rate": 1.0, "path_prefix": "/crm/v3/objects/notes"})
    stack.log_call(deal_id=deal, transcript=TRANSCRIPT, title="不正な要求", at=CALL_AT, owner_id=REP)
    stack.drain()
    scoring = Queue(SCORING, connection=redis_conn)
    assert not scoring.scheduled_job_registry.get_job_ids(), "a 400 is not retried"
    failed = FailedJobRegistry(SCORING, connection=redis_conn).get_job_ids()
    assert failed
    result = scoring.fetch_job(failed[0]).latest_result()
    assert result is not None and "FatalCrmError" in (result.exc_string or "")


def test_llm_scorer_is_used_when_configured_and_redelivery_costs_no_tokens(stack: EmbeddedStack) -> None:
    from tests.fakes.openai_server import FakeOpenAI, FakeReply, empty_answer

    answer = empty_answer(bant={"budget": {"found": True, "evidence": "ご予算"},
                                "authority": {"found": False, "evidence": ""},
                                "need": {"found": False, "evidence": ""}, "timeline": {"found": False, "evidence": ""}})
    with FakeOpenAI(lambda req: FakeReply.content(answer)) as fake:
        stack.configure(OPENAI_BASE_URL=fake.url + "/v1", OPENAI_API_KEY="test")
        deal, call = log_scored_call(stack)
        assert len(fake.requests) == 1, "two events announce the call (creation, attachment): it is scored once"
        system, user = fake.requests[0].message("system"), fake.requests[0].message("user")
        assert "ご予算" not in system and "ご予算" in user, "the transcript travels as data, not as instructions"
        stack.control("POST", "webhooks/redeliver")
        stack.drain()
        assert len(fake.requests) == 1, "a redelivery is a duplicate"
        # A call fully written back is not processed again (`sync.call_results.call_already_done`); forget that
        # (as after a Redis flush of that key) and announce the call anew: re-scoring hits the content-hash cache.
        for key in stack.conn.scan_iter(f"dealcoach:calldone:{stack.tenant}:*"):
            stack.conn.delete(key)
        enqueue_events(stack.conn, [Event(kind="call.logged", tenant=stack.tenant, event_id="again-1", object_id=call,
                                          occurred_at=CALL_AT, object_type="call")])
        stack.run_worker()
        assert len(fake.requests) == 1, "re-scoring the same call hits the content-hash cache"
    card = json.loads(stack.conn.hget(f"dealcoach:deal:{stack.tenant}:{deal}", "scorecard"))
    assert card["scorer"] == "llm" and card["llm"]["cache_hit"] is True and card["usage"]["prompt_tokens"] == 0


def test_a_long_retry_after_reschedules_the_job_without_spending_a_retry(stack: EmbeddedStack,
                                                                        redis_conn: redis.Redis) -> None:
    """One retry policy: HubSpot's Retry-After (past the in-process 10 s) re-queues the job for then, retries intact."""
    import time

    from rq.job import Job

    deal = stack.create_deal(name="待機テスト", stage="appointmentscheduled", owner_id=REP)
    stack.drain()
    stack.control("POST", "faults", json={"status": 429, "count": 1, "retry_after": 600,
                                          "path_prefix": "/crm/v3/objects/notes", "method": "POST"})
    asked_at = time.time()
    stack.log_call(deal_id=deal, transcript=TRANSCRIPT, title="待機中の通話", at=CALL_AT, owner_id=REP)
    stack.drain()
    scoring = Queue(SCORING, connection=redis_conn)
    (waiting,) = scoring.scheduled_job_registry.get_job_ids()
    assert waiting.endswith("-w1")
    job = Job.fetch(waiting, connection=redis_conn)
    assert job.retries_left == 5, "a wait is not a failure"
    run_at = scoring.scheduled_job_registry.get_scheduled_time(waiting).timestamp()
    assert run_at >= asked_at + 599, "the vendor's Retry-After is honoured, not RQ's 10 s"
    assert not FailedJobRegistry(SCORING, connection=redis_conn).get_job_ids()
    scoring.scheduled_job_registry.remove(waiting)
    scoring.enqueue_job(job)
    stack.run_worker()
    assert len(stack.notes_on(deal)) == 1
