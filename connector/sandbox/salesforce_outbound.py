"""Workflow outbound messages from the sandbox org, sent like Salesforce sends them: asynchronously, batched per
outbound message definition (one per object type, ≤ 100 notifications), retried with exponential backoff until the
endpoint answers 200 with `<Ack>true</Ack>`; a retry resends the same message (same Notification ids). Field values
are read when a message is first sent ("only the latest field values are sent").

Optionally, the same changes go to a Flow HTTP callout as signed JSON events (`X-DealCoach-Signature`), one POST
per event, delivered when the endpoint answers 2xx. Salesforce retries for 24 hours; the sandbox stops after
`outbound_max_attempts`, so tests stay fast.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from .outbox import Outbox
from .salesforce_config import SalesforceSandboxConfig
from .salesforce_errors import SfError
from .salesforce_ids import KEY_PREFIXES, IdMint
from .salesforce_soap import MAX_NOTIFICATIONS, SOAP_HEADERS, Notification, flow_event, is_ack, notifications_envelope
from .salesforce_store import Change, SalesforceStore
from .salesforce_values import format_datetime, format_soap_datetime, now, to_json, to_soap
from .signing import flow_callout_signature

OUTBOUND_TYPES = ("Opportunity", "Task", "ContentVersion")
MAX_EVENT_LOG = 10_000
log = logging.getLogger(__name__)


@dataclass
class OutboundSettings:
    """Where messages go and what they carry; changed with `POST /_sandbox/outbound`."""

    url: str | None
    urls: dict[str, str]
    flow_url: str | None
    flow_secret: str
    send_session_id: bool

    def url_for(self, sobject: str) -> str | None:
        """The endpoint of the outbound message definition for this object type."""
        return self.urls.get(sobject) or self.url

    def public(self) -> dict[str, Any]:
        """The settings as the control API shows them (the flow secret is not echoed)."""
        return {
            "url": self.url,
            "urls": dict(self.urls),
            "flow_url": self.flow_url,
            "send_session_id": self.send_session_id,
        }


@dataclass
class Pending:
    """A queued notification or flow event, not yet put into a message."""

    change: Change
    notification_id: str


@dataclass
class Message:
    """One message in flight; `record` is its entry in the delivery log."""

    channel: str  # outbound | flow
    items: list[Pending]
    url: str
    record: dict[str, Any]
    body: bytes | None = None
    attempt: int = 0
    due: float = 0.0
    extra_headers: dict[str, str] = field(default_factory=dict)


class OutboundDispatcher(Outbox):
    """Outbound Messages (and Flow callouts) sent by the shared outbox, retried until `<Ack>true</Ack>`."""

    thread_name = "salesforce-sandbox-outbound"

    def __init__(self, config: SalesforceSandboxConfig, store: SalesforceStore, base_url: Callable[[], str]) -> None:
        super().__init__()
        self.config = config
        self.store = store
        self.base_url = base_url
        self._ids = IdMint()
        self.action_ids = {t: self._ids.new(KEY_PREFIXES["OutboundAction"]) for t in OUTBOUND_TYPES}
        self._delivery_ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        """Back to the configured endpoints; queued messages and the delivery log are dropped."""
        c = self.config
        with self._cond:
            self.settings = OutboundSettings(
                c.outbound_url, dict(c.outbound_urls), c.flow_url, c.flow_secret, c.send_session_id
            )
            self._pending: dict[tuple[str, str], list[Pending]] = {}
            self._pending_since = 0.0
            self._scheduled: list[Message] = []
            self._in_flight = 0
            self.deliveries: list[dict[str, Any]] = []
            self.events: list[dict[str, Any]] = []

    def configure(self, body: dict[str, Any]) -> OutboundSettings:
        """`POST /_sandbox/outbound`: set url (all types), urls (per type), flow_url, flow_secret, send_session_id."""
        with self._cond:
            s = self.settings
            if "url" in body:
                s.url = body["url"] or None
            if "urls" in body:
                urls = body["urls"] or {}
                unknown = set(urls) - set(OUTBOUND_TYPES)
                if unknown:
                    raise SfError(400, "INVALID_INPUT", f"no outbound message is defined for {sorted(unknown)}")
                s.urls = {k: v for k, v in urls.items() if v}
            if "flow_url" in body:
                s.flow_url = body["flow_url"] or None
            if body.get("flow_secret"):
                s.flow_secret = str(body["flow_secret"])
            if "send_session_id" in body:
                s.send_session_id = bool(body["send_session_id"])
            return s

    def on_changes(self, changes: list[Change]) -> None:
        """Store listener: queue a notification per change for each configured channel."""
        with self._cond:
            queued = False
            for ch in changes:
                self.events.append(
                    {
                        "kind": ch.kind,
                        "objectType": ch.sobject,
                        "objectId": ch.record_id,
                        "occurredAt": format_datetime(ch.occurred_at),
                        "source": ch.source,
                    }
                )
                del self.events[:-MAX_EVENT_LOG]
                for channel, url in (("outbound", self.settings.url_for(ch.sobject)), ("flow", self.settings.flow_url)):
                    if not url:
                        continue
                    nid = (
                        self._ids.new(KEY_PREFIXES["OutboundNotification"])
                        if channel == "outbound"
                        else str(uuid.uuid4())
                    )
                    self._queue_started()
                    self._pending.setdefault((channel, ch.sobject), []).append(Pending(ch, nid))
                    queued = True
            if queued:
                self._wake()

    def _window_s(self) -> float:
        return self.config.outbound_batch_window_s

    def _cut(self, now_m: float) -> None:
        for (channel, sobject), items in self._pending.items():
            size = MAX_NOTIFICATIONS if channel == "outbound" else 1
            url = self.settings.url_for(sobject) if channel == "outbound" else self.settings.flow_url
            for i in range(0, len(items), size):
                chunk = items[i : i + size]
                record = {
                    "deliveryId": next(self._delivery_ids),
                    "channel": channel,
                    "objectType": sobject,
                    "url": url,
                    "kinds": [p.change.kind for p in chunk],
                    "objectIds": [p.change.record_id for p in chunk],
                    "attempts": [],
                    "delivered": False,
                    "done": False,
                }
                if channel == "outbound":
                    record.update(actionId=self.action_ids[sobject], notificationIds=[p.notification_id for p in chunk])
                else:
                    record["eventId"] = chunk[0].notification_id
                self.deliveries.append(record)
                self._scheduled.append(Message(channel, chunk, url or "", record, due=now_m))
        self._pending = {}

    def _next_try(self, message: Message) -> float | None:
        """Exponential backoff (capped), as Salesforce retries unacknowledged messages."""
        c = self.config
        if message.attempt >= c.outbound_max_attempts:
            return None
        return min(c.outbound_retry_max_s, c.outbound_retry_initial_s * 2 ** (message.attempt - 1))

    def _crashed(self, message: Message, exc: Exception) -> None:
        with self._cond:
            message.record["attempts"].append(
                {
                    "attemptNumber": message.attempt,
                    "status": None,
                    "acked": False,
                    "error": f"sandbox_error: {exc!r}",
                    "at": format_datetime(now()),
                }
            )

    # ---- building and sending ---------------------------------------------------------------------------------

    def _values(self, change: Change) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        """(SOAP field texts, JSON fields) of a record's latest values, Id first; null fields are left out of SOAP."""
        names = ["Id", *[n for n in self.config.outbound_fields.get(change.sobject, []) if n != "Id"]]
        with self.store.lock:
            rec = self.store.get(change.sobject, change.record_id, include_deleted=True)
            obj = self.store.object(change.sobject)
            view = self.store.view(rec) if rec is not None else {"Id": change.record_id}
        soap, fields = [], {}
        for name in names:
            fd = obj.fields.get(name)
            if fd is None:
                continue
            value = view.get(name)
            fields[name] = to_json(fd, value)
            if value is not None:
                soap.append((name, to_soap(fd, value)))
        fields.update(change.extra)
        return soap, fields

    def _build(self, message: Message) -> None:
        org = self.config.org_id
        if message.channel == "outbound":
            base, version = self.base_url(), self.config.api_versions[-1]
            session = (
                self.config.access_tokens[0] if self.settings.send_session_id and self.config.access_tokens else None
            )
            notes = [
                Notification(p.notification_id, p.change.sobject, tuple(self._values(p.change)[0]))
                for p in message.items
            ]
            message.body = notifications_envelope(
                org_id=org,
                action_id=self.action_ids[message.items[0].change.sobject],
                session_id=session,
                enterprise_url=f"{base}/services/Soap/c/{version}/{org[:15]}",
                partner_url=f"{base}/services/Soap/u/{version}/{org[:15]}",
                notifications=notes,
            )
            message.extra_headers = dict(SOAP_HEADERS)
            return
        p = message.items[0]
        message.body = flow_event(
            org_id=org,
            event_id=p.notification_id,
            kind=p.change.kind,
            sobject=p.change.sobject,
            object_id=p.change.record_id,
            occurred_at=format_soap_datetime(p.change.occurred_at),
            fields=self._values(p.change)[1],
        )
        message.extra_headers = {"Content-Type": "application/json; charset=utf-8"}

    def _post(
        self, channel: str, url: str, body: bytes, headers: dict[str, str]
    ) -> tuple[bool, int | None, str | None]:
        """POST once; (acknowledged, status, error)."""
        headers = dict(headers)
        if channel == "flow":
            headers["X-DealCoach-Signature"] = flow_callout_signature(body, self.settings.flow_secret, int(time.time()))
        try:
            resp = self._session.post(url, data=body, headers=headers, timeout=self.config.outbound_timeout_s)
        except requests.Timeout:
            return False, None, "timeout"
        except requests.RequestException as exc:
            return False, None, f"connection_error: {type(exc).__name__}"
        if channel == "outbound":
            acked = resp.status_code == 200 and is_ack(resp.content)
            return acked, resp.status_code, "no_ack" if resp.status_code == 200 and not acked else None
        return 200 <= resp.status_code < 300, resp.status_code, None

    def _attempt(self, message: Message) -> bool:
        message.attempt += 1
        if message.body is None:
            self._build(message)
        assert message.body is not None
        ok, status, error = self._post(message.channel, message.url, message.body, message.extra_headers)
        with self._cond:
            message.record["attempts"].append(
                {
                    "attemptNumber": message.attempt,
                    "status": status,
                    "acked": ok,
                    "error": error,
                    "at": format_datetime(now()),
                }
            )
            message.record["body"] = message.body.decode("utf-8")
            message.record["headers"] = message.extra_headers
            if ok:
                message.record["delivered"] = True
        return ok

    # ---- control ------------------------------------------------------------------------------------------------

    def redeliver(self, channel: str = "outbound", delivery_id: int | None = None) -> dict[str, Any]:
        """Send a delivered message again (the channel's last one, or `delivery_id`), byte for byte (same
        Notification ids), now: Salesforce resends any message it saw no acknowledgement for."""
        with self._cond:
            last = next(
                (
                    d
                    for d in reversed(self.deliveries)
                    if d["delivered"]
                    and not d.get("redeliveryOf")
                    and (d["deliveryId"] == delivery_id if delivery_id is not None else d["channel"] == channel)
                ),
                None,
            )
            if last is None:
                which = f"{channel} message" if delivery_id is None else f"message with deliveryId {delivery_id}"
                raise SfError(400, "INVALID_INPUT", f"No delivered {which} to redeliver.")
            channel = last["channel"]
            record = {k: v for k, v in last.items() if k not in ("attempts", "delivered", "done")}
            record.update(
                deliveryId=next(self._delivery_ids),
                redeliveryOf=last["deliveryId"],
                attempts=[],
                delivered=False,
                done=True,
            )
            self.deliveries.append(record)
        ok, status, error = self._post(channel, last["url"], last["body"].encode("utf-8"), last["headers"])
        with self._cond:
            record["attempts"].append(
                {"attemptNumber": 1, "status": status, "acked": ok, "error": error, "at": format_datetime(now())}
            )
            record["delivered"] = ok
        return record
