"""HubSpot app webhooks: verify the raw body, parse the JSON array into normalized events, enqueue.

Payload format: https://developers.hubspot.com/docs/api/webhooks (legacy `deal.*` and generic `object.*`
subscriptions). Events we do not act on are acknowledged with 200 so HubSpot does not retry them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, current_app, request

from connector.models import Event
from connector.tenants import tenant_id
from webhooks.common import WebhookRejected, accept_events, public_uri
from webhooks.signatures import HubSpotRequest, SignatureError, verify_hubspot

log = logging.getLogger("dealcoach.webhooks.hubspot")

bp = Blueprint("hubspot", __name__)

MAX_EVENTS = 100

# (subscriptionType, objectTypeId, propertyName) -> normalized kind; None matches "absent".
EVENT_KIND_BY_TYPE: dict[tuple[str, str | None, str | None], str] = {
    ("deal.creation", None, None): "deal.created",
    ("deal.propertyChange", None, "dealstage"): "deal.stage_changed",
    ("object.creation", "0-3", None): "deal.created",
    ("object.propertyChange", "0-3", "dealstage"): "deal.stage_changed",
    ("object.creation", "0-48", None): "call.logged",
    ("object.propertyChange", "0-48", "hs_attachment_ids"): "call.logged",
    ("object.propertyChange", "0-48", "hs_call_recording_url"): "call.logged",
    ("object.creation", "0-49", None): "activity.logged",
    ("object.creation", "0-47", None): "activity.logged",
    ("object.propertyChange", "0-27", "hs_task_status"): "activity.logged",
}

_OBJECT_TYPE_BY_ID = {"0-3": "deal", "0-48": "call", "0-49": "email", "0-47": "meeting", "0-27": "task"}
_REQUIRED = ("eventId", "portalId", "occurredAt", "objectId")


class MalformedPayload(ValueError):
    """The body is not a HubSpot webhook array; answered with 400."""


class TooManyEvents(ValueError):
    """More events in one body than HubSpot ever sends (100); answered with 413."""


@dataclass(frozen=True)
class ParsedBatch:
    events: list[Event]
    ignored: int


def event_key(raw: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """The dispatch key of one raw event (legacy types carry the object in the subscription name)."""
    sub = raw.get("subscriptionType") or raw.get("eventType") or ""
    type_id = raw.get("objectTypeId") if sub.startswith("object.") else None
    prop = raw.get("propertyName") if sub.endswith(".propertyChange") else None
    return sub, (str(type_id) if type_id is not None else None), prop


def is_own_change(raw: dict[str, Any]) -> bool:
    """A change DealCoach made itself (its tasks created or completed, its notes): HubSpot reports changes made
    through an app's token as changeSource INTEGRATION with that app's id as sourceId, and the receiving app's id
    is the event's appId. Reacting to them would re-evaluate a deal for nothing, or loop."""
    return (
        raw.get("changeSource") == "INTEGRATION"
        and raw.get("appId") is not None
        and str(raw.get("sourceId")) == str(raw["appId"])
    )


def _normalize(raw: dict[str, Any], kind: str) -> Event | None:
    if is_own_change(raw):
        return None
    sub, type_id, prop = event_key(raw)
    value = raw.get("propertyValue")
    if prop == "hs_task_status" and value != "COMPLETED":
        return None
    portal = str(raw["portalId"])
    occurred = datetime.fromtimestamp(int(raw["occurredAt"]) / 1000, tz=UTC)
    object_type = _OBJECT_TYPE_BY_ID.get(type_id or "", sub.split(".", 1)[0])
    return Event(
        kind=kind,
        tenant=tenant_id("hubspot", portal),
        # eventId alone is not unique: HubSpot documents (portal, subscription, event, occurredAt) as the key.
        event_id=f"{raw.get('subscriptionId', 0)}-{raw['eventId']}-{raw['occurredAt']}",
        object_id=str(raw["objectId"]),
        occurred_at=occurred,
        object_type=object_type,
        data={
            k: v
            for k, v in {
                "subscription_type": sub,
                "property_name": prop,
                "property_value": value,
                "change_source": raw.get("changeSource"),
                "source_id": raw.get("sourceId"),
            }.items()
            if v is not None
        },
    )


def parse_hubspot(body: bytes) -> ParsedBatch:
    """Pure: bytes in, normalized events out; raises `MalformedPayload` or `TooManyEvents` with a reason."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedPayload("body is not JSON") from exc
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise MalformedPayload("expected a non-empty JSON array of events")
    if len(payload) > MAX_EVENTS:
        raise TooManyEvents(f"{len(payload)} events; at most {MAX_EVENTS} per request")
    events: list[Event] = []
    ignored = 0
    for i, raw in enumerate(payload):
        if not isinstance(raw, dict):
            raise MalformedPayload(f"event {i} is not an object")
        missing = [k for k in _REQUIRED if raw.get(k) in (None, "")]
        if missing or not (raw.get("subscriptionType") or raw.get("eventType")):
            raise MalformedPayload(f"event {i} lacks {', '.join(missing) or 'subscriptionType'}")
        if not all(str(raw[k]).isdigit() for k in ("portalId", "occurredAt", "objectId")):
            raise MalformedPayload(f"event {i} has a non-numeric id or timestamp")
        kind = EVENT_KIND_BY_TYPE.get(event_key(raw))
        event = _normalize(raw, kind) if kind else None
        if event is None:
            ignored += 1
            log.info(
                "webhooks.hubspot.event_ignored type=%s property=%s own_change=%s",
                *event_key(raw)[::2],
                is_own_change(raw),
            )
            continue
        events.append(event)
    return ParsedBatch(events=events, ignored=ignored)


@bp.post("/webhooks/hubspot")
def receive() -> Any:
    """Guard ladder: size (Flask) → signature → parse → tenants → enqueue → 200."""
    body = request.get_data(cache=True)
    secrets = current_app.config["HUBSPOT_CLIENT_SECRETS"]
    signed = HubSpotRequest(
        method=request.method, uri=public_uri(request), headers=dict(request.headers.items()), body=body
    )
    try:
        version = verify_hubspot(signed, secrets)
    except SignatureError as exc:
        raise WebhookRejected(401, f"invalid_signature.{exc.slug}", "signature verification failed") from exc
    try:
        batch = parse_hubspot(body)
    except MalformedPayload as exc:
        raise WebhookRejected(400, "malformed", str(exc)) from exc
    except TooManyEvents as exc:
        raise WebhookRejected(413, "too_many_events", str(exc)) from exc
    log.info("webhooks.hubspot.received events=%d ignored=%d signature=%s", len(batch.events), batch.ignored, version)
    return accept_events(batch.events, ignored=batch.ignored)
