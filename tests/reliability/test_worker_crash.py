"""A SIGKILLed worker loses nothing: a survivor takes its scheduler over and re-runs its job (issue 11, finding 2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import redis
from rq import Queue, Retry

from sync.worker_health import worker_health
from tests.reliability.conftest import WorkerProcess, scheduler_locks_held, wait_for


def test_survivor_takes_the_scheduler_over_and_runs_an_overdue_retry(
    redis_conn: redis.Redis, workers: Callable[[], WorkerProcess]
) -> None:
    first = workers()
    wait_for(lambda: scheduler_locks_held(redis_conn), "the first worker's scheduler to take every queue")
    second = workers()
    first.crash()
    queue = Queue("events", connection=redis_conn)
    # A retry that fell due a minute ago, as RQ's retry schedule leaves it in the scheduled registry.
    queue.enqueue_at(datetime.now(UTC) - timedelta(minutes=1), "tests.reliability.conftest.record", "overdue")
    health = worker_health(redis_conn)["events"]
    assert health["overdue"] == 1 and health["oldest_overdue_s"] >= 59
    ran_by = wait_for(lambda: redis_conn.lrange("test:done:overdue", 0, -1), "the overdue retry to run")
    assert len(ran_by) == 1 and second.proc.poll() is None
    wait_for(lambda: worker_health(redis_conn)["events"]["scheduler_alive"], "the survivor's scheduler to show alive")
    assert worker_health(redis_conn)["events"]["overdue"] == 0


def test_job_of_a_killed_worker_is_requeued_and_finished_by_another(
    redis_conn: redis.Redis, workers: Callable[[], WorkerProcess]
) -> None:
    first = workers()
    queue = Queue("events", connection=redis_conn)
    job = queue.enqueue("tests.reliability.conftest.gated", "mid", retry=Retry(max=2, interval=1), job_timeout=120)
    (horse,) = wait_for(lambda: redis_conn.lrange("test:started:mid", 0, -1), "the job to start")  # type: ignore[misc]
    second = workers()
    first.crash()
    redis_conn.set("test:gate:mid", 1)
    (finisher,) = wait_for(lambda: redis_conn.lrange("test:done:mid", 0, -1), "another worker to finish the job")  # type: ignore[misc]
    assert finisher != horse, "the killed horse did not finish it"
    assert len(redis_conn.lrange("test:started:mid", 0, -1)) == 2
    wait_for(lambda: job.get_status(refresh=True) == "finished", "the job to be finished")
    assert second.proc.poll() is None
    assert worker_health(redis_conn)["events"]["started"] == 0
