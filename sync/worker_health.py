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
from sync.worker import JOB_BUCKETS_S, JOB_COUNTS, JOB_KINDS, JOB_OUTCOMES, JOB_SECONDS, scheduler_lock_alive


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


class JobFigures(TypedDict):
    """Per (queue, kind): outcomes counted, and the duration histogram (cumulative buckets, sum, count)."""

    outcomes: dict[tuple[str, str, str], int]
    buckets: dict[tuple[str, str], list[tuple[str, int]]]
    sums: dict[tuple[str, str], float]


def job_figures(conn: redis.Redis) -> JobFigures:
    """What `record_job` wrote, with fields that are not ours (labels outside the bounded sets) skipped."""
    pipe = conn.pipeline(transaction=False)
    pipe.hgetall(JOB_COUNTS)
    pipe.hgetall(JOB_SECONDS)
    counts, seconds = pipe.execute()
    queues, kinds = {*ALL_QUEUES, "other"}, {*JOB_KINDS, "other"}
    bounds = [str(b) for b in JOB_BUCKETS_S] + ["+Inf"]
    outcomes: dict[tuple[str, str, str], int] = {}
    for field, value in counts.items():
        parts = (field.decode() if isinstance(field, bytes) else str(field)).split("|")
        if len(parts) == 3 and parts[0] in queues and parts[1] in kinds and parts[2] in JOB_OUTCOMES:
            q, k, outcome = parts
            outcomes[(q, k, outcome)] = int(value)
    raw: dict[tuple[str, str], dict[str, float]] = {}
    for field, value in seconds.items():
        parts = (field.decode() if isinstance(field, bytes) else str(field)).split("|")
        if len(parts) == 3 and parts[0] in queues and parts[1] in kinds and parts[2] in (*bounds, "sum"):
            raw.setdefault((parts[0], parts[1]), {})[parts[2]] = float(value)
    buckets: dict[tuple[str, str], list[tuple[str, int]]] = {}
    sums: dict[tuple[str, str], float] = {}
    for key, per_bucket in raw.items():
        total, cumulative = 0, []
        for bound in bounds:
            total += int(per_bucket.get(bound, 0))
            cumulative.append((bound, total))
        buckets[key], sums[key] = cumulative, per_bucket.get("sum", 0.0)
    return JobFigures(outcomes=outcomes, buckets=buckets, sums=sums)
