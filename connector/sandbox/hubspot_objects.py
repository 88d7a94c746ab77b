"""CRM objects API v3 (`/crm/v3/objects/{type}`): basic, batch and search endpoints with HubSpot's shapes.

Response models: `SimplePublicObject(WithAssociations)`, `BatchResponseSimplePublicObject(WithErrors)`,
`CollectionResponse...ForwardPaging` in `hubspot/crm/objects/models`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from . import hubspot_schema as schema
from .hubspot_errors import ApiError, object_not_found, standard_error, validation_error
from .hubspot_index import search_portal
from .hubspot_state import api_origin, base_url, current, int_arg, json_body, list_arg
from .hubspot_store import CrmObject, Version
from .hubspot_values import iso_ms, now_ms

BATCH_LIMIT = 100
bp = Blueprint("hubspot_objects", __name__)


def property_names(otype: str, requested: list[str]) -> list[str]:
    """Returned properties: the type's defaults, or the requested ones plus id and timestamps, like HubSpot."""
    t = schema.OBJECT_TYPES[otype]
    if not requested:
        return list(t.defaults)
    known = current().store.properties[otype]
    always = [t.created_property, t.modified_property, "hs_object_id"]
    return list(dict.fromkeys([p for p in requested if p in known] + always))


def render(
    obj: CrmObject,
    requested: list[str] | None = None,
    associations: list[str] | None = None,
    *,
    all_properties: bool = False,
    with_history: list[str] | None = None,
) -> dict[str, Any]:
    """One object as `SimplePublicObjectWithAssociations`; requested-but-unset properties come back null, and
    `propertiesWithHistory` for the properties asked for with history (unknown names ignored)."""
    names = sorted(obj.properties) if all_properties else property_names(obj.object_type, requested or [])
    out: dict[str, Any] = {
        "id": obj.id,
        "properties": {n: obj.properties.get(n) for n in names},
        "createdAt": iso_ms(obj.created_ms),
        "updatedAt": iso_ms(obj.updated_ms),
        "archived": obj.archived,
    }
    if obj.archived and obj.archived_ms:
        out["archivedAt"] = iso_ms(obj.archived_ms)
    if with_history:
        known = current().store.properties[obj.object_type]
        out["propertiesWithHistory"] = {
            n: [_version(v) for v in reversed(obj.history.get(n, []))]
            for n in dict.fromkeys(with_history)
            if n in known
        }
    block = _v3_associations(obj, associations or [])
    if block:
        out["associations"] = block
    return out


def _version(v: Version) -> dict[str, Any]:
    """One `ValueWithTimestamp` (hubspot/crm/objects/models/value_with_timestamp.py); a UI user's change also
    names the user in `updatedByUserId`."""
    out: dict[str, Any] = {"value": v.value, "timestamp": iso_ms(v.timestamp_ms), "sourceType": v.source_type}
    if v.source_id:
        out["sourceId"] = v.source_id
    user = v.source_id.removeprefix("userId:")
    if v.source_id.startswith("userId:") and user.isdigit():
        out["updatedByUserId"] = int(user)
    return out


def _v3_associations(obj: CrmObject, to_types: list[str]) -> dict[str, Any]:
    """The v3 `associations` block: `{"deals": {"results": [{"id": "..", "type": "call_to_deal"}]}}`."""
    store = current().store
    block: dict[str, Any] = {}
    for raw in to_types:
        t = schema.resolve_object_type(raw)
        if t is None:
            continue
        results = []
        for to_id, types in store.associations(obj.object_type, obj.id, t.name):
            for category, type_id in types:
                name = schema.v3_association_name(obj.object_type, t.name)
                default = category == "HUBSPOT_DEFINED" and type_id == schema.default_type_id(obj.object_type, t.name)
                results.append({"id": to_id, "type": name if default else f"{name}_{type_id}"})
        if results:
            block[t.name] = {"results": results}
    return block


def _batch_inputs(body: dict[str, Any]) -> list[dict[str, Any]]:
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise validation_error("inputs is required and must be a list of objects")
    if len(inputs) > BATCH_LIMIT:
        raise validation_error(f"Batch input of {len(inputs)} items exceeds the limit of {BATCH_LIMIT} per request.")
    return inputs


def batch_response(
    results: list[dict[str, Any]], errors: list[dict[str, Any]], started_ms: int, ok_status: int
) -> tuple[dict[str, Any], int]:
    """HubSpot's batch envelope; any per-item error turns it into a 207 with `errors` and `numErrors`."""
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso_ms(started_ms),
        "completedAt": iso_ms(now_ms()),
    }
    if errors:
        body.update(numErrors=len(errors), errors=errors)
        return body, 207
    return body, ok_status


def _lookup(otype: str, object_id: str, id_property: str | None, *, archived: bool = False) -> CrmObject | None:
    store = current().store
    if not id_property or id_property == "hs_object_id":
        obj = store.objects[otype].get(str(object_id))
        return obj if obj is not None and obj.archived == archived else None
    return next(
        (o for o in store.all(otype, archived=archived) if o.properties.get(id_property) == str(object_id)), None
    )


@bp.post("/crm/v3/objects/<object_type>")
def create(object_type: str) -> tuple[dict[str, Any], int]:
    """POST /crm/v3/objects/{type}: 201 with "a copy of the object" (developers.hubspot.com/docs/api-reference/
    2026-03/crm/activities/tasks/create-task): every value it now has, i.e. the properties sent plus what HubSpot
    set itself (hs_createdate/createdate, hs_lastmodifieddate, hs_object_id, defaults such as hs_task_status)."""
    otype = current().store.object_type(object_type)
    body = json_body()
    obj = current().store.create_many(
        otype,
        [{"properties": body.get("properties") or {}, "associations": body.get("associations") or []}],
        api_origin(),
    )[0]
    return render(obj, all_properties=True), 201


@bp.get("/crm/v3/objects/<object_type>/<object_id>")
def get_by_id(object_type: str, object_id: str) -> dict[str, Any]:
    """GET /crm/v3/objects/{type}/{id} with `properties`, `associations`, `archived`, `idProperty`."""
    otype = current().store.object_type(object_type)
    archived = request.args.get("archived", "false").lower() == "true"
    obj = _lookup(otype, object_id, request.args.get("idProperty"), archived=archived)
    if obj is None:
        raise object_not_found(object_id)
    return render(obj, list_arg("properties"), list_arg("associations"), with_history=list_arg("propertiesWithHistory"))


@bp.patch("/crm/v3/objects/<object_type>/<object_id>")
def update(object_type: str, object_id: str) -> dict[str, Any]:
    """PATCH /crm/v3/objects/{type}/{id}: partial update; an empty string clears a value."""
    store = current().store
    otype = store.object_type(object_type)
    obj = _lookup(otype, object_id, request.args.get("idProperty"))
    if obj is None:
        raise object_not_found(object_id)
    body = json_body()
    updated = store.update_many(otype, [(obj.id, body.get("properties") or {})], api_origin())[0]
    return render(updated)


@bp.delete("/crm/v3/objects/<object_type>/<object_id>")
def archive(object_type: str, object_id: str) -> Response:
    """DELETE /crm/v3/objects/{type}/{id}: archive (soft delete), 204."""
    store = current().store
    store.archive_many(store.object_type(object_type), [object_id], api_origin())
    return Response(status=204)


@bp.get("/crm/v3/objects/<object_type>")
def get_page(object_type: str) -> dict[str, Any]:
    """GET /crm/v3/objects/{type}: records in id order, paged by `after` (≤ 100 per page)."""
    store = current().store
    otype = store.object_type(object_type)
    limit = int_arg("limit", 10, 100)
    after = request.args.get("after", "")
    archived = request.args.get("archived", "false").lower() == "true"
    objs = [o for o in store.all(otype, archived=archived) if not after.isdigit() or int(o.id) >= int(after)]
    page, rest = objs[:limit], objs[limit:]
    history = list_arg("propertiesWithHistory")
    out: dict[str, Any] = {
        "results": [render(o, list_arg("properties"), list_arg("associations"), with_history=history) for o in page]
    }
    if rest:
        nxt = rest[0].id
        out["paging"] = {"next": {"after": nxt, "link": f"{base_url()}/crm/v3/objects/{otype}?after={nxt}"}}
    return out


@bp.post("/crm/v3/objects/<object_type>/batch/create")
def batch_create(object_type: str) -> tuple[dict[str, Any], int]:
    """POST .../batch/create: ≤ 100 records, 201 with copies of them; all or nothing unless inputs carry
    `objectWriteTraceId`.

    With trace ids HubSpot answers multi-status: written records (each with its trace id) and a 207 error per
    refused input whose `context.objectWriteTraceId` names it (developers.hubspot.com/docs/api-reference/
    error-handling, "Multi-status errors").
    """
    started = now_ms()
    sb = current()
    otype = sb.store.object_type(object_type)
    inputs = _batch_inputs(json_body())
    items = [{"properties": i.get("properties") or {}, "associations": i.get("associations") or []} for i in inputs]
    if not any("objectWriteTraceId" in i for i in inputs):
        objs = sb.store.create_many(otype, items, api_origin())
        return batch_response([render(o, all_properties=True) for o in objs], [], started, 201)
    results, errors = [], []
    for item, raw in zip(items, inputs, strict=False):
        trace = str(raw.get("objectWriteTraceId") or "")
        try:
            _injected_failure({"objectWriteTraceId": [trace]})
            obj = sb.store.create_many(otype, [item], api_origin())[0]
        except ApiError as err:
            errors.append(standard_error(err.category, err.message, {"objectWriteTraceId": [trace]}, errors=err.errors))
            continue
        results.append(dict(render(obj, all_properties=True), objectWriteTraceId=trace))
    return batch_response(results, errors, started, 201)


def _injected_failure(context: dict[str, list[str]]) -> None:
    """Raise the per-record failure armed through the control API, if any."""
    injected = current().faults.record_failure()
    if injected is not None:
        raise ApiError(400, injected[0], injected[1], context=context)


@bp.post("/crm/v3/objects/<object_type>/batch/read")
def batch_read(object_type: str) -> tuple[dict[str, Any], int]:
    """POST .../batch/read: found records, plus a 207 OBJECT_NOT_FOUND error listing missing ids."""
    started = now_ms()
    otype = current().store.object_type(object_type)
    body = json_body()
    inputs = _batch_inputs(body)
    requested = body.get("properties") or []
    history = body.get("propertiesWithHistory") or []
    results, missing = [], []
    for item in inputs:
        obj = _lookup(otype, str(item.get("id", "")), body.get("idProperty"))
        if obj is None:
            missing.append(str(item.get("id", "")))
        else:
            results.append(render(obj, requested, with_history=history))
    singular = schema.OBJECT_TYPES[otype].singular.upper()
    errors = (
        [
            standard_error(
                "OBJECT_NOT_FOUND",
                f"Could not get some {singular} objects, they may be deleted or not exist. Check that ids are valid.",
                {"ids": missing},
            )
        ]
        if missing
        else []
    )
    return batch_response(results, errors, started, 200)


@bp.post("/crm/v3/objects/<object_type>/batch/update")
def batch_update(object_type: str) -> tuple[dict[str, Any], int]:
    """POST .../batch/update: ≤ 100 updates, 200, or 207 when some fail (duplicate ids are a 400).

    Unknown or archived ids are one OBJECT_NOT_FOUND error with `context.ids` (the 207 per
    developers.hubspot.com/changelog/simplifying-batch-update-response-codes-for-crm-v3-apis). Invalid values
    refuse the whole batch (400) unless inputs carry `objectWriteTraceId`, then each refused input is its own error.
    """
    started = now_ms()
    store = current().store
    otype = store.object_type(object_type)
    inputs = _batch_inputs(json_body())
    ids = [str(i.get("id", "")) for i in inputs]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise validation_error(f"Duplicate IDs found in batch input: {dupes}. IDs must be unique")
    multi = any("objectWriteTraceId" in i for i in inputs)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    with store.lock:
        missing = [i for i in ids if not store.find(otype, i)]
        todo = []
        for oid, raw in zip(ids, inputs, strict=False):
            if oid in missing:
                continue
            trace = raw.get("objectWriteTraceId")
            context = {"objectWriteTraceId": [str(trace)]} if trace is not None else {"ids": [oid]}
            try:
                _injected_failure(context)
            except ApiError as err:
                errors.append(standard_error(err.category, err.message, context))
                continue
            todo.append((oid, raw.get("properties") or {}, trace, context))
        if not multi:
            objs = store.update_many(otype, [(oid, props) for oid, props, _, _ in todo], api_origin())
            results = [render(o) for o in objs]
        else:
            for oid, props, trace, context in todo:
                try:
                    obj = store.update_many(otype, [(oid, props)], api_origin())[0]
                except ApiError as err:
                    errors.append(standard_error(err.category, err.message, context, errors=err.errors))
                    continue
                row = render(obj)
                results.append(dict(row, objectWriteTraceId=str(trace)) if trace is not None else row)
    if missing:
        errors.insert(
            0,
            standard_error(
                "OBJECT_NOT_FOUND", f"Could not update some objects: {len(missing)} ids not found.", {"ids": missing}
            ),
        )
    return batch_response(results, errors, started, 200)


@bp.post("/crm/v3/objects/<object_type>/batch/archive")
def batch_archive(object_type: str) -> Response:
    """POST .../batch/archive: archive ≤ 100 records, 204 (unknown ids are ignored)."""
    store = current().store
    otype = store.object_type(object_type)
    inputs = _batch_inputs(json_body())
    store.archive_many(otype, [str(i.get("id", "")) for i in inputs], api_origin())
    return Response(status=204)


@bp.post("/crm/v3/objects/<object_type>/search")
def do_search(object_type: str) -> dict[str, Any]:
    """POST /crm/v3/objects/{type}/search: HubSpot search semantics and limits (see hubspot_search)."""
    sb = current()
    otype = sb.store.object_type(object_type)
    body = json_body(default={})
    defs = sb.store.properties[otype]
    horizon = now_ms() - int(sb.config.search_lag_s * 1000)
    page = search_portal(
        sb.store,
        otype,
        body,
        type_of=lambda n: defs[n]["type"] if n in defs else None,
        searchable=schema.OBJECT_TYPES[otype].searchable,
        max_results=sb.config.search_max_results,
        horizon_ms=horizon,
    )
    out: dict[str, Any] = {
        "total": page.total,
        "results": [render(o, body.get("properties") or []) for o in page.results],
    }
    if page.next_after is not None:
        out["paging"] = {"next": {"after": page.next_after}}
    return out
