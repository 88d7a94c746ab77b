"""Reading every hit of a HubSpot CRM search, past the 10,000-result cap, with a moving id filter.

HubSpot's search returns at most 200 records per page and 10,000 results per query, and answers 400 when paged
past them (developers.hubspot.com/docs/api-reference/search/guide#limitations). So instead of following the
`after` offset, each page is a new query sorted by hs_object_id ascending, with `hs_object_id GT <last id seen>`
added to every filter group (groups are OR-ed, so the bound must be in each). That keeps every query far from the
cap and costs one filter per group (limits: 5 groups, 10 filters per group, 25 in all since August 2024,
developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-hubspots-
search-api).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

PAGE_SIZE = 200
MAX_FILTERS_PER_GROUP = 10


def search_pages(
    search: Callable[[dict[str, Any]], Any],
    groups: Sequence[Sequence[dict[str, Any]]],
    *,
    properties: Sequence[str] = (),
) -> Iterator[list[Any]]:
    """Every record matching the OR-ed `groups` (lists of filter dicts), a page of up to 200 at a time, in id order.

    `search` sends one search request body (SDK field names: filter_groups, sorts, properties, limit) and returns
    the SDK's page; the records are the SDK's (`id`, `properties`).
    """
    if any(len(g) >= MAX_FILTERS_PER_GROUP for g in groups):
        raise ValueError(f"a filter group needs room for the id bound: at most {MAX_FILTERS_PER_GROUP - 1} filters")
    last: str | None = None
    while True:
        bound = [{"propertyName": "hs_object_id", "operator": "GT", "value": last}] if last else []
        filter_groups = [{"filters": [*g, *bound]} for g in groups] or ([{"filters": bound}] if bound else [])
        body = {
            "filter_groups": filter_groups,
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": list(properties),
            "limit": PAGE_SIZE,
        }
        page = search(body)
        if page.results:
            yield list(page.results)
            last = str(page.results[-1].id)
        if not page.results or not (page.paging and page.paging.next):
            return


def search_all_ids(
    search: Callable[[dict[str, Any]], Any],
    groups: Sequence[Sequence[dict[str, Any]]],
    *,
    properties: Sequence[str] = (),
) -> list[str]:
    """Ids of every record matching the OR-ed `groups`, each once, in id order."""
    return [str(r.id) for page in search_pages(search, groups, properties=properties) for r in page]
