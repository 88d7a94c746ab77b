"""What every webhook endpoint shares: the public URI, refusals with one status each, tenant check, enqueue."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from flask import Request, current_app, jsonify
from redis.exceptions import RedisError

from connector.models import Event
from sync.queue import EnqueueResult, enqueue_events

log = logging.getLogger("dealcoach.webhooks")


class WebhookRejected(Exception):
    """A refusal with its HTTP status and a log slug; the message is safe to return to the caller."""

    def __init__(self, status: int, slug: str, message: str) -> None:
        super().__init__(message)
        self.status, self.slug, self.message = status, slug, message


def public_uri(req: Request) -> str:
    """The URL exactly as the CRM called it: scheme, host, raw path and raw query.

    `DEALCOACH_PUBLIC_URL` wins (a proxy that rewrites paths); else forwarded headers; else the request.
    """
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if not raw:
        raw = quote(req.path, safe="/%:@!$&'()*+,;=")
        if req.query_string:
            raw += "?" + req.query_string.decode("latin-1")
    base = current_app.config.get("PUBLIC_URL")
    if base:
        return base.rstrip("/") + raw
    proto = (req.headers.get("X-Forwarded-Proto") or req.scheme).split(",")[0].strip()
    host = (req.headers.get("X-Forwarded-Host") or req.host).split(",")[0].strip()
    return f"{proto}://{host}{raw}"


def queue_events(events: Sequence[Event], *, also_allowed: frozenset[str] = frozenset()) -> EnqueueResult:
    """Refuse unknown tenants (404), else queue every event durably; Redis trouble is a 503 so the CRM retries."""
    registry = current_app.extensions["dealcoach.tenants"]
    try:
        candidates = {e.tenant for e in events} - also_allowed
        unknown = sorted(t for t in candidates if not registry.exists(t))
        if unknown:
            raise WebhookRejected(404, "unknown_tenant", f"unknown tenant: {', '.join(unknown)}")
        result = enqueue_events(current_app.extensions["dealcoach.redis"], events)
    except RedisError as exc:
        raise WebhookRejected(503, "queue_unavailable", "queue unavailable, retry later") from exc
    log.info("webhooks.queued queued=%d duplicates=%d unrouted=%d", result.queued, result.duplicates, result.unrouted)
    return result


def accept_events(events: Sequence[Event], *, ignored: int = 0) -> Any:
    """Queue, then answer 200 with what happened to each event (JSON endpoints)."""
    result = queue_events(events)
    return jsonify(queued=result.queued, duplicates=result.duplicates, ignored=ignored + result.unrouted), 200
