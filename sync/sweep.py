"""The periodic SLA sweep: time-based rules (stale deals, cadences, post-contract follow-ups) need no event.

`enqueue_sweeps` runs from RQ's cron scheduler and queues each tenant's first page job for the current period with
a deterministic id (`sweep-<tenant>-<period>`), so several schedulers (or a re-run) queue each sweep once. A page
job (`sweep_tenant`) reads its page of deals and, before working on it, queues the job of the next page by its
keyset cursor (`sweep-<tenant>-<period>-<cursor>`), so several workers sweep one tenant's pages at once; each page
takes its own locks, reads and write batches, and a retried page writes nothing twice (the idempotent upsert).
`sweep` runs the same pages in one process (the CLI, tests).
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import redis
from rq import Queue, Retry, get_current_job
from rq.exceptions import DuplicateJobError

from connector import clock
from connector.base import Crm, CrmError, DealRecords, SweepPage
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.sweep import sweep_page as hubspot_page
from connector.hubspot.sweep import sweep_pages as hubspot_pages
from connector.models import Deal
from connector.salesforce.crm import SalesforceCrm
from connector.salesforce.sweep import sweep_page as salesforce_page
from connector.salesforce.sweep import sweep_pages as salesforce_pages
from sync import runtime
from sync.crm_usage import record_usage, usage_of
from sync.deal_view import DealView
from sync.job_context import shared_crm, sla_context
from sync.queue import SYNC
from sync.sla.apply import SlaContext, apply_page, page_reads, plan_for_deal, run_sla
from sync.sla.engine import SlaPlan, plan_to_json
from sync.sla.status import pending_status, remember_all_written
from sync.sweep_incremental import CachedPage, Source, choose_source, completed
from sync.sweep_incremental import read_page as incremental_page
from sync.sweep_progress import page_done, page_queued
from sync.sweep_settings import sweep_settings
from sync.writeback import LOCK_TIMEOUT_S, DealLock, page_locks

log = logging.getLogger("dealcoach.sync.sweep")
BUSY = "sync.lock_busy"
# Another sweep.yaml than the packaged one (the benchmark's back-to-back sweeps need no search-lag overlap).
SETTINGS_ENV = "DEALCOACH_SWEEP_SETTINGS"


def sweep(
    conn: redis.Redis,
    tenant_id: str,
    *,
    now: datetime,
    dry_run: bool = False,
    plans: bool = True,
    page_size: int | None = None,
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
    cursor: str | None = ""
    mode = "crm"
    if not dry_run and isinstance(crm, HubSpotCrm):
        settings = sweep_settings(rt.config.env.get(SETTINGS_ENV, ""))
        source = choose_source(conn, crm, tenant_id, int(now.timestamp() * 1000), now, settings)
        while cursor is not None:
            cached = incremental_page(conn, crm, tenant_id, source, cursor, now=now, ttl_s=settings.ttl_s,
                                      chunk=page_size)  # fmt: skip
            _sweep_page(ctx, cached.deals, now, deals, failed, plans=plans, cached=cached)
            cursor = cached.next_cursor
        completed(conn, tenant_id, source, settings.ttl_s)
        mode = source.mode
    elif not dry_run and _bulk_pages(crm) is not None:
        while cursor is not None:
            page = read_page(crm, cursor, page_size)
            assert page is not None
            _sweep_page(ctx, _views(crm, page), now, deals, failed, plans=plans)
            cursor = page.next_cursor
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
        "source": mode,
    }


def _sweep_page(
    ctx: SlaContext,
    page: list[tuple[Deal, DealView]],
    now: datetime,
    deals: list[dict[str, Any]],
    failed: dict[str, str],
    *,
    plans: bool = True,
    cached: CachedPage | None = None,
) -> None:
    """A page of deals read in bulk: each deal's plan made under its lock, then every write of the page in shared
    batches (one create, update and close call per page, split at the CRM's batch size), locks held until written.

    The page's records were read before the locks: a task another job wrote meanwhile is in the Redis map, which the
    upsert consults first, so it is updated rather than created again; a close it missed waits for the next sweep.
    The page's locks are taken together (`page_locks`); a deal another job still holds after the wait is left to the
    next sweep (reported as `sync.lock_busy`).

    With the incremental sweep's page (`cached`), a deal another job wrote to since its records were read is read
    again inside its lock, and after the writes the page's deals are stored in the sweep cache as they now stand."""
    with page_locks(ctx.conn, ctx.tenant, [deal.id for deal, _ in page]) as locks:
        entries: list[tuple[Deal, SlaPlan, DealView, DealLock]] = []
        reads = page_reads(ctx, list(locks))
        stale = cached.stale_now(ctx.conn, ctx.tenant, list(locks)) if cached is not None else set()
        for deal, view in page:
            fence = locks.get(deal.id)
            if fence is None:
                failed[deal.id] = BUSY
                continue
            if deal.id in stale:
                view = DealView(ctx.crm, deal.id)
            try:
                plan = plan_for_deal(ctx, deal, now=now, view=view, reads=reads[deal.id])
                entries.append((deal, plan, view, fence))
            except CrmError as exc:
                failed[deal.id] = exc.slug
                log.warning("sync.sweep.deal_failed tenant=%s deal=%s slug=%s", ctx.tenant, deal.id, exc.slug)
        try:
            applied = apply_page(ctx, entries)
            _write_statuses(ctx, entries, now)
            if cached is not None:
                cached.store(ctx.conn, ctx.tenant, [(deal, view) for deal, _, view, _ in entries], stale)
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
    remember_all_written(ctx.conn, ctx.tenant, {d: pending[d] for d in ctx.crm.update_deals(pending)})
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


def read_page(crm: Crm, cursor: str, page_size: int | None = None) -> SweepPage | None:
    """The page of deals after `cursor` ("" for the first), read in bulk; None when the connector has no bulk path.
    `page_size` (tests) else the connector's: 2,000 Opportunities, 1,000 HubSpot deals."""
    if isinstance(crm, SalesforceCrm):
        return salesforce_page(crm, cursor, **({"page_size": page_size} if page_size else {}))
    if isinstance(crm, HubSpotCrm):
        return hubspot_page(crm, cursor, **({"chunk": page_size} if page_size else {}))
    return None


def _views(crm: Crm, page: SweepPage) -> list[tuple[Deal, DealView]]:
    return [(deal, DealView(crm, deal.id, records=records)) for deal, records in page.deals]


def job_id(tenant_id: str, period: int, cursor: str = "") -> str:
    """`sweep-<tenant>-<period>` for the first page, `…-<cursor>` for the next ones (RQ ids: letters, digits, _, -)."""
    return f"sweep-{tenant_id.replace(':', '-')}-{period}" + (f"-{cursor}" if cursor else "")


def enqueue_page(
    conn: redis.Redis,
    tenant_id: str,
    period: int,
    cursor: str = "",
    *,
    page_size: int | None = None,
    source: str = "",
) -> bool:
    """Queue the page job after `cursor` once per period (counted in the sweep's progress first); False if queued.
    `page_size` (tests) and the period's `source` (HubSpot: cache or full read, chosen by the first page) travel
    down the chain."""
    interval = runtime.current().config.sweep_interval_s
    page_queued(conn, tenant_id, period, cursor, ttl_s=interval * 4, now_s=time.time())
    try:
        Queue(SYNC, connection=conn).enqueue(
            sweep_tenant,
            tenant_id,
            period,
            cursor,
            page_size,
            *([source] if source else []),
            job_id=job_id(tenant_id, period, cursor),
            unique=True,
            result_ttl=interval * 4,
            job_timeout=interval,
            retry=PAGE_RETRY,
        )
    except DuplicateJobError:
        return False
    return True


# A page job that failed (a crashed worker's abandoned job included) is retried, its writes idempotent; the first
# retry comes after a dead attempt's deal locks have lapsed, so it does not wait for them and leave the page undone.
PAGE_RETRY = Retry(max=3, interval=[LOCK_TIMEOUT_S + 30, 300, 900])


def sweep_tenant(
    tenant_id: str, period: int | None = None, cursor: str = "", page_size: int | None = None, source: str = ""
) -> dict[str, Any]:
    """RQ job: sweep one page of a tenant's deals, after queueing the next page's job; a deal that fails is
    reported and retried by the next sweep. Without a period (a job queued before page jobs), the first page now."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("sweep_tenant runs inside an RQ worker; use `dealcoach sweep` from a shell")
    conn, rt, started = job.connection, runtime.current(), time.process_time()
    period = period if period is not None else int(clock.now().timestamp()) // rt.config.sweep_interval_s
    tenant = rt.tenants(conn).get(tenant_id)
    if tenant is None or not tenant.settings.sla_enabled:
        reason = "unknown_tenant" if tenant is None else "sla_disabled"
        return {"tenant": tenant_id, "status": "skipped", "reason": reason}
    crm = shared_crm(rt, conn, tenant)
    before = usage_of(crm)
    if isinstance(crm, HubSpotCrm):
        return _hubspot_page_job(conn, crm, tenant_id, period, cursor, page_size, source, before, started)
    page = read_page(crm, cursor, page_size)
    if page is None:  # no bulk reads for this CRM: the whole sweep in this job
        result = sweep(conn, tenant_id, now=clock.now(), plans=False)
        page = SweepPage([], None)
        deals, failed, totals = result["deals"], result["failed"], result["applied"]
    else:
        if page.next_cursor is not None:
            enqueue_page(conn, tenant_id, period, page.next_cursor, page_size=page_size)
        deals, failed = [], {}
        _sweep_page(sla_context(conn, tenant, crm), _views(crm, page), clock.now(), deals, failed, plans=False)
        totals = {k: sum(d["applied"][k] for d in deals) for k in ("created", "updated", "closed")}
        record_usage(conn, tenant_id, crm, usage_of(crm) - before)
    _, result = _finish_page(
        conn, crm, tenant_id, period, cursor, page.next_cursor, deals, failed, totals, before, started
    )
    return result


def _finish_page(
    conn: redis.Redis,
    crm: Crm,
    tenant_id: str,
    period: int,
    cursor: str,
    next_cursor: str | None,
    deals: list[dict[str, Any]],
    failed: dict[str, str],
    totals: dict[str, int],
    before: Any,
    started: float,
    source: str | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Record a page job as done (its counts, CPU and RSS) and log it; True when it finished the period's sweep."""
    spent = usage_of(crm) - before
    counts = {"deals": len(deals), "failed": len(failed), **totals}
    usage = {"cpu_s": time.process_time() - started, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    done = page_done(
        conn,
        tenant_id,
        period,
        cursor,
        counts | usage,
        last=next_cursor is None,
        ttl_s=runtime.current().config.sweep_interval_s * 4,
        now_s=time.time(),
    )
    if source is None:
        log.info("sync.sweep.page tenant=%s period=%d deals=%d failed=%d", tenant_id, period, len(deals), len(failed))
    else:
        log.info(
            "sync.sweep.page tenant=%s period=%d source=%s deals=%d failed=%d",
            tenant_id,
            period,
            source,
            len(deals),
            len(failed),
        )
    result: dict[str, Any] = {"tenant": tenant_id, "status": "done", "period": period, "cursor": cursor}
    result["next"] = next_cursor
    if source is not None:
        result["source"] = source
    result |= {"applied": totals, "failed": failed, "crm_requests": spent.requests, "deals": len(deals)}
    return done, result


def _hubspot_page_job(
    conn: redis.Redis,
    crm: HubSpotCrm,
    tenant_id: str,
    period: int,
    cursor: str,
    page_size: int | None,
    encoded: str,
    before: Any,
    started: float,
) -> dict[str, Any]:
    """A HubSpot page job of the incremental sweep: the first page chooses the period's source (the cache after a
    delta, or a full read), every page reads its deals from it, plans and writes them, and keeps the cache."""
    rt, now = runtime.current(), clock.now()
    settings = sweep_settings(rt.config.env.get(SETTINGS_ENV, ""))
    tenant = rt.tenants(conn).get(tenant_id)
    assert tenant is not None
    source = Source.decode(encoded) if encoded else choose_source(conn, crm, tenant_id, period, now, settings)
    page = incremental_page(conn, crm, tenant_id, source, cursor, now=now, ttl_s=settings.ttl_s, chunk=page_size)
    if page.next_cursor is not None:
        enqueue_page(conn, tenant_id, period, page.next_cursor, page_size=page_size, source=source.encode())
    deals: list[dict[str, Any]] = []
    failed: dict[str, str] = {}
    _sweep_page(sla_context(conn, tenant, crm), page.deals, now, deals, failed, plans=False, cached=page)
    totals = {k: sum(d["applied"][k] for d in deals) for k in ("created", "updated", "closed")}
    record_usage(conn, tenant_id, crm, usage_of(crm) - before)
    done, result = _finish_page(
        conn, crm, tenant_id, period, cursor, page.next_cursor, deals, failed, totals, before, started, source.mode
    )
    if done:
        completed(conn, tenant_id, source, settings.ttl_s)
    return result


def enqueue_sweeps() -> int:
    """Cron job: queue each tenant's first page job for the current period (ids `sweep-<tenant>-<period>`)."""
    job = get_current_job()
    rt = runtime.current()
    conn = job.connection if job is not None else rt.connection()
    period = int(clock.now().timestamp()) // rt.config.sweep_interval_s
    return sum(enqueue_page(conn, tenant_id, period) for tenant_id in rt.tenants(conn).list_ids())
