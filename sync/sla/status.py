"""The deal's follow-up SLA status as a deal field (`dealcoach_sla_status`), for the CRMs' own reports.

Written only when it changes, and never with a request of its own on a call: the last status written is kept in
Redis (per tenant and deal), and the call job folds a change into the deal fields write it makes after scoring.
Other jobs and the SLA sweep hand their changes to `status_update` / `pending_status` and write them with a deal
write they make anyway (the sweep: in its batches).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any, cast

import redis

from connector.coaching_fields import SLA_STATUS
from connector.models import MarkedRecord
from sync.sla.apply import rule_of

_DEAL = "dealcoach:deal:{}:{}"
DUE_SOON = timedelta(hours=24)


def sla_status(tasks: Iterable[MarkedRecord], now: datetime) -> str:
    """`overdue` when an open SLA task is past due, `due_soon` when one is due within 24 hours, `on_track` when SLA
    tasks are open and none of these, `none` when no SLA task is open (DealCoach's coaching tasks do not count)."""
    dues = [t.due for t in tasks if rule_of(t.key) != "coaching" and not t.is_completed and t.due is not None]
    if not dues:
        return "none"
    first = min(dues)
    if first < now:
        return "overdue"
    return "due_soon" if first - now <= DUE_SOON else "on_track"


def written_status(conn: redis.Redis, tenant: str, deal_id: str) -> str | None:
    raw = cast(bytes | None, conn.hget(_DEAL.format(tenant, deal_id), "sla_status"))
    return raw.decode() if raw else None


def status_update(conn: redis.Redis, tenant: str, deal_id: str, status: str) -> dict[str, Any]:
    """`{"dealcoach_sla_status": status}` when it differs from what was last written, else `{}`."""
    return {} if written_status(conn, tenant, deal_id) == status else {SLA_STATUS: status}


def remember_written(conn: redis.Redis, tenant: str, deal_id: str, fields: Mapping[str, Any]) -> None:
    """After a deal write that carried the status: it is now what the CRM holds."""
    if SLA_STATUS in fields:
        conn.hset(_DEAL.format(tenant, deal_id), "sla_status", str(fields[SLA_STATUS]))


def remember_all_written(conn: redis.Redis, tenant: str, written: Mapping[str, Mapping[str, Any]]) -> None:
    """`remember_written` for many deals (the sweep's batch deal write), in one round trip."""
    pipe = conn.pipeline(transaction=False)
    for deal_id, fields in written.items():
        remember_written(pipe, tenant, deal_id, fields)
    pipe.execute()


def pending_status(
    conn: redis.Redis, tenant: str, deals: Iterable[tuple[str, Iterable[MarkedRecord]]], now: datetime
) -> dict[str, dict[str, Any]]:
    """For the SLA sweep: deal id → the status field to write, for the deals whose status changed (write them in
    the sweep's batch, then `remember_written` each)."""
    statuses = {deal_id: sla_status(tasks, now) for deal_id, tasks in deals}
    pipe = conn.pipeline(transaction=False)
    for deal_id in statuses:
        pipe.hget(_DEAL.format(tenant, deal_id), "sla_status")
    written = cast(list[bytes | None], pipe.execute())  # what `written_status` reads, for the page in one trip
    return {
        deal_id: {SLA_STATUS: status}
        for (deal_id, status), raw in zip(statuses.items(), written, strict=True)
        if (raw.decode() if raw else None) != status
    }
