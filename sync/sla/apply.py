"""Apply the pure SLA engine to one deal: build its state from the CRM and Redis, then write the plan idempotently.

The CRM is the truth for the deal, its activities and DealCoach's open tasks (their status shows what the rep
already did); Redis keeps the trigger events (calls with their scorecard, stage entries) that the CRM does not.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import redis

from connector.base import Crm
from connector.models import PRIORITIES, Deal, Priority, TaskSpec
from sync.sla.engine import SlaPlan, evaluate, plan_to_json
from sync.sla.state import state_from_json
from sync.state import DealState
from sync.tenant_context import TenantContext, settings_mapping
from sync.writeback import DealLock, Writeback, deal_lock

log = logging.getLogger("dealcoach.sync.sla")

_EVENTS = "dealcoach:slaevents:{}:{}"
EVENT_TTL_S = 400 * 24 * 3600


def record_sla_event(conn: redis.Redis, tenant: str, deal_id: str, event_id: str, event: dict[str, Any]) -> None:
    """Remember a trigger (idempotent per event id) for later evaluations and sweeps."""
    key = _EVENTS.format(tenant, deal_id)
    pipe = conn.pipeline(transaction=True)
    pipe.hset(key, event_id, json.dumps({**event, "deal": deal_id}, ensure_ascii=False, default=str))
    pipe.expire(key, EVENT_TTL_S)
    pipe.execute()


def _events(conn: redis.Redis, tenant: str, deal_id: str) -> list[dict[str, Any]]:
    return [json.loads(v) for v in cast(list[bytes], conn.hvals(_EVENTS.format(tenant, deal_id)))]


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def rule_of(key: str) -> str:
    """`deal-1/sla-thank_you_minutes/…` → `thank_you_minutes`; DealCoach's other tasks count toward the budget only."""
    for part in key.split("/"):
        if part.startswith("sla-"):
            return part[4:]
    return "coaching"


@dataclass(frozen=True)
class SlaContext:
    """What one evaluation needs besides the deal: Redis, the CRM, and the tenant's context (calendar, rules)."""

    conn: redis.Redis
    crm: Crm
    tenant_ctx: TenantContext

    @property
    def tenant(self) -> str:
        return self.tenant_ctx.id


def deal_state_json(ctx: SlaContext, deal: Deal, *, now: datetime) -> dict[str, Any]:
    """The contract state (docs/contracts.md) for one deal, read from the CRM and Redis."""
    settings = settings_mapping(ctx.tenant_ctx.settings)
    state = DealState(ctx.conn, ctx.tenant, deal.id)
    entry = state.current_entry(deal.stage)
    latest = state.latest_scorecard() or {}
    activities = ctx.crm.list_activities(deal_id=deal.id)
    last = max([a.at for a in activities] + ([deal.last_activity_at] if deal.last_activity_at else []), default=None)
    prefix = f"{ctx.tenant}/"
    tasks = [m for m in ctx.crm.list_marked(deal_id=deal.id, kind="task") if m.key.startswith(prefix)]
    return {
        "now": now.isoformat(),
        "tenant_settings": settings,
        "deals": [
            {
                "id": deal.id,
                "name": deal.name,
                "stage": deal.stage,
                "stage_order": ctx.tenant_ctx.stage_map.order(deal.stage),
                "owner": deal.owner_id,
                "manager": settings.get("manager_id"),
                "amount": deal.amount,
                "is_closed": deal.is_closed,
                "is_won": deal.is_won,
                "created_at": deal.created_at.isoformat() if deal.created_at else None,
                # The CRM's entry time, else the first observation of the current run; never a guess such as the
                # creation time, which would key stage-anchored tasks differently from one evaluation to the next.
                "stage_entered_at": _iso(deal.stage_entered_at or (entry.at if entry else None)),
                "last_activity_at": last.isoformat() if last else None,
                "bant": latest.get("bant"),
            }
        ],
        "events": _events(ctx.conn, ctx.tenant, deal.id),
        "activities": [
            {
                "deal": deal.id,
                "type": a.type,
                "at": a.at.isoformat(),
                "subject": a.subject,
                **({"direction": a.direction} if a.direction else {}),
            }
            for a in activities
        ],
        "open_tasks": [
            {
                "key": m.key[len(prefix) :],
                "deal": deal.id,
                "rule": rule_of(m.key),
                "due": m.due.isoformat() if m.due else None,
                "status": "completed" if m.is_completed else "open",
                **({"subject": m.subject} if m.subject else {}),
            }
            for m in tasks
        ],
    }


def plan_for_deal(ctx: SlaContext, deal: Deal, *, now: datetime) -> SlaPlan:
    """Evaluate every SLA rule for this deal, as of `now`."""
    state = state_from_json(deal_state_json(ctx, deal, now=now))
    tc = ctx.tenant_ctx
    return evaluate(
        state, tc.rules, now=now, calendar=tc.calendar, settings=state.tenant_settings, lang=tc.settings.language
    )


def _priority(value: str) -> Priority:
    """The rule's priority when the CRMs know it, else MEDIUM."""
    return next((p for p in PRIORITIES if p == value), "MEDIUM")


def apply_plan(ctx: SlaContext, deal: Deal, plan: SlaPlan, *, fence: DealLock) -> dict[str, int]:
    """Create and update the plan's tasks and close satisfied ones, batched and keyed by tenant + SLA key."""
    specs = [
        TaskSpec(
            key=f"{ctx.tenant}/{t.key}",
            deal_id=deal.id,
            subject=t.subject,
            body=t.description(),
            due=t.due,
            owner_id=t.owner or deal.owner_id,
            priority=_priority(t.priority),
        )
        for t in plan.create + plan.update
        if t.due is not None
    ]
    wb = Writeback(ctx.conn, ctx.crm, ctx.tenant, deal.id, fence=fence)
    results = wb.upsert_tasks(specs)
    closed = wb.close_tasks([f"{ctx.tenant}/{t.key}" for t in plan.close])
    summary = {
        "created": sum(r.action == "created" for r in results),
        "updated": sum(r.action == "updated" for r in results),
        "closed": closed,
    }
    if any(summary.values()):
        log.info(
            "sync.sla.engine.applied tenant=%s deal=%s created=%d updated=%d closed=%d",
            ctx.tenant,
            deal.id,
            summary["created"],
            summary["updated"],
            summary["closed"],
        )
    return summary


def run_sla(ctx: SlaContext, deal: Deal, *, now: datetime, dry_run: bool = False) -> dict[str, Any]:
    """Evaluate one deal and, unless `dry_run`, write the result; returns the plan (contract JSON) and counts.

    The plan is computed under the deal's lock: it reads the deal's open tasks, and a plan made from a list that
    another job is changing would create or close the wrong tasks.
    """
    if dry_run:
        plan = plan_for_deal(ctx, deal, now=now)
        return {"deal": deal.id, "plan": plan_to_json(plan), "applied": {"created": 0, "updated": 0, "closed": 0}}
    with deal_lock(ctx.conn, ctx.tenant, deal.id) as fence:
        plan = plan_for_deal(ctx, deal, now=now)
        applied = (
            {"created": 0, "updated": 0, "closed": 0} if plan.is_empty() else apply_plan(ctx, deal, plan, fence=fence)
        )
    return {"deal": deal.id, "plan": plan_to_json(plan), "applied": applied}
