"""The CRM search semantics: filterGroups OR-ed, filters AND-ed, one sort, offset paging, HubSpot's limits.

https://developers.hubspot.com/docs/api/crm/search. Limits: 5 filterGroups, 10 filters per group, 25 filters
in all (developers.hubspot.com/changelog/breaking-change-expanded-filtering-capabilities-and-error-messaging-in-
hubspots-search-api, August 2024; some reference pages still say "up to 6 groups"), `limit` ≤ 200, and 10,000
results per query (`max_results`, configurable): paging to an offset at or past it is a 400 VALIDATION_ERROR, per
the search guide's "Limitations" (developers.hubspot.com/docs/api-reference/search/guide#limitations), whose exact
message is not documented.

`search` is the reference: it tests every record. `hubspot_index.search_portal` answers the searches ordered by
record id (the keyset pages of DealCoach's sweep) from indexes, with the same answers.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .hubspot_errors import validation_error
from .hubspot_values import as_number, as_text, parse_ms

if TYPE_CHECKING:
    from .hubspot_store import CrmObject

MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 10
MAX_FILTERS = 25
MAX_LIMIT = 200
OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)


@dataclass(frozen=True)
class SearchPage:
    """One page of hits: total matches, this page, and the `after` cursor of the next page if any."""

    total: int
    results: list[CrmObject]
    next_after: str | None


def _key(type_: str, value: str) -> tuple[int, Any]:
    """A comparable key for a stored or filter value of a property type; (0, None) when unparseable."""
    if type_ in ("datetime", "date"):
        ms = parse_ms(value)
        return (0, None) if ms is None else (1, ms)
    if type_ == "number":
        n = as_number(value)
        return (0, None) if n is None else (1, n)
    return (1, value.lower())


def _tokens(value: str) -> list[str]:
    return [t for t in re.split(r"[^\w@.\-]+", value.lower()) if t]


def _contains_token(value: str, token: str) -> bool:
    token = token.lower()
    if "*" in token:
        return fnmatch.fnmatchcase(value.lower(), token) or any(fnmatch.fnmatchcase(t, token) for t in _tokens(value))
    return token in _tokens(value)


def _match(flt: dict[str, Any], props: dict[str, str], type_of: Callable[[str], str]) -> bool:
    name, op = flt["propertyName"], flt["operator"]
    actual = props.get(name, "")
    type_ = type_of(name)
    if op == "HAS_PROPERTY":
        return actual != ""
    if op == "NOT_HAS_PROPERTY":
        return actual == ""
    if op in ("IN", "NOT_IN"):
        values = {_key(type_, as_text(v)) for v in flt.get("values") or []}
        hit = actual != "" and _key(type_, actual) in values
        return hit if op == "IN" else not hit
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        hit = actual != "" and _contains_token(actual, as_text(flt.get("value")))
        return hit if op == "CONTAINS_TOKEN" else not hit
    if op == "NEQ":
        return actual == "" or _key(type_, actual) != _key(type_, as_text(flt.get("value")))
    if actual == "":
        return False
    a = _key(type_, actual)
    v = _key(type_, as_text(flt.get("value")))
    if op == "EQ":
        return a == v
    if op == "BETWEEN":
        hi = _key(type_, as_text(flt.get("highValue")))
        return a[0] == v[0] == hi[0] == 1 and v[1] <= a[1] <= hi[1]
    if a[0] == 0 or v[0] == 0:
        return False
    return {"LT": a[1] < v[1], "LTE": a[1] <= v[1], "GT": a[1] > v[1], "GTE": a[1] >= v[1]}[op]


def _validate(body: dict[str, Any], known: Callable[[str], bool]) -> None:
    groups = body.get("filterGroups") or []
    if len(groups) > MAX_GROUPS:
        raise validation_error(f"Too many filter groups: {len(groups)}. The maximum is {MAX_GROUPS}.")
    total = 0
    for g in groups:
        filters = g.get("filters") or []
        total += len(filters)
        if len(filters) > MAX_FILTERS_PER_GROUP:
            raise validation_error(
                f"Too many filters in a filter group: {len(filters)}. The maximum is {MAX_FILTERS_PER_GROUP}."
            )
        for f in filters:
            if f.get("operator") not in OPERATORS:
                raise validation_error(f"Invalid filter operator: {f.get('operator')}")
            if not known(f.get("propertyName", "")):
                raise validation_error(f'Property "{f.get("propertyName")}" does not exist')
    if total > MAX_FILTERS:
        raise validation_error(f"Too many filters: {total}. The maximum is {MAX_FILTERS} across all filter groups.")
    limit = body.get("limit", 10)
    if not isinstance(limit, int) or limit < 0 or limit > MAX_LIMIT:
        raise validation_error(f"limit must be between 0 and {MAX_LIMIT}; got {limit}")
    if len(body.get("sorts") or []) > 1:
        raise validation_error("Only one sort is allowed per search request.")
    if len(as_text(body.get("query"))) > 3000:
        raise validation_error("query is longer than 3000 characters")


def _sort_spec(raw: Any) -> tuple[str, bool]:
    """(property, descending) from `"-createdate"`, `"createdate"` or `{"propertyName","direction"}`."""
    if isinstance(raw, dict):
        return raw.get("propertyName", "hs_object_id"), str(raw.get("direction", "ASCENDING")).upper() == "DESCENDING"
    text = as_text(raw)
    return text.lstrip("-"), text.startswith("-")


def search(
    objects: list[CrmObject],
    body: dict[str, Any],
    *,
    type_of: Callable[[str], str | None],
    searchable: tuple[str, ...],
    max_results: int,
) -> SearchPage:
    """Filter, sort and page `objects` as HubSpot's search endpoint does (400s via `ApiError`)."""
    _validate(body, lambda n: type_of(n) is not None)

    def kind(name: str) -> str:
        return type_of(name) or "string"

    groups = body.get("filterGroups") or []
    hits = [
        o
        for o in objects
        if not groups or any(all(_match(f, o.properties, kind) for f in g.get("filters") or []) for g in groups)
    ]
    query = as_text(body.get("query")).strip().lower()
    if query:
        hits = [o for o in hits if any(query in o.properties.get(p, "").lower() for p in searchable)]
    sorts = body.get("sorts") or []
    if sorts:
        prop, desc = _sort_spec(sorts[0])
        present = [o for o in hits if o.properties.get(prop, "")]
        absent = [o for o in hits if not o.properties.get(prop, "")]
        present.sort(key=lambda o: (_key(kind(prop), o.properties[prop]), int(o.id)), reverse=desc)
        hits = present + absent
    return page_of(body, len(hits), lambda start, stop: hits[start:stop], max_results)


def page_of(
    body: dict[str, Any], total: int, window: Callable[[int, int], list[CrmObject]], max_results: int
) -> SearchPage:
    """The requested page of `total` ordered hits (`window(start, stop)` slices them), with HubSpot's paging rules."""
    after_raw = as_text(body.get("after")) or "0"
    if not after_raw.isdigit():
        raise validation_error(f"after must be a non-negative integer; got {after_raw}")
    offset = int(after_raw)
    if offset >= max_results:
        raise validation_error(f"Paging past {max_results} results is not supported; use a narrower filter.")
    limit = body.get("limit", 10)
    # A page stops at the cap, yet still offers the next cursor while more hits exist: following it is the 400.
    page = window(offset, min(offset + limit, max_results))
    nxt = offset + len(page)
    return SearchPage(total, page, str(nxt) if nxt < total and limit > 0 else None)
