"""The webhook's fast enqueue writes exactly what RQ's own `Queue.enqueue_many` writes, and RQ's workers run it."""

from __future__ import annotations

import logging
import pickle
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from rq import Queue, SimpleWorker
from rq.job import Job, JobStatus
from rq.utils import utcparse

from connector.models import Event
from sync import queue as q
from sync import rq_layout
from sync.worker import DealCoachWorker

TIMESTAMPS = ("created_at", "enqueued_at")
RAN = "test:fast_enqueue:ran"


def _events() -> list[Event]:
    at = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    kinds = [
        ("call.logged", "call"),
        ("deal.stage_changed", "deal"),
        ("activity.logged", "task"),
        ("workflow.action", "deal"),
        ("deal.created", "deal"),
    ]
    return [
        Event(
            kind=kind,
            tenant="hubspot:62515",
            event_id=f"evt-{i}",
            object_id=str(900 + i),
            occurred_at=at,
            object_type=otype,
            data={"property_value": "closedwon", "changed_by": "7"},
        )
        for i, (kind, otype) in enumerate(kinds)
    ] + [
        Event(
            kind="deal.stage_changed",
            tenant="salesforce:00D5g000004XyZaEAK",
            event_id="a/b:c",
            object_id="006x",
            occurred_at=at,
            object_type="deal",
            data={},
        )
    ]


def _decoded(field: bytes, value: bytes) -> Any:
    if field == b"data":
        return pickle.loads(zlib.decompress(value))
    if field == b"meta":
        return pickle.loads(value)
    if field.decode() in TIMESTAMPS:
        return utcparse(value.decode()).tzinfo  # present and in RQ's format; the instant itself differs
    return value


def snapshot(conn: redis.Redis) -> dict[bytes, Any]:
    """Every key with its type, TTL and content (hash fields decoded; timestamps only checked for their format)."""
    out: dict[bytes, Any] = {}
    for key in sorted(conn.keys("*")):
        kind = conn.type(key)
        if kind == b"hash":
            content: Any = {f: _decoded(f, v) for f, v in conn.hgetall(key).items()}
        elif kind == b"list":
            content = conn.lrange(key, 0, -1)
        elif kind == b"set":
            content = sorted(conn.smembers(key))
        else:
            content = conn.dump(key)
        out[key] = (kind, conn.ttl(key), content)
    return out


def through_rq(conn: redis.Redis, events: list[Event], request_id: str | None) -> None:
    """RQ's own path: `Queue.enqueue_many` with the job parameters DealCoach uses, executed by RQ."""
    meta = {"request_id": request_id} if request_id else None
    for event in events:
        name, func = q.JOB_BY_KIND[event.kind]
        Queue(name, connection=conn).enqueue_many([q._job_data(func, name, event, q.job_id_for(event), meta)])


@pytest.mark.parametrize("request_id", ["0123456789abcdef", None])
@pytest.mark.parametrize("fast", [True, False])
def test_the_enqueue_writes_what_rq_enqueue_many_writes(
    redis_conn: redis.Redis, monkeypatch: pytest.MonkeyPatch, fast: bool, request_id: str | None
) -> None:
    """Every key, field (job data decoded), list entry, set member and TTL but the timestamps' values; both paths."""
    monkeypatch.setattr(q, "FAST_ENQUEUE", fast)
    events = _events()
    through_rq(redis_conn, events, request_id)
    expected = snapshot(redis_conn)
    redis_conn.flushdb()
    result = q.enqueue_events(redis_conn, events, request_id=request_id)
    assert result.queued == len(events)
    assert snapshot(redis_conn) == expected
    assert {k for k in expected if k.startswith(b"rq:job:")} == {Job.key_for(q.job_id_for(e)).encode() for e in events}


def test_the_installed_rq_is_one_the_layout_test_covers() -> None:
    """pyproject.toml pins RQ to `rq_layout.SUPPORTED_RQ`; an install outside it would silently take the slow path."""
    assert rq_layout.layout_supported() and q.FAST_ENQUEUE


def test_another_rq_version_falls_back_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert [rq_layout.layout_supported(v) for v in ("2.11.9", "2.12.0", "2.12.7", "2.13.0", "3.0", "x")] == [
        False,
        True,
        True,
        False,
        False,
        False,
    ]
    monkeypatch.setattr(q, "FAST_ENQUEUE", False)
    caplog.set_level(logging.WARNING, logger="dealcoach.sync.queue")
    q.announce_enqueue_path()
    assert "sync.queue.rq_layout_untested" in caplog.text


def record_run(event: dict[str, Any]) -> str:
    """The job function of the worker tests: records what it was given, where the test can see it."""
    from rq import get_current_job

    job = get_current_job()
    assert job is not None
    job.connection.rpush(RAN, f"{event['event_id']}|{event['kind']}|{job.meta.get('request_id')}")
    return str(event["object_id"])


@pytest.mark.parametrize("worker_class", [SimpleWorker, DealCoachWorker])
def test_a_real_rq_worker_runs_the_fast_path_jobs(
    redis_conn: redis.Redis, monkeypatch: pytest.MonkeyPatch, worker_class: type
) -> None:
    """RQ's SimpleWorker and the forking DealCoachWorker fetch, run and finish jobs the fast path wrote."""
    monkeypatch.setattr(q, "FAST_ENQUEUE", True)
    func = f"{__name__}.record_run"
    monkeypatch.setattr(q, "JOB_BY_KIND", {k: (name, func) for k, (name, _) in q.JOB_BY_KIND.items()})
    events = _events()
    assert q.enqueue_events(redis_conn, events, request_id="feedbeef").queued == len(events)
    worker_class(list(q.ALL_QUEUES), connection=redis_conn).work(burst=True)
    ran = sorted(v.decode() for v in redis_conn.lrange(RAN, 0, -1))
    assert ran == sorted(f"{e.event_id}|{e.kind}|feedbeef" for e in events)
    for event in events:
        job = Job.fetch(q.job_id_for(event), connection=redis_conn)
        assert job.get_status() == JobStatus.FINISHED and job.return_value() == event.object_id
        assert redis_conn.ttl(job.key) > q.DEDUP_TTL_S - 60  # the finished job keeps guarding against redelivery
    assert all(Queue(name, connection=redis_conn).count == 0 for name in q.ALL_QUEUES)


def test_a_script_flushed_from_redis_is_loaded_again(redis_conn: redis.Redis) -> None:
    """After a SCRIPT FLUSH (or a Redis restart) the direct EVALSHA gets NOSCRIPT; the client's path reloads it."""
    events = _events()
    assert q.enqueue_events(redis_conn, events[:1]).queued == 1
    redis_conn.script_flush()
    assert q.enqueue_events(redis_conn, events).queued == len(events) - 1
