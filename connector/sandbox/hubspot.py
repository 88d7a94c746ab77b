"""Sandbox HubSpot API server: the subset of HubSpot's REST API DealCoach uses, in memory, over real HTTP, so the
real `hubspot-api-client` can be exercised (`HubSpot(access_token=..., host=url, base_url=url)`).

Served (HubSpot's paths, JSON shapes, status codes and error bodies; see the route modules):
  /crm/v3/objects/{deals|calls|notes|tasks|emails|meetings|contacts}[/{id}|/batch/{create|read|update|archive}|/search]
  /crm/v3/properties/{type}[/{name}]   /crm/v3/pipelines/deals[/{id}]   /crm/v3/owners/[{id}]
  /crm/v4/objects/{from}/{id}/associations/[default/]{to}[/{toId}]   /crm/v4/associations/{from}/{to}/batch/...
  /files/v3/files[/{id}[/signed-url]]   plus unauthenticated downloads /cdn/signed/... and /hubfs/{portal}/...
  /oauth/v1/token (grant_type=refresh_token; access tokens live `access_token_ttl_s`, HubSpot's 1800 s)
Every API request needs `Authorization: Bearer <token>`: a static (private app) token from the config or an OAuth
access token (401 INVALID_AUTHENTICATION, or EXPIRED_AUTHENTICATION once it expired). It counts against the rate
limits (headers `X-HubSpot-RateLimit-*`, the daily ones for static tokens only; 429 RATE_LIMITS) and may hit an
injected fault. docs/sandboxes/hubspot.md lists every modelled behaviour with its source.

Control API (no auth, JSON), one example each:
  POST   /_sandbox/reset                      {} → as freshly created from its config (records, files, faults,
         counters, webhook settings and logs all reset)
  POST   /_sandbox/seed                       {"owners": [{"email": "a@b.jp", "firstName": "一郎", "lastName": "鈴木"}],
           "files": [{"name": "call.vtt", "content": "WEBVTT ...", "access": "PRIVATE"}],   # or "content_base64"
           "contacts": [{"properties": {"email": "k@example.jp"}}],
           "deals": [{"properties": {"dealname": "A社", "dealstage": "qualifiedtobuy"},
                      "createdAt": "2025-01-01T00:00:00Z",
                      "associations": {"contacts": [0]}}],
           "calls": [{"properties": {"hs_timestamp": "2025-01-02T00:00:00Z"}, "attachments": [0],
                      "associations": {"deals": [0], "contacts": [0]}}],
           "emit_webhooks": false}
         → {"owners": [ids], "files": [ids], "contacts": [ids], "deals": [ids], "calls": [ids], ...}
         Types are created in the order owners, files, contacts, deals, calls, notes, tasks, emails, meetings; an int in
         `associations`/`attachments` indexes records of that type created earlier in the same seed, a string is an
         existing id. Seeds may set read-only properties (e.g. notes_last_updated) and backdate `createdAt`.
  POST   /_sandbox/changes                    {"changes": [{"objectType": "deals", "id": "17000000000",
           "properties": {"dealstage": "closedwon"}}, {"objectType": "calls", "properties": {...},
           "associations": {"deals": ["17000000000"]}}], "changeSource": "CRM_UI"}  → {"results": [{"id", "action"}]}
         (a user working in HubSpot's UI: not logged as a write, webhooks carry changeSource CRM_UI)
  POST   /_sandbox/faults                     {"status": 429, "count": 2, "path_prefix": "/crm/v3/objects/tasks",
           "method": "POST", "retry_after": 1}  (or "rate": 0.3; "delay_s": 2.5 alone simulates a slow API) → 201
  POST   /_sandbox/faults                     {"batch_record_failures": 1, "category": "RATE_LIMITS"}  → the next
         record(s) of batch create/update fail inside a 207 with that category
  POST   /_sandbox/faults                     {"status": 503, "rate": 0.05, "client": "<access token>"} (only that
         app's requests) or {"reset": true, "count": 1} (the connection is dropped unanswered)
  GET    /_sandbox/faults,  DELETE /_sandbox/faults
  GET    /_sandbox/faults/hits                → {"faults": [every rule since the last clear with "hits", "kind",
           "armed"], "byKind": {"429+retry-after": 3, "reset": 1, ...}, "total"}
  POST   /_sandbox/settings                   {"search_lag_s": 30, "search_max_results": 50, "access_token_ttl_s": 1}
         → the runtime settings, changed until the next reset
  POST   /_sandbox/oauth/expire               {"tokens": ["..."]} (or {} for all) → {"expired": 1}
  GET    /_sandbox/writes[?objectType=tasks&action=create]  → {"results": [{"seq", "at", "method", "path", "action",
           "objectType", "id", "properties"}], "total"}  (API writes only: create/update/archive/associate/upload...)
  GET    /_sandbox/calls                      → {"total": 12, "byEndpoint": {"POST /crm/v3/objects/tasks": 3, ...},
           "byStatus": {"201": 3, ...}}
  GET    /_sandbox/objects/{type}             → {"results": [every record incl. archived, all properties,
           "associations": {"deals": [{"id", "typeIds": [206]}]}]}
  POST   /_sandbox/webhooks                   {"target_url": "http://127.0.0.1:9/hook", "client_secret": "s",
           "subscriptions": [{"subscriptionType": "deal.propertyChange", "propertyName": "dealstage"}]}
  POST   /_sandbox/webhooks/flush             {"timeout_s": 10} → {"settled": true, "deliveries": [...]}
  GET    /_sandbox/webhooks/deliveries        → {"deliveries": [{"batchId", "eventIds", "events", "attempts":
           [{"attemptNumber", "status", "error", "at"}], "delivered", "done"}]}
  GET    /_sandbox/webhooks/events            → every event generated (also when no target URL is set)
  POST   /_sandbox/webhooks/redeliver         {"batchId": 7} (default: the last) → resends that delivered batch byte
         for byte, freshly signed
"""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import cast

from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from . import hubspot_schema as schema
from .faults import ResetOnFault, mark_reset
from .hubspot_associations import bp as associations_bp
from .hubspot_config import HubSpotSandboxConfig, sales_pipeline
from .hubspot_control import bp as control_bp
from .hubspot_errors import ApiError
from .hubspot_files import bp as files_bp
from .hubspot_meta import bp as meta_bp
from .hubspot_oauth_routes import bp as oauth_bp
from .hubspot_objects import bp as objects_bp
from .hubspot_property_groups_routes import bp as property_groups_bp
from .hubspot_state import EXTENSION_KEY, HubSpotSandbox, current
from .hubspot_traffic import fault_error
from .hubspot_workflow_routes import bp as workflow_bp
from .server import ServerThread

__all__ = [
    "HubSpotSandbox",
    "HubSpotSandboxConfig",
    "create_hubspot_sandbox",
    "sales_pipeline",
    "start_hubspot_sandbox",
]

_UNMETERED = ("/_sandbox/", "/cdn/", "/hubfs/", "/oauth/")
_TYPE_ARGS = ("object_type", "from_type", "to_type")
_RULE_ARG = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
_AUTH_HELP = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find "
    "more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


def _metered() -> bool:
    return not request.path.startswith(_UNMETERED)


def _guard() -> None:
    """Before every API request: auth, then injected faults, then rate limits (like HubSpot's edge)."""
    if not _metered():
        return
    sb = current()
    g.correlation_id = str(uuid.uuid4())
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ApiError(401, "INVALID_AUTHENTICATION", _AUTH_HELP)
    oauth = sb.oauth.authenticate(token)
    g.source_app_id = sb.config.other_app_tokens.get(token, sb.config.app_id)
    fault = sb.faults.pick(request.method, request.path, token)
    if fault is not None:
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.reset:
            mark_reset(request.environ)
            raise ApiError(500, "INTERNAL_ERROR", "connection reset")
        if fault.status is not None:
            raise fault_error(fault, sb.config.portal_id)
    is_search = request.method == "POST" and request.path.endswith("/search")
    g.rate_headers = sb.limits.admit(search=is_search, oauth=oauth)


def _endpoint() -> str:
    """`METHOD /path/template` with object types filled in, e.g. `GET /crm/v3/objects/deals/{objectId}`."""
    rule = request.url_rule
    if rule is None:
        return f"{request.method} {request.path}"
    args = request.view_args or {}

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _TYPE_ARGS:
            t = schema.resolve_object_type(str(args.get(name, "")))
            return t.name if t else str(args.get(name))
        head, *rest = name.split("_")
        return "{" + head + "".join(w.title() for w in rest) + "}"

    return f"{request.method} {_RULE_ARG.sub(fill, rule.rule)}"


def _finish(response: Response) -> Response:
    if not _metered():
        return response
    response.headers.update(getattr(g, "rate_headers", {}))
    response.headers["X-HubSpot-Correlation-Id"] = getattr(g, "correlation_id", "")
    current().calls.record(_endpoint(), response.status_code)
    return response


def _api_error(err: ApiError) -> Response:
    resp = Response(status=err.status, mimetype="application/json")
    resp.set_data(json.dumps(err.body(getattr(g, "correlation_id", None)), ensure_ascii=False, separators=(",", ":")))
    resp.headers.update(err.headers)
    return resp


def _http_error(err: HTTPException) -> Response:
    """Unknown paths and methods answer in HubSpot's error shape rather than Flask's HTML."""
    category = "OBJECT_NOT_FOUND" if err.code == 404 else "VALIDATION_ERROR"
    return _api_error(ApiError(err.code or 500, category, err.description or err.name))


def _internal_error(err: Exception) -> Response:
    """A bug in the sandbox answers like HubSpot's 500 (and is logged), so clients see a retryable error."""
    current_app.logger.exception("hubspot_sandbox.internal_error", exc_info=err)
    return _api_error(ApiError(500, "INTERNAL_ERROR", "internal error"))


def create_hubspot_sandbox(config: HubSpotSandboxConfig | None = None) -> Flask:
    """A Flask app serving one in-memory HubSpot portal; state at `app.extensions["hubspot_sandbox"]`."""
    sandbox = HubSpotSandbox((config or HubSpotSandboxConfig()).copy())
    app = Flask("hubspot_sandbox")
    json_provider = cast(DefaultJSONProvider, app.json)
    json_provider.sort_keys = False
    json_provider.ensure_ascii = False
    app.extensions[EXTENSION_KEY] = sandbox
    for bp in (objects_bp, meta_bp, property_groups_bp, associations_bp, files_bp, oauth_bp, workflow_bp, control_bp):
        app.register_blueprint(bp)
    app.before_request(_guard)
    app.after_request(_finish)
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    app.wsgi_app = ResetOnFault(app.wsgi_app)  # type: ignore[method-assign]
    return app


def start_hubspot_sandbox(
    config: HubSpotSandboxConfig | None = None, *, host: str = "127.0.0.1", port: int = 0
) -> tuple[ServerThread, Flask]:
    """Create and serve a sandbox in a background thread; `server.stop()` also stops webhook delivery."""
    app = create_hubspot_sandbox(config)
    server = ServerThread(app, host=host, port=port, on_stop=app.extensions[EXTENSION_KEY].close)
    server.start()
    return server, app
