"""`dealcoach tenants remove`: a removed tenant leaves nothing behind in Redis: its registry record (tokens), cached
access tokens, idempotency map, deal and stage memory, SLA events, transcripts of recordings, stage-map proposal,
session checks and ingress counters. Every key DealCoach writes for a tenant carries the tenant id right after its
prefix, so the patterns below are the whole list (tests/admin/test_forget.py checks no key mentions the tenant)."""

from __future__ import annotations

from typing import cast

import redis

from connector.tenants import TenantRegistry

# `{}` is the tenant id; a trailing `*` covers per-deal or per-source keys.
TENANT_KEYS = (
    "dealcoach:idem:{}",
    "dealcoach:deal:{}:*",
    "dealcoach:stages:{}:*",
    "dealcoach:slaevents:{}:*",
    "dealcoach:asr:{}:*",
    "dealcoach:lock:{}:*",
    "dealcoach:ingress:{}:*",
    "dealcoach:oauth:access:{}",
    "dealcoach:oauth:lock:{}",
    "dealcoach:stagemap:proposal:{}",
    "dealcoach:sf:session:{}:*",
    "dealcoach:sf:mdt:{}:*",
    "dealcoach:crmcache:{}:*",
    "dealcoach:calldone:{}:*",
    "dealcoach:callfile:{}:*",
)


def forget_tenant(conn: redis.Redis, registry: TenantRegistry, tid: str) -> int:
    """Delete the tenant and everything stored for it; returns how many keys went (0: it was not there)."""
    if not registry.remove(tid):
        return 0
    deleted = 1
    for pattern in TENANT_KEYS:
        if "*" in pattern:
            keys = cast(list[bytes | str], list(conn.scan_iter(match=pattern.format(redis_escape(tid)), count=500)))
        else:
            keys = [pattern.format(tid)]
        for i in range(0, len(keys), 500):
            deleted += int(cast(int, conn.delete(*keys[i : i + 500])))
    return deleted


def redis_escape(text: str) -> str:
    """A tenant id as a literal inside a SCAN pattern (`*`, `?`, `[`, `]` and `\\` escaped)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
