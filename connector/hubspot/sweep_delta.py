"""What changed in a HubSpot portal since a time: the incremental SLA sweep's reads, a few requests per period.

- Deals, tasks, emails, meetings and calls whose `hs_lastmodifieddate` is at or after `since` (CRM search, 200 a
  page, keyset-paged on hs_object_id past the 10,000-result cap, as `sweep.raw_page`). HubSpot's search guide: "It
  may take a few moments for newly created or updated CRM objects to appear in search results"
  (developers.hubspot.com/docs/api-reference/search/guide), so the caller passes `since` with an overlap.
- DealCoach's own tasks come back only when completed (`hs_task_status` COMPLETED: a rep completing one is what the
  SLA must see); the ones it creates or updates itself it already knows, and 100,000 of them would otherwise be 500
  search pages the next period. The rep's other edits of DealCoach's open tasks wait for the next full read.
- The deals each changed record belongs to: one v4 associations batch read per 1,000 records
  (developers.hubspot.com/changelog/bug-fix-batch-read-limit-for-hubspot-associations-api).
- The number of deals the full sweep would read now (`swept_total`, the search's `total`): a deal deleted or merged
  away leaves no trace in a modified-since search, so the caller compares this count with its cache.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connector.http import chunks
from connector.hubspot.client import KEY_PROPERTY
from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.paging import PAGE_SIZE as SEARCH_PAGE
from connector.hubspot.raw import raw_json
from connector.hubspot.sweep import row_properties, swept_groups, swept_properties

ASSOCIATION_BATCH = 1000
Filters = list[dict[str, Any]]


def changed_pages(crm: HubSpotCrm, since_ms: int) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(object type, a page of its rows) for every deal and swept record modified at or after `since_ms`: the deals
    first, then tasks, emails, meetings and calls, a search page (up to 200) at a time, so the caller holds one."""
    yield from (("deals", page) for page in modified_since(crm, "deals", since_ms, swept_properties(crm), [[]]))
    for object_type, properties in row_properties(crm).items():
        for page in modified_since(crm, object_type, since_ms, properties, record_groups(crm, object_type)):
            yield object_type, [{"id": str(r["id"]), **(r.get("properties") or {})} for r in page]


def record_groups(crm: HubSpotCrm, object_type: str) -> list[Filters]:
    """The filter groups of a type's delta (besides the time): for tasks, when the portal has DealCoach's key
    property, the rep's tasks and DealCoach's completed ones; everything otherwise."""
    if object_type != "tasks" or KEY_PROPERTY not in crm._property_names("tasks"):
        return [[]]
    return [
        [{"propertyName": KEY_PROPERTY, "operator": "NOT_HAS_PROPERTY"}],
        [
            {"propertyName": KEY_PROPERTY, "operator": "HAS_PROPERTY"},
            {"propertyName": "hs_task_status", "operator": "EQ", "value": "COMPLETED"},
        ],
    ]


def modified_since(
    crm: HubSpotCrm, object_type: str, since_ms: int, properties: list[str], groups: Sequence[Filters]
) -> Iterator[list[dict[str, Any]]]:
    """Pages of search rows of a type modified at or after `since_ms` matching any of `groups`, by id."""
    search = raw_json(crm._objects.search_api.do_search_with_http_info)
    since = {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": str(since_ms)}
    last, more = "", True
    while more:
        bound = [{"propertyName": "hs_object_id", "operator": "GT", "value": last}] if last else []
        body = {
            "filterGroups": [{"filters": [*g, since, *bound]} for g in groups],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": properties,
            "limit": SEARCH_PAGE,
        }
        found = crm._call(search, object_type, body)
        results = found.get("results") or []
        more = bool(results) and bool((found.get("paging") or {}).get("next"))
        if results:
            last = str(results[-1]["id"])
            yield results


def record_deals(crm: HubSpotCrm, object_type: str, ids: Sequence[str]) -> dict[str, list[str]]:
    """record id -> the deals it belongs to, 1,000 records per v4 batch read (a record with more deals than one
    answer holds is read with the object read's association list)."""
    batch = raw_json(crm.client.crm.associations.v4.batch_api.get_page_with_http_info)
    found: dict[str, list[str]] = {}
    for chunk in chunks(list(ids), ASSOCIATION_BATCH):
        resp = crm._call(batch, object_type, "deals", {"inputs": [{"id": i} for i in chunk]})
        for result in resp.get("results") or []:
            record_id = str(result["from"]["id"])
            if (result.get("paging") or {}).get("next"):
                found[record_id] = list(crm.deals_of(object_type.removesuffix("s"), record_id))
            else:
                found[record_id] = list(dict.fromkeys(str(t["toObjectId"]) for t in result.get("to") or []))
    return found


def swept_total(crm: HubSpotCrm) -> int:
    """How many deals the sweep's search matches now (its `total`; one request)."""
    search = raw_json(crm._objects.search_api.do_search_with_http_info)
    body = {"filterGroups": [{"filters": g} for g in swept_groups()], "properties": ["hs_object_id"], "limit": 1}
    return int(crm._call(search, "deals", body).get("total") or 0)
