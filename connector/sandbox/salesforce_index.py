"""Indexes of the sandbox org, so a query of a 100,000-record org reads a page, not the whole store.

A real org answers `WHERE Id > :last ORDER BY Id LIMIT 2000` and lookups by a reference field from indexes: the
platform indexes the record Id, foreign keys (lookups and master-detail) and External ID fields (developer.
salesforce.com/docs/platform/salesforce-large-data-volumes-bp/guide/ldv-deployments-infrastructure-indexes.html).
The sandbox keeps the ids of each type in Id order (with their creation order) and reference value -> record ids.
Both, and a lower-cased text lookup for unique fields, only narrow the candidates: every candidate is still tested
against the whole WHERE clause (or the unique check), so an index that lists too much costs time, never a wrong
answer. New records are added in place; an edit of a type's records drops
that type's reference indexes (rebuilt on the next query that needs them); a record a rollback removed is skipped
when read, and a rollback restores only records that were edited (so their type's indexes were already dropped).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .salesforce_ids import to18
from .salesforce_soql import BoolOp, Compare, InList, Query

if TYPE_CHECKING:
    from .salesforce_query import Evaluator
    from .salesforce_store import Record, SalesforceStore


def ref_key(value: Any) -> str:
    """How a reference value is compared: the 18-character id, case-folded."""
    text = str(value)
    return (to18(text) or text).casefold()


def _add(lookup: dict[str, list[str]], name: str, kind: str, rec: Record) -> None:
    """File a record under its value: a reference by its id (when set), text by its lower-cased form (None too, as
    the unique check compares `str(value).lower()`)."""
    value = rec.fields.get(name)
    if kind == "text":
        lookup.setdefault(str(value).lower(), []).append(rec.id)
    elif value:
        lookup.setdefault(ref_key(value), []).append(rec.id)


@dataclass
class IdOrder:
    """A type's ids sorted as SOQL orders them (case-folded), and each id's creation position."""

    keys: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)


class StoreIndexes:
    """Id order per type and reference-field lookups, kept beside the store's records."""

    def __init__(self, records: Callable[[], dict[str, dict[str, Record]]]) -> None:
        self._records = records
        self._order: dict[str, IdOrder] = {}
        self._refs: dict[tuple[str, str, str], dict[str, list[str]]] = {}

    def added(self, rec: Record) -> None:
        """A new record: append it where the index stays sorted, else drop that index."""
        order = self._order.get(rec.sobject)
        if order is not None:
            key = rec.id.casefold()
            if order.keys and key <= order.keys[-1]:
                del self._order[rec.sobject]
            else:
                order.keys.append(key)
                order.ids.append(rec.id)
                order.position[rec.id] = len(order.position)
        for (sobject, name, kind), lookup in self._refs.items():
            if sobject == rec.sobject:
                _add(lookup, name, kind, rec)

    def changed(self, sobject: str) -> None:
        """A record of `sobject` is about to change in place: its reference indexes may go stale."""
        for key in [k for k in self._refs if k[0] == sobject]:
            del self._refs[key]

    def order(self, sobject: str) -> IdOrder:
        """The Id order of a type (built on first use)."""
        order = self._order.get(sobject)
        if order is None:
            recs = self._records()[sobject]
            position = {rid: i for i, rid in enumerate(recs)}
            ids = sorted(recs, key=str.casefold)
            order = self._order[sobject] = IdOrder([i.casefold() for i in ids], ids, position)
        return order

    def _lookup(self, sobject: str, name: str, kind: str) -> dict[str, list[str]]:
        lookup = self._refs.get((sobject, name, kind))
        if lookup is None:
            lookup = self._refs[(sobject, name, kind)] = {}
            for rec in self._records()[sobject].values():
                _add(lookup, name, kind, rec)
        return lookup

    def referring(self, sobject: str, name: str, values: Iterable[Any]) -> set[str]:
        """Ids of the records of `sobject` whose reference field `name` holds one of `values`."""
        lookup = self._lookup(sobject, name, "ref")
        return {rid for v in values if v for rid in lookup.get(ref_key(v), ())}

    def same_text(self, sobject: str, name: str, value: Any) -> list[str]:
        """Ids of the records of `sobject` whose field `name` equals `value` as lower-cased text (unique fields)."""
        return list(self._lookup(sobject, name, "text").get(str(value).lower(), ()))

    def id_range(self, sobject: str, low: tuple[str, bool] | None, high: tuple[str, bool] | None) -> list[str]:
        """Ids of a type between `low` and `high` (case-folded id, inclusive?) in Id order."""
        order = self.order(sobject)
        start, end = 0, len(order.keys)
        if low is not None:
            key, inclusive = low
            start = (bisect.bisect_left if inclusive else bisect.bisect_right)(order.keys, key)
        if high is not None:
            key, inclusive = high
            end = (bisect.bisect_right if inclusive else bisect.bisect_left)(order.keys, key)
        return order.ids[start:end] if start < end else []

    def live(self, sobject: str, ids: Iterable[str], include_deleted: bool) -> Iterator[Record]:
        """The records of these ids that still exist (and are not deleted unless asked)."""
        recs = self._records()[sobject]
        for rid in ids:
            rec = recs.get(rid)
            if rec is not None and (include_deleted or not rec.deleted):
                yield rec

    def in_creation_order(self, sobject: str, ids: Iterable[str]) -> list[str]:
        """Ids sorted as the store lists records (creation order)."""
        position = self.order(sobject).position
        return sorted(ids, key=lambda rid: position.get(rid, len(position)))


def store_indexes(store: SalesforceStore) -> StoreIndexes:
    """The indexes of a store, reading its current record map."""
    return StoreIndexes(lambda: store.records)


def _bound(current: tuple[str, bool] | None, key: str, inclusive: bool) -> tuple[str, bool]:
    """The first bound found on a side is kept: any one of them narrows to a superset of the answer."""
    return current if current is not None else (key, inclusive)


def candidate_ids(ev: Evaluator, query: Query) -> tuple[list[str] | set[str] | None, bool]:
    """The ids a query can match, from the indexes (None: every record), and whether they come in the query's
    order (`ORDER BY Id` ascending and nothing else), so a LIMIT can stop early."""
    where = query.where
    parts = [] if where is None else where.parts if isinstance(where, BoolOp) and where.op == "AND" else [where]
    indexes: StoreIndexes = ev.store.indexes
    sobject = query.sobject.name
    low: tuple[str, bool] | None = None
    high: tuple[str, bool] | None = None
    chosen: set[str] | None = None
    for cond in parts:
        if isinstance(cond, Compare) and cond.path.rel is None and cond.path.fd.name == "Id":
            if cond.value.kind == "null" or cond.op == "!=":
                continue
            key = str(ev._operand(cond.path.fd, cond.value)).casefold()
            if cond.op in ("=", ">", ">="):
                low = _bound(low, key, cond.op != ">")
            if cond.op in ("=", "<", "<="):
                high = _bound(high, key, cond.op != "<")
        elif isinstance(cond, InList) and not cond.negate and cond.path.rel is None and chosen is None:
            fd = cond.path.fd
            if isinstance(cond.values, Query):
                values: set[str] = ev._semi_join(cond.values)
            else:
                values = {str(ev._operand(fd, lit)) for lit in cond.values if lit.kind != "null"}
            if fd.name == "Id":
                chosen = {to18(v) or v for v in values}
            elif fd.type == "reference":
                chosen = indexes.referring(sobject, fd.name, values)
    by_id = len(query.order) == 1 and query.order[0][0].rel is None and query.order[0][0].fd.name == "Id"
    id_ordered = by_id and not query.order[0][1]
    if chosen is not None:
        return (sorted(chosen, key=str.casefold), True) if id_ordered else (chosen, False)
    if low is not None or high is not None:
        return indexes.id_range(sobject, low, high), id_ordered
    if id_ordered:
        return indexes.order(sobject).ids, True
    return None, False
