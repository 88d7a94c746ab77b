"""What every job runs inside: its context (runtime, Redis, tenant, CRM, `now`, tenant context) and the wrapper that
loads it, skips DealCoach's own changes, and applies the one retry decision (`sync.retry`)."""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import redis
from rq import get_current_job

from connector import clock
from connector.base import Crm, CrmAuthError, FatalCrmError, PartialWriteError, RetryableCrmError
from connector.models import Deal, Event, TaskSpec
from connector.tenants import Tenant, TenantError
from scoring.speech.errors import SpeechError
from sync import runtime
from sync.crm_usage import record_usage, usage_of
from sync.deal_view import DealView
from sync.retry import reschedule, wait_asked
from sync.runtime import Runtime
from sync.salesforce_settings import apply_org_settings
from sync.sla.apply import SlaContext, run_sla
from sync.tenant_context import TenantContext
from sync.writeback import Action, DealLock, Writeback

log = logging.getLogger("dealcoach.sync.jobs")
# The slug of a CRM that revoked DealCoach (HubSpot `TenantDisconnected`, Salesforce `OrgDisconnected`).
DISCONNECTED = "crm.disconnected"


@dataclass(frozen=True)
class JobContext:
    """What a job needs besides its event: the runtime, Redis, the tenant, its CRM, and the job's `now`."""

    runtime: Runtime
    conn: redis.Redis
    tenant: Tenant
    crm: Crm
    now: datetime
    tenant_ctx: TenantContext


def load_context(event: Event) -> JobContext | None:
    job = get_current_job()
    if job is None:
        raise RuntimeError("DealCoach jobs run inside an RQ worker")
    rt, conn = runtime.current(), job.connection
    try:
        tenant = rt.tenants(conn).get(event.tenant)
    except TenantError:
        # A worker whose DEALCOACH_SECRET_KEY (and _PREVIOUS) opens nothing: RQ keeps the job for its retries, so
        # events survive until the key is fixed; the reason is one line, never the key.
        log.error("sync.tenant.undecryptable tenant=%s event=%s", event.tenant, event.event_id)
        raise
    if tenant is None:
        log.warning("sync.tenant.gone tenant=%s event=%s", event.tenant, event.event_id)
        return None
    return JobContext(
        runtime=rt,
        conn=conn,
        tenant=tenant,
        crm=shared_crm(rt, conn, tenant),
        now=clock.now(),
        tenant_ctx=TenantContext.of(tenant),
    )


def _with_org_settings(ctx: JobContext) -> JobContext:
    """A Salesforce org's settings from its DealCoach_Setting__mdt record (sync/salesforce_settings.py), read inside
    the job so the read counts among the job's requests."""
    if ctx.tenant.provider != "salesforce":
        return ctx
    current = apply_org_settings(ctx.conn, ctx.runtime.tenants(ctx.conn), ctx.tenant, ctx.crm, now=ctx.now)
    if current.settings == ctx.tenant.settings:
        return ctx
    return dataclasses.replace(ctx, tenant=current, tenant_ctx=TenantContext.of(current))


def shared_crm(rt: Runtime, conn: redis.Redis, tenant: Tenant) -> Crm:
    """The tenant's CRM client with its metadata cache in Redis: RQ forks a process per job, so an in-process cache
    alone would make every job read owners, pipelines, properties and describes again."""
    crm = rt.crm(tenant)
    share = getattr(crm, "share_cache", None)
    if share is not None:
        share(conn, tenant.id)
    return crm


def _own_change(event: Event, ctx: JobContext) -> bool:
    """An event DealCoach caused itself (its task completed, its deal fields written): reacting would be wasted work
    or a loop. HubSpot's are dropped at the webhook; Salesforce names the user who made the change."""
    own, by = ctx.crm.own_user_id(), event.data.get("changed_by")
    return bool(own and by and own == by)


def tenant_job(fn: Callable[[Event, JobContext], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An RQ job on one event: its tenant's context loaded (a tenant removed since is a clean skip, and so is a change
    DealCoach made itself); a wait the vendor asked for re-queues the job for then without spending a retry
    (`sync.retry`); a fatal error fails it at once; any other error goes back to RQ's retry schedule."""

    @functools.wraps(fn)
    def run(event_dict: dict[str, Any]) -> dict[str, Any]:
        event = Event.from_dict(event_dict)
        ctx = load_context(event)
        if ctx is None:
            return {"status": "skipped", "reason": "unknown_tenant"}
        if ctx.tenant.disconnected:
            # The CRM revoked DealCoach (uninstall): every job stops here, once, until the admin reinstalls.
            log.warning("sync.tenant.disconnected tenant=%s reason=%s", event.tenant, ctx.tenant.disconnected)
            return {"status": "skipped", "reason": "tenant_disconnected", "detail": ctx.tenant.disconnected}
        if _own_change(event, ctx):
            log.info("sync.event.own_change tenant=%s event=%s kind=%s", event.tenant, event.event_id, event.kind)
            return {"status": "skipped", "reason": "own_change"}
        before = usage_of(ctx.crm)
        ctx = _with_org_settings(ctx)
        try:
            result = _run(fn, event, ctx)
        finally:
            spent = usage_of(ctx.crm) - before
            record_usage(ctx.conn, ctx.tenant.id, ctx.crm, spent)
        return {**result, "crm_requests": spent.requests}

    return run


def _run(fn: Callable[[Event, JobContext], dict[str, Any]], event: Event, ctx: JobContext) -> dict[str, Any]:
    """The job body under the one retry decision."""
    try:
        return fn(event, ctx)
    except (RetryableCrmError, SpeechError) as exc:
        wait, job = wait_asked(exc), get_current_job()
        if wait is not None and job is not None and reschedule(job, wait, reason=exc.slug):
            return {"status": "rescheduled", "after_s": wait, "reason": exc.slug}
        _fail_fast_if_fatal(fn.__name__, exc)
        raise
    except CrmAuthError as exc:
        if exc.slug != DISCONNECTED:
            _fail_fast_if_fatal(fn.__name__, exc)
            raise
        # The CRM revoked DealCoach (uninstall, a revoked refresh token): this job and every later one stop here.
        ctx.runtime.tenants(ctx.conn).mark_disconnected(ctx.tenant.id, "refresh_token_revoked")
        log.warning("sync.tenant.disconnected tenant=%s reason=refresh_token_revoked", ctx.tenant.id)
        return {"status": "skipped", "reason": "tenant_disconnected", "detail": "refresh_token_revoked"}
    except (FatalCrmError, PartialWriteError) as exc:
        _fail_fast_if_fatal(fn.__name__, exc)
        raise


def _fail_fast_if_fatal(name: str, exc: Exception) -> None:
    """A fatal error (a 4xx other than 429/409, unusable input) fails the job at once: retrying cannot fix it."""
    if isinstance(exc, FatalCrmError) or not getattr(exc, "retryable", True):
        job = get_current_job()
        if job is not None:
            job.retries_left = 0
        log.error(
            "sync.job.fatal job=%s slug=%s status=%s", name, getattr(exc, "slug", "error"), getattr(exc, "status", None)
        )


def sla_context(conn: redis.Redis, tenant: Tenant, crm: Crm) -> SlaContext:
    return SlaContext(conn=conn, crm=crm, tenant_ctx=TenantContext.of(tenant))


def apply_sla(ctx: JobContext, deal: Deal) -> dict[str, int] | None:
    """Apply the SLA rules to one deal at the job's `now` (read once from the clock seam), when the tenant has them on."""
    if not ctx.tenant.settings.sla_enabled:
        return None
    return run_sla(SlaContext(conn=ctx.conn, crm=ctx.crm, tenant_ctx=ctx.tenant_ctx), deal, now=ctx.now)["applied"]


def write_with_sla(
    ctx: JobContext, deal: Deal, tasks: Sequence[TaskSpec], *, fence: DealLock, view: DealView
) -> tuple[dict[str, int] | None, dict[str, Action]]:
    """The job's own tasks and the SLA plan (when the tenant has SLA rules on), in the same batches, inside the deal
    lock the job holds: (SLA counts or None, key → action of the job's tasks)."""
    if not ctx.tenant.settings.sla_enabled:
        results = Writeback(ctx.conn, ctx.crm, ctx.tenant.id, deal.id, fence=fence, view=view).upsert_tasks(tasks)
        return None, {r.key: r.action for r in results}
    sla_ctx = SlaContext(conn=ctx.conn, crm=ctx.crm, tenant_ctx=ctx.tenant_ctx)
    result = run_sla(sla_ctx, deal, now=ctx.now, fence=fence, view=view, extra=tasks)
    return result["applied"], result["written"]
