"""`dealcoach report`: read one tenant's month from its CRM and build the report (HTML, JSON or CSV)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import redis

from connector.report_records import ReportSource
from scoring.rubric import load_rubric
from sync import runtime
from sync.report import months as m
from sync.report.build import Report, build_report
from sync.report.collect import report_input
from sync.report.monthly import ROWS
from sync.report.settings import report_settings
from sync.tenant_context import TenantContext

# Activities before the fiscal year still decide first follow-ups and replies early in it.
LOOKBACK = timedelta(days=60)
IMPORTANT_FROM_ORDER = 3


class ReportError(ValueError):
    """A report that cannot be made as asked (unknown tenant, team or rep; a CRM it cannot read yet)."""


def make_report(
    conn: redis.Redis, tenant_id: str, *, month: date, now: datetime, team: str | None = None, rep: str | None = None
) -> Report:
    """Read the tenant's deals, activities and DealCoach fields from its CRM, then build every section."""
    rt = runtime.current()
    tenant = rt.tenants(conn).get(tenant_id)
    if tenant is None:
        raise ReportError(f"unknown tenant {tenant_id!r}: `dealcoach tenants list` shows the registered ones")
    try:
        settings = report_settings(tenant.settings)
    except ValueError as exc:
        raise ReportError(f"{tenant_id}: settings {exc}") from None
    crm = rt.crm(tenant)
    if not isinstance(crm, ReportSource):
        raise ReportError(f"{tenant_id}: the report cannot read {tenant.provider} CRMs")
    first = m.fiscal_months(month, settings.fiscal_year_start_month)[0]
    since = m.bounds(first, settings.timezone)[0] - LOOKBACK
    ctx = TenantContext.of(tenant)

    def important(stage: str) -> bool:
        order = ctx.stage_map.order(stage)
        return order is not None and order >= IMPORTANT_FROM_ORDER

    data = report_input(
        crm.report_records(since=since), tenant=tenant_id, month=month, settings=settings, now=now, important=important
    )
    rubric = load_rubric(tenant.settings.rubric, settings.language)
    try:
        return build_report(
            data,
            generated_at=now,
            team=team,
            rep=rep,
            phase_names={p.id: p.label for p in rubric.phases},
            check_names={c.id: c.text for p in rubric.phases for i in p.items for c in i.checks},
        )
    except ValueError as exc:
        raise ReportError(str(exc)) from None


def to_csv(report: Report) -> str:
    """The monthly tables as CSV: one line per table and row, months then the total."""
    out = io.StringIO()
    writer = csv.writer(out)
    L = report.labels
    for table in report.tables:
        cols = [*table.months, table.total]
        writer.writerow([table.title, *(c.label for c in cols)])
        for row, _ in ROWS:
            writer.writerow([L.rows[row], *("" if c.values.get(row) is None else c.values[row] for c in cols)])
    return out.getvalue()
