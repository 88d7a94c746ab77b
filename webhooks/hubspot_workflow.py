"""`POST /webhooks/hubspot/workflow`: HubSpot runs DealCoach's custom workflow action ("coach this deal now").

Verified like every HubSpot request (v3 required here), parsed, queued like any other event (one job per
`callbackId`, so a retried request is a duplicate), and answered at once with `hs_execution_state: BLOCK`: the job
completes the step later through the callback-completion API with the outcome (sync/workflow_action.py). Payload
(HubSpot's custom workflow action guide): `callbackId`, `origin.portalId`, `object.objectId`, `object.objectType`,
`inputFields`.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from connector import clock
from connector.models import Event
from connector.tenants import tenant_id
from sync.workflow_action import KIND
from webhooks.common import MalformedBody, WebhookRejected, load_json, public_uri, queue_events, read_body
from webhooks.signatures import HubSpotRequest, SignatureError, verify_hubspot

log = logging.getLogger("dealcoach.webhooks.hubspot_workflow")

bp = Blueprint("hubspot_workflow", __name__)

# How long HubSpot keeps the step blocked waiting for the completion (ISO 8601; HubSpot's default is a week).
BLOCK_FOR = "P1D"
_ID = re.compile(r"[0-9]{1,20}")
_CALLBACK = re.compile(r"[A-Za-z0-9_.:\-]{1,128}")


def parse_action(body: bytes) -> Event:
    """Pure: the action request as an event; `MalformedBody` when it is not one."""
    payload = load_json(body)
    if not isinstance(payload, dict):
        raise MalformedBody("expected a JSON object")
    callback = payload.get("callbackId")
    origin, obj = payload.get("origin"), payload.get("object")
    if not isinstance(callback, str) or not _CALLBACK.fullmatch(callback):
        raise MalformedBody("callbackId missing or malformed")
    if not isinstance(origin, dict) or not isinstance(obj, dict):
        raise MalformedBody("origin and object are required")
    portal, object_id = str(origin.get("portalId", "")), str(obj.get("objectId", ""))
    if not _ID.fullmatch(portal) or not _ID.fullmatch(object_id):
        raise MalformedBody("origin.portalId and object.objectId must be ids")
    if str(obj.get("objectType", "")).upper() != "DEAL":
        raise MalformedBody("DealCoach's action runs on deals")
    return Event(
        kind=KIND,
        tenant=tenant_id("hubspot", portal),
        event_id=f"workflow-{callback}",
        object_id=object_id,
        occurred_at=clock.now(),
        object_type="deal",
        data={"callback_id": callback},
    )


@bp.post("/webhooks/hubspot/workflow")
def run_action() -> Any:
    body = read_body(request)
    if "x-hubspot-signature-v3" not in {k.lower() for k in request.headers.keys()}:
        raise WebhookRejected(401, "invalid_signature.v3_required", "signature verification failed")
    signed = HubSpotRequest(request.method, public_uri(request), dict(request.headers.items()), body)
    try:
        verify_hubspot(signed, current_app.config["HUBSPOT_CLIENT_SECRETS"])
    except SignatureError as exc:
        raise WebhookRejected(401, f"invalid_signature.{exc.slug}", "signature verification failed") from exc
    try:
        event = parse_action(body)
    except MalformedBody as exc:
        raise WebhookRejected(400, "malformed", str(exc)) from exc
    result = queue_events([event])
    log.info("webhooks.workflow.queued tenant=%s duplicate=%s", event.tenant, bool(result.duplicates))
    return jsonify(outputFields={"hs_execution_state": "BLOCK", "hs_expiration_duration": BLOCK_FOR}), 200
