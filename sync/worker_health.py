"""Figures on the workers' recovery machinery, per queue, read from Redis only (for `/metrics` and operators).

`scheduler_alive` is judged on the scheduler lock's own TTL in Redis (refreshed every second by a live scheduler),
so no host clock is compared; the ages use `now` (the caller's wall clock, as RQ's scores do).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TypedDict

import redis
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from rq.scheduler import RQScheduler

from sync.queue import ALL_QUEUES
from sync.worker import scheduler_lock_alive


class QueueHealth(TypedDict):
    """One queue: is a scheduler moving its due jobs, how late is the oldest, how many jobs lost their worker."""

    scheduler_alive: bool
    oldest_overdue_s: float
    overdue: int
    started: int
    started_orphaned: int


def worker_health(
    conn: redis.Redis, queues: Sequence[str] = ALL_QUEUES, *, now: float | None = None
) -> dict[str, QueueHealth]:
    """Per queue: a live scheduler holds its lock; the age in seconds of the oldest scheduled job (a retry, a wait)
    whose time has passed (0 when none); started jobs whose worker stopped heartbeating them (their entry expired
    and no supervisor has re-queued them yet). Reads only; RQ's registries are not cleaned by this call."""
    at = time.time() if now is None else now
    pipe = conn.pipeline(transaction=False)
    for name in queues:
        pipe.pttl(RQScheduler.get_locking_key(name))
        scheduled = ScheduledJobRegistry(name, connection=conn).key
        pipe.zrangebyscore(scheduled, "-inf", at, start=0, num=1, withscores=True)
        pipe.zcount(scheduled, "-inf", at)
        started = StartedJobRegistry(name, connection=conn).key
        pipe.zcard(started)
        pipe.zcount(started, "-inf", f"({at}")
    raw = pipe.execute()
    out: dict[str, QueueHealth] = {}
    for i, name in enumerate(queues):
        ttl_ms, oldest, overdue, started_n, orphaned = raw[i * 5 : i * 5 + 5]
        out[name] = QueueHealth(
            scheduler_alive=scheduler_lock_alive(int(ttl_ms)),
            oldest_overdue_s=round(max(0.0, at - float(oldest[0][1])), 3) if oldest else 0.0,
            overdue=int(overdue),
            started=int(started_n),
            started_orphaned=int(orphaned),
        )
    return out
