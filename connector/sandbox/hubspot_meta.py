"""Portal metadata endpoints: Properties (`/crm/v3/properties`), Pipelines (`/crm/v3/pipelines`), Owners
(`/crm/v3/owners`), shaped like the SDK's `ModelProperty`, `Pipeline`/`PipelineStage` and `PublicOwner`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from .hubspot_errors import not_found, validation_error
from .hubspot_state import api_origin, base_url, current, int_arg, json_body, list_arg
from .hubspot_values import iso_ms, now_ms

bp = Blueprint("hubspot_meta", __name__)
_EPOCH_ISO = "2019-01-01T00:00:00.000Z"


def _property_json(d: dict[str, Any]) -> dict[str, Any]:
    return {"updatedAt": _EPOCH_ISO, "createdAt": _EPOCH_ISO, "archived": False, **d}


@bp.get("/crm/v3/properties/<object_type>")
def list_properties(object_type: str) -> dict[str, Any]:
    """GET /crm/v3/properties/{objectType}: every property definition of the type."""
    store = current().store
    otype = store.object_type(object_type)
    if request.args.get("archived", "false").lower() == "true":
        return {"results": []}
    wanted = set(list_arg("properties"))
    with store.lock:
        defs = list(store.properties[otype].values())
    return {"results": [_property_json(d) for d in defs if not wanted or d["name"] in wanted]}


@bp.get("/crm/v3/properties/<object_type>/<property_name>")
def get_property(object_type: str, property_name: str) -> dict[str, Any]:
    """GET /crm/v3/properties/{objectType}/{propertyName}, 404 when the portal lacks it."""
    store = current().store
    otype = store.object_type(object_type)
    d = store.properties[otype].get(property_name)
    if d is None:
        raise not_found(f"Unable to find property named '{property_name}' for object type {otype}", property_name)
    return _property_json(d)


@bp.post("/crm/v3/properties/<object_type>")
def create_property(object_type: str) -> tuple[dict[str, Any], int]:
    """POST /crm/v3/properties/{objectType}: 201, or 409 when the name is taken."""
    store = current().store
    otype = store.object_type(object_type)
    d = store.create_property(otype, json_body())
    store.log_write(api_origin(), "create_property", otype, d["name"], definition=d)
    return _property_json(d), 201


def _pipeline_json(p: dict[str, Any]) -> dict[str, Any]:
    stamp = {"createdAt": _EPOCH_ISO, "updatedAt": _EPOCH_ISO, "archived": False}
    return {
        **stamp,
        "id": p["id"],
        "label": p["label"],
        "displayOrder": p.get("displayOrder", 0),
        "stages": [
            {
                **stamp,
                "id": s["id"],
                "label": s["label"],
                "displayOrder": s.get("displayOrder", i),
                "metadata": dict(s.get("metadata") or {}),
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            }
            for i, s in enumerate(p["stages"])
        ],
    }


def _deal_pipelines(object_type: str) -> list[dict[str, Any]]:
    """Deals have the configured pipelines; the other object types DealCoach touches have none here."""
    store = current().store
    with store.lock:
        return list(store.pipelines) if store.object_type(object_type) == "deals" else []


@bp.get("/crm/v3/pipelines/<object_type>")
def list_pipelines(object_type: str) -> dict[str, Any]:
    """GET /crm/v3/pipelines/{objectType}: the configured deal pipelines with their stages."""
    return {"results": [_pipeline_json(p) for p in _deal_pipelines(object_type)]}


@bp.get("/crm/v3/pipelines/<object_type>/<pipeline_id>")
def get_pipeline(object_type: str, pipeline_id: str) -> dict[str, Any]:
    """GET /crm/v3/pipelines/{objectType}/{pipelineId}."""
    p = next((p for p in _deal_pipelines(object_type) if p["id"] == pipeline_id), None)
    if p is None:
        raise not_found(f"Unable to find pipeline {pipeline_id}", pipeline_id)
    return _pipeline_json(p)


def _owner_json(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(o["id"]),
        "email": o.get("email"),
        "type": o.get("type", "PERSON"),
        "firstName": o.get("firstName", ""),
        "lastName": o.get("lastName", ""),
        "userId": o.get("userId"),
        "userIdIncludingInactive": o.get("userId"),
        "createdAt": o.get("createdAt", iso_ms(now_ms())),
        "updatedAt": o.get("updatedAt", iso_ms(now_ms())),
        "archived": bool(o.get("archived", False)),
        "teams": [dict(t) for t in o.get("teams") or []],
    }


@bp.get("/crm/v3/owners/", strict_slashes=False)
def list_owners() -> dict[str, Any]:
    """GET /crm/v3/owners/: owners paged by `after`, optionally filtered by email."""
    store = current().store
    archived = request.args.get("archived", "false").lower() == "true"
    with store.lock:
        owners = [o for o in store.owners if bool(o.get("archived", False)) == archived]
    email = request.args.get("email")
    if email:
        owners = [o for o in owners if str(o.get("email", "")).lower() == email.lower()]
    limit = int_arg("limit", 100, 500)
    after = request.args.get("after", "0")
    if not after.isdigit():
        raise validation_error(f"after must be numeric; got {after}")
    start = int(after)
    out: dict[str, Any] = {"results": [_owner_json(o) for o in owners[start : start + limit]]}
    if start + limit < len(owners):
        nxt = str(start + limit)
        out["paging"] = {"next": {"after": nxt, "link": f"{base_url()}/crm/v3/owners/?after={nxt}"}}
    return out


@bp.get("/crm/v3/owners/<owner_id>")
def get_owner(owner_id: str) -> dict[str, Any]:
    """GET /crm/v3/owners/{ownerId} (idProperty=id or userId)."""
    key = "userId" if request.args.get("idProperty") == "userId" else "id"
    store = current().store
    with store.lock:
        owner = next((o for o in store.owners if str(o.get(key)) == owner_id), None)
    if owner is None:
        raise not_found(f"Unable to find owner with {key} {owner_id}", owner_id)
    return _owner_json(owner)
