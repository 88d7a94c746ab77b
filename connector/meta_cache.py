"""CRM metadata (properties, pipelines, owners, describes) cached in Redis per tenant, so every job process shares it.

RQ's default worker forks a work-horse per job: a connector's in-process cache dies with the job, which made every
call job read owners and pipelines again. The connector still keeps its in-process copy; this is the layer under it.
"""

from __future__ import annotations

from typing import cast

import redis

PREFIX = "dealcoach:crmcache"


class RedisMetaCache:
    """`SharedCache` over Redis: one namespace per tenant, every entry with the cache's TTL."""

    def __init__(self, conn: redis.Redis, tenant: str) -> None:
        self.conn, self.namespace = conn, f"{PREFIX}:{tenant}:"

    def get(self, key: str) -> str | None:
        raw = cast(bytes | str | None, self.conn.get(self.namespace + key))
        return raw.decode() if isinstance(raw, bytes) else raw

    def set(self, key: str, value: str, ttl_s: float) -> None:
        self.conn.set(self.namespace + key, value, ex=max(1, int(ttl_s)))
