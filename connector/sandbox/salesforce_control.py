"""Control API of the sandbox org (`/_sandbox/...`, no auth): reset, seed, simulated UI changes, faults, limits,
outbound message settings and delivery log, and inspection. Shapes are documented in `connector/sandbox/salesforce.py`.
"""

from __future__ import annotations

import base64
from typing import Any

from flask import Blueprint, Response, request

from .salesforce_errors import DmlError, SfError
from .salesforce_rest import record_json, sobject_or_404
from .salesforce_rules import write_history
from .salesforce_state import current, json_body
from .salesforce_store import Actor, Record
from .salesforce_values import coerce

bp = Blueprint("salesforce_control", __name__, url_prefix="/_sandbox")
SEED_KEYS = ("accounts", "contacts", "opportunities", "tasks", "files", "notes")


def _bad(message: str) -> SfError:
    return SfError(400, "INVALID_INPUT", message)


@bp.post("/reset")
def reset() -> dict[str, Any]:
    """Put the org back to its configured initial state."""
    current().reset()
    return {"status": "reset"}


def _ref(ref: Any, created: dict[str, list[str]], default_kind: str) -> str:
    """An int indexes this seed's records of `default_kind`, `{"tasks": 0}` another kind, a string is an id."""
    if isinstance(ref, dict) and len(ref) == 1:
        ((kind, ref),) = ref.items()
    else:
        kind = default_kind
    if isinstance(ref, int):
        try:
            return created[kind][ref]
        except (KeyError, IndexError):
            raise _bad(f"seed refers to {kind}[{ref}], which this seed does not create") from None
    return str(ref)


def _links(item: dict[str, Any], created: dict[str, list[str]]) -> list[str]:
    raw = item.get("link_to")
    refs = raw if isinstance(raw, list) else [] if raw is None else [raw]
    return [_ref(r, created, "opportunities") for r in refs]


def _content(item: dict[str, Any]) -> str:
    if "content_b64" in item:
        return str(item["content_b64"])
    return base64.b64encode(str(item.get("content", "")).encode()).decode()


def _seed_opportunity(item: dict[str, Any], created: dict[str, list[str]], actor: Actor) -> Record:
    store = current().store
    values = {k: v for k, v in item.items() if k != "history"}
    if isinstance(values.get("AccountId"), int):
        values["AccountId"] = _ref(values["AccountId"], created, "accounts")
    rec = store.create("Opportunity", values, actor, trusted=True)
    history = item.get("history")
    if history:
        for row in store.all("OpportunityHistory"):
            if row.fields["OpportunityId"] == rec.id:
                store.touch(row).deleted = True
        for entry in history:
            row = write_history(store, rec, actor, None)
            obj = store.object("OpportunityHistory")
            for key in ("StageName", "CreatedDate", "Amount", "CloseDate"):
                if key in entry:
                    row.fields[key] = coerce(obj.fields[key], entry[key])
    return rec


def _seed_all(body: dict[str, Any], actor: Actor) -> dict[str, list[str]]:
    store = current().store
    created: dict[str, list[str]] = {k: [] for k in (*SEED_KEYS, "documents")}
    for item in body.get("accounts") or []:
        created["accounts"].append(store.create("Account", item, actor, trusted=True).id)
    for item in body.get("contacts") or []:
        values = dict(item)
        if isinstance(values.get("AccountId"), int):
            values["AccountId"] = _ref(values["AccountId"], created, "accounts")
        created["contacts"].append(store.create("Contact", values, actor, trusted=True).id)
    for item in body.get("opportunities") or []:
        created["opportunities"].append(_seed_opportunity(item, created, actor).id)
    for item in body.get("tasks") or []:
        values = dict(item)
        for key, kind in (("WhatId", "opportunities"), ("WhoId", "contacts")):
            if isinstance(values.get(key), (int, dict)):
                values[key] = _ref(values[key], created, kind)
        created["tasks"].append(store.create("Task", values, actor, trusted=True).id)
    for item in body.get("files") or []:
        targets = _links(item, created)
        values = {
            "Title": item.get("title"),
            "PathOnClient": item.get("path_on_client") or item.get("title"),
            "VersionData": _content(item),
            "FirstPublishLocationId": targets[0] if targets else None,
        }
        values.update({k: item[k] for k in ("OwnerId", "CreatedDate", "Description") if k in item})
        cv = store.create("ContentVersion", values, actor, trusted=True)
        doc_id = cv.fields["ContentDocumentId"]
        for target in targets[1:]:
            store.create(
                "ContentDocumentLink", {"ContentDocumentId": doc_id, "LinkedEntityId": target, "ShareType": "V"}, actor
            )
        created["files"].append(cv.id)
        created["documents"].append(doc_id)
    for item in body.get("notes") or []:
        note = store.create(
            "ContentNote",
            {"Title": item.get("title"), "Content": _content(item), **{k: item[k] for k in ("OwnerId",) if k in item}},
            actor,
            trusted=True,
        )
        for target in _links(item, created):
            store.create(
                "ContentDocumentLink", {"ContentDocumentId": note.id, "LinkedEntityId": target, "ShareType": "V"}, actor
            )
        created["notes"].append(note.id)
    return created


@bp.post("/seed")
def seed() -> dict[str, Any]:
    """Create accounts, contacts, opportunities (with backdated history), tasks, files and notes in one go."""
    sb = current()
    body = json_body()
    unknown = set(body) - {*SEED_KEYS, "emit_outbound"}
    if unknown:
        raise _bad(f"Unknown seed keys: {sorted(unknown)}")
    store = sb.store
    actor = Actor("SEED", sb.config.ui_user_id)
    with store.lock:
        listener = store.on_change
        if not body.get("emit_outbound", False):
            store.on_change = None
        try:
            with store.unit():
                return _seed_all(body, actor)
        except DmlError as err:
            raise SfError(400, err.status_code, f"seed: {err.message}", err.fields) from None
        finally:
            store.on_change = listener


@bp.post("/changes")
def changes() -> dict[str, Any]:
    """Simulate users in Salesforce's UI: create, update or delete records (outbound messages fire, no write log)."""
    sb = current()
    body = json_body()
    items = body.get("changes") or [body]
    actor = Actor("UI", str(body.get("userId") or sb.config.ui_user_id))
    store = sb.store
    results = []
    try:
        with store.unit():
            for ch in items:
                sobject = sobject_or_404(str(ch.get("objectType", ""))).name
                fields = ch.get("fields") or {}
                if ch.get("delete"):
                    rec = store.delete(sobject, str(ch["id"]), actor)
                    action = "delete"
                elif ch.get("id"):
                    rec = store.update(sobject, str(ch["id"]), fields, actor)
                    action = "update"
                else:
                    rec = store.create(sobject, fields, actor)
                    action = "create"
                results.append({"objectType": sobject, "id": rec.id, "action": action})
    except DmlError as err:
        raise err.as_request_error() from None
    return {"results": results}


@bp.post("/faults")
def add_fault() -> tuple[dict[str, Any], int]:
    """Inject a fault (status, rate or count, path prefix, method, Retry-After, delay) or per-record failures."""
    armed = current().faults.add(json_body())
    return {"armed": armed, **current().faults.list()}, 201


@bp.get("/faults")
def list_faults() -> dict[str, Any]:
    """The faults still armed."""
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


@bp.get("/limits")
def get_limits() -> dict[str, Any]:
    """API requests used today and the daily allocation."""
    return current().usage.snapshot()


@bp.post("/limits")
def set_limits() -> dict[str, Any]:
    """Set `used` and/or `max` (e.g. `{"used": 99999}` to test the 403 without 100,000 calls), or the connected
    app's own quota `{"app": {"used": 17, "max": 250, "name": "DealCoach"}}`."""
    body = json_body()
    app = body.get("app")
    if app is not None and not (isinstance(app, dict) and "max" in app):
        raise _bad("app must be an object with max")
    values = {
        "used": body.get("used"),
        "max": body.get("max"),
        **{f"app.{k}": v for k, v in (app or {}).items() if k in ("used", "max")},
    }
    for key, value in values.items():
        if value is not None and (not isinstance(value, int) or value < 0):
            raise _bad(f"{key} must be a whole number")
    current().usage.set(used=body.get("used"), limit=body.get("max"), app=app)
    return current().usage.snapshot()


@bp.post("/field_security")
def field_security() -> dict[str, Any]:
    """Make fields read-only for the API user, as a profile or permission set granting Read without Edit does:
    `{"objectType": "Opportunity", "readOnly": ["DealCoach_BANT__c"]}` (reset restores the configured access)."""
    body = json_body()
    names = body.get("readOnly")
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _bad("readOnly must be a list of field names")
    try:
        done = current().schema.make_read_only(str(body.get("objectType", "")), names)
    except KeyError as exc:
        raise _bad(f"unknown sObject or field: {exc.args[0]}") from None
    return {"objectType": sobject_or_404(str(body["objectType"])).name, "readOnly": done}


@bp.get("/writes")
def writes() -> dict[str, Any]:
    """API writes (create/update/delete with the values written), filterable by objectType, action, method."""
    store = current().store
    with store.lock:
        rows = list(store.writes)
    for key in ("objectType", "action", "method"):
        if request.args.get(key):
            rows = [r for r in rows if str(r.get(key)) == request.args[key]]
    return {"results": rows, "total": len(rows)}


@bp.get("/calls")
def calls() -> dict[str, Any]:
    """API call counts by `METHOD /path/template` and by status."""
    return current().calls.snapshot()


@bp.get("/objects/<sobject>")
def dump_objects(sobject: str) -> dict[str, Any]:
    """Every record of a type, deleted ones too (IsDeleted), with all fields, as the REST API renders them."""
    sb = current()
    obj = sobject_or_404(sobject)
    version = sb.config.api_versions[-1]
    with sb.store.lock:
        records = [record_json(r, version) for r in sb.store.all(obj.name, include_deleted=True)]
    return {"records": records, "totalSize": len(records)}


@bp.post("/outbound")
def configure_outbound() -> dict[str, Any]:
    """Set the outbound message endpoint(s), the Flow callout endpoint and secret, and Send Session ID."""
    return current().outbound.configure(json_body()).public()


@bp.get("/outbound")
def get_outbound() -> dict[str, Any]:
    """The current outbound settings and action ids."""
    ob = current().outbound
    return {**ob.settings.public(), "actionIds": ob.action_ids}


@bp.post("/outbound/flush")
def flush_outbound() -> dict[str, Any]:
    """Wait until every queued message is acknowledged or given up on; returns the delivery log."""
    body = json_body(default={})
    settled = current().outbound.flush(float(body.get("timeout_s", 10)))
    return {"settled": settled, "deliveries": current().outbound.deliveries}


@bp.get("/outbound/deliveries")
def outbound_deliveries() -> dict[str, Any]:
    """The delivery log: messages, notification ids, attempts with statuses and acks, bodies."""
    return {"deliveries": current().outbound.deliveries}


@bp.get("/outbound/events")
def outbound_events() -> dict[str, Any]:
    """Every change that fired (also when no endpoint is configured)."""
    return {"events": current().outbound.events}


@bp.post("/outbound/redeliver")
def redeliver_outbound() -> dict[str, Any]:
    """Resend a delivered message unchanged: the last one (`{"channel": "flow"}` for the Flow callout) or
    `{"deliveryId": 7}`."""
    body = json_body(default={})
    delivery_id = body.get("deliveryId")
    if delivery_id is not None and (not isinstance(delivery_id, int) or isinstance(delivery_id, bool)):
        raise _bad("deliveryId must be the integer id of a delivered message")
    return current().outbound.redeliver(str(body.get("channel", "outbound")), delivery_id)
