"""A worker outlives a Redis restart that hits it mid-job, and works on what is queued afterwards."""

from __future__ import annotations

import time
from collections.abc import Callable

import redis
from rq import Queue

from tests.conftest import RedisServer
from tests.reliability.conftest import WorkerProcess, wait_for

# Longer than the worker's job heartbeat (5 s), so a heartbeat surely meets the outage.
OUTAGE_S = 6.0


def restart(server: RedisServer, *, down_for: float) -> None:
    """Stop the redis-server (it keeps no data, like a failover to an empty replica) and start it on the same port."""
    server.stop()
    time.sleep(down_for)
    server.start()


def test_worker_survives_a_redis_restart_during_a_job(
    redis_conn: redis.Redis, redis_server: RedisServer, workers: Callable[[], WorkerProcess]
) -> None:
    worker = workers()
    Queue("events", connection=redis_conn).enqueue("tests.reliability.conftest.gated", "during")
    wait_for(lambda: redis_conn.lrange("test:started:during", 0, -1), "the job to start")
    restart(redis_server, down_for=OUTAGE_S)
    assert worker.proc.poll() is None, "the worker is still running"
    Queue("events", connection=redis_conn).enqueue("tests.reliability.conftest.record", "after")
    wait_for(lambda: redis_conn.lrange("test:done:after", 0, -1), "the job queued after the restart to run")
    assert worker.proc.poll() is None
