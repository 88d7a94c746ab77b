"""REST routes for many records at once: SOQL `query` / `queryAll` with `nextRecordsUrl` paging, and sObject
Collections (`composite/sobjects`: POST create, PATCH update, DELETE ?ids=), ≤ 200 records, `allOrNone`, results
in input order; one request counts as one API call.

See https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, request

from .salesforce_errors import DmlError, SfError
from .salesforce_ids import to18
from .salesforce_query import Evaluator, render
from .salesforce_soql import parse
from .salesforce_state import api_actor, current, json_body
from .salesforce_store import Record

bp = Blueprint("salesforce_collections", __name__, url_prefix="/services/data")
MAX_RECORDS = 200
_BATCH_SIZE = re.compile(r"batchSize=(\d+)", re.IGNORECASE)
_LOCATOR = re.compile(r"^(01g[0-9A-Za-z]{15})-(\d+)$")
ROLLED_BACK = DmlError(
    "ALL_OR_NONE_OPERATION_ROLLED_BACK",
    "Record rolled back because not all records were valid and the request was using AllOrNone header",
    [],
)


def _page_size() -> int:
    """`Sforce-Query-Options: batchSize=n` (200–2000), else the org's configured page size."""
    m = _BATCH_SIZE.search(request.headers.get("Sforce-Query-Options", ""))
    if m is None:
        return current().config.query_page_size
    return max(200, min(2000, int(m.group(1))))


def _run_query(version: str, endpoint: str, include_deleted: bool) -> Response:
    soql = request.args.get("q")
    if not soql:
        raise SfError(400, "MALFORMED_QUERY", "A query string has to be specified")
    sb = current()
    query = parse(soql, sb.schema)
    with sb.store.lock:
        ev = Evaluator(sb.store, soql, include_deleted)
        rows = ev.run(query)
        if query.count:
            return jsonify({"totalSize": len(rows), "done": True, "records": []})
        rendered = [render(ev, query, r, version) for r in rows]
    return jsonify(sb.cursors.page(rendered, 0, _page_size(), version, endpoint))


def _more(version: str, endpoint: str, cursor: str) -> Response:
    m = _LOCATOR.match(cursor)
    rows = current().cursors.rows(m.group(1)) if m else None
    if m is None or rows is None:
        raise SfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
    return jsonify(current().cursors.page(rows, int(m.group(2)), _page_size(), version, endpoint, m.group(1)))


@bp.get("/v<version>/query/", strict_slashes=False)
def query(version: str) -> Response:
    """`GET query?q=SOQL`: first page (`totalSize`, `done`, `nextRecordsUrl`, `records`)."""
    return _run_query(version, "query", False)


@bp.get("/v<version>/queryAll/", strict_slashes=False)
def query_all(version: str) -> Response:
    """`GET queryAll?q=SOQL`: like query, including deleted records (IsDeleted = true)."""
    return _run_query(version, "queryAll", True)


@bp.get("/v<version>/query/<cursor>", strict_slashes=False)
def query_more(version: str, cursor: str) -> Response:
    """`GET query/01g...-2000`: the next page of a query."""
    return _more(version, "query", cursor)


@bp.get("/v<version>/queryAll/<cursor>", strict_slashes=False)
def query_all_more(version: str, cursor: str) -> Response:
    """`GET queryAll/01g...-2000`: the next page of a queryAll."""
    return _more(version, "queryAll", cursor)


def _result(record_id: str | None, error: DmlError | None) -> dict[str, Any]:
    if error is None:
        return {"id": record_id, "success": True, "errors": []}
    out: dict[str, Any] = {"id": record_id} if record_id else {}
    out.update(success=False, errors=[error.result_error()])
    return out


def _collection(items: list[Any], all_or_none: bool, apply: Any, id_of: Any) -> list[dict[str, Any]]:
    """Apply `apply(item)` to each item in order; with allOrNone, the first failure rolls every record back."""
    sb = current()
    results: list[tuple[str | None, DmlError | None]] = []
    store = sb.store
    failed = False
    try:
        with store.unit() if all_or_none else _no_unit():
            for item in items:
                try:
                    injected = sb.faults.record_failure(id_of(item))
                    if injected is not None:
                        raise injected
                    rec: Record = apply(item)
                    results.append((rec.id, None))
                except DmlError as err:
                    results.append((id_of(item), err))
                    failed = True
            if all_or_none and failed:
                raise _RollBack
    except _RollBack:
        results = [(rid if err is not None else None, err or ROLLED_BACK) for rid, err in results]
    return [_result(rid, err) for rid, err in results]


class _RollBack(Exception):
    """Raised inside the unit to undo an allOrNone request that had a failing record."""


class _no_unit:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _records_body() -> tuple[list[dict[str, Any]], bool]:
    body = json_body()
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SfError(400, "JSON_PARSER_ERROR", "records must be a list of sObjects")
    if len(records) > MAX_RECORDS:
        raise SfError(
            400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
        )
    for r in records:
        sobject = (r.get("attributes") or {}).get("type")
        if not sobject or current().schema.get(str(sobject)) is None:
            raise SfError(400, "INVALID_TYPE", "Must send a concrete entity type.")
    return records, bool(body.get("allOrNone", False))


def _sobject(record: dict[str, Any]) -> str:
    return current().schema.get(record["attributes"]["type"]).name  # type: ignore[union-attr]


@bp.post("/v<version>/composite/sobjects", strict_slashes=False)
def collection_create(version: str) -> Response:
    """Insert up to 200 records of any types; 200 with per-record results in input order."""
    records, all_or_none = _records_body()
    store, actor = current().store, api_actor()

    def apply(r: dict[str, Any]) -> Record:
        if "Id" in r or "id" in r:
            raise DmlError("INVALID_FIELD", "cannot specify Id in an insert call", [])
        return store.create(_sobject(r), r, actor)

    return jsonify(_collection(records, all_or_none, apply, lambda r: None))


@bp.patch("/v<version>/composite/sobjects", strict_slashes=False)
def collection_update(version: str) -> Response:
    """Update up to 200 records (each with `attributes.type` and `id`)."""
    records, all_or_none = _records_body()
    store, actor = current().store, api_actor()

    def id_of(r: dict[str, Any]) -> str | None:
        raw = r.get("id") or r.get("Id")
        return (to18(raw) or raw) if isinstance(raw, str) else None

    def apply(r: dict[str, Any]) -> Record:
        rid = id_of(r)
        if rid is None:
            raise DmlError("MISSING_ARGUMENT", "Id not specified in an update call", [])
        if to18(rid) is None:
            raise DmlError("MALFORMED_ID", f"Record ID: id value of incorrect type: {rid}", ["Id"])
        values = {k: v for k, v in r.items() if k not in ("id", "Id")}
        return store.update(_sobject(r), rid, values, actor)

    return jsonify(_collection(records, all_or_none, apply, id_of))


@bp.delete("/v<version>/composite/sobjects", strict_slashes=False)
def collection_delete(version: str) -> Response:
    """Delete up to 200 records by `?ids=a,b,c[&allOrNone=true]`."""
    ids = [i for i in request.args.get("ids", "").split(",") if i]
    if not ids:
        raise SfError(400, "MISSING_ARGUMENT", "ids parameter is required")
    if len(ids) > MAX_RECORDS:
        raise SfError(
            400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit more than 200 records into this call"
        )
    all_or_none = request.args.get("allOrNone", "false").lower() == "true"
    store, actor = current().store, api_actor()

    def apply(raw: str) -> Record:
        rec = store.find(raw, include_deleted=True)
        if rec is None:
            raise DmlError(
                "MALFORMED_ID" if to18(raw) is None else "INVALID_CROSS_REFERENCE_KEY",
                f"malformed id {raw}" if to18(raw) is None else "invalid cross reference id",
                [],
            )
        return store.delete(rec.sobject, rec.id, actor)

    return jsonify(_collection(ids, all_or_none, apply, lambda raw: to18(raw) or raw))
