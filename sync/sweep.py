"""The periodic SLA sweep: time-based rules (stale deals, cadences, post-contract follow-ups) need no event.

`enqueue_sweeps` runs from RQ's cron scheduler and queues one `sweep_tenant` job per tenant and period with a
deterministic id, so several schedulers (or a re-run) queue each sweep once; a sweep itself is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import datetime
from typing import Any

import redis
from rq import Queue, get_current_job
from rq.exceptions import DuplicateJobError

from connector import clock
from connector.base import Crm, CrmError, DealRecords
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.sweep import sweep_pages as hubspot_pages
from connector.models import Deal
from connector.salesforce.crm import SalesforceCrm
from connector.salesforce.sweep import sweep_pages as salesforce_pages
from sync import runtime
from sync.crm_usage import record_usage, usage_of
from sync.deal_view import DealView
from sync.job_context import shared_crm, sla_context
from sync.queue import SYNC
from sync.sla.apply import SlaContext, apply_page, plan_for_deal, run_sla
from sync.sla.engine import SlaPlan, plan_to_json
from sync.sla.status import pending_status, remember_written
from sync.writeback import DealLock, deal_lock

log = logging.getLogger("dealcoach.sync.sweep")


def sweep(
    conn: redis.Redis, tenant_id: str, *, now: datetime, dry_run: bool = False, plans: bool = True
) -> dict[str, Any]:
    """Evaluate every open (or recently closed) deal of a tenant; with `dry_run`, report the plan and write nothing.

    Each deal's line carries its plan unless `plans` is off: the job returns counts only, so it neither builds nor
    holds a plan per deal."""
    rt = runtime.current()
    tenant = rt.tenants(conn).get(tenant_id)
    if tenant is None:
        return {"tenant": tenant_id, "status": "skipped", "reason": "unknown_tenant"}
    if not tenant.settings.sla_enabled:
        return {"tenant": tenant_id, "status": "skipped", "reason": "sla_disabled"}
    crm = shared_crm(rt, conn, tenant)
    ctx = sla_context(conn, tenant, crm)
    before = usage_of(crm)
    deals: list[dict[str, Any]] = []
    failed: dict[str, str] = {}
    pages = _bulk_pages(crm)
    if pages is not None and not dry_run:
        for page in pages:
            views = [(deal, DealView(crm, deal.id, records=records)) for deal, records in page]
            _sweep_page(ctx, views, now, deals, failed, plans=plans)
    else:
        for deal, view in _deals(crm):
            deal_id = deal if isinstance(deal, str) else deal.id
            try:
                evaluated = crm.get_deal(deal) if isinstance(deal, str) else deal
                deals.append(run_sla(ctx, evaluated, now=now, dry_run=dry_run, view=view))
            except CrmError as exc:
                failed[deal_id] = exc.slug
                log.warning("sync.sweep.deal_failed tenant=%s deal=%s slug=%s", tenant_id, deal_id, exc.slug)
    totals = {k: sum(d["applied"][k] for d in deals) for k in ("created", "updated", "closed")}
    spent = usage_of(crm) - before
    record_usage(conn, tenant_id, crm, spent)
    log.info(
        "sync.sweep.done tenant=%s deals=%d dry_run=%s created=%d updated=%d closed=%d failed=%d",
        tenant_id,
        len(deals),
        dry_run,
        totals["created"],
        totals["updated"],
        totals["closed"],
        len(failed),
    )
    return {
        "tenant": tenant_id,
        "status": "done",
        "dry_run": dry_run,
        "deals": deals,
        "applied": totals,
        "failed": failed,
        "crm_requests": spent.requests,
    }


def _sweep_page(
    ctx: SlaContext,
    page: list[tuple[Deal, DealView]],
    now: datetime,
    deals: list[dict[str, Any]],
    failed: dict[str, str],
    *,
    plans: bool = True,
) -> None:
    """A page of deals read in bulk: each deal's plan made under its lock, then every write of the page in shared
    batches (one create, update and close call per page, split at the CRM's batch size), locks held until written.

    The page's records were read before the locks: a task another job wrote meanwhile is in the Redis map, which the
    upsert consults first, so it is updated rather than created again; a close it missed waits for the next sweep.
    """
    with ExitStack() as locks:
        entries: list[tuple[Deal, SlaPlan, DealView, DealLock]] = []
        for deal, view in page:
            try:
                fence = locks.enter_context(deal_lock(ctx.conn, ctx.tenant, deal.id))
                entries.append((deal, plan_for_deal(ctx, deal, now=now, view=view), view, fence))
            except CrmError as exc:
                failed[deal.id] = exc.slug
                log.warning("sync.sweep.deal_failed tenant=%s deal=%s slug=%s", ctx.tenant, deal.id, exc.slug)
        try:
            applied = apply_page(ctx, entries)
            _write_statuses(ctx, entries, now)
        except CrmError as exc:
            for deal, *_ in entries:
                failed[deal.id] = exc.slug
            log.warning("sync.sweep.page_failed tenant=%s deals=%d slug=%s", ctx.tenant, len(entries), exc.slug)
            return
    for (deal, plan, _, _), counts in zip(entries, applied, strict=True):
        deals.append(
            {"deal": deal.id, "plan": plan_to_json(plan), "applied": counts}
            if plans
            else {"deal": deal.id, "applied": counts}
        )


def _write_statuses(ctx: SlaContext, entries: list[tuple[Deal, SlaPlan, DealView, DealLock]], now: datetime) -> None:
    """The SLA status of the page's deals whose status changed (time made a task overdue, the plan closed the last
    one), in the CRM's batch deal writes: one request per 100 (HubSpot) or 200 (Salesforce) changed deals."""
    pending = pending_status(ctx.conn, ctx.tenant, [(deal.id, view.tasks()) for deal, _, view, _ in entries], now)
    if not pending:
        return
    for deal_id in ctx.crm.update_deals(pending):
        remember_written(ctx.conn, ctx.tenant, deal_id, pending[deal_id])
    log.info("sync.sweep.sla_status tenant=%s changed=%d", ctx.tenant, len(pending))


def _bulk_pages(crm: Crm) -> Iterator[list[tuple[Deal, DealRecords]]] | None:
    """Pages of deals with their records, read in bulk where the connector can (Salesforce: a few SOQL requests
    per 2,000 deals; HubSpot: a search page per 200 deals and a few batch reads per 1,000), else None."""
    if isinstance(crm, SalesforceCrm):
        return salesforce_pages(crm)
    if isinstance(crm, HubSpotCrm):
        return hubspot_pages(crm)
    return None


def _deals(crm: Crm) -> Iterator[tuple[Deal | str, DealView | None]]:
    """The deals to evaluate: in bulk pages where the connector can, else by id (each deal and its records read on
    its own, inside its lock)."""
    pages = _bulk_pages(crm)
    if pages is not None:
        for page in pages:
            for deal, records in page:
                yield deal, DealView(crm, deal.id, records=records)
        return
    for deal_id in crm.list_open_deals():
        yield deal_id, None


def sweep_tenant(tenant_id: str) -> dict[str, Any]:
    """RQ job: sweep one tenant now; a deal that fails is reported and retried by the next sweep."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("sweep_tenant runs inside an RQ worker; use `dealcoach sweep` from a shell")
    result = sweep(job.connection, tenant_id, now=clock.now(), plans=False)
    return {k: v for k, v in result.items() if k != "deals"} | {"deals": len(result.get("deals", []))}


def enqueue_sweeps() -> int:
    """Cron job: queue one sweep per tenant for the current period (ids `sweep-<tenant>-<period>`)."""
    job = get_current_job()
    rt = runtime.current()
    conn = job.connection if job is not None else rt.connection()
    interval = rt.config.sweep_interval_s
    period = int(clock.now().timestamp()) // interval
    queue = Queue(SYNC, connection=conn)
    queued = 0
    for tenant_id in rt.tenants(conn).list_ids():
        job_id = f"sweep-{tenant_id.replace(':', '-')}-{period}"
        try:
            queue.enqueue(
                sweep_tenant, tenant_id, job_id=job_id, unique=True, result_ttl=interval * 4, job_timeout=interval
            )
            queued += 1
        except DuplicateJobError:
            continue
    return queued
