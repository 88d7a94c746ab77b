"""The monthly digest: on the 1st, each manager gets last month's report as a task in the CRM, with a summary a
manager reads in 30 seconds and the full HTML report attached. RQ's cron queues one job per tenant and month
(`digest-<tenant>-<YYYY-MM>`), and each post is keyed, so a repeated run posts nothing twice."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis
from rq import Queue, get_current_job
from rq.exceptions import DuplicateJobError

from connector import clock
from connector.report_records import ReportSource
from sync import runtime
from sync.queue import SYNC
from sync.report import months as m
from sync.report.build import Report
from sync.report.html import render_html
from sync.report.run import ReportError, make_report
from sync.report.settings import report_settings

log = logging.getLogger("dealcoach.sync.report")
DIGEST_CRON = "0 0 1 * *"  # 00:00 UTC on the 1st = 09:00 JST


def _money(value: float | None, none: str) -> str:
    return none if value is None else f"{value:,.0f}"


def _rate(value: float | None, none: str) -> str:
    return none if value is None else f"{value * 100:.0f}%"


def digest_text(report: Report, scope: str, file_name: str) -> tuple[str, str]:
    """Subject and the six-line body of a manager's digest, in the tenant's language."""
    L = report.labels
    none = L.t("none")
    col = report.tables[0].months[-1].values
    kpis = {k.id: k for k in report.kpis}
    hours = kpis["thank_you_hours"].value
    judged = [c for c in report.sla if c.on_time_rate is not None]
    on_time = sum(c.on_time for c in judged) / sum(c.on_time + c.late + c.missed for c in judged) if judged else None
    stale = "、".join(f"{s.name} {s.idle_days}d" for s in report.stale[:3]) or none
    lifts = (
        "、".join(
            f"{report.reps[r].name if r in report.reps else r} → {report.check_names.get(items[0].check_id, items[0].check_id)}"
            for r, items in report.lifts.items()
            if items
        )
        or none
    )
    lines = [
        L.t(
            "digest_sales",
            sales=_money(col["sales"], none),
            target=_money(col["target"], none),
            rate=_rate(col["achievement"], none),
            orders=int(col["orders"] or 0),
        ),
        L.t(
            "digest_pipeline",
            sure=int(col["shodan_sure_count"] or 0),
            sure_amount=_money(col["shodan_sure_amount"], none),
            maybe=int(col["shodan_maybe_count"] or 0),
            maybe_amount=_money(col["shodan_maybe_amount"], none),
            wadai=int(col["wadai_count"] or 0),
            botsu=int(col["botsu_count"] or 0),
        ),
        L.t("digest_follow", hours=none if hours is None else f"{hours:.1f}h", sla=_rate(on_time, none)),
        L.t("digest_stale", count=len(report.stale), deals=stale),
        L.t("digest_lift", items=lifts),
        L.t("digest_attached", file=file_name),
    ]
    return L.t("digest_subject", month=m.key(report.month), scope=scope), "\n".join(lines)


def team_name(report: Report, team: str) -> str:
    """The team's name as the CRM gives it on its members, else its id."""
    return next((r.team_name for r in report.reps.values() if r.team_id == team and r.team_name), team)


def previous_month(now: datetime, timezone: str) -> date:
    """The month before the one `now` falls in, in the tenant's zone: what a digest on the 1st reports."""
    local = now.astimezone(ZoneInfo(timezone))
    return date(local.year - (local.month == 1), (local.month - 2) % 12 + 1, 1)


def post_digests(conn: redis.Redis, tenant_id: str, *, month: date, now: datetime) -> dict[str, Any]:
    """One digest per manager: the tenant's manager gets the whole tenant, each `report.managers` entry its team."""
    rt = runtime.current()
    tenant = rt.tenants(conn).get(tenant_id)
    if tenant is None:
        return {"tenant": tenant_id, "status": "skipped", "reason": "unknown_tenant"}
    settings = report_settings(tenant.settings)
    targets: list[tuple[str, str | None]] = [(team, owner) for team, owner in settings.managers.items()]
    if tenant.settings.manager_id:
        targets.insert(0, ("", tenant.settings.manager_id))
    crm = rt.crm(tenant)
    if not targets or not isinstance(crm, ReportSource):
        reason = "no_manager" if not targets else "crm_not_supported"
        return {"tenant": tenant_id, "status": "skipped", "reason": reason}
    posted = []
    for team, owner in targets:
        report = make_report(conn, tenant_id, month=month, now=now, team=team or None)
        scope = team_name(report, team) if team else tenant.name or tenant_id
        file_name = f"dealcoach-report-{m.key(month)}{'-' + team if team else ''}.html"
        subject, body = digest_text(report, scope, file_name)
        key = f"{tenant_id}/digest-{m.key(month)}/{team or 'all'}/{owner}"
        task_id = crm.post_digest(
            key=key,
            owner_id=str(owner),
            subject=subject,
            body=body,
            file_name=file_name,
            html=render_html(report),
            at=now,
        )
        posted.append({"team": team or None, "owner": owner, "task": task_id})
        log.info("sync.report.digest_posted tenant=%s month=%s team=%s", tenant_id, m.key(month), team or "all")
    return {"tenant": tenant_id, "status": "done", "month": m.key(month), "posted": posted}


def digest_tenant(tenant_id: str, month_key: str) -> dict[str, Any]:
    """RQ job: post one tenant's digests for one month."""
    job = get_current_job()
    if job is None:
        raise RuntimeError("digest_tenant runs inside an RQ worker")
    try:
        return post_digests(job.connection, tenant_id, month=m.parse_month(month_key), now=clock.now())
    except ReportError as exc:
        log.warning("sync.report.digest_refused tenant=%s reason=%s", tenant_id, exc)
        return {"tenant": tenant_id, "status": "refused", "reason": str(exc)}


def enqueue_digests(conn: redis.Redis | None = None) -> int:
    """Cron job (the 1st of the month): queue one digest per tenant for last month, id `digest-<tenant>-<YYYY-MM>`."""
    job = get_current_job()
    rt = runtime.current()
    conn = conn or (job.connection if job is not None else rt.connection())
    queue = Queue(SYNC, connection=conn)
    queued = 0
    for tenant_id in rt.tenants(conn).list_ids():
        tenant = rt.tenants(conn).get(tenant_id)
        month = previous_month(clock.now(), tenant.settings.timezone if tenant else "Asia/Tokyo")
        job_id = f"digest-{tenant_id.replace(':', '-')}-{m.key(month)}"
        try:
            queue.enqueue(digest_tenant, tenant_id, m.key(month), job_id=job_id, unique=True, result_ttl=86400 * 40)
            queued += 1
        except DuplicateJobError:
            continue
    return queued
