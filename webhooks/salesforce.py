"""Salesforce in: Outbound Messages (SOAP) and Flow HTTP Callout / Apex JSON, both normalized and queued.

Outbound Messages carry no signature: the OrganizationId must belong to a registered tenant or to
`SALESFORCE_ALLOWED_ORG_IDS` (15- and 18-character forms are the same org). The ACK must be exact or
Salesforce retries for 24 hours; every refusal is a SOAP Fault with a 4xx (5xx when we should be retried).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from flask import Blueprint, Response, current_app, request
from redis.exceptions import RedisError

from connector import clock
from connector.base import RetryableCrmError
from connector.models import Event
from connector.salesforce.ids import SalesforceIdError
from connector.salesforce.ids import to_18 as _to_18
from connector.tenants import tenant_id
from sync.outbound_session import SessionRejected, verify_outbound_session
from webhooks.common import (
    MalformedBody,
    WebhookRejected,
    accept_events,
    load_json,
    log_value,
    queue_events,
    read_body,
)
from webhooks.salesforce_soap import (
    ACK,
    Notification,
    SoapFormatError,
    parse_outbound,
    soap_fault,
)
from webhooks.signatures import SignatureError, verify_dealcoach

log = logging.getLogger("dealcoach.webhooks.salesforce")

bp = Blueprint("salesforce", __name__)

MEDIA_EXTENSIONS = frozenset({"vtt", "srt", "json", "txt", "wav", "flac", "mp3", "m4a", "ogg", "webm", "mp4"})

# 15 → 18 characters costs ~5 µs (the checksum), twice per Flow event; the same orgs and users come back every time.
# An invalid id raises and is never cached.
to_18 = lru_cache(maxsize=4096)(_to_18)

# Flow/Apex JSON `kind` → (normalized kind, object type).
JSON_KIND: dict[str, tuple[str, str]] = {
    "stage_changed": ("deal.stage_changed", "deal"),
    "deal_created": ("deal.created", "deal"),
    "call_logged": ("call.logged", "task"),
    "file_attached": ("call.logged", "file"),
    "activity_logged": ("activity.logged", "task"),
}


# The `fields` of a Flow/Apex event that DealCoach reads; each must be a string when present.
_JSON_FIELDS_READ = ("StageName", "LastModifiedById", "CreatedById", "LinkedEntityId", "WhatId")


class SoapRejected(WebhookRejected):
    """A refusal answered as a SOAP Fault instead of JSON."""


def _soap(status: int, body: str) -> Response:
    return Response(body, status=status, content_type="text/xml; charset=utf-8")


def soap_error_response(exc: WebhookRejected) -> Response:
    code = "soapenv:Server" if exc.status >= 500 else "soapenv:Client"
    return _soap(exc.status, soap_fault(code, exc.message))


def _iso_utc(value: str) -> datetime:
    """An ISO 8601 instant with its offset, in UTC; ValueError for anything else (no offset, out of range)."""
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError("no UTC offset")
    try:
        return when.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("out of range") from exc


def _when(fields: dict[str, str]) -> datetime:
    for name in ("SystemModstamp", "LastModifiedDate", "CreatedDate"):
        value = fields.get(name)
        if value:
            try:
                return _iso_utc(value)
            except ValueError:
                continue
    return clock.now()


def _kind_of(n: Notification) -> tuple[str, str, str] | None:
    """(kind, object type, object id) for a notification DealCoach acts on; None to acknowledge and ignore."""
    f = n.fields
    record_id = f.get("Id", "")
    if n.sobject_type == "Opportunity":
        return "deal.stage_changed", "deal", record_id
    if n.sobject_type == "Task":
        if f.get("TaskSubtype") == "Call" or f.get("CallType") or f.get("CallDurationInSeconds"):
            return "call.logged", "task", record_id
        if f.get("Status") == "Completed" or f.get("TaskSubtype") == "Email":
            return "activity.logged", "task", record_id
        return None
    if n.sobject_type == "ContentVersion":
        ext = f.get("FileExtension", "").lower()
        return ("call.logged", "file", record_id) if not ext or ext in MEDIA_EXTENSIONS else None
    return None


def _changed_by(fields: dict[str, Any]) -> str | None:
    """Who made the change: LastModifiedById (Opportunity, Task), else CreatedById (a new ContentVersion), when the
    admin selected those fields; DealCoach's jobs skip the changes its own integration user made."""
    raw = fields.get("LastModifiedById") or fields.get("CreatedById")
    try:
        return to_18(str(raw)) if raw else None
    except SalesforceIdError:
        return None


def notifications_to_events(org18: str, notifications: tuple[Notification, ...]) -> tuple[list[Event], int]:
    """Pure: the notifications DealCoach acts on, as events keyed by Notification Id."""
    events, ignored = [], 0
    for n in notifications:
        found = _kind_of(n)
        if found is None or not found[2]:
            ignored += 1
            log.info("webhooks.salesforce.notification_ignored sobject=%s", log_value(n.sobject_type))
            continue
        kind, object_type, object_id = found
        data = {
            k: v
            for k, v in {
                "property_value": n.fields.get("StageName") if object_type == "deal" else None,
                "changed_by": _changed_by(n.fields),
                "linked_entity_id": n.fields.get("LinkedEntityId")
                or n.fields.get("FirstPublishLocationId")
                or n.fields.get("WhatId"),
                "sobject_type": n.sobject_type,
            }.items()
            if v
        }
        events.append(
            Event(
                kind=kind,
                tenant=tenant_id("salesforce", org18),
                event_id=n.id,
                object_id=object_id,
                occurred_at=_when(n.fields),
                object_type=object_type,
                data=data,
            )
        )
    return events, ignored


# Outbound Messages one org may have queued per minute (Salesforce sends at most 100 per message).
DEFAULT_INGRESS_PER_MINUTE = 1000


def _ingress_limit() -> int:
    return int(current_app.config.get("SALESFORCE_INGRESS_PER_MINUTE") or DEFAULT_INGRESS_PER_MINUTE)


def ingress_admitted(conn: redis.Redis, tenant: str, count: int, *, limit: int) -> bool:
    """Count `count` notifications against the tenant's budget for this minute; False once it is spent."""
    if count <= 0:
        return True
    key = f"dealcoach:ingress:{tenant}:{int(clock.now().timestamp()) // 60}"
    pipe = conn.pipeline(transaction=True)
    pipe.incrby(key, count)
    pipe.expire(key, 120)
    total = int(pipe.execute()[0])
    return total <= limit


def allowed_orgs() -> frozenset[str]:
    """Org ids allowed by configuration, as tenant ids (18-character)."""
    out = set()
    for raw in current_app.config.get("SALESFORCE_ALLOWED_ORG_IDS", []):
        try:
            out.add(tenant_id("salesforce", to_18(raw)))
        except SalesforceIdError:
            log.warning("webhooks.salesforce.bad_allowed_org_id")
    return frozenset(out)


@bp.post("/webhooks/salesforce/outbound")
def outbound() -> Response:
    """Guard ladder: size → safe XML → org allowed → queue → exact ACK."""
    try:
        body = read_body(request)
    except WebhookRejected as exc:
        raise SoapRejected(exc.status, exc.slug, exc.message) from exc
    try:
        message = parse_outbound(body)
        org18 = to_18(message.organization_id)
    except (SoapFormatError, SalesforceIdError) as exc:
        raise SoapRejected(400, "malformed", str(exc)) from exc
    events, ignored = notifications_to_events(org18, message.notifications)
    tenant = tenant_id("salesforce", org18)
    conn = current_app.extensions["dealcoach.redis"]
    try:
        registered = current_app.extensions["dealcoach.tenants"].exists(tenant)
        if not registered:
            if tenant not in allowed_orgs():
                raise SoapRejected(404, "unknown_tenant", "organization is not allowed")
            # Allowed by configuration but not installed yet: acknowledged (so Salesforce stops re-sending), never
            # queued, since a job could do nothing for an org without credentials.
            log.info("webhooks.salesforce.allowed_unregistered notifications=%d", len(message.notifications))
            return _soap(200, ACK)
        if not ingress_admitted(conn, tenant, len(events), limit=_ingress_limit()):
            # Outbound Messages are unsigned: anyone who knows an org id can send them. A flood gets 503, which a
            # real org answers by retrying later (for up to 24 hours), so nothing genuine is lost.
            raise SoapRejected(503, "rate_limited", "too many notifications for this organization, retry later")
        _check_session(conn, tenant, message.session_id)
    except RedisError as exc:
        raise SoapRejected(503, "queue_unavailable", "queue unavailable, retry later") from exc
    try:
        result = queue_events(events)
    except WebhookRejected as exc:
        raise SoapRejected(exc.status, exc.slug, exc.message) from exc
    log.info(
        "webhooks.salesforce.outbound_acked notifications=%d queued=%d duplicates=%d ignored=%d",
        len(message.notifications),
        result.queued,
        result.duplicates,
        ignored + result.unrouted,
    )
    return _soap(200, ACK)


def _check_session(conn: Any, tenant: str, session_id: str | None) -> None:
    """A SessionId present must be a live session of the org the message names, and an org that requires one
    refuses messages without it (sync/outbound_session.py)."""
    record = current_app.extensions["dealcoach.tenants"].get(tenant)
    if record is None:
        raise SoapRejected(404, "unknown_tenant", "organization is not installed")
    try:
        verify_outbound_session(conn, record, session_id)
    except SessionRejected as exc:
        why = "session id required" if exc.slug == "session_required" else "session id is not valid"
        raise SoapRejected(401, f"session.{exc.slug}", f"{why} for this organization") from exc
    except RetryableCrmError as exc:
        raise SoapRejected(503, "session_check_unavailable", "cannot verify the session now, retry later") from exc


def _occurred_at(i: int, raw: Any) -> datetime:
    """`occurredAt` absent or null means "now" (a Flow may not send it); anything else must be an ISO 8601 string with
    its offset: 0, false, "", [] or {} are a broken callout, not "now"."""
    if raw is None:
        return clock.now()
    if not isinstance(raw, str):
        raise ValueError(f"event {i} occurredAt is not an ISO 8601 string")
    try:
        return _iso_utc(raw)
    except ValueError as exc:
        raise ValueError(f"event {i} occurredAt is not an ISO 8601 instant with its UTC offset") from exc


def _json_events(payload: Any) -> list[Event]:
    items = payload.get("events") if isinstance(payload, dict) and "events" in payload else [payload]
    org = payload.get("orgId") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items or len(items) > 100:
        raise ValueError("expected one event or 1 to 100 `events`")
    events = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ValueError(f"event {i} is not an object")
        kind = JSON_KIND.get(item["kind"]) if isinstance(item.get("kind"), str) else None
        org_id, event_id, object_id = item.get("orgId") or org, item.get("eventId"), item.get("objectId")
        if kind is None or not (
            isinstance(org_id, str)
            and isinstance(event_id, str)
            and isinstance(object_id, str)
            and org_id
            and event_id
            and object_id
        ):
            raise ValueError(f"event {i} needs orgId, eventId, objectId and a known kind")
        when = _occurred_at(i, item.get("occurredAt"))
        fields: dict[str, Any] = item["fields"] if isinstance(item.get("fields"), dict) else {}
        if any(fields.get(k) is not None and not isinstance(fields[k], str) for k in _JSON_FIELDS_READ):
            raise ValueError(f"event {i} has a non-string value in fields")
        data = {
            k: str(v)
            for k, v in {
                "property_value": fields.get("StageName"),
                "changed_by": _changed_by(fields),
                "linked_entity_id": fields.get("LinkedEntityId") or fields.get("WhatId"),
            }.items()
            if v
        }
        events.append(
            Event(
                kind=kind[0],
                tenant=tenant_id("salesforce", to_18(org_id)),
                event_id=event_id,
                object_id=object_id,
                occurred_at=when,
                object_type=kind[1],
                data=data,
            )
        )
    return events


FLOW_PATH = "/webhooks/salesforce/events"
FLOW_SIGNATURE_HEADER = "X-DealCoach-Signature"


@bp.post(FLOW_PATH)
def flow_events() -> Any:
    """Flow HTTP Callout / Apex JSON, signed `X-DealCoach-Signature: t=<unix>,v1=<hex hmac of "t.body">`.

    Served by `webhooks.fast_routes.flow_events_wsgi` without Flask; this view is the general path it is tested
    against."""
    body = read_body(request)
    events = verified_flow_events(
        body, request.headers.get(FLOW_SIGNATURE_HEADER), current_app.config["SALESFORCE_EVENTS_SECRETS"]
    )
    return accept_events(events)


def verified_flow_events(body: bytes, signature: str | None, secrets: list[str]) -> list[Event]:
    """The events of a Flow/Apex body once its signature holds: 401 for a bad signature, 400 for a bad body."""
    try:
        verify_dealcoach(body, signature, secrets)
    except SignatureError as exc:
        raise WebhookRejected(401, f"invalid_signature.{exc.slug}", "signature verification failed") from exc
    try:
        return _json_events(load_json(body))
    except (MalformedBody, ValueError) as exc:  # SalesforceIdError is a ValueError
        raise WebhookRejected(400, "malformed", str(exc)) from exc
