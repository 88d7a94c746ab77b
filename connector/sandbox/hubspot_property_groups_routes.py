"""Routes of the sandbox's property groups (behaviour and sources in `hubspot_property_groups`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from .hubspot_property_groups import GroupStore
from .hubspot_state import api_origin, current, json_body

bp = Blueprint("hubspot_property_groups", __name__)


def _groups() -> GroupStore:
    return current().property_groups


@bp.get("/crm/v3/properties/<object_type>/groups")
def list_groups(object_type: str) -> dict[str, Any]:
    """GET /crm/v3/properties/{objectType}/groups."""
    store = current().store
    otype = store.object_type(object_type)
    with store.lock:
        props = dict(store.properties[otype])
    return {"results": _groups().all(otype, props)}


@bp.post("/crm/v3/properties/<object_type>/groups")
def create_group(object_type: str) -> tuple[dict[str, Any], int]:
    """POST /crm/v3/properties/{objectType}/groups: 201, or 409 when the name is taken."""
    store = current().store
    otype = store.object_type(object_type)
    with store.lock:
        props = dict(store.properties[otype])
    group = _groups().create(otype, json_body(), props)
    store.log_write(api_origin(), "create_property_group", otype, group["name"], definition=group)
    return group, 201
