"""HubSpot app webhooks from the sandbox: events built from store changes, batched (≤ 100), signed (v3 + v1)
and POSTed asynchronously to the target URL, retried on connection errors, timeouts and any 4xx/5xx.

Wire format per https://developers.hubspot.com/docs/api/webhooks (fields `eventId`, `subscriptionId`,
`portalId`, `appId`, `occurredAt`, `subscriptionType`, `attemptNumber`, `objectId`, `changeSource`, `sourceId`,
`changeFlag`, `propertyName`, `propertyValue`, `objectTypeId`). HubSpot retries for a day; the sandbox retries
`webhook_max_attempts` times after `webhook_retry_delays_s`, so tests stay fast.

Creation events carry changeFlag "CREATED" and a write made with an app's token carries changeSource
"INTEGRATION" and sourceId the app id as a string: payloads HubSpot delivered for real objects show exactly this
(e.g. `"appId": 9393361, "changeFlag": "CREATED", "changeSource": "INTEGRATION", "sourceId": "9393361"`, quoted in
several public repositories). The "NEW"/"CRM" values seen elsewhere come from HubSpot's test-event button (fixed
eventId 100, objectId 123). A user's UI change carries "CRM_UI" and "userId:<id>".
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any

import requests

from . import hubspot_schema as schema
from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import validation_error
from .hubspot_store import Change
from .hubspot_values import iso_ms, now_ms
from .outbox import Outbox
from .signing import hubspot_v1_signature, hubspot_v3_headers

LEGACY_TYPES = {"contact": "contacts", "deal": "deals"}
ACTIONS = ("creation", "propertyChange", "deletion")
USER_AGENT = "HubSpot Connect 2.0 (http://dev.hubspot.com/)"
MAX_EVENT_LOG = 10_000


def parse_subscriptions(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Validate subscriptions (`{"subscriptionType", "objectTypeId"?, "propertyName"?}`) and number them."""
    out = []
    for i, sub in enumerate(raw):
        kind, _, action = str(sub.get("subscriptionType", "")).partition(".")
        if action not in ACTIONS or (kind not in LEGACY_TYPES and kind != "object"):
            raise validation_error(f"Unsupported subscriptionType: {sub.get('subscriptionType')}")
        if kind == "object" and schema.resolve_object_type(str(sub.get("objectTypeId", ""))) is None:
            raise validation_error(f"object.* subscriptions need a known objectTypeId: {sub}")
        if action == "propertyChange" and not sub.get("propertyName"):
            raise validation_error(f"propertyChange subscriptions need a propertyName: {sub}")
        out.append({"id": int(sub.get("id", 1001 + i)), **{k: v for k, v in sub.items() if k != "id"}})
    return out


def _matches(sub: dict[str, Any], change: Change) -> bool:
    kind, _, action = sub["subscriptionType"].partition(".")
    if action != change.kind:
        return False
    if kind == "object":
        t = schema.resolve_object_type(str(sub["objectTypeId"]))
        if t is None or t.name != change.object_type:
            return False
    elif LEGACY_TYPES[kind] != change.object_type:
        return False
    return action != "propertyChange" or sub["propertyName"] == change.property_name


@dataclass
class Batch:
    """Events sent together; `record` is its entry in the delivery log."""

    events: list[dict[str, Any]]
    record: dict[str, Any]
    attempt: int = 0
    due: float = 0.0


@dataclass
class WebhookSettings:
    """Where events go, how they are signed and which changes produce them."""

    target_url: str | None
    client_secret: str
    subscriptions: list[dict[str, Any]] = field(default_factory=list)


class WebhookDispatcher(Outbox):
    """HubSpot's webhook delivery: events batched (≤ 100), signed, sent by the shared outbox, retried."""

    thread_name = "hubspot-sandbox-webhooks"

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        super().__init__()
        self.config = config
        self._event_ids = itertools.count(4_000_000_001)
        self._batch_ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        """Back to the configured target and subscriptions; queued events and the delivery log are dropped."""
        with self._cond:
            self.settings = WebhookSettings(
                self.config.target_url, self.config.client_secret, parse_subscriptions(self.config.subscriptions)
            )
            self._pending: list[dict[str, Any]] = []
            self._pending_since = 0.0
            self._scheduled: list[Batch] = []
            self._in_flight = 0
            self.deliveries: list[dict[str, Any]] = []
            self.events: list[dict[str, Any]] = []

    def configure(self, body: dict[str, Any]) -> WebhookSettings:
        """`POST /_sandbox/webhooks`: change target URL, client secret and/or subscriptions."""
        with self._cond:
            if "subscriptions" in body:
                self.settings.subscriptions = parse_subscriptions(body["subscriptions"])
            if "target_url" in body:
                self.settings.target_url = body["target_url"] or None
            if body.get("client_secret"):
                self.settings.client_secret = body["client_secret"]
            return self.settings

    def on_changes(self, changes: list[Change]) -> None:
        """Store listener: turn changes into events for every matching subscription and queue them."""
        events = [self._event(sub, c) for c in changes for sub in self.settings.subscriptions if _matches(sub, c)]
        if not events:
            return
        with self._cond:
            self.events.extend(events)
            del self.events[:-MAX_EVENT_LOG]
            if not self.settings.target_url:
                return
            self._queue_started()
            self._pending.extend(events)
            self._wake()

    def _event(self, sub: dict[str, Any], change: Change) -> dict[str, Any]:
        kind = sub["subscriptionType"].split(".")[0]
        ev: dict[str, Any] = {
            "eventId": next(self._event_ids),
            "subscriptionId": sub["id"],
            "portalId": self.config.portal_id,
            "appId": self.config.app_id,
            "occurredAt": change.occurred_ms,
            "subscriptionType": sub["subscriptionType"],
            "attemptNumber": 0,
            "objectId": int(change.object_id),
        }
        if kind == "object":
            ev["objectTypeId"] = schema.OBJECT_TYPES[change.object_type].type_id
        if change.kind == "propertyChange":
            ev["propertyName"], ev["propertyValue"] = change.property_name, change.property_value
        ev["changeSource"], ev["sourceId"] = change.origin.change_source, change.origin.source_id
        if change.kind == "creation":
            ev["changeFlag"] = "CREATED"
        elif change.kind == "deletion":
            ev["changeFlag"] = "DELETED"
        return ev

    def _window_s(self) -> float:
        return self.config.webhook_batch_window_s

    def _cut(self, now: float) -> None:
        size = max(1, self.config.webhook_batch_size)
        while self._pending:
            chunk, self._pending = self._pending[:size], self._pending[size:]
            record = {
                "batchId": next(self._batch_ids),
                "targetUrl": self.settings.target_url,
                "eventIds": [e["eventId"] for e in chunk],
                "events": chunk,
                "attempts": [],
                "delivered": False,
                "done": False,
            }
            self.deliveries.append(record)
            self._scheduled.append(Batch(chunk, record, 0, now))

    def _next_try(self, batch: Batch) -> float | None:
        if batch.attempt + 1 >= self.config.webhook_max_attempts:
            return None
        delays = self.config.webhook_retry_delays_s or (0.0,)
        delay = delays[min(batch.attempt, len(delays) - 1)]
        batch.attempt += 1
        return delay

    def _send(self, body: bytes, url: str) -> tuple[int | None, str | None]:
        """POST one signed request; (status, error) where error names a connection failure or timeout."""
        secret = self.settings.client_secret
        headers = hubspot_v3_headers(body, secret, url)
        headers.update(
            {
                "X-HubSpot-Signature": hubspot_v1_signature(body, secret),
                "X-HubSpot-Signature-Version": "v1",
                "User-Agent": USER_AGENT,
                "X-HubSpot-Timeout-Millis": str(int(self.config.webhook_timeout_s * 1000)),
            }
        )
        try:
            resp = self._session.post(url, data=body, headers=headers, timeout=self.config.webhook_timeout_s)
        except requests.Timeout:
            return None, "timeout"
        except requests.RequestException as exc:
            return None, f"connection_error: {type(exc).__name__}"
        return resp.status_code, None

    def _attempt(self, batch: Batch) -> bool:
        events = [dict(e, attemptNumber=batch.attempt) for e in batch.events]
        body = json.dumps(events, separators=(",", ":"), ensure_ascii=False).encode()
        url = batch.record["targetUrl"]
        status, error = self._send(body, url)
        ok = status is not None and 200 <= status < 300
        with self._cond:
            batch.record["attempts"].append(
                {"attemptNumber": batch.attempt, "status": status, "error": error, "at": iso_ms(now_ms())}
            )
            batch.record["events"] = events
            if ok:
                batch.record.update(delivered=True, body=body.decode())
        return ok

    def redeliver(self, batch_id: int | None = None) -> dict[str, Any]:
        """Send a delivered batch again (the last one, or `batch_id`), byte for byte (same eventIds), freshly signed.

        HubSpot itself resends a batch whenever it saw no 2xx in time, so a receiver gets any earlier batch twice.
        """
        with self._cond:
            last = next(
                (
                    d
                    for d in reversed(self.deliveries)
                    if d.get("delivered") and not d.get("redelivery") and (batch_id is None or d["batchId"] == batch_id)
                ),
                None,
            )
            if last is None:
                which = "webhook batch" if batch_id is None else f"webhook batch with batchId {batch_id}"
                raise validation_error(f"No delivered {which} to redeliver.")
            record = {
                "batchId": next(self._batch_ids),
                "targetUrl": last["targetUrl"],
                "eventIds": last["eventIds"],
                "events": last["events"],
                "attempts": [],
                "delivered": False,
                "done": True,
                "redelivery": True,
                "redeliveryOf": last["batchId"],
            }
            self.deliveries.append(record)
        status, error = self._send(last["body"].encode(), last["targetUrl"])
        with self._cond:
            record["attempts"].append(
                {
                    "attemptNumber": last["events"][0]["attemptNumber"],
                    "status": status,
                    "error": error,
                    "at": iso_ms(now_ms()),
                }
            )
            record["delivered"] = status is not None and 200 <= status < 300
        return record
