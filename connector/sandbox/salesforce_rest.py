"""REST routes for single records and metadata, with Salesforce's paths, JSON shapes and status codes:
`/services/data/` (versions), `/vNN.N/` (resources), `sobjects` (describeGlobal), `sobjects/{Type}` (basic info,
POST create), `sobjects/{Type}/describe`, `sobjects/{Type}/{id}` (GET, PATCH → 204, DELETE → 204),
`sobjects/{Type}/{id}/{blobField}` (raw bytes, streamed), `sobjects/{Type}/{extIdField}/{value}` (GET, PATCH
upsert) and `limits`. Queries and sObject Collections are in `salesforce_collections`.

See https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_list.htm
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, request

from . import salesforce_schema as schema
from .salesforce_errors import DmlError, SfError, entity_deleted, not_found
from .salesforce_ids import to18
from .salesforce_query import field_json, record_attributes
from .salesforce_schema import ObjectDef
from .salesforce_state import api_actor, current, json_body
from .salesforce_store import Record

bp = Blueprint("salesforce_rest", __name__, url_prefix="/services/data")
BLOB_CHUNK = 64 * 1024
_SEASONS = ("Summer", "Winter", "Spring")


def release_label(version: str) -> str:
    """The release name of an API version, e.g. `Winter '25` for 62.0 (three releases a year)."""
    n = int(float(version)) - 58
    return f"{_SEASONS[n % 3]} '{23 + (n + 2) // 3}"


def sobject_or_404(name: str) -> ObjectDef:
    """The sObject type named in a path (404 NOT_FOUND for types this org does not have)."""
    obj = current().schema.get(name)
    if obj is None:
        raise not_found()
    return obj


def record_json(rec: Record, version: str, only: list[str] | None = None) -> dict[str, Any]:
    """A record as `GET sobjects/{Type}/{id}` returns it: attributes, then every field (or `only` those)."""
    obj = current().store.object(rec.sobject)
    view = current().store.view(rec)
    out: dict[str, Any] = {"attributes": record_attributes(rec.sobject, rec.id, version)}
    names = list(obj.fields) if only is None else only
    for name in names:
        fd = obj.field(name)
        if fd is None:
            raise SfError(
                400,
                "INVALID_FIELD",
                f"No such column '{name}' on entity '{obj.name}'. If you are "
                "attempting to use a custom field, be sure to append the '__c' after the custom field "
                "name. Please reference your WSDL or the describe call for the appropriate names.",
            )
        out[fd.name] = field_json(fd, rec, view.get(fd.name), version)
    return out


def live_record(obj: ObjectDef, record_id: str) -> Record:
    """A record by id from a path: 404 NOT_FOUND for unknown ids, ENTITY_IS_DELETED for deleted ones."""
    store = current().store
    rid = to18(record_id)
    rec = store.get(obj.name, rid, include_deleted=True) if rid else None
    if rec is None:
        raise not_found()
    if rec.deleted:
        raise entity_deleted()
    return rec


def _created(rec: Record, status: int = 201, **extra: Any) -> tuple[Response, int]:
    return jsonify({"id": rec.id, "success": True, "errors": [], **extra}), status


@bp.get("/", strict_slashes=False)
def versions() -> Response:
    """`GET /services/data/`: the API versions this org serves (no session needed)."""
    return jsonify(
        [
            {"label": release_label(v), "url": f"/services/data/v{v}", "version": v}
            for v in current().config.api_versions
        ]
    )


@bp.get("/v<version>/", strict_slashes=False)
def resources(version: str) -> Response:
    """The resources of one API version."""
    root = f"/services/data/v{version}"
    return jsonify({name: f"{root}/{name}" for name in ("sobjects", "query", "queryAll", "composite", "limits")})


@bp.get("/v<version>/sobjects/", strict_slashes=False)
def describe_global(version: str) -> Response:
    """`GET sobjects`: every sObject type of the org."""
    base = f"/services/data/v{version}"
    return jsonify(
        {
            "encoding": "UTF-8",
            "maxBatchSize": 200,
            "sobjects": [schema.global_entry(o, base) for o in current().schema.objects.values()],
        }
    )


@bp.get("/v<version>/sobjects/<sobject>/", strict_slashes=False)
def basic_info(version: str, sobject: str) -> Response:
    """`GET sobjects/{Type}`: the type's summary and recently viewed records (none in the sandbox)."""
    obj = sobject_or_404(sobject)
    return jsonify({"objectDescribe": schema.global_entry(obj, f"/services/data/v{version}"), "recentItems": []})


@bp.post("/v<version>/sobjects/<sobject>/", strict_slashes=False)
def create(version: str, sobject: str) -> tuple[Response, int]:
    """`POST sobjects/{Type}`: insert one record → 201 `{"id", "success": true, "errors": []}`."""
    obj = sobject_or_404(sobject)
    body = json_body()
    try:
        rec = current().store.create(obj.name, body, api_actor())
    except DmlError as err:
        raise err.as_request_error() from None
    return _created(rec)


@bp.get("/v<version>/sobjects/<sobject>/describe/", strict_slashes=False)
def describe(version: str, sobject: str) -> Response:
    """`GET sobjects/{Type}/describe`: fields with type, createable, updateable, picklistValues, references."""
    return jsonify(schema.describe(sobject_or_404(sobject), f"/services/data/v{version}"))


@bp.get("/v<version>/sobjects/<sobject>/<record_id>", strict_slashes=False)
def get_record(version: str, sobject: str, record_id: str) -> Response:
    """`GET sobjects/{Type}/{id}[?fields=a,b]`."""
    obj = sobject_or_404(sobject)
    only = [f for f in request.args.get("fields", "").split(",") if f.strip()] or None
    return jsonify(record_json(live_record(obj, record_id), version, [f.strip() for f in only] if only else None))


@bp.patch("/v<version>/sobjects/<sobject>/<record_id>", strict_slashes=False)
def update_record(version: str, sobject: str, record_id: str) -> Response:
    """`PATCH sobjects/{Type}/{id}` → 204 No Content."""
    obj = sobject_or_404(sobject)
    rec = live_record(obj, record_id)
    try:
        current().store.update(obj.name, rec.id, json_body(), api_actor())
    except DmlError as err:
        raise err.as_request_error() from None
    return Response(status=204)


@bp.delete("/v<version>/sobjects/<sobject>/<record_id>", strict_slashes=False)
def delete_record(version: str, sobject: str, record_id: str) -> Response:
    """`DELETE sobjects/{Type}/{id}` → 204 No Content (the record goes to the recycle bin)."""
    obj = sobject_or_404(sobject)
    rec = live_record(obj, record_id)
    try:
        current().store.delete(obj.name, rec.id, api_actor())
    except DmlError as err:
        raise err.as_request_error() from None
    return Response(status=204)


def _stream(data: bytes) -> Iterator[bytes]:
    for i in range(0, len(data), BLOB_CHUNK):
        yield data[i : i + BLOB_CHUNK]


def _blob(obj: ObjectDef, rec: Record, field_name: str) -> Response:
    """Raw bytes of VersionData (ContentVersion) or Content (ContentNote), streamed in chunks."""
    fd = obj.field(field_name)
    if fd is None or fd.type != "base64":
        raise not_found()
    store = current().store
    key = rec.id if obj.name == "ContentVersion" else rec.fields.get("LatestPublishedVersionId") or ""
    data = store.blobs.get(key, b"")
    if obj.name == "ContentNote":
        mime = "text/html"
    else:
        mime = mimetypes.guess_type(rec.fields.get("PathOnClient") or "")[0] or "application/octet-stream"
    resp = Response(_stream(data), mimetype=mime, direct_passthrough=True)
    resp.headers["Content-Length"] = str(len(data))
    return resp


def _by_external_id(obj: ObjectDef, field_name: str, value: str) -> tuple[Any, list[Record]]:
    fd = obj.field(field_name)
    if fd is None or not fd.external_id:
        raise SfError(404, "NOT_FOUND", f"Provided external ID field does not exist or is not accessible: {field_name}")
    return fd, current().store.by_external_id(obj.name, fd.name, value)


def _multiple(version: str, matches: list[Record]) -> tuple[Response, int]:
    return jsonify([f"/services/data/v{version}/sobjects/{r.sobject}/{r.id}" for r in matches]), 300


@bp.get("/v<version>/sobjects/<sobject>/<first>/<second>", strict_slashes=False)
def get_blob_or_external(version: str, sobject: str, first: str, second: str) -> Any:
    """`GET sobjects/ContentVersion/{id}/VersionData` (bytes) or `GET sobjects/{Type}/{extIdField}/{value}`."""
    obj = sobject_or_404(sobject)
    rid = to18(first)
    if rid is not None and rid.startswith(obj.key_prefix):
        return _blob(obj, live_record(obj, rid), second)
    _, matches = _by_external_id(obj, first, second)
    if not matches:
        raise not_found()
    if len(matches) > 1:
        return _multiple(version, matches)
    return jsonify(record_json(matches[0], version))


@bp.patch("/v<version>/sobjects/<sobject>/<field_name>/<value>", strict_slashes=False)
def upsert(version: str, sobject: str, field_name: str, value: str) -> Any:
    """`PATCH sobjects/{Type}/{extIdField}/{value}`: insert (201, created true) or update (200, created false)."""
    obj = sobject_or_404(sobject)
    fd, matches = _by_external_id(obj, field_name, value)
    if len(matches) > 1:
        return _multiple(version, matches)
    body = {k: v for k, v in json_body().items() if k.lower() != fd.name.lower()}
    store = current().store
    try:
        if matches:
            rec = store.update(obj.name, matches[0].id, body, api_actor())
            return _created(rec, 200, created=False)
        rec = store.create(obj.name, {**body, fd.name: value}, api_actor())
    except DmlError as err:
        raise err.as_request_error() from None
    return _created(rec, 201, created=True)


@bp.get("/v<version>/limits/", strict_slashes=False)
def limits(version: str) -> Response:
    """`GET limits`: the org's allocations; DailyApiRequests tracks this sandbox's counter."""
    usage = current().usage.snapshot()
    return jsonify(
        {
            "DailyApiRequests": {"Max": usage["max"], "Remaining": max(0, usage["max"] - usage["used"])},
            "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
            "DataStorageMB": {"Max": 5, "Remaining": 5},
            "FileStorageMB": {"Max": 20, "Remaining": 20},
            "SingleEmail": {"Max": 5000, "Remaining": 5000},
        }
    )
