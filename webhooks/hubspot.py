"""HubSpot app webhooks: verify the raw body, parse the JSON array into normalized events, enqueue.

Payload format: https://developers.hubspot.com/docs/api/webhooks (legacy `deal.*` and generic `object.*`
subscriptions). Events we do not act on are acknowledged with 200 so HubSpot does not retry them.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, request

from connector import clock
from connector.models import Event
from connector.tenants import tenant_id
from sync.queue import MAX_EVENT_AGE_S
from webhooks.common import MalformedBody, WebhookRejected, accept_events, load_json, log_value, public_uri, read_body
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
_DIGITS = re.compile(r"[0-9]+")
_MAX_OCCURRED_MS = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z, the last instant a datetime holds
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class MalformedPayload(ValueError):
    """The body is not a HubSpot webhook array; answered with 400."""


class TooManyEvents(ValueError):
    """More events in one body than HubSpot ever sends (100); answered with 413."""


@dataclass(frozen=True)
class ParsedBatch:
    events: list[Event]
    ignored: int
    coalesced: int = 0


def event_key(raw: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """The dispatch key of one raw event (legacy types carry the object in the subscription name).

    Expects an event that `_check_types` accepted: the subscription, object type and property are strings.
    """
    sub = raw.get("subscriptionType") or raw.get("eventType") or ""
    type_id = raw.get("objectTypeId") if sub.startswith("object.") else None
    prop = raw.get("propertyName") if sub.endswith(".propertyChange") else None
    return sub, type_id, prop


def is_own_change(raw: dict[str, Any]) -> bool:
    """A change DealCoach made itself (its tasks created or completed, its notes): HubSpot reports changes made
    through an app's token as changeSource INTEGRATION with that app's id as sourceId, and the receiving app's id
    is the event's appId. Reacting to them would re-evaluate a deal for nothing, or loop."""
    return (
        raw.get("changeSource") == "INTEGRATION"
        and raw.get("appId") is not None
        and str(raw.get("sourceId")) == str(raw["appId"])
    )


def _ascii_digits(value: Any, max_len: int = 20) -> str | None:
    """The value as ASCII digits when it is a non-negative JSON integer or a string of ASCII digits, else None.

    `str.isdigit` would take "１２３" or "²"; a bool is an int to Python but never an id; the length bound keeps a
    30-digit timestamp from overflowing datetime later.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        value = str(value) if value >= 0 else ""
    if isinstance(value, str) and _DIGITS.fullmatch(value) and len(value) <= max_len:
        return value
    return None


def _check_types(i: int, raw: dict[str, Any]) -> None:
    """Refuse, before anything reads them, fields of a type HubSpot never sends: the ids and timestamp must be ASCII
    digits, the names strings; `subscriptionId`, `appId` and `sourceId` are optional but typed when present."""
    missing = [k for k in _REQUIRED if raw.get(k) in (None, "")]
    if missing or not (raw.get("subscriptionType") or raw.get("eventType")):
        raise MalformedPayload(f"event {i} lacks {', '.join(missing) or 'subscriptionType'}")
    if not all(_ascii_digits(raw[k]) for k in _REQUIRED):
        raise MalformedPayload(f"event {i} has a non-numeric id or timestamp")
    if int(raw["occurredAt"]) > _MAX_OCCURRED_MS:
        raise MalformedPayload(f"event {i} has an impossible occurredAt")
    for key in ("subscriptionType", "eventType", "objectTypeId", "propertyName", "changeSource"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise MalformedPayload(f"event {i} has a non-string {key}")
    for key in ("subscriptionId", "appId"):
        if raw.get(key) is not None and _ascii_digits(raw[key]) is None:
            raise MalformedPayload(f"event {i} has a non-numeric {key}")
    source, value = raw.get("sourceId"), raw.get("propertyValue")
    if source is not None and not (isinstance(source, str) or _ascii_digits(source)):
        raise MalformedPayload(f"event {i} has a malformed sourceId")
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        raise MalformedPayload(f"event {i} has a non-scalar propertyValue")


def _normalize(raw: dict[str, Any], kind: str) -> Event | None:
    if is_own_change(raw):
        return None
    sub, type_id, prop = event_key(raw)
    value = raw.get("propertyValue")
    if prop == "hs_task_status" and value != "COMPLETED":
        return None
    portal = str(raw["portalId"])
    occurred = _EPOCH + timedelta(milliseconds=int(raw["occurredAt"]))
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
                "property_value": value if value is None or isinstance(value, str) else str(value),
                "change_source": raw.get("changeSource"),
                "source_id": raw.get("sourceId"),
            }.items()
            if v is not None
        },
    )


def parse_hubspot(body: bytes, *, now: datetime) -> ParsedBatch:
    """Pure: bytes and the current time in, normalized events out; raises `MalformedPayload` or `TooManyEvents`.

    An event that occurred more than `MAX_EVENT_AGE_S` before `now` is counted as ignored, not returned: v1/v2
    signatures carry no timestamp, so such a body may be a capture replayed after the duplicate guard forgot it.
    """
    try:
        payload = load_json(body)
    except MalformedBody as exc:
        raise MalformedPayload(str(exc)) from exc
    if isinstance(payload, dict):
        payload = [payload]
    if not isinstance(payload, list) or not payload:
        raise MalformedPayload("expected a non-empty JSON array of events")
    if len(payload) > MAX_EVENTS:
        raise TooManyEvents(f"{len(payload)} events; at most {MAX_EVENTS} per request")
    for i, raw in enumerate(payload):
        if not isinstance(raw, dict):
            raise MalformedPayload(f"event {i} is not an object")
        _check_types(i, raw)
    oldest = now - timedelta(seconds=MAX_EVENT_AGE_S)
    events: list[Event] = []
    ignored = 0
    for raw in payload:
        kind = EVENT_KIND_BY_TYPE.get(event_key(raw))
        event = _normalize(raw, kind) if kind else None
        if event is not None and event.occurred_at < oldest:
            ignored += 1
            log.warning(
                "webhooks.hubspot.event_too_old portal=%s occurred_at=%s", event.tenant, event.occurred_at.isoformat()
            )
            continue
        if event is None:
            ignored += 1
            if log.isEnabledFor(logging.INFO):  # the values are escaped only for a line that is written
                sub, _, prop = event_key(raw)
                log.info(
                    "webhooks.hubspot.event_ignored type=%s property=%s own_change=%s",
                    log_value(sub),
                    log_value(prop),
                    is_own_change(raw),
                )
            continue
        events.append(event)
    kept, coalesced = coalesce_calls(events)
    return ParsedBatch(events=kept, ignored=ignored, coalesced=coalesced)


def coalesce_calls(events: list[Event]) -> tuple[list[Event], int]:
    """One `call.logged` job per call and delivery; the number of events folded into another.

    HubSpot announces a call logged with its recording twice, its creation and an `hs_attachment_ids` change, usually
    in one delivery. A call job reads the call when it runs, after the whole delivery, so one job sees what every
    announcement of that call in the delivery says; each further job would only fork a worker to find it done
    (`sync/call_results.py`). The creation is kept (its event id names the job), in the first one's place.
    """
    kept: list[Event] = []
    where: dict[tuple[str, str, str], int] = {}
    for event in events:
        if event.kind != "call.logged":
            kept.append(event)
            continue
        key = (event.tenant, event.object_type, event.object_id)
        at = where.get(key)
        if at is None:
            where[key] = len(kept)
            kept.append(event)
        elif _is_creation(event) and not _is_creation(kept[at]):
            kept[at] = event
    return kept, len(events) - len(kept)


def _is_creation(event: Event) -> bool:
    return event.data.get("subscription_type") == "object.creation"


@bp.post("/webhooks/hubspot")
def receive() -> Any:
    """Guard ladder: size and readable body → signature → parse → tenants → enqueue → 200."""
    body = read_body(request)
    secrets = current_app.config["HUBSPOT_CLIENT_SECRETS"]
    signed = HubSpotRequest(
        method=request.method, uri=public_uri(request), headers=dict(request.headers.items()), body=body
    )
    try:
        version = verify_hubspot(signed, secrets)
    except SignatureError as exc:
        raise WebhookRejected(401, f"invalid_signature.{exc.slug}", "signature verification failed") from exc
    try:
        batch = parse_hubspot(body, now=clock.now())
    except MalformedPayload as exc:
        raise WebhookRejected(400, "malformed", str(exc)) from exc
    except TooManyEvents as exc:
        raise WebhookRejected(413, "too_many_events", str(exc)) from exc
    log.info(
        "webhooks.hubspot.received events=%d ignored=%d coalesced=%d signature=%s",
        len(batch.events),
        batch.ignored,
        batch.coalesced,
        version,
    )
    return accept_events(batch.events, ignored=batch.ignored, covered=batch.coalesced)
