"""`worker_health`: the figures /metrics exports about schedulers, overdue retries and orphaned jobs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import redis
from rq import Queue
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler

from sync.worker_health import worker_health

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def test_figures_per_queue(redis_conn: redis.Redis) -> None:
    redis_conn.set(RQScheduler.get_locking_key("events"), "live", ex=61)  # refreshed a moment ago
    redis_conn.set(RQScheduler.get_locking_key("scoring"), "dead", ex=30)  # not refreshed for half a minute
    events = Queue("events", connection=redis_conn)
    events.enqueue_at(NOW - timedelta(minutes=5), "tests.reliability.conftest.record", "a")
    events.enqueue_at(NOW - timedelta(seconds=10), "tests.reliability.conftest.record", "b")
    events.enqueue_at(NOW + timedelta(minutes=1), "tests.reliability.conftest.record", "later")
    started = StartedJobRegistry("events", connection=redis_conn).key
    redis_conn.zadd(started, {"gone:exec1": NOW.timestamp() - 5, "alive:exec2": NOW.timestamp() + 10})

    health = worker_health(redis_conn, now=NOW.timestamp())

    assert health["events"] == {
        "scheduler_alive": True,
        "oldest_overdue_s": 300.0,
        "overdue": 2,
        "started": 2,
        "started_orphaned": 1,
    }
    assert health["scoring"]["scheduler_alive"] is False and health["sync"]["scheduler_alive"] is False
    assert health["sync"] == {
        "scheduler_alive": False,
        "oldest_overdue_s": 0.0,
        "overdue": 0,
        "started": 0,
        "started_orphaned": 0,
    }
