"""Apply the pure SLA engine to one deal: build its state from the CRM and Redis, then write the plan idempotently.

The CRM is the truth for the deal, its activities and DealCoach's open tasks (their status shows what the rep
already did); Redis keeps the trigger events (calls with their scorecard, stage entries) that the CRM does not.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, cast

import redis

from connector.base import Crm
from connector.models import PRIORITIES, ActivityRef, Deal, Priority, TaskSpec
from sync.deal_view import DealView
from sync.sla.engine import SlaPlan, evaluate, plan_to_json
from sync.sla.page_reads import DealReads, read_page
from sync.sla.state import state_from_json
from sync.state import DealState
from sync.tenant_context import TenantContext, settings_mapping
from sync.writeback import Action, DealLock, TaskWrites, Writeback, commit_tasks, deal_lock, known_keys

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


def known_calls(conn: redis.Redis, tenant: str, deal_id: str) -> dict[str, ActivityRef]:
    """The deal's calls DealCoach has processed (call id → the activity they are): a read of the deal's records
    need not read them from the CRM again."""
    out: dict[str, ActivityRef] = {}
    for name, raw in cast(dict[bytes, bytes], conn.hgetall(_EVENTS.format(tenant, deal_id))).items():
        field = name.decode()
        if field.startswith("call-"):
            event = json.loads(raw)
            if event.get("kind") == "call.logged" and event.get("at"):
                at = datetime.fromisoformat(event["at"])
                out[field[5:]] = ActivityRef(type="call", at=at, subject=event.get("title") or "")
    return out


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

    @cached_property
    def settings(self) -> dict[str, Any]:
        """The tenant's settings as the contract's mapping, built once per context (a sweep page shares it)."""
        return settings_mapping(self.tenant_ctx.settings)


def _manager(ctx: SlaContext, owner_id: str | None) -> str | None:
    """The owner's escalation manager; their teams are read (once per cache period) only when the tenant names team
    managers and none for this owner."""
    settings = ctx.tenant_ctx.settings
    if not owner_id or not settings.team_managers or owner_id in settings.managers:
        return settings.manager_for(owner_id)
    return settings.manager_for(owner_id, ctx.crm.owner_teams(owner_id))


def deal_state_json(
    ctx: SlaContext, deal: Deal, *, now: datetime, view: DealView | None = None, reads: DealReads | None = None
) -> dict[str, Any]:
    """The contract state (docs/contracts.md) for one deal, read from the CRM (through the job's view) and Redis
    (or from `reads`, the sweep page's one read of the same keys)."""
    view = view or DealView(ctx.crm, deal.id)
    settings = ctx.settings
    if reads is None:
        state = DealState(ctx.conn, ctx.tenant, deal.id)
        reads = DealReads([], state.latest_scorecard(), _events(ctx.conn, ctx.tenant, deal.id))
        entry = state.current_entry(deal.stage)
    else:
        entry = reads.current_entry(deal.stage)
    latest = reads.scorecard or {}
    activities = view.activities()
    last = max([a.at for a in activities] + ([deal.last_activity_at] if deal.last_activity_at else []), default=None)
    prefix = f"{ctx.tenant}/"
    tasks = [m for m in view.tasks() if m.key.startswith(prefix)]
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
                "manager": _manager(ctx, deal.owner_id),
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
        "events": reads.events,
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


def plan_for_deal(
    ctx: SlaContext, deal: Deal, *, now: datetime, view: DealView | None = None, reads: DealReads | None = None
) -> SlaPlan:
    """Evaluate every SLA rule for this deal, as of `now`."""
    state = state_from_json(deal_state_json(ctx, deal, now=now, view=view, reads=reads))
    tc = ctx.tenant_ctx
    return evaluate(
        state, tc.rules, now=now, calendar=tc.calendar, settings=state.tenant_settings, lang=tc.settings.language
    )


def _priority(value: str) -> Priority:
    """The rule's priority when the CRMs know it, else MEDIUM."""
    return next((p for p in PRIORITIES if p == value), "MEDIUM")


def plan_specs(ctx: SlaContext, deal: Deal, plan: SlaPlan) -> list[TaskSpec]:
    """The plan's tasks to create or update, keyed by tenant + SLA key."""
    return [
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


def apply_plan(
    ctx: SlaContext,
    deal: Deal,
    plan: SlaPlan,
    *,
    fence: DealLock,
    view: DealView | None = None,
    extra: Sequence[TaskSpec] = (),
) -> tuple[dict[str, int], dict[str, Action]]:
    """Create and update the plan's tasks (with the job's `extra` tasks in the same batches) and close satisfied
    ones, keyed by tenant + SLA key; the SLA counts, and key → action for the extra tasks."""
    specs = plan_specs(ctx, deal, plan)
    wb = Writeback(ctx.conn, ctx.crm, ctx.tenant, deal.id, fence=fence, view=view)
    extra_keys = {s.key for s in extra}
    results = wb.upsert_tasks([s for s in specs if s.key not in extra_keys] + list(extra))
    closed = wb.close_tasks([f"{ctx.tenant}/{t.key}" for t in plan.close]) if plan.close else 0
    own = [r for r in results if r.key not in extra_keys]
    summary = {
        "created": sum(r.action == "created" for r in own),
        "updated": sum(r.action == "updated" for r in own),
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
    return summary, {r.key: r.action for r in results if r.key in extra_keys}


def page_reads(ctx: SlaContext, deal_ids: Sequence[str]) -> dict[str, DealReads]:
    """The Redis reads of a sweep page's evaluations, in one round trip (after the page's locks are taken)."""
    return read_page(ctx.conn, ctx.tenant, deal_ids, _EVENTS)


def apply_page(ctx: SlaContext, entries: Sequence[tuple[Deal, SlaPlan, DealView, DealLock]]) -> list[dict[str, int]]:
    """Write the plans of a page of deals (the sweep) in shared batches: one create, one update and one close call
    for the page, each split by the connector at the CRM's batch size; the counts per deal, in order. The Redis map
    is read for the whole page at once."""
    batch: list[tuple[Writeback, TaskWrites]] = []
    closes: list[tuple[Writeback, str]] = []
    closed: list[int] = []
    specs = [plan_specs(ctx, deal, plan) for deal, plan, _, _ in entries]
    known = known_keys(ctx.conn, ctx.tenant, [s.key for deal_specs in specs for s in deal_specs])
    for (deal, plan, view, fence), deal_specs in zip(entries, specs, strict=True):
        wb = Writeback(ctx.conn, ctx.crm, ctx.tenant, deal.id, fence=fence, view=view)
        batch.append((wb, wb.decide_tasks(deal_specs, known=known)))
        ids = wb.open_task_ids([f"{ctx.tenant}/{t.key}" for t in plan.close])
        closes += [(wb, i) for i in ids]
        closed.append(len(ids))
    commit_tasks(batch, close=closes)
    return [
        {
            "created": sum(r.action == "created" for r in writes.results.values()),
            "updated": sum(r.action == "updated" for r in writes.results.values()),
            "closed": n,
        }
        for (_, writes), n in zip(batch, closed, strict=True)
    ]


def run_sla(
    ctx: SlaContext,
    deal: Deal,
    *,
    now: datetime,
    dry_run: bool = False,
    fence: DealLock | None = None,
    view: DealView | None = None,
    extra: Sequence[TaskSpec] = (),
) -> dict[str, Any]:
    """Evaluate one deal and, unless `dry_run`, write the result; returns the plan (contract JSON) and counts.

    The plan is computed under the deal's lock: it reads the deal's open tasks, and a plan made from a list that
    another job is changing would create or close the wrong tasks. A job that already holds the lock passes its
    `fence` and its `view` of the deal (one read of the deal's records per job), and may hand its own tasks
    (`extra`) to be written in the plan's batches; `written` gives their key → action.
    """
    if dry_run:
        plan = plan_for_deal(ctx, deal, now=now, view=view)
        return {"deal": deal.id, "plan": plan_to_json(plan), "applied": {"created": 0, "updated": 0, "closed": 0}}
    if fence is not None:
        return _plan_and_apply(ctx, deal, now=now, fence=fence, view=view or DealView(ctx.crm, deal.id), extra=extra)
    with deal_lock(ctx.conn, ctx.tenant, deal.id) as held:
        return _plan_and_apply(ctx, deal, now=now, fence=held, view=view or DealView(ctx.crm, deal.id), extra=extra)


def _plan_and_apply(
    ctx: SlaContext, deal: Deal, *, now: datetime, fence: DealLock, view: DealView, extra: Sequence[TaskSpec]
) -> dict[str, Any]:
    view.pending(extra)
    plan = plan_for_deal(ctx, deal, now=now, view=view)
    applied: dict[str, int] = {"created": 0, "updated": 0, "closed": 0}
    written: dict[str, Action] = {}
    if not plan.is_empty() or extra:
        applied, written = apply_plan(ctx, deal, plan, fence=fence, view=view, extra=extra)
    return {"deal": deal.id, "plan": plan_to_json(plan), "applied": applied, "written": written}
