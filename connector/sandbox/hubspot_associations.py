"""Associations API v4 (`/crm/v4/...`): labelled and default PUTs, paged reads, batch read/create/archive.

Shapes follow `hubspot/crm/associations/v4/models` (`LabelsBetweenObjectPair`, `MultiAssociatedObjectWithLabel`,
`BatchResponsePublicDefaultAssociation`, ...). Ids in v4 bodies are numbers, as HubSpot sends them.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from . import hubspot_schema as schema
from .hubspot_errors import standard_error, validation_error
from .hubspot_objects import batch_response
from .hubspot_state import api_origin, base_url, current, int_arg, json_body
from .hubspot_values import now_ms

bp = Blueprint("hubspot_associations", __name__)
BATCH_LIMIT = 1000
_OBJ = "/crm/v4/objects/<from_type>/<from_id>/associations"


def _types(from_type: str, to_type: str) -> tuple[str, str]:
    store = current().store
    return store.object_type(from_type), store.object_type(to_type)


def _labels_pair(from_type: str, from_id: str, to_type: str, to_id: str) -> dict[str, Any]:
    """`LabelsBetweenObjectPair` for what is now stored between two records."""
    types = dict(current().store.associations(from_type, from_id, to_type)).get(str(to_id), [])
    return {
        "fromObjectTypeId": schema.OBJECT_TYPES[from_type].type_id,
        "fromObjectId": int(from_id),
        "toObjectTypeId": schema.OBJECT_TYPES[to_type].type_id,
        "toObjectId": int(to_id),
        "labels": [label for _, tid in types if (label := _label(from_type, to_type, tid))],
    }


def _label(from_type: str, to_type: str, type_id: int) -> str | None:
    """Unlabelled default associations have no label; other ids are shown by number (no label registry)."""
    return None if type_id == schema.default_type_id(from_type, to_type) else f"label-{type_id}"


def _specs(from_type: str, to_type: str, types: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"category": c, "typeId": t, "label": _label(from_type, to_type, t)} for c, t in types]


def _default_results(from_type: str, from_id: str, to_type: str, to_id: str) -> list[dict[str, Any]]:
    """Both directions of a default association, as `PublicDefaultAssociation` items."""
    return [
        {
            "from": {"id": str(a_id)},
            "to": {"id": str(b_id)},
            "associationSpec": {
                "associationCategory": "HUBSPOT_DEFINED",
                "associationTypeId": schema.default_type_id(a, b),
            },
        }
        for a, a_id, b, b_id in ((from_type, from_id, to_type, to_id), (to_type, to_id, from_type, from_id))
    ]


@bp.put(f"{_OBJ}/default/<to_type>/<to_id>")
def create_default(from_type: str, from_id: str, to_type: str, to_id: str) -> dict[str, Any]:
    """PUT .../associations/default/{toType}/{toId}: the unlabelled HUBSPOT_DEFINED type, both ways (400 for a
    pair HubSpot defines no default type for)."""
    started = now_ms()
    a, b = _types(from_type, to_type)
    current().store.associate(
        a, from_id, b, to_id, "HUBSPOT_DEFINED", schema.require_default_type_id(a, b), api_origin()
    )
    return batch_response(_default_results(a, from_id, b, to_id), [], started, 200)[0]


@bp.put(f"{_OBJ}/<to_type>/<to_id>")
def create_labelled(from_type: str, from_id: str, to_type: str, to_id: str) -> tuple[dict[str, Any], int]:
    """PUT .../associations/{toType}/{toId} with a list of specs; every spec is checked before any is stored."""
    a, b = _types(from_type, to_type)
    specs = json_body(kind=list)
    if not specs:
        raise validation_error("The request body must be a non-empty list of association specs")
    store = current().store
    types = [schema.association_spec(spec) for spec in specs]
    with store.lock:
        for category, type_id in types:
            store.check_type_id(a, b, category, type_id)
        for category, type_id in types:
            store.associate(a, from_id, b, to_id, category, type_id, api_origin())
    return _labels_pair(a, from_id, b, to_id), 201


@bp.delete(f"{_OBJ}/<to_type>/<to_id>")
def archive(from_type: str, from_id: str, to_type: str, to_id: str) -> Response:
    """DELETE .../associations/{toType}/{toId}: removes every association type between the two records."""
    a, b = _types(from_type, to_type)
    current().store.unassociate(a, from_id, b, to_id, api_origin())
    return Response(status=204)


@bp.get(f"{_OBJ}/<to_type>")
def get_page(from_type: str, from_id: str, to_type: str) -> dict[str, Any]:
    """GET .../associations/{toType}: associated ids with their types, paged by `after` (≤ 500 per page)."""
    a, b = _types(from_type, to_type)
    limit = int_arg("limit", 500, 500)
    after = request.args.get("after", "0")
    start = int(after) if after.isdigit() else 0
    rows = current().store.associations(a, from_id, b)
    out: dict[str, Any] = {
        "results": [
            {"toObjectId": int(tid), "associationTypes": _specs(a, b, types)}
            for tid, types in rows[start : start + limit]
        ]
    }
    if start + limit < len(rows):
        nxt = str(start + limit)
        out["paging"] = {"next": {"after": nxt, "link": f"{base_url()}{request.path}?after={nxt}"}}
    return out


def _inputs() -> list[dict[str, Any]]:
    inputs = json_body().get("inputs")
    if not isinstance(inputs, list) or not all(isinstance(i, dict) for i in inputs):
        raise validation_error("inputs is required and must be a list of objects")
    if len(inputs) > BATCH_LIMIT:
        raise validation_error(f"Batch input of {len(inputs)} items exceeds the limit of {BATCH_LIMIT}.")
    return inputs


def _id(item: dict[str, Any], key: str) -> str:
    """`item[key]["id"]` of a batch input, or HubSpot's 400 when it is missing."""
    ref = item.get(key)
    if not isinstance(ref, dict) or not ref.get("id"):
        raise validation_error(f"Each input needs {key}.id")
    return str(ref["id"])


@bp.post("/crm/v4/associations/<from_type>/<to_type>/batch/read")
def batch_read(from_type: str, to_type: str) -> tuple[dict[str, Any], int]:
    """Associations of many records; ids without any give a 207 NO_ASSOCIATIONS_FOUND error, like HubSpot."""
    started = now_ms()
    a, b = _types(from_type, to_type)
    results, errors = [], []
    for item in _inputs():
        fid = str(item.get("id", ""))
        rows = current().store.associations(a, fid, b)
        if not rows:
            errors.append(
                standard_error(
                    "OBJECT_NOT_FOUND",
                    f"No {schema.OBJECT_TYPES[b].singular} is associated with {schema.OBJECT_TYPES[a].singular} {fid}.",
                    {"fromObjectId": [fid]},
                    "crm.associations.NO_ASSOCIATIONS_FOUND",
                )
            )
            continue
        results.append(
            {
                "from": {"id": fid},
                "to": [{"toObjectId": int(tid), "associationTypes": _specs(a, b, types)} for tid, types in rows],
            }
        )
    return batch_response(results, errors, started, 200)


@bp.post("/crm/v4/associations/<from_type>/<to_type>/batch/create")
def batch_create(from_type: str, to_type: str) -> tuple[dict[str, Any], int]:
    """POST .../batch/create: labelled associations for many pairs; answers `LabelsBetweenObjectPair`s."""
    started = now_ms()
    a, b = _types(from_type, to_type)
    store = current().store
    inputs = _inputs()
    planned = [
        (_id(item, "from"), _id(item, "to"), [schema.association_spec(spec) for spec in item.get("types") or []])
        for item in inputs
    ]
    with store.lock:
        for _, _, types in planned:
            for category, type_id in types:
                store.check_type_id(a, b, category, type_id)
        pairs = []
        for fid, tid, types in planned:
            for category, type_id in types:
                store.associate(a, fid, b, tid, category, type_id, api_origin())
            pairs.append(_labels_pair(a, fid, b, tid))
    return batch_response(pairs, [], started, 201)


@bp.post("/crm/v4/associations/<from_type>/<to_type>/batch/associate/default")
def batch_default(from_type: str, to_type: str) -> tuple[dict[str, Any], int]:
    """POST .../batch/associate/default: default associations for many pairs."""
    started = now_ms()
    a, b = _types(from_type, to_type)
    type_id = schema.require_default_type_id(a, b)
    results: list[dict[str, Any]] = []
    for item in _inputs():
        fid, tid = _id(item, "from"), _id(item, "to")
        current().store.associate(a, fid, b, tid, "HUBSPOT_DEFINED", type_id, api_origin())
        results += _default_results(a, fid, b, tid)
    return batch_response(results, [], started, 200)


@bp.post("/crm/v4/associations/<from_type>/<to_type>/batch/archive")
def batch_archive(from_type: str, to_type: str) -> Response:
    """POST .../batch/archive: remove associations from each `from` to its `to` list (204)."""
    a, b = _types(from_type, to_type)
    for item in _inputs():
        fid = _id(item, "from")
        for to in item.get("to") or []:
            current().store.unassociate(a, fid, b, str(to.get("id", "")), api_origin())
    return Response(status=204)
