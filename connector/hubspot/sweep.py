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
- A page is first read in the compact form the incremental sweep caches (`RawDeal`: the deal's properties and its
  records as items), then turned into domain objects by the same two functions the cache uses (`deal_of`,
  `records_of`), so a cached deal and a freshly read one give the SLA the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from connector import clock
from connector.base import DealRecords, SweepPage, keyset_pages
from connector.http import chunks
from connector.hubspot.client import BATCH_LIMIT, DEAL_PROPERTIES, KEY_PROPERTY, TASK_PROPERTIES
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.format import EPOCH, parse_time
from connector.hubspot.paging import PAGE_SIZE as SEARCH_PAGE
from connector.hubspot.raw import raw_json
from connector.models import ActivityRef, Deal, MarkedRecord

DEALS_PER_CHUNK = 1000
ENTERED = "hs_v2_date_entered_"
# The SLA reads tasks and activities; a deal's notes matter to call jobs only, so the sweep does not read them.
SWEPT_TYPES = ("tasks", "emails", "meetings", "calls")
LOOKBACK_DAYS = 400
# The order of a deal's items: activities in this order before the stable sort by time, as the per-deal read gives.
ITEM_ORDER = ("emails", "meetings", "calls", "tasks")
Item = list[Any]
ROW_PROPERTIES = {
    "emails": ["hs_timestamp", "hs_email_subject", "hs_email_direction"],
    "meetings": ["hs_timestamp", "hs_meeting_title"],
    "calls": ["hs_timestamp", "hs_call_title"],
}


@dataclass(frozen=True)
class RawDeal:
    """A deal as the sweep cache keeps it: the properties `deal_of` needs, and its records as items
    ("<type>:<record id>" -> `item_of`)."""

    id: str
    props: dict[str, str]
    items: dict[str, Item]


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
    """Up to `chunk` deals with an id above `after`, with their records (see `raw_page`)."""
    raws, cursor = raw_page(crm, after, chunk=chunk)
    meta = stage_metadata(crm)
    return SweepPage([(deal_of(r, meta), records_of(r.items)) for r in raws], cursor)


def swept_properties(crm: HubSpotCrm) -> list[str]:
    """The deal properties the sweep reads: DealCoach's, `closedate` and every stage's entry time."""
    meta = stage_metadata(crm)
    return DEAL_PROPERTIES + ["closedate"] + sorted({f"{ENTERED}{s}" for stages in meta.values() for s in stages})


def raw_page(crm: HubSpotCrm, after: str = "", *, chunk: int = DEALS_PER_CHUNK) -> tuple[list[RawDeal], str | None]:
    """Up to `chunk` deals with an id above `after` (keyset on hs_object_id, never the search's offset, which stops
    at 10,000 results), with their records in the compact form the sweep cache keeps; search pages of up to 200 (the
    search's maximum) until the chunk is full. The next cursor, None after the last page."""
    search = raw_json(crm._objects.search_api.do_search_with_http_info)
    properties = swept_properties(crm)
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
    return raw_deals(crm, rows), last if more else None


def raw_deals(crm: HubSpotCrm, rows: Sequence[dict[str, Any]]) -> list[RawDeal]:
    """Deals from their search rows, with their records read in bulk (`read_items`)."""
    items = read_items(crm, [str(r["id"]) for r in rows])
    return [RawDeal(str(r["id"]), deal_props(r), items[str(r["id"])]) for r in rows]


def deal_props(row: Mapping[str, Any]) -> dict[str, str]:
    """The properties of a deal's search row that `deal_of` and `is_swept` use (its current stage's entry only)."""
    p = row.get("properties") or {}
    keep = [*DEAL_PROPERTIES, "closedate", f"{ENTERED}{p.get('dealstage') or ''}"]
    return {k: str(p[k]) for k in keep if p.get(k) not in (None, "")}


def read_items(crm: HubSpotCrm, deal_ids: Sequence[str]) -> dict[str, dict[str, Item]]:
    """deal id -> its records as items (`item_of`), for up to 1,000 deals: one v4 associations batch read per
    type, then the records 100 per batch read."""
    ids = {t: associated(crm, deal_ids, t) for t in SWEPT_TYPES}
    read = {t: read_rows(crm, t, sorted({i for found in ids[t].values() for i in found}), p)
            for t, p in row_properties(crm).items()}  # fmt: skip
    return {
        d: {f"{t}:{i}": item_of(crm, t, read[t][i]) for t in ITEM_ORDER for i in ids[t].get(d, ()) if i in read[t]}
        for d in deal_ids
    }


def row_properties(crm: HubSpotCrm) -> dict[str, list[str]]:
    """The properties read for each swept type (tasks: with DealCoach's key property when the portal has it)."""
    task_props = TASK_PROPERTIES + ([KEY_PROPERTY] if KEY_PROPERTY in crm._property_names("tasks") else [])
    return {"tasks": task_props, **ROW_PROPERTIES}


def is_swept(props: Mapping[str, str], now_s: float) -> bool:
    """The sweep's search filter on a deal's properties: open, or closed in the last 400 days."""
    if props.get("hs_is_closed") == "false":
        return True
    closed = parse_time(props.get("closedate"))
    return closed is not None and closed.timestamp() >= now_s - LOOKBACK_DAYS * 86400


def item_of(crm: HubSpotCrm, object_type: str, row: Mapping[str, Any]) -> Item:
    """One record as the SLA sees it, compact and JSON-able: ["m", key, id, status, due, subject] for DealCoach's
    task, ["a", type, at, subject, direction] for an activity (the rep's completed task included), ["n"] for
    anything else (an open task of the rep)."""
    if object_type == "tasks":
        marked, done = crm.split_tasks([dict(row)])
        if marked:
            m = marked[0]
            return ["m", m.key, m.id, m.status, m.due.isoformat() if m.due else None, m.subject]
        if not done:
            return ["n"]
        act = done[0]
    elif object_type == "emails":
        direction: Literal["in", "out"] = "in" if row.get("hs_email_direction") == "INCOMING_EMAIL" else "out"
        act = ActivityRef("email", parse_time(row.get("hs_timestamp")) or EPOCH, row.get("hs_email_subject") or "",
                          direction)  # fmt: skip
    else:
        kind: Literal["meeting", "call"] = "meeting" if object_type == "meetings" else "call"
        title = row.get("hs_meeting_title" if kind == "meeting" else "hs_call_title") or ""
        act = ActivityRef(kind, parse_time(row.get("hs_timestamp")) or EPOCH, title)
    return ["a", act.type, act.at.isoformat(), act.subject, act.direction]


def records_of(items: Mapping[str, Item]) -> DealRecords:
    """A deal's records from its items: DealCoach's tasks, and the activities oldest first (ties in the order
    emails, meetings, calls, tasks, as the items are kept)."""
    ordered = sorted(items.items(), key=lambda kv: ITEM_ORDER.index(kv[0].split(":", 1)[0]))
    tasks = [
        MarkedRecord(key=i[1], id=i[2], status=i[3], due=datetime.fromisoformat(i[4]) if i[4] else None, subject=i[5])
        for _, i in ordered
        if i[0] == "m"
    ]
    acts = [
        ActivityRef(type=i[1], at=datetime.fromisoformat(i[2]), subject=i[3], direction=i[4])
        for _, i in ordered
        if i[0] == "a"
    ]
    return DealRecords(tasks=tasks, activities=sorted(acts, key=lambda a: a.at), note_ids=())


def associated(crm: HubSpotCrm, deal_ids: Sequence[str], object_type: str) -> dict[str, list[str]]:
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


def read_rows(
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


def deal_of(raw: RawDeal, meta: Mapping[str, Mapping[str, Mapping[str, str]]]) -> Deal:
    """A deal from its search row: the stage's closed flags from the pipeline, its entry time from HubSpot's own
    `hs_v2_date_entered_<stage>`."""
    p = raw.props
    stage, pipeline = p.get("dealstage") or "", p.get("pipeline") or "default"
    stage_meta = meta.get(pipeline, {}).get(stage, {})
    amount = p.get("amount")
    closed = stage_meta.get("isClosed") == "true"
    return Deal(
        id=raw.id,
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
