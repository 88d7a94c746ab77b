"""enqueue_events: one transaction per batch, duplicates skipped even under concurrent deliveries."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import redis
from rq import Queue

from connector import clock
from connector.models import Event
from sync.queue import EVENTS, SCORING, enqueue_events, job_id_for


def _events(n: int) -> list[Event]:
    at = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)
    return [Event(kind="call.logged" if i % 2 else "deal.stage_changed", tenant="hubspot:62515", event_id=f"s-{i}-1",
                  object_id=str(17000000000 + i), occurred_at=at) for i in range(n)]


def test_job_ids_are_rq_safe() -> None:
    event = Event(kind="call.logged", tenant="salesforce:00D5g000004XyZaEAK", event_id="04l5g0:abc/def",
                  object_id="1", occurred_at=clock.now())
    assert job_id_for(event) == "salesforce-00D5g000004XyZaEAK-evt-04l5g0_abc_def_h0a683803904411b8"


def test_batch_is_routed_to_its_queues(redis_conn: redis.Redis) -> None:
    unrouted = Event(kind="deal.closed_won", tenant="hubspot:62515", event_id="a", object_id="1",
                     occurred_at=clock.now())
    result = enqueue_events(redis_conn, [*_events(10), unrouted])
    assert (result.queued, result.duplicates, result.unrouted) == (10, 0, 1)
    assert len(Queue(SCORING, connection=redis_conn)) == 5
    assert len(Queue(EVENTS, connection=redis_conn)) == 5


def test_concurrent_deliveries_of_one_batch_queue_each_event_once(redis_server, redis_conn: redis.Redis) -> None:  # type: ignore[no-untyped-def]
    events = _events(100)

    def deliver(_: int) -> int:
        return enqueue_events(redis.Redis.from_url(redis_server.url), events).queued

    with ThreadPoolExecutor(max_workers=8) as pool:
        queued = list(pool.map(deliver, range(16)))
    assert sum(queued) == 100
    assert len(Queue(SCORING, connection=redis_conn)) + len(Queue(EVENTS, connection=redis_conn)) == 100
