"""Control API of the sandbox (`/_sandbox/...`, no auth): reset, seed, simulated UI changes, faults, inspection.

Shapes are documented in `connector/sandbox/hubspot.py`.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, Response, request

from . import hubspot_schema as schema
from .hubspot_config import RUNTIME_SETTINGS
from .hubspot_errors import validation_error
from .hubspot_objects import render
from .hubspot_state import current, json_body
from .hubspot_store import Origin

bp = Blueprint("hubspot_control", __name__, url_prefix="/_sandbox")
SEED_ORDER = ("contacts", "deals", "calls", "notes", "tasks", "emails", "meetings")


@bp.post("/reset")
def reset() -> dict[str, Any]:
    """Put the portal back to its configured initial state."""
    current().reset()
    return {"status": "reset"}


def _seed_owners(owners: list[dict[str, Any]]) -> list[str]:
    store = current().store
    ids = []
    for o in owners:
        oid = str(o.get("id") or 75_000_001 + len(store.owners))
        user_id = o.get("userId") or 9_100_001 + len(store.owners)
        store.owners.append({"teams": [], **o, "id": oid, "userId": user_id})
        ids.append(oid)
    return ids


def _seed_files(files: list[dict[str, Any]]) -> list[str]:
    sb = current()
    ids = []
    for f in files:
        content = base64.b64decode(f["content_base64"]) if "content_base64" in f else str(f.get("content", "")).encode()
        stored = sb.files.upload(
            filename=f["name"],
            content=content,
            options={"access": f.get("access", "PRIVATE")},
            folder_path=f.get("folderPath", "/dealcoach"),
            folder_id=None,
        )
        ids.append(stored.id)
    return ids


def _resolve(ref: Any, created: dict[str, list[str]], otype: str) -> str:
    """An association target: an int indexes this seed's records of that type, a string is an existing id."""
    if isinstance(ref, int):
        try:
            return created[otype][ref]
        except (KeyError, IndexError):
            raise validation_error(f"seed refers to {otype}[{ref}], which this seed does not create") from None
    return str(ref)


@bp.post("/seed")
def seed() -> dict[str, Any]:
    """Create owners, files and records with associations in one go; returns the new ids per type."""
    sb = current()
    body = json_body()
    unknown = set(body) - {"owners", "files", "emit_webhooks", *SEED_ORDER}
    if unknown:
        raise validation_error(f"Unknown seed keys: {sorted(unknown)}")
    store = sb.store
    origin = Origin("IMPORT", "sandbox-seed")
    with store.lock:
        listener = store.on_change
        if not body.get("emit_webhooks", False):
            store.on_change = None
        try:
            created: dict[str, list[str]] = {
                "owners": _seed_owners(body.get("owners") or []),
                "files": _seed_files(body.get("files") or []),
            }
            for otype in SEED_ORDER:
                created[otype] = []
                for item in body.get(otype) or []:
                    props = dict(item.get("properties") or {})
                    if item.get("attachments"):
                        props["hs_attachment_ids"] = ";".join(
                            _resolve(i, created, "files") for i in item["attachments"]
                        )
                    obj = store.create_many(
                        otype, [{"properties": props, "createdAt": item.get("createdAt")}], origin, trusted=True
                    )[0]
                    created[otype].append(obj.id)
                    for to_raw, refs in (item.get("associations") or {}).items():
                        to_type = store.object_type(to_raw)
                        for ref in refs:
                            store.associate(
                                otype,
                                obj.id,
                                to_type,
                                _resolve(ref, created, to_type),
                                "HUBSPOT_DEFINED",
                                schema.require_default_type_id(otype, to_type),
                                origin,
                            )
        finally:
            store.on_change = listener
    return created


@bp.post("/changes")
def changes() -> dict[str, Any]:
    """Simulate users in HubSpot's UI: create, update or archive records (webhooks say changeSource CRM_UI)."""
    sb = current()
    body = json_body()
    items = body.get("changes") or [body]
    first_user = sb.store.owners[0].get("userId") if sb.store.owners else 0
    origin = Origin(body.get("changeSource", "CRM_UI"), body.get("sourceId", f"userId:{first_user}"))
    store = sb.store
    results = []
    for ch in items:
        otype = store.object_type(str(ch.get("objectType", "")))
        if ch.get("archive"):
            store.archive_many(otype, [str(ch["id"])], origin)
            results.append({"objectType": otype, "id": str(ch["id"]), "action": "archive"})
        elif ch.get("id"):
            store.update_many(otype, [(str(ch["id"]), ch.get("properties") or {})], origin)
            results.append({"objectType": otype, "id": str(ch["id"]), "action": "update"})
        else:
            obj = store.create_many(otype, [{"properties": ch.get("properties") or {}}], origin)[0]
            for to_raw, refs in (ch.get("associations") or {}).items():
                to_type = store.object_type(to_raw)
                for ref in refs:
                    store.associate(
                        otype,
                        obj.id,
                        to_type,
                        str(ref),
                        "HUBSPOT_DEFINED",
                        schema.require_default_type_id(otype, to_type),
                        origin,
                    )
            results.append({"objectType": otype, "id": obj.id, "action": "create"})
    return {"results": results}


@bp.post("/settings")
def change_settings() -> dict[str, Any]:
    """Change runtime settings (search lag and result cap, OAuth token lifetime) until the next reset."""
    config = current().config
    body = json_body()
    unknown = set(body) - set(RUNTIME_SETTINGS)
    if unknown:
        raise validation_error(f"Unknown settings: {sorted(unknown)}; allowed: {list(RUNTIME_SETTINGS)}")
    for name, value in body.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise validation_error(f"{name} must be a non-negative number")
        setattr(config, name, type(getattr(config, name))(value))
    return config.runtime()


@bp.post("/faults")
def add_fault() -> tuple[dict[str, Any], int]:
    """Inject a fault (status, rate or count, path prefix, method, Retry-After, delay) or per-record failures."""
    return current().faults.add(json_body()), 201


@bp.get("/faults")
def list_faults() -> dict[str, Any]:
    """The faults still armed (counted faults disappear when used up) and per-record failures left."""
    return current().faults.list()


@bp.get("/faults/hits")
def fault_hits() -> dict[str, Any]:
    """How often each fault rule fired (spent counted rules included) and the hits per kind, since the last clear."""
    return current().faults.hits()


@bp.delete("/faults")
def clear_faults() -> Response:
    """Disarm every fault."""
    current().faults.clear()
    return Response(status=204)


@bp.get("/writes")
def writes() -> dict[str, Any]:
    """DealCoach's API writes, filterable by objectType, action and method, for assertions."""
    store = current().store
    with store.lock:
        rows = list(store.writes)
    for key in ("objectType", "action", "method"):
        if request.args.get(key):
            rows = [r for r in rows if str(r.get(key)) == request.args[key]]
    return {"results": rows, "total": len(rows)}


@bp.get("/calls")
def calls() -> dict[str, Any]:
    """API call counts by endpoint template and by status, to check API budget use."""
    return current().calls.snapshot()


@bp.get("/objects/<object_type>")
def dump_objects(object_type: str) -> dict[str, Any]:
    """Every record of a type, archived too, with all properties and all associations (for assertions)."""
    store = current().store
    otype = store.object_type(object_type)
    out = []
    for obj in store.all(otype, archived=None):
        row = render(obj, all_properties=True)
        row["associations"] = {
            to: [{"id": tid, "typeIds": [t for _, t in types]} for tid, types in store.associations(otype, obj.id, to)]
            for to in schema.OBJECT_TYPES
            if store.associations(otype, obj.id, to)
        }
        out.append(row)
    return {"results": out, "total": len(out)}


def _settings() -> dict[str, Any]:
    s = current().webhooks.settings
    return {"target_url": s.target_url, "subscriptions": s.subscriptions}


@bp.post("/webhooks")
def configure_webhooks() -> dict[str, Any]:
    """Set the webhook target URL, client secret and/or subscriptions."""
    current().webhooks.configure(json_body())
    return _settings()


@bp.get("/webhooks")
def get_webhooks() -> dict[str, Any]:
    """The current webhook target and subscriptions."""
    return _settings()


@bp.post("/webhooks/flush")
def flush_webhooks() -> dict[str, Any]:
    """Wait until every queued webhook is delivered or given up on; returns the delivery log."""
    body = json_body(default={})
    settled = current().webhooks.flush(float(body.get("timeout_s", 10)))
    return {"settled": settled, "deliveries": current().webhooks.deliveries}


@bp.get("/webhooks/deliveries")
def deliveries() -> dict[str, Any]:
    """The webhook delivery log: batches, event ids, attempts with statuses or errors."""
    return {"deliveries": current().webhooks.deliveries}


@bp.get("/webhooks/events")
def events() -> dict[str, Any]:
    """Every webhook event generated, also when no target is set (bounded log)."""
    return {"events": current().webhooks.events}


@bp.post("/webhooks/redeliver")
def redeliver() -> dict[str, Any]:
    """Resend a delivered batch unchanged (`{"batchId": 7}`, default the last one), to test duplicate handling."""
    batch_id = json_body(default={}).get("batchId")
    if batch_id is not None and (not isinstance(batch_id, int) or isinstance(batch_id, bool)):
        raise validation_error("batchId must be the integer id of a delivered batch")
    return current().webhooks.redeliver(batch_id)
