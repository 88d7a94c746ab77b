"""`dealcoach tenants remove`: a removed tenant leaves nothing behind in Redis: its registry record (tokens), cached
access tokens, idempotency map, deal and stage memory, SLA events, transcripts of recordings, LLM answers, stage-map
proposal, session checks, ingress counters, its fields in the CRM-usage metrics and its RQ jobs (queued, scheduled,
failed or finished, whose arguments name its deals). Every key DealCoach writes for a tenant carries the tenant id
right after its prefix, so the patterns below are the whole list: tests/admin/test_forget.py scans the source for
every `dealcoach:` key family and fails on one that is neither listed here nor in `SHARED_KEYS`."""

from __future__ import annotations

import re
from typing import cast

import redis
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.results import Result

from connector.tenants import TenantRegistry
from sync.crm_usage import BUDGET, COUNTERS

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
    "dealcoach:llm-score:{}:*",
    "dealcoach:sweep:{}:*",  # a sweep's page progress (`sync.sweep_progress`)
)
# Keys shared by every tenant: the tenant's entries inside them go (`TENANT_FIELDS`) or they hold no tenant data.
TENANT_FIELDS = (COUNTERS, BUDGET)  # hash fields `<tenant>|<vendor>|<name>`
SHARED_KEYS = (
    "dealcoach:tenants",  # the registry's index (the tenant leaves it in `TenantRegistry.remove`)
    "dealcoach:tenant",  # `dealcoach:tenant:<id>`, the registry record itself
    "dealcoach:metrics:jobs",  # per job function, no tenant
    "dealcoach:metrics:job_seconds",
    "dealcoach:metrics:crm_requests",  # TENANT_FIELDS
    "dealcoach:metrics:crm_budget",
    "dealcoach:metrics:webhooks",  # per route and outcome, no tenant (legacy counters)
    "dealcoach:metrics:webhook_responses",
    "dealcoach:llm-score:v1",  # the scorer's own key, always stored under `sync.score_cache`'s tenant namespace
)
# RQ job ids of a tenant (`sync.queue.job_id_for`, `sync.sweep`, `sync.report.digest`): `{}` is the id's tenant part.
JOB_IDS = ("{}-evt-*", "sweep-{}-*", "digest-{}-*")
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


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
    for name in TENANT_FIELDS:
        fields = [f for f, _ in conn.hscan_iter(name, match=redis_escape(tid) + "|*", count=500)]
        if fields:
            deleted += int(cast(int, conn.hdel(name, *fields)))
    return deleted + _forget_jobs(conn, tid)


def _forget_jobs(conn: redis.Redis, tid: str) -> int:
    """Delete the tenant's RQ jobs and take them out of their queue and registries."""
    part = redis_escape(_UNSAFE.sub("_", tid.replace(":", "-")))
    gone = 0
    for pattern in JOB_IDS:
        for key in list(conn.scan_iter(match=Job.key_for(pattern.format(part)), count=500)):
            job_id = (key.decode() if isinstance(key, bytes) else str(key)).removeprefix(Job.redis_job_namespace_prefix)
            try:
                job = Job.fetch(job_id, connection=conn)
            except NoSuchJobError:
                continue
            Result.delete_all(job)  # the results stream (`rq:results:<id>`) outlives Job.delete
            job.delete(remove_from_queue=True)
            gone += 1
    return gone


def redis_escape(text: str) -> str:
    """A tenant id as a literal inside a SCAN pattern (`*`, `?`, `[`, `]` and `\\` escaped)."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
