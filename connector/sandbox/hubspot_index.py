"""Indexes of the sandbox portal, so a keyset search page of a 100,000-deal portal does not test every deal.

HubSpot's own search runs on an index (developers.hubspot.com/docs/api/crm/search): what the sandbox answers is
decided by `hubspot_search.search`, the scan over every record; this module only answers the same question faster,
for searches ordered by record id (no sort, or `hs_object_id` ascending) without a text `query`:
- the live ids of each type, sorted, bisected for a group's `hs_object_id` GT/GTE/LT/LTE range;
- a view per filter group seen twice (its filters other than the id range): the sorted ids of the live records
  that match it, kept current on every create, property change and archive, so a page and its total are bisects;
- the ids by creation time, for the records the search lag still hides.
A group seen once (the sweep's `closedate GTE <now - 400 days>` changes every page) is tested only on the records
of its range that the viewed groups did not already match. Anything else falls back to the scan.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .hubspot_search import SearchPage, _key, _match, _sort_spec, _validate, page_of, search
from .hubspot_values import as_number, as_text

if TYPE_CHECKING:
    from .hubspot_store import CrmObject, HubSpotStore

Kind = Callable[[str], str]
Match = Callable[[dict[str, Any], dict[str, str], Kind], bool]
RANGE_OPS = frozenset({"GT", "GTE", "LT", "LTE"})
MAX_VIEWS = 16
MAX_SEEN = 1000


@dataclass
class IdRange:
    """A group's `hs_object_id` bounds (inclusive flags), intersected over its range filters."""

    lo: float = -math.inf
    lo_incl: bool = True
    hi: float = math.inf
    hi_incl: bool = True

    def narrow(self, op: str, value: float) -> None:
        """Intersect with one GT/GTE/LT/LTE filter."""
        if op in ("GT", "GTE") and (value > self.lo or (value == self.lo and op == "GT")):
            self.lo, self.lo_incl = value, op == "GTE"
        if op in ("LT", "LTE") and (value < self.hi or (value == self.hi and op == "LT")):
            self.hi, self.hi_incl = value, op == "LTE"

    def span(self, ids: list[int]) -> tuple[int, int]:
        """Start and end positions of the range in a sorted id list."""
        start = (bisect.bisect_left if self.lo_incl else bisect.bisect_right)(ids, self.lo)
        end = (bisect.bisect_right if self.hi_incl else bisect.bisect_left)(ids, self.hi)
        return start, max(start, end)

    def holds(self, oid: int) -> bool:
        """Whether an id lies in the range."""
        above = oid >= self.lo if self.lo_incl else oid > self.lo
        below = oid <= self.hi if self.hi_incl else oid < self.hi
        return above and below


@dataclass
class View:
    """The sorted ids of a type's live records matching a conjunction of filters (with each property's kind)."""

    filters: list[dict[str, Any]]
    kinds: dict[str, str]
    ids: list[int] = field(default_factory=list)

    def matches(self, props: dict[str, str], match: Match) -> bool:
        """Whether a record's properties satisfy every filter, as the scan decides."""
        kind = self.kinds.__getitem__
        return all(match(f, props, kind) for f in self.filters)

    def contains(self, oid: int) -> bool:
        """Membership by bisect."""
        i = bisect.bisect_left(self.ids, oid)
        return i < len(self.ids) and self.ids[i] == oid


@dataclass
class TypeIndex:
    """One object type: live ids in order, (created ms, id) in order, and the views of its groups."""

    ids: list[int] = field(default_factory=list)
    created: list[tuple[int, int]] = field(default_factory=list)
    views: dict[str, View] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=dict)


def _remove(items: list[Any], item: Any) -> None:
    i = bisect.bisect_left(items, item)
    if i < len(items) and items[i] == item:
        del items[i]


def safe_filter(f: Any, kind: Callable[[str], str]) -> bool:
    """A filter the scan evaluates without raising (its values parse), so testing it on other records or in another
    order changes nothing."""
    if not isinstance(f, dict) or not isinstance(f.get("propertyName"), str):
        return False
    values = f.get("values")
    if f.get("operator") in ("IN", "NOT_IN") and values is not None and not isinstance(values, list):
        return False
    try:
        for v in [f.get("value"), f.get("highValue"), *(values or [])]:
            _key(kind(f["propertyName"]), as_text(v))
    except Exception:  # e.g. a "digit" int() refuses ("²") in a date filter: the scan decides where it raises
        return False
    return True


def id_bound(f: dict[str, Any]) -> tuple[str, float] | None:
    """(operator, finite number) when the filter is a range on the record id, else None."""
    if f["propertyName"] != "hs_object_id" or f["operator"] not in RANGE_OPS:
        return None
    number = as_number(as_text(f.get("value")))
    return None if number is None or not math.isfinite(number) else (f["operator"], number)


class SearchIndex:
    """Every type's index; the store reports each record it creates, changes or archives."""

    def __init__(self, match: Match) -> None:
        self.match = match
        self.types: dict[str, TypeIndex] = {}

    def of(self, otype: str) -> TypeIndex:
        """The type's index (empty until a record is added)."""
        return self.types.setdefault(otype, TypeIndex())

    def added(self, otype: str, oid: str, created_ms: int, props: dict[str, str]) -> None:
        """A new live record."""
        t, n = self.of(otype), int(oid)
        bisect.insort(t.ids, n)
        bisect.insort(t.created, (created_ms, n))
        for view in t.views.values():
            if view.matches(props, self.match):
                bisect.insort(view.ids, n)

    def changed(self, otype: str, oid: str, props: dict[str, str]) -> None:
        """A live record's properties changed: its membership of each view is decided again."""
        n = int(oid)
        for view in self.of(otype).views.values():
            now, was = view.matches(props, self.match), view.contains(n)
            if now and not was:
                bisect.insort(view.ids, n)
            elif was and not now:
                _remove(view.ids, n)

    def archived(self, otype: str, oid: str, created_ms: int) -> None:
        """A record left the live set."""
        t, n = self.of(otype), int(oid)
        _remove(t.ids, n)
        _remove(t.created, (created_ms, n))
        for view in t.views.values():
            _remove(view.ids, n)

    def view(
        self, otype: str, key: str, filters: list[dict[str, Any]], kinds: dict[str, str], records: Any
    ) -> View | None:
        """The group's view, built (one pass over the live records) the second time the group is asked for."""
        t = self.of(otype)
        found = t.views.get(key)
        if found is not None:
            t.views[key] = t.views.pop(key)  # most recently used last
            return found
        if len(t.seen) >= MAX_SEEN:
            t.seen.clear()
        t.seen[key] = t.seen.get(key, 0) + 1
        if t.seen[key] < 2:
            return None
        built = View(filters, kinds)
        built.ids = [n for n in t.ids if built.matches(records[str(n)].properties, self.match)]
        if len(t.views) >= MAX_VIEWS:
            del t.views[next(iter(t.views))]
        t.views[key] = built
        return built

    def hidden(self, otype: str, horizon_ms: int) -> set[int]:
        """Live ids created after the horizon: not yet searchable."""
        created = self.of(otype).created
        return {n for _, n in created[bisect.bisect_right(created, (horizon_ms, math.inf)) :]}


def merged(parts: list[Iterator[int]]) -> Iterator[int]:
    """Sorted, duplicate-free union of sorted id streams."""
    last = None
    for n in heapq.merge(*parts):
        if n != last:
            yield n
            last = n


def _slice(ids: list[int], start: int, end: int) -> Iterator[int]:
    """ids[start:end], lazily (a page of a 100,000-id list reads a page, not a copy)."""
    return (ids[i] for i in range(start, end))


def _both(a: IdRange, b: IdRange) -> IdRange:
    """The intersection of two ranges."""
    r = IdRange()
    for x in (a, b):
        r.narrow("GTE" if x.lo_incl else "GT", x.lo)
        r.narrow("LTE" if x.hi_incl else "LT", x.hi)
    return r


def indexed_search(
    store: HubSpotStore,
    otype: str,
    body: dict[str, Any],
    type_of: Callable[[str], str | None],
    max_results: int,
    horizon_ms: int,
) -> SearchPage | None:
    """The page `search` would answer over the searchable live records, from the indexes; None when the request is
    not one they answer (then the caller scans). The body has passed `_validate`; the caller holds the store lock."""
    if as_text(body.get("query")).strip() or type_of("hs_object_id") != "number":
        return None
    sorts = body.get("sorts") or []
    if sorts and _sort_spec(sorts[0]) != ("hs_object_id", False):
        return None
    raw_groups = body.get("filterGroups") or [{"filters": []}]
    if not all(isinstance(g.get("filters") or [], list) for g in raw_groups):
        return None

    def kind(name: str) -> str:
        return type_of(name) or "string"

    if not all(safe_filter(f, kind) for g in raw_groups for f in g.get("filters") or []):
        return None

    index, records = store.index, store.objects[otype]
    live = index.of(otype).ids
    viewed: list[tuple[IdRange, list[int]]] = []
    others: list[tuple[IdRange, list[dict[str, Any]]]] = []
    for g in raw_groups:
        rng, rest = IdRange(), []
        for f in g.get("filters") or []:
            bound = id_bound(f)
            if bound is None:
                rest.append(f)
            else:
                rng.narrow(*bound)
        kinds = {f["propertyName"]: kind(f["propertyName"]) for f in rest}
        view = index.view(otype, json.dumps([rest, kinds], sort_keys=True), rest, kinds, records) if rest else None
        if not rest or view is not None:
            viewed.append((rng, live if view is None else view.ids))
        else:
            others.append((rng, rest))

    def in_viewed(n: int) -> bool:
        for rng, ids in viewed:
            i = bisect.bisect_left(ids, n)
            if rng.holds(n) and i < len(ids) and ids[i] == n:
                return True
        return False

    def viewed_stream() -> Iterator[int]:
        spans = [(ids, rng.span(ids)) for rng, ids in viewed]
        return merged([_slice(ids, s, e) for ids, (s, e) in spans])

    if len(viewed) == 1:
        start, end = viewed[0][0].span(viewed[0][1])
        in_view = end - start
    else:
        in_view = sum(1 for _ in viewed_stream())
    extra: set[int] = set()
    for rng, rest in others:
        s, e = rng.span(live)
        if len(viewed) == 1:
            cs, ce = _both(viewed[0][0], rng).span(viewed[0][1])
            if ce - cs == e - s:
                continue  # every live record of the range is already a hit
        for i in range(s, e):
            n = live[i]
            if n not in extra and not in_viewed(n) and all(_match(f, records[str(n)].properties, kind) for f in rest):
                extra.add(n)
    hidden = index.hidden(otype, horizon_ms)
    total = in_view + len(extra) - sum(1 for n in hidden if n in extra or in_viewed(n))

    def window(start: int, stop: int) -> list[CrmObject]:
        hits = (n for n in merged([viewed_stream(), iter(sorted(extra))]) if n not in hidden)
        return [records[str(n)] for n in itertools.islice(hits, start, stop)]

    return page_of(body, total, window, max_results)


def search_portal(
    store: HubSpotStore,
    otype: str,
    body: dict[str, Any],
    *,
    type_of: Callable[[str], str | None],
    searchable: tuple[str, ...],
    max_results: int,
    horizon_ms: int,
) -> SearchPage:
    """`POST .../search` over the portal's live records created by `horizon_ms`: indexed when it can, else scanned."""
    _validate(body, lambda n: type_of(n) is not None)
    with store.lock:
        page = indexed_search(store, otype, body, type_of, max_results, horizon_ms)
    if page is not None:
        return page
    objects = [o for o in store.all(otype) if o.created_ms <= horizon_ms]
    return search(objects, body, type_of=type_of, searchable=searchable, max_results=max_results)
