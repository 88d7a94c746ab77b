"""Where a tenant's sweep, split into page jobs, stands: which pages were queued, which are done, and when it ended.

One Redis hash per tenant and period. A page is counted queued once (HSETNX on its cursor) before its job is
enqueued, and done once (HSETNX), so a retried page job counts neither twice; the sweep is complete when the last
page (the one without a next cursor) has been read and every queued page is done. Each done page keeps its counts,
its job's CPU time and its process's peak RSS, which the benchmark and the operator read back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

import redis

_KEY = "dealcoach:sweep:{}:{}"
FIRST = "start"
COUNTS = ("deals", "created", "updated", "closed", "failed")


def progress_key(tenant: str, period: int) -> str:
    return _KEY.format(tenant, period)


# KEYS[1]: the hash; ARGV: the page's field, its value, the counter to bump the first time, the TTL.
_ONCE = """
local first = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
if first == 1 then redis.call('HINCRBY', KEYS[1], ARGV[3], 1) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return first
"""
# KEYS[1]: the hash; ARGV: the time now. Complete: the last page read and every queued page done; stamped once.
_COMPLETE = """
local v = redis.call('HMGET', KEYS[1], 'queued', 'done', 'last')
if not v[3] or tonumber(v[1] or '0') ~= tonumber(v[2] or '0') then return 0 end
return redis.call('HSETNX', KEYS[1], 'done_at', ARGV[1])
"""


def page_queued(conn: redis.Redis, tenant: str, period: int, cursor: str, *, ttl_s: int, now_s: float) -> bool:
    """Count a page as queued (once per cursor, in one script); True the first time. Also stamps the start."""
    key = progress_key(tenant, period)
    conn.hsetnx(key, "enqueued_at", repr(now_s))
    return bool(conn.register_script(_ONCE)(keys=[key], args=[f"q:{cursor or FIRST}", 1, "queued", ttl_s]))


def page_done(
    conn: redis.Redis,
    tenant: str,
    period: int,
    cursor: str,
    result: dict[str, Any],
    *,
    last: bool,
    ttl_s: int,
    now_s: float,
) -> bool:
    """Count a page as done (once per cursor), mark the last page; True when this made the whole sweep complete."""
    key = progress_key(tenant, period)
    conn.register_script(_ONCE)(keys=[key], args=[f"d:{cursor or FIRST}", json.dumps(result), "done", ttl_s])
    if last:
        conn.hset(key, "last", cursor or FIRST)
    return bool(conn.register_script(_COMPLETE)(keys=[key], args=[repr(now_s)]))


@dataclass
class SweepStatus:
    """A sweep's totals over its done pages, and whether (and when) it ended."""

    pages_queued: int = 0
    pages_done: int = 0
    complete: bool = False
    enqueued_at: float | None = None
    done_at: float | None = None
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    cpu_s: float = 0.0
    peak_rss_kb: int = 0


def sweep_status(conn: redis.Redis, tenant: str, period: int) -> SweepStatus:
    """The sweep's status from its hash (an empty status when it never started or expired)."""
    raw = {
        k.decode(): v.decode() for k, v in cast(dict[bytes, bytes], conn.hgetall(progress_key(tenant, period))).items()
    }
    status = SweepStatus(
        pages_queued=int(raw.get("queued", 0)),
        pages_done=int(raw.get("done", 0)),
        enqueued_at=float(raw["enqueued_at"]) if "enqueued_at" in raw else None,
        done_at=float(raw["done_at"]) if "done_at" in raw else None,
    )
    status.complete = status.done_at is not None
    for name, value in raw.items():
        if name.startswith("d:"):
            page = json.loads(value)
            for count in COUNTS:
                status.totals[count] += int(page.get(count, 0))
            status.cpu_s += float(page.get("cpu_s", 0.0))
            status.peak_rss_kb = max(status.peak_rss_kb, int(page.get("rss_kb", 0)))
    return status
