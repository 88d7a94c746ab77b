"""Running parsed SOQL against the store: filters with SOQL's semantics (case-insensitive text, 15/18-character
ids, null as a value, date literals in the org's time zone), ordering, limits, and records rendered in the REST
shape (`attributes`, nested relationship objects, blob fields as URLs). Paging state lives in `QueryCursors`.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from .salesforce_errors import SfError
from .salesforce_ids import to18
from .salesforce_index import candidate_ids
from .salesforce_schema import NUMBER_TYPES, STRING_TYPES, FieldDef
from .salesforce_soql import BoolOp, Compare, Condition, FieldPath, InList, Like, Literal, Query, soql_error
from .salesforce_store import Record, SalesforceStore
from .salesforce_subquery import render_children
from .salesforce_values import to_json

MAX_CURSORS = 200


class Evaluator:
    """Evaluates one query's conditions against records, caching record views for the query's duration."""

    def __init__(self, store: SalesforceStore, soql: str, include_deleted: bool) -> None:
        self.store = store
        self.soql = soql
        self.include_deleted = include_deleted
        self._views: dict[str, dict[str, Any]] = {}
        self._semi: dict[int, set[str]] = {}
        self.today = store.today()

    def view(self, rec: Record) -> dict[str, Any]:
        """A record's values including derived ones (cached per query)."""
        cached = self._views.get(rec.id + rec.sobject)
        if cached is None:
            cached = self._views[rec.id + rec.sobject] = self.store.view(rec)
        return cached

    def target(self, rec: Record, path: FieldPath) -> Record | None:
        """The record a relationship path goes through."""
        assert path.rel is not None
        ref = self.view(rec).get(path.rel.name)
        return self.store.find(ref, include_deleted=True) if ref else None

    def value(self, rec: Record, path: FieldPath) -> Any:
        """The value of a field path on a record (None through an empty relationship)."""
        if path.rel is None:
            return self.view(rec).get(path.fd.name)
        target = self.target(rec, path)
        if target is None:
            return None
        if path.rel.polymorphic:
            name = path.fd.name
            if name == "Type":
                return target.sobject
            if name == "Name":
                tv = self.view(target)
                return tv.get("Name") or tv.get("Title")
            return target.id
        return self.view(target).get(path.fd.name)

    def check(self, cond: Condition | None) -> None:
        """Type-check every literal against its field up front, as Salesforce does before running a query."""
        if isinstance(cond, BoolOp):
            for part in cond.parts:
                self.check(part)
        elif isinstance(cond, Compare) and cond.value.kind != "null":
            self._operand(cond.path.fd, cond.value)
        elif isinstance(cond, InList):
            if isinstance(cond.values, Query):
                self.check(cond.values.where)
            else:
                for lit in cond.values:
                    if lit.kind != "null":
                        self._operand(cond.path.fd, lit)

    def run(self, query: Query) -> list[Record]:
        """The matching records, ordered and sliced."""
        self.check(query.where)
        indexes, sobject, where = self.store.indexes, query.sobject.name, query.where
        ids, in_order = candidate_ids(self, query)
        if ids is None:
            records: Iterable[Record] = self.store.all(sobject, include_deleted=self.include_deleted)
        elif in_order and query.limit is not None:  # ORDER BY Id: the page ends at the LIMIT
            stop = query.offset + query.limit
            hits = (r for r in indexes.live(sobject, ids, self.include_deleted) if where is None or self.test(r, where))
            return list(itertools.islice(hits, stop))[query.offset :]
        else:
            records = indexes.live(sobject, indexes.in_creation_order(sobject, ids), self.include_deleted)
        rows = [r for r in records if where is None or self.test(r, where)]
        for path, desc, nulls_first in reversed(query.order):
            present = [r for r in rows if self.value(r, path) is not None]
            absent = [r for r in rows if self.value(r, path) is None]
            present.sort(key=lambda r: _sort_key(self.value(r, path)), reverse=desc)
            rows = absent + present if nulls_first else present + absent
        end = None if query.limit is None else query.offset + query.limit
        return rows[query.offset : end]

    def test(self, rec: Record, cond: Condition) -> bool:
        """Whether a record satisfies a condition."""
        if isinstance(cond, BoolOp):
            if cond.op == "AND":
                return all(self.test(rec, p) for p in cond.parts)
            if cond.op == "OR":
                return any(self.test(rec, p) for p in cond.parts)
            return not self.test(rec, cond.parts[0])
        value = self.value(rec, cond.path)
        if isinstance(cond, Like):
            return value is not None and cond.pattern.fullmatch(str(value)) is not None
        if isinstance(cond, InList):
            if isinstance(cond.values, Query):
                ids = self._semi_join(cond.values)
                hit = value is not None and (to18(str(value)) or value) in ids
            else:
                hit = any(self.compare(cond.path.fd, value, "=", lit) for lit in cond.values)
            return hit != cond.negate
        return self.compare(cond.path.fd, value, cond.op, cond.value)

    def _semi_join(self, sub: Query) -> set[str]:
        cached = self._semi.get(id(sub))
        if cached is None:
            values = {self.value(r, sub.fields[0]) for r in Evaluator(self.store, self.soql, False).run(sub)}
            cached = self._semi[id(sub)] = {v for v in values if v}
        return cached

    def compare(self, fd: FieldDef, value: Any, op: str, lit: Literal) -> bool:
        """SOQL comparison of a stored value with a literal (null is a value: `!= 'x'` matches null)."""
        if lit.kind == "null":
            return (value is None) == (op == "=") if op in ("=", "!=") else False
        operand = self._operand(fd, lit)
        if value is None:
            return op == "!="
        if isinstance(operand, tuple):  # a date literal's [start, end) range
            start, end = operand
            inside = start <= value < end
            return {
                "=": inside,
                "!=": not inside,
                "<": value < start,
                "<=": value < end,
                ">": value >= end,
                ">=": value >= start,
            }[op]
        if isinstance(value, str):
            value, operand = value.casefold(), str(operand).casefold()
        return {
            "=": value == operand,
            "!=": value != operand,
            "<": value < operand,
            "<=": value <= operand,
            ">": value > operand,
            ">=": value >= operand,
        }[op]

    def _operand(self, fd: FieldDef, lit: Literal) -> Any:
        t = fd.type
        if t in ("id", "reference"):
            ident = to18(lit.value) if lit.kind == "string" else None
            if ident is None:
                raise SfError(400, "INVALID_QUERY_FILTER_OPERATOR", f"invalid ID field: {lit.value}")
            return ident
        if t in STRING_TYPES and lit.kind == "string":
            return lit.value
        if t in NUMBER_TYPES and lit.kind == "number":
            return lit.value
        if t == "boolean" and lit.kind == "bool":
            return lit.value
        if t == "date" and lit.kind in ("date", "dateliteral"):
            return lit.value if lit.kind == "date" else self._range(lit.value)
        if t == "datetime" and lit.kind in ("datetime", "dateliteral"):
            if lit.kind == "datetime":
                return lit.value
            start, end = self._range(lit.value)
            tz = self.store.tz
            return datetime.combine(start, time(), tz), datetime.combine(end, time(), tz)
        kind = {"datetime": "dateTime", "date": "date", "boolean": "boolean"}.get(
            t, "string" if t in STRING_TYPES else t
        )
        raise soql_error(
            "INVALID_FIELD",
            self.soql,
            lit.pos,
            f"value of filter criterion for field '{fd.name}' must be of type {kind} and should "
            f"{'' if kind == 'string' else 'not '}be enclosed in quotes",
        )

    def _range(self, literal: tuple[str, int]) -> tuple[date, date]:
        name, n = literal
        today = self.today
        day = timedelta(days=1)
        if name == "TODAY":
            return today, today + day
        if name == "YESTERDAY":
            return today - day, today
        if name == "TOMORROW":
            return today + day, today + 2 * day
        if name == "LAST_N_DAYS":
            return today - n * day, today + day
        if name == "NEXT_N_DAYS":
            return today + day, today + (n + 1) * day
        if name == "N_DAYS_AGO":
            return today - n * day, today - (n - 1) * day
        first = today.replace(day=1)
        if name == "THIS_MONTH":
            return first, (first + 32 * day).replace(day=1)
        return (first - day).replace(day=1), first  # LAST_MONTH


def _sort_key(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def render(ev: Evaluator, query: Query, rec: Record, version: str) -> dict[str, Any]:
    """One record of a query result: `attributes`, then the selected fields in order (relationships nested)."""
    out: dict[str, Any] = {"attributes": record_attributes(rec.sobject, rec.id, version)}
    for path in query.fields:
        if path.rel is None:
            out[path.fd.name] = field_json(path.fd, rec, ev.view(rec).get(path.fd.name), version)
            continue
        rel_name = path.rel.relationship or ""
        target = ev.target(rec, path)
        if target is None:
            out.setdefault(rel_name, None)
            continue
        nested = out.get(rel_name)
        if nested is None:
            typ = "Name" if path.rel.polymorphic else target.sobject
            nested = out[rel_name] = {
                "attributes": {"type": typ, "url": record_url(target.sobject, target.id, version)}
            }
        nested[path.fd.name] = field_json(path.fd, target, ev.value(rec, path), version)
    if query.children:
        render_children(ev, query, rec, version, out)
    return out


def record_url(sobject: str, record_id: str, version: str) -> str:
    """`/services/data/vNN.N/sobjects/{Type}/{id}`."""
    return f"/services/data/v{version}/sobjects/{sobject}/{record_id}"


def record_attributes(sobject: str, record_id: str, version: str) -> dict[str, str]:
    """The `attributes` object every REST record carries."""
    return {"type": sobject, "url": record_url(sobject, record_id, version)}


def field_json(fd: FieldDef, rec: Record, value: Any, version: str) -> Any:
    """A field's REST JSON value; blob fields (VersionData, Content) are the URL to download them from."""
    if fd.type == "base64":
        return f"{record_url(rec.sobject, rec.id, version)}/{fd.name}"
    return to_json(fd, value)


class QueryCursors:
    """Server-side query results for `nextRecordsUrl` paging (`/query/01g...-2000`), bounded LRU."""

    def __init__(self, mint_locator: Any) -> None:
        self._mint = mint_locator
        self._lock = threading.Lock()
        self._cursors: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self._seq = itertools.count(1)

    def page(
        self, rows: list[dict[str, Any]], start: int, size: int, version: str, endpoint: str, locator: str | None = None
    ) -> dict[str, Any]:
        """The response for rows[start:start+size], registering a cursor if more remain."""
        chunk = rows[start : start + size]
        done = start + size >= len(rows)
        out: dict[str, Any] = {"totalSize": len(rows), "done": done}
        if not done:
            with self._lock:
                if locator is None:
                    locator = self._mint()
                    self._cursors[locator] = rows
                    while len(self._cursors) > MAX_CURSORS:
                        self._cursors.popitem(last=False)
                self._cursors.move_to_end(locator)
            out["nextRecordsUrl"] = f"/services/data/v{version}/{endpoint}/{locator}-{start + size}"
        out["records"] = chunk
        return out

    def rows(self, locator: str) -> list[dict[str, Any]] | None:
        """The rows of a live cursor."""
        with self._lock:
            return self._cursors.get(locator)

    def clear(self) -> None:
        """Forget every cursor."""
        with self._lock:
            self._cursors.clear()
