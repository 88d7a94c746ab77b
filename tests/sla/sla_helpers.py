"""Builders for SLA state documents (the contract JSON) and a fake writer that applies plans, so tests read as scenarios."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync.sla.business_calendar import BusinessCalendar
from sync.sla.engine import SlaPlan, evaluate, plan_to_json
from sync.sla.rules import SlaRules, default_sla_rules
from sync.sla.state import state_from_json

TOKYO = ZoneInfo("Asia/Tokyo")
CAL = BusinessCalendar()


def jst(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=TOKYO)


def iso(dt: datetime) -> str:
    return dt.isoformat()


def deal(id: str = "D1", **fields: Any) -> dict[str, Any]:
    """An open deal at stage order 3 with a recent activity, unless told otherwise."""
    d = {"id": id, "name": f"案件{id}", "stage": "presentationscheduled", "stage_order": 3, "owner": "u-owner",
         "manager": "u-manager", "amount": 1_000_000, "is_closed": False, "is_won": False,
         "created_at": "2026-10-01T10:00:00+09:00", "stage_entered_at": "2026-11-02T10:00:00+09:00",
         "last_activity_at": "2026-11-16T10:00:00+09:00"}
    d.update(fields)
    return d


def call(deal_id: str = "D1", at: datetime = jst(2026, 11, 20, 16), ended: datetime | None = jst(2026, 11, 20, 17),
         **data: Any) -> dict[str, Any]:
    """A call.logged event (a scored meeting), with kind-specific fields passed through."""
    ev = {"kind": "call.logged", "deal": deal_id, "at": iso(at), **data}
    if ended is not None:
        ev["ended_at"] = iso(ended)
    return ev


def activity(type: str, at: datetime, subject: str = "", deal_id: str = "D1", **extra: Any) -> dict[str, Any]:
    return {"deal": deal_id, "type": type, "at": iso(at), "subject": subject, **extra}


def state(now: datetime, deals: list[dict[str, Any]], events: list[dict[str, Any]] | None = None,
          activities: list[dict[str, Any]] | None = None, open_tasks: list[dict[str, Any]] | None = None,
          settings: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {"now": iso(now), "deals": list(deals), "events": list(events or []),
                           "activities": list(activities or []), "open_tasks": list(open_tasks or [])}
    if settings is not None:
        doc["tenant_settings"] = settings
    return doc


def run(doc: dict[str, Any], *, lang: str = "ja", rules: SlaRules | None = None,
        settings: dict[str, Any] | None = None, cal: BusinessCalendar = CAL) -> SlaPlan:
    st = state_from_json(doc)
    return evaluate(st, rules or default_sla_rules(), now=st.now, calendar=cal, settings=settings, lang=lang)


def keys(tasks: list[Any]) -> list[str]:
    return sorted(t.key for t in tasks)


def rules_of(tasks: list[Any]) -> list[str]:
    return sorted(t.rule for t in tasks)


def apply(doc: dict[str, Any], plan: SlaPlan, *, now: datetime | None = None) -> dict[str, Any]:
    """What an idempotent writer leaves in the CRM after the plan: created/updated tasks open, closed ones completed."""
    out = copy.deepcopy(doc)
    tasks = {t["key"]: t for t in out["open_tasks"]}
    for t in [*plan.create, *plan.update]:
        tasks[t.key] = {"key": t.key, "deal": t.deal, "rule": t.rule, "due": iso(t.due), "status": "open", "subject": t.subject}
    for t in plan.close:
        tasks[t.key] = {**tasks[t.key], "status": "completed"}
    out["open_tasks"] = list(tasks.values())
    if now is not None:
        out["now"] = iso(now)
    return out


def complete(doc: dict[str, Any], key: str) -> dict[str, Any]:
    """The rep ticks a task done by hand."""
    out = copy.deepcopy(doc)
    for t in out["open_tasks"]:
        if t["key"] == key:
            t["status"] = "completed"
    return out


def assert_settled(doc: dict[str, Any], **kw: Any) -> None:
    """Re-evaluating an applied plan must plan nothing: the idempotency guarantee."""
    again = run(doc, **kw)
    assert plan_to_json(again) == {"create": [], "update": [], "close": []}, plan_to_json(again)
