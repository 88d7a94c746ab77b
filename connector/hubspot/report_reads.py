"""The manager report's reads from HubSpot: owners with teams, deal pipelines, deals with property history,
engagements and DealCoach's tasks, each read page by page with the list endpoints (associations inline).

Docs: https://developers.hubspot.com/docs/api/crm/owners (teams on owners),
https://developers.hubspot.com/docs/api/crm/pipelines (stage metadata.probability / isClosed),
https://developers.hubspot.com/docs/api/crm/understanding-the-crm (GET /crm/v3/objects/{type} with
`propertiesWithHistory`, at most 50 records a page when history is asked for, and `associations`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from connector.coaching_fields import CHECKS_HIT, CHECKS_MISSED, HISTORY_FIELDS
from connector.hubspot.format import parse_time
from connector.marker import find_marker
from connector.report_records import (
    ActivityRecord,
    DealRecord,
    FieldChange,
    OwnerRecord,
    ReportRecords,
    StageRecord,
    TaskRecord,
)

HISTORY_PAGE = 50
PAGE = 100
DEAL_HISTORY = ("dealstage", *HISTORY_FIELDS, CHECKS_HIT, CHECKS_MISSED)
DEAL_FIELDS = (
    "dealname",
    "hubspot_owner_id",
    "amount",
    "createdate",
    "closedate",
    "dealstage",
    "pipeline",
    "hs_is_closed",
    "hs_is_closed_won",
    "notes_last_updated",
)
ENGAGEMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "emails": ("email", ("hs_timestamp", "hubspot_owner_id", "hs_email_direction")),
    "meetings": ("meeting", ("hs_timestamp", "hubspot_owner_id", "hs_meeting_body", "hs_attachment_ids")),
    "calls": (
        "call",
        ("hs_timestamp", "hubspot_owner_id", "hs_call_body", "hs_attachment_ids", "hs_call_recording_url"),
    ),
}
TASK_FIELDS = (
    "dealcoach_key",
    "hs_task_body",
    "hs_timestamp",
    "hs_task_status",
    "hs_task_completion_date",
    "hubspot_owner_id",
    "hs_createdate",
)
CONTENT_FIELDS = ("hs_meeting_body", "hs_call_body", "hs_attachment_ids", "hs_call_recording_url")

Call = Callable[..., Any]


def _pages(call: Call, fn: Callable[..., Any], *args: Any, limit: int, **kwargs: Any) -> Iterator[Any]:
    """Every result of a paged list endpoint, following `paging.next.after`."""
    after: str | None = None
    while True:
        page = call(fn, *args, limit=limit, after=after, **kwargs)
        yield from page.results or []
        nxt = page.paging.next if page.paging else None
        if not nxt or not nxt.after:
            return
        after = nxt.after


def _deal_ids(obj: Any) -> tuple[str, ...]:
    assoc = (obj.associations or {}).get("deals")
    return tuple(str(r.id) for r in (assoc.results if assoc else []) or [])


def _history(obj: Any) -> dict[str, tuple[FieldChange, ...]]:
    out: dict[str, tuple[FieldChange, ...]] = {}
    for name, versions in (obj.properties_with_history or {}).items():
        changes = [FieldChange(_at(v.timestamp), v.value or None) for v in versions or []]
        out[name] = tuple(sorted(changes, key=lambda c: c.at))
    return out


def _at(value: Any) -> datetime:
    """The SDK deserialises history timestamps to datetimes; a raw string is parsed the same way as properties."""
    if isinstance(value, datetime):
        return value
    parsed = parse_time(str(value))
    if parsed is None:
        raise ValueError(f"unreadable history timestamp {value!r}")
    return parsed


def _owners(call: Call, client: Any) -> tuple[OwnerRecord, ...]:
    out = []
    for o in _pages(call, client.crm.owners.owners_api.get_page_with_http_info, limit=PAGE):
        teams = list(o.teams or [])
        team = next((t for t in teams if t.primary), teams[0] if teams else None)
        name = " ".join(x for x in (o.last_name, o.first_name) if x) or o.email or str(o.id)
        out.append(OwnerRecord(str(o.id), name, str(team.id) if team else "", team.name if team else ""))
    return tuple(out)


def _stages(call: Call, client: Any) -> tuple[StageRecord, ...]:
    out = []
    for pipe in call(client.crm.pipelines.pipelines_api.get_all_with_http_info, "deals").results or []:
        for s in sorted(pipe.stages or [], key=lambda s: s.display_order):
            meta = s.metadata or {}
            prob = meta.get("probability")
            out.append(
                StageRecord(
                    s.id,
                    s.label,
                    pipe.id,
                    s.display_order,
                    float(prob) if prob not in (None, "") else None,
                    meta.get("isClosed") == "true",
                )
            )
    return tuple(out)


def _deals(call: Call, client: Any, since: datetime) -> tuple[DealRecord, ...]:
    out = []
    rows = _pages(
        call,
        client.crm.objects.basic_api.get_page_with_http_info,
        "deals",
        limit=HISTORY_PAGE,
        properties=list(DEAL_FIELDS),
        properties_with_history=list(DEAL_HISTORY),
    )
    for obj in rows:
        p = obj.properties or {}
        closed = p.get("hs_is_closed") == "true"
        closed_at = parse_time(p.get("closedate")) if closed else None
        if closed_at is not None and closed_at < since:
            continue
        amount = p.get("amount")
        out.append(
            DealRecord(
                id=str(obj.id),
                name=p.get("dealname") or "",
                owner_id=p.get("hubspot_owner_id") or None,
                amount=float(amount) if amount else None,
                created_at=parse_time(p.get("createdate")) or obj.created_at,
                stage=p.get("dealstage") or "",
                pipeline=p.get("pipeline") or "default",
                is_closed=closed,
                is_won=p.get("hs_is_closed_won") == "true",
                closed_at=closed_at,
                last_activity_at=parse_time(p.get("notes_last_updated")),
                history=_history(obj),
            )
        )
    return tuple(out)


def _activities(call: Call, client: Any, since: datetime) -> tuple[ActivityRecord, ...]:
    out = []
    for object_type, (kind, fields) in ENGAGEMENTS.items():
        rows = _pages(
            call,
            client.crm.objects.basic_api.get_page_with_http_info,
            object_type,
            limit=PAGE,
            properties=list(fields),
            associations=["deals"],
        )
        for obj in rows:
            p = obj.properties or {}
            at = parse_time(p.get("hs_timestamp")) or obj.created_at
            if at < since:
                continue
            direction = p.get("hs_email_direction")
            out.append(
                ActivityRecord(
                    type=kind,  # type: ignore[arg-type]
                    at=at,
                    deal_ids=_deal_ids(obj),
                    owner_id=p.get("hubspot_owner_id") or None,
                    direction=None if direction is None else ("in" if direction == "INCOMING_EMAIL" else "out"),
                    has_content=any(p.get(f) for f in CONTENT_FIELDS),
                )
            )
    return tuple(out)


def _tasks(call: Call, client: Any, since: datetime) -> tuple[TaskRecord, ...]:
    out = []
    rows = _pages(
        call,
        client.crm.objects.basic_api.get_page_with_http_info,
        "tasks",
        limit=PAGE,
        properties=list(TASK_FIELDS),
        associations=["deals"],
    )
    for obj in rows:
        p = obj.properties or {}
        key = p.get("dealcoach_key") or find_marker(p.get("hs_task_body") or "")
        due = parse_time(p.get("hs_timestamp"))
        if not key or (due is not None and due < since):
            continue
        out.append(
            TaskRecord(
                key=key,
                deal_ids=_deal_ids(obj),
                owner_id=p.get("hubspot_owner_id") or None,
                created_at=parse_time(p.get("hs_createdate")) or obj.created_at,
                due=due,
                completed_at=parse_time(p.get("hs_task_completion_date")),
                status=p.get("hs_task_status"),
            )
        )
    return tuple(out)


def read_report_records(call: Call, client: Any, *, since: datetime) -> ReportRecords:
    """Owners, stages, the deals open since `since` or closed after it, and the activities and tasks since then."""
    return ReportRecords(
        owners=_owners(call, client),
        stages=_stages(call, client),
        deals=_deals(call, client, since),
        activities=_activities(call, client, since),
        tasks=_tasks(call, client, since),
    )
