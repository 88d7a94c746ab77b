"""Queues, job ids and retry policy: the one place that knows which job handles which event kind.

Job ids are derived from tenant + event id, and enqueued with RQ's atomic `unique=True`, so a
re-delivered webhook is a no-op while the first job (or its result) is still known to Redis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from rq import Queue, Retry
from rq.exceptions import DuplicateJobError

from connector.models import Event

EVENTS, SCORING, SYNC = "events", "scoring", "sync"
ALL_QUEUES = (EVENTS, SCORING, SYNC)

# kind -> (queue, job function). Kinds without an entry yet are acknowledged and dropped with a log line.
JOB_BY_KIND: dict[str, tuple[str, str]] = {
    "call.logged": (SCORING, "sync.jobs.process_call"),
    "deal.stage_changed": (EVENTS, "sync.jobs.handle_stage_change"),
    "deal.created": (EVENTS, "sync.jobs.handle_stage_change"),
}

# Job hashes (and so the duplicate guard) outlive the CRMs' redelivery windows (HubSpot 24 h, Salesforce 24 h).
DEDUP_TTL_S = 3 * 24 * 3600
FAILURE_TTL_S = 14 * 24 * 3600
RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])
JOB_TIMEOUT_S = {EVENTS: 120, SCORING: 1800, SYNC: 300}

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


def job_id_for(event: Event) -> str:
    """`hubspot-62515-evt-<event>`: RQ ids allow letters, digits, `_` and `-` only."""
    return _UNSAFE.sub("_", f"{event.tenant.replace(':', '-')}-evt-{event.event_id}")


@dataclass(frozen=True)
class EnqueueResult:
    queued: int
    duplicates: int
    unrouted: int


def enqueue_events(conn: redis.Redis, events: Sequence[Event]) -> EnqueueResult:
    """Queue each routable event once; raises `redis.RedisError` if Redis is unavailable (caller answers 503)."""
    queued = duplicates = unrouted = 0
    queues: dict[str, Queue] = {}
    for event in events:
        route = JOB_BY_KIND.get(event.kind)
        if route is None:
            unrouted += 1
            continue
        name, func = route
        queue = queues.setdefault(name, Queue(name, connection=conn))
        try:
            queue.enqueue(
                func, event.to_dict(), job_id=job_id_for(event), unique=True, retry=RETRY,
                result_ttl=DEDUP_TTL_S, failure_ttl=FAILURE_TTL_S, job_timeout=JOB_TIMEOUT_S[name],
                description=f"{event.kind} {event.tenant} {event.object_type} {event.object_id}",
            )
            queued += 1
        except DuplicateJobError:
            duplicates += 1
    return EnqueueResult(queued=queued, duplicates=duplicates, unrouted=unrouted)
