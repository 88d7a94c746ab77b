"""The incremental sweep's cache: each HubSpot deal's sweep inputs in Redis, per tenant, stamped with when they were
read, so a period reads only what changed (`sync/sweep_incremental.py`).

An epoch is one full read (named by the period that started it); its keys expire `ttl_s` after their last write:
- `…:<epoch>:deals`, a hash: deal id -> compact JSON `{"p": the deal's swept properties, "r": its records as items
  (`connector.hubspot.sweep.item_of`), "g": the deal's write generation (`sync.deal_view.generation`) they match}`;
- `…:<epoch>:ids`, a sorted set of the deal ids (score: the numeric id), which pages are keyset-read from;
- `…:<epoch>:closed`, the closed deals by close date, so the ones past the sweep's 400 days leave the cache.
The meta hash names the epoch in use, when its full read started (`full_at`) and from when the cache has read every
change (`synced_at`). A full read writes a new epoch and takes over only once it is complete; the old one is
unlinked.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import redis

from connector.hubspot.format import parse_time
from connector.hubspot.sweep import LOOKBACK_DAYS

# Under the sweep's per-tenant family (`dealcoach:sweep:<tenant>:*`), which `sync.forget` removes with the tenant.
_META = "dealcoach:sweep:{}:cache"
_PART = "dealcoach:sweep:{}:cache:{}:{}"
PARTS = ("deals", "ids", "closed")
Entry = dict[str, Any]


@dataclass(frozen=True)
class CacheMeta:
    """Which epoch is in use (None: no complete full read), when its full read started, and the last read's start."""

    epoch: int | None = None
    full_at: float | None = None
    synced_at: float | None = None


def meta(conn: redis.Redis, tenant: str) -> CacheMeta:
    """The tenant's cache meta (empty when never fully read or expired)."""
    raw = {k.decode(): v.decode() for k, v in cast(dict[bytes, bytes], conn.hgetall(_META.format(tenant))).items()}
    if "epoch" not in raw or not conn.exists(_PART.format(tenant, raw["epoch"], "ids")):
        return CacheMeta()
    return CacheMeta(int(raw["epoch"]), float(raw["full_at"]), float(raw["synced_at"]))


def synced(conn: redis.Redis, tenant: str, epoch: int, at_s: float, ttl_s: int) -> None:
    """Every change up to `at_s` (less the search lag) is in the epoch's cache."""
    pipe = conn.pipeline(transaction=True)
    pipe.hset(_META.format(tenant), mapping={"epoch": epoch, "synced_at": repr(at_s)})
    pipe.expire(_META.format(tenant), ttl_s)
    pipe.execute()


# KEYS[1]: meta; ARGV: the completed epoch, its full read's start, TTL. Takes over unless a later full read already
# did; returns the epoch it replaced (or -1 none, -2 refused).
_PROMOTE = """
local cur = redis.call('HMGET', KEYS[1], 'epoch', 'full_at')
if cur[2] and tonumber(cur[2]) >= tonumber(ARGV[2]) then return -2 end
redis.call('HSET', KEYS[1], 'epoch', ARGV[1], 'full_at', ARGV[2], 'synced_at', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
if cur[1] and cur[1] ~= ARGV[1] then return tonumber(cur[1]) end
return -1
"""


def promote(conn: redis.Redis, tenant: str, epoch: int, started_s: float, ttl_s: int) -> bool:
    """A complete full read becomes the cache in use (synced from its start); the epoch it replaces is unlinked."""
    old = int(conn.register_script(_PROMOTE)(keys=[_META.format(tenant)], args=[epoch, repr(started_s), ttl_s]))
    if old >= 0:
        conn.unlink(*[_PART.format(tenant, old, p) for p in PARTS])
    return old != -2


def discard(conn: redis.Redis, tenant: str, epoch: int) -> None:
    """Drop an epoch (a full read that will not complete)."""
    conn.unlink(*[_PART.format(tenant, epoch, p) for p in PARTS])


def _closed_ms(props: Mapping[str, str]) -> int | None:
    """A closed deal's close date in ms (None for an open deal), for the 400-day exit."""
    if props.get("hs_is_closed") == "false":
        return None
    closed = parse_time(props.get("closedate"))
    return int(closed.timestamp() * 1000) if closed else 0


class EpochCache:
    """One epoch of a tenant's cache."""

    def __init__(self, conn: redis.Redis, tenant: str, epoch: int, ttl_s: int) -> None:
        self.conn, self.tenant, self.epoch, self.ttl_s = conn, tenant, epoch, ttl_s
        self.deals, self.ids, self.closed = (_PART.format(tenant, epoch, p) for p in PARTS)

    def get(self, deal_ids: Sequence[str]) -> dict[str, Entry | None]:
        """deal id -> its entry (None when missing), in one round trip."""
        if not deal_ids:
            return {}
        raw = cast(list[bytes | None], self.conn.hmget(self.deals, list(deal_ids)))
        return {d: json.loads(v) if v else None for d, v in zip(deal_ids, raw, strict=True)}

    def page(self, after: str, limit: int) -> tuple[list[str], str | None]:
        """Up to `limit` cached deal ids above `after` in id order, and the next cursor (None: the last page)."""
        low = f"({int(after)}" if after else "-inf"
        found = [b.decode() for b in cast(list[bytes], self.conn.zrangebyscore(self.ids, low, "+inf", 0, limit + 1))]
        return found[:limit], found[limit - 1] if len(found) > limit else None

    def put(self, entries: Mapping[str, Entry]) -> None:
        """Store whole entries (compact JSON), their ids and close dates, and renew the epoch's TTL."""
        if not entries:
            return
        pipe = self.conn.pipeline(transaction=False)
        pipe.hset(self.deals, mapping={d: json.dumps(e, separators=(",", ":")) for d, e in entries.items()})
        pipe.zadd(self.ids, {d: int(d) for d in entries})
        closed = {d: ms for d, e in entries.items() if (ms := _closed_ms(e["p"])) is not None}
        if closed:
            pipe.zadd(self.closed, closed)
        still_open = [d for d in entries if d not in closed]
        if still_open:
            pipe.zrem(self.closed, *still_open)
        for key in (self.deals, self.ids, self.closed):
            pipe.expire(key, self.ttl_s)
        pipe.execute()

    def drop(self, deal_ids: Iterable[str]) -> None:
        """Forget deals (left the sweep, or their cached records can no longer be trusted)."""
        ids = list(deal_ids)
        if ids:
            pipe = self.conn.pipeline(transaction=False)
            pipe.hdel(self.deals, *ids)
            pipe.zrem(self.ids, *ids)
            pipe.zrem(self.closed, *ids)
            pipe.execute()

    def closed_before(self, now_s: float) -> list[str]:
        """Cached deals closed more than the sweep's 400 days ago (the full read would not list them any more)."""
        bound = int((now_s - LOOKBACK_DAYS * 86400) * 1000)
        return [b.decode() for b in cast(list[bytes], self.conn.zrangebyscore(self.closed, "-inf", f"({bound}"))]

    def count(self) -> int:
        """How many deals the epoch holds."""
        return int(cast(int, self.conn.zcard(self.ids)))

    def memory_bytes(self) -> int:
        """What the epoch's keys take in Redis (MEMORY USAGE, sampled), for the benchmark."""
        return sum(
            int(cast(int | None, self.conn.memory_usage(k, samples=100)) or 0)
            for k in (self.deals, self.ids, self.closed)
        )
