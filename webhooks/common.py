"""What every webhook endpoint shares: the public URI, refusals with one status each, tenant check, enqueue."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

import redis
from flask import Request, Response, current_app, request
from redis.exceptions import RedisError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wsgi import get_input_stream

from connector.models import Event
from connector.tenants import tenant_key
from sync import log_format
from sync.queue import EnqueueResult, enqueue_events
from webhooks.request_context import REQUEST_ID_KEY

log = logging.getLogger("dealcoach.webhooks")


class WebhookRejected(Exception):
    """A refusal with its HTTP status and a log slug; the message is safe to return to the caller."""

    def __init__(self, status: int, slug: str, message: str) -> None:
        super().__init__(message)
        self.status, self.slug, self.message = status, slug, message


class MalformedBody(ValueError):
    """The body is not what the endpoint accepts; answered with 400 and the message."""


def read_body(req: Request) -> bytes:
    """The raw body of a Flask request, capped by the app's `MAX_CONTENT_LENGTH` (`read_environ_body`)."""
    return read_environ_body(req.environ, current_app.config.get("MAX_CONTENT_LENGTH"))


def read_environ_body(environ: dict[str, Any], cap: int | None) -> bytes:
    """The raw body, at most `cap` bytes (413 beyond, chunked or not); 400 if it cannot be read.

    Werkzeug's own limit silently truncates a chunked body at the cap, so we read one byte more than the cap and
    refuse when it arrives. A malformed chunked body raises whatever the server's reader raises (werkzeug an OSError,
    gunicorn its own `ParseException` family, not an OSError), hence the broad except: every such failure is the
    client's bytes, never ours.
    """
    try:
        stream = get_input_stream(environ, max_content_length=None if cap is None else cap + 1)
        body = stream.read()
    except RequestEntityTooLarge as exc:
        raise WebhookRejected(413, "too_large", "request body too large") from exc
    except Exception as exc:
        raise WebhookRejected(400, "unreadable_body", "request body could not be read") from exc
    if cap is not None and len(body) > cap:
        raise WebhookRejected(413, "too_large", "request body too large")
    return body


def load_json(body: bytes) -> Any:
    """`json.loads` that turns every way a body can fail to be sane JSON into `MalformedBody`: bad UTF-8, bad syntax,
    an integer literal over Python's 4,300-digit limit (ValueError) or nesting deep enough to recurse out."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise MalformedBody("body is not JSON") from exc


def log_value(value: object, limit: int = 80) -> str:
    """An attacker-chosen value made safe for one log line: quoted, non-ASCII and control characters escaped (no
    forged lines or fields), cut to `limit` characters; a non-string shows only its type."""
    if value is None:
        return "null"
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    return json.dumps(value[:limit])


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


def queue_events(events: Sequence[Event]) -> EnqueueResult:
    """`queue_events_on` with the Flask app's Redis and the request's id."""
    return queue_events_on(current_app.extensions["dealcoach.redis"], events, request.environ.get(REQUEST_ID_KEY))


def queue_events_on(conn: redis.Redis, events: Sequence[Event], request_id: str | None) -> EnqueueResult:
    """Refuse unknown tenants (404), else queue every event durably; Redis trouble is a 503 so the CRM retries.

    The tenant check rides on the enqueue's first round trip (`enqueue_events(require=...)`)."""
    tenants = sorted({e.tenant for e in events})
    if len(tenants) == 1:
        log_format.bind(tenant=tenants[0])  # undone with the request's own binding at teardown
    keys = {tenant_key(t): t for t in tenants}
    try:
        result = enqueue_events(conn, events, request_id=request_id, require=list(keys))
    except RedisError as exc:
        raise WebhookRejected(503, "queue_unavailable", "queue unavailable, retry later") from exc
    if result.unknown:
        unknown = ", ".join(keys[k] for k in result.unknown)
        raise WebhookRejected(404, "unknown_tenant", f"unknown tenant: {unknown}")
    log.info("webhooks.queued queued=%d duplicates=%d unrouted=%d", result.queued, result.duplicates, result.unrouted)
    return result


@lru_cache(maxsize=1024)
def counts_body(queued: int, duplicates: int, ignored: int) -> bytes:
    """The answer's bytes, as `jsonify` writes them (sorted keys, compact, a newline), built once per outcome."""
    counts = {"queued": queued, "duplicates": duplicates, "ignored": ignored}
    return (json.dumps(counts, sort_keys=True, separators=(",", ":")) + "\n").encode()


def accept_events(events: Sequence[Event], *, ignored: int = 0, covered: int = 0) -> Response:
    """Queue, then answer 200 with what happened to each event (JSON endpoints).

    `covered` events were folded into another event of the same delivery (one job per call): they count as
    duplicates, work already queued."""
    result = queue_events(events)
    body = counts_body(result.queued, result.duplicates + covered, ignored + result.unrouted)
    return Response(body, status=200, mimetype="application/json")
