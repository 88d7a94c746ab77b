"""The SLA sweep's reads for HubSpot in bulk: open deals with their stage entry times, and each deal's tasks and
activities, a chunk of up to 1,000 deals at a time instead of three to five requests per deal.

- Deals: CRM search, 200 per page (the search's maximum), keyset-paged on hs_object_id past the 10,000-result cap
  (as `connector.hubspot.paging`; here a page starts after a cursor, so each page can be its own job), with `hs_v2_date_entered_<stageId>` for every stage of the deal pipelines: HubSpot
  keeps the time a deal entered each stage in these read-only properties (knowledge.hubspot.com/properties/
  stage-calculated-properties), so the search answers what `propertiesWithHistory` (not a search option) gave per
  deal. The pipelines (their stage ids and closed flags) are read once, with the tenant's metadata cache.
- Tasks, emails, meetings and calls of the chunk's deals: one v4 associations batch read per type for up to
  1,000 deals (the batch read's limit since February 2025: developers.hubspot.com/changelog/bug-fix-batch-read-limit-
  for-hubspot-associations-api), then the records by id, 100 per batch read. Associations, not a search of tasks by
  DealCoach's key: associations are immediate while the search index lags, and the per-deal path reads the same.
  A deal with more associations than one answer holds is read with the paged per-deal read.
- The bulk reads take the JSON answer (`raw_json`) rather than the SDK's models; the SDK still sends them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Literal

from connector import clock
from connector.base import DealRecords, SweepPage, keyset_pages
from connector.http import chunks
from connector.hubspot.client import BATCH_LIMIT, DEAL_PROPERTIES, KEY_PROPERTY, TASK_PROPERTIES
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.format import EPOCH, parse_time
from connector.hubspot.paging import PAGE_SIZE as SEARCH_PAGE
from connector.hubspot.raw import raw_json
from connector.models import ActivityRef, Deal

DEALS_PER_CHUNK = 1000
ENTERED = "hs_v2_date_entered_"
# The SLA reads tasks and activities; a deal's notes matter to call jobs only, so the sweep does not read them.
SWEPT_TYPES = ("tasks", "emails", "meetings", "calls")
LOOKBACK_DAYS = 400
ROW_PROPERTIES = {
    "emails": ["hs_timestamp", "hs_email_subject", "hs_email_direction"],
    "meetings": ["hs_timestamp", "hs_meeting_title"],
    "calls": ["hs_timestamp", "hs_call_title"],
}


def swept_groups() -> list[list[dict[str, Any]]]:
    """Open deals plus deals closed in the last 400 days (two OR-ed filter groups)."""
    since = str(int((clock.now().timestamp() - LOOKBACK_DAYS * 86400) * 1000))
    return [
        [{"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}],
        [{"propertyName": "closedate", "operator": "GTE", "value": since}],
    ]


def stage_metadata(crm: HubSpotCrm) -> dict[str, dict[str, dict[str, str]]]:
    """pipeline id -> stage id -> its metadata and label, for every deal pipeline (one read, then cached)."""

    def load() -> dict[str, dict[str, dict[str, str]]]:
        pipes = crm._call(crm.client.crm.pipelines.pipelines_api.get_all_with_http_info, "deals")
        return {p.id: {s.id: {**(s.metadata or {}), "label": s.label} for s in p.stages} for p in pipes.results}

    return crm._cache.get("pipelines:deals", load)


def sweep_pages(crm: HubSpotCrm, *, chunk: int = DEALS_PER_CHUNK) -> Iterator[list[tuple[Deal, DealRecords]]]:
    """Chunks of (deal, its records) for every deal the sweep looks at, in id order."""
    return keyset_pages(lambda after: sweep_page(crm, after, chunk=chunk))


def sweep_page(crm: HubSpotCrm, after: str = "", *, chunk: int = DEALS_PER_CHUNK) -> SweepPage:
    """Up to `chunk` deals with an id above `after` (keyset on hs_object_id, never the search's offset, which stops
    at 10,000 results), with their records; search pages of up to 200 (the search's maximum) until the chunk is full.
    """
    meta = stage_metadata(crm)
    properties = DEAL_PROPERTIES + sorted({f"{ENTERED}{s}" for stages in meta.values() for s in stages})
    search = raw_json(crm._objects.search_api.do_search_with_http_info)
    rows: list[dict[str, Any]] = []
    last, more = after, True
    while more and len(rows) < chunk:
        bound = [{"propertyName": "hs_object_id", "operator": "GT", "value": last}] if last else []
        body = {
            "filterGroups": [{"filters": [*g, *bound]} for g in swept_groups()],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": properties,
            "limit": min(SEARCH_PAGE, chunk - len(rows)),
        }
        found = crm._call(search, "deals", body)
        results = found.get("results") or []
        rows += results
        more = bool(results) and bool((found.get("paging") or {}).get("next"))
        if results:
            last = str(results[-1]["id"])
    return SweepPage(_chunk(crm, rows, meta) if rows else [], last if more else None)


def _chunk(
    crm: HubSpotCrm, rows: Sequence[dict[str, Any]], meta: Mapping[str, Mapping[str, Mapping[str, str]]]
) -> list[tuple[Deal, DealRecords]]:
    deal_ids = [str(r["id"]) for r in rows]
    ids = {t: _associated(crm, deal_ids, t) for t in SWEPT_TYPES}
    task_props = TASK_PROPERTIES + ([KEY_PROPERTY] if KEY_PROPERTY in crm._property_names("tasks") else [])
    props = {"tasks": task_props, **ROW_PROPERTIES}
    read = {t: _read_rows(crm, t, sorted({i for found in ids[t].values() for i in found}), p) for t, p in props.items()}
    return [
        (
            _deal(r, meta),
            records_from(crm, {t: ids[t].get(str(r["id"]), []) for t in SWEPT_TYPES}, read),
        )
        for r in rows
    ]


def _associated(crm: HubSpotCrm, deal_ids: Sequence[str], object_type: str) -> dict[str, list[str]]:
    """deal id -> ids of its records of a type, for up to 1,000 deals in one v4 batch read (the JSON answer)."""
    body = {"inputs": [{"id": i} for i in deal_ids]}
    batch = raw_json(crm.client.crm.associations.v4.batch_api.get_page_with_http_info)
    resp = crm._call(batch, "deals", object_type, body)
    found: dict[str, list[str]] = {}
    for result in resp.get("results") or []:
        deal_id = str(result["from"]["id"])
        if (result.get("paging") or {}).get("next"):
            found[deal_id] = crm._associated_ids(deal_id, object_type)
        else:
            found[deal_id] = list(dict.fromkeys(str(t["toObjectId"]) for t in result.get("to") or []))
    return found


def _read_rows(
    crm: HubSpotCrm, object_type: str, ids: Sequence[str], properties: list[str]
) -> dict[str, dict[str, Any]]:
    """Records by id with the given properties, 100 per batch read (plain bodies, JSON answers)."""
    rows: dict[str, dict[str, Any]] = {}
    read = raw_json(crm._objects.batch_api.read_with_http_info)
    for chunk in chunks(list(ids), BATCH_LIMIT):
        body = {"properties": properties, "inputs": [{"id": i} for i in chunk]}
        resp = crm._call(read, object_type, body)
        rows.update({str(o["id"]): {"id": str(o["id"]), **(o.get("properties") or {})} for o in resp["results"]})
    return rows


def _deal(row: Mapping[str, Any], meta: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Deal:
    """A deal from its search row: the stage's closed flags from the pipeline, its entry time from HubSpot's own
    `hs_v2_date_entered_<stage>`."""
    p = row.get("properties") or {}
    stage, pipeline = p.get("dealstage") or "", p.get("pipeline") or "default"
    stage_meta = meta.get(pipeline, {}).get(stage, {})
    amount = p.get("amount")
    closed = stage_meta.get("isClosed") == "true"
    return Deal(
        id=str(row["id"]),
        name=p.get("dealname") or "",
        stage=stage,
        pipeline=pipeline,
        owner_id=p.get("hubspot_owner_id") or None,
        owner_name=None,
        amount=float(amount) if amount else None,
        is_closed=closed,
        is_won=closed and stage_meta.get("probability") == "1.0",
        stage_label=stage_meta.get("label"),
        last_activity_at=parse_time(p.get("notes_last_updated")),
        created_at=parse_time(p.get("createdate")),
        stage_entered_at=parse_time(p.get(f"{ENTERED}{stage}")),
    )


def records_from(
    crm: HubSpotCrm, ids: Mapping[str, Sequence[str]], rows: Mapping[str, Mapping[str, dict[str, Any]]]
) -> DealRecords:
    """A deal's records from its associated ids and the rows read for them: DealCoach's tasks (by key), the rep's
    completed tasks, emails, meetings and calls as activities, and its note ids."""
    out: list[ActivityRef] = []
    for row in _rows(rows, "emails", ids):
        direction: Literal["in", "out"] = "in" if row.get("hs_email_direction") == "INCOMING_EMAIL" else "out"
        out.append(
            ActivityRef(
                type="email",
                at=parse_time(row.get("hs_timestamp")) or EPOCH,
                subject=row.get("hs_email_subject") or "",
                direction=direction,
            )
        )
    for row in _rows(rows, "meetings", ids):
        at = parse_time(row.get("hs_timestamp")) or EPOCH
        out.append(ActivityRef(type="meeting", at=at, subject=row.get("hs_meeting_title") or ""))
    for row in _rows(rows, "calls", ids):
        at = parse_time(row.get("hs_timestamp")) or EPOCH
        out.append(ActivityRef(type="call", at=at, subject=row.get("hs_call_title") or ""))
    marked, done = crm.split_tasks(_rows(rows, "tasks", ids))
    out += done
    return DealRecords(tasks=marked, activities=sorted(out, key=lambda a: a.at), note_ids=tuple(ids.get("notes", ())))


def _rows(
    rows: Mapping[str, Mapping[str, dict[str, Any]]], object_type: str, ids: Mapping[str, Sequence[str]]
) -> list[dict[str, Any]]:
    by_id = rows.get(object_type, {})
    return [by_id[i] for i in ids.get(object_type, ()) if i in by_id]
