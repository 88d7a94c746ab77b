"""Sandbox Salesforce org: the subset of Salesforce's REST API DealCoach uses, in memory, over HTTPS, so the real
`simple-salesforce` client can be exercised:

    server, app = start_salesforce_sandbox()
    cert = app.extensions["salesforce_sandbox"].tls_cert
    session = requests.Session(); session.verify = str(cert)
    sf = Salesforce(instance_url=server.url, session_id="sandbox-session-id", session=session, version="62.0")

Served under /services/data/ (Salesforce's paths, JSON shapes, status codes and `[{"message","errorCode","fields"}]`
errors; any `vNN.N`): versions, sobjects[/{Type}[/describe|/{id}[/VersionData]|/{extIdField}/{value}]], query and
queryAll (+ nextRecordsUrl pages), composite/sobjects (POST/PATCH/DELETE), limits. Every versioned request needs
`Authorization: Bearer <session id>` (401 INVALID_SESSION_ID), counts against the daily allocation
(`Sforce-Limit-Info: api-usage=used/max`; 403 REQUEST_LIMIT_EXCEEDED when spent) and may hit an injected fault.
Workflow outbound messages (SOAP) fire on Opportunity stage changes, Tasks created with TaskSubtype=Call, and
files linked to an Opportunity or Task; optionally also as signed Flow-callout JSON.

Control API (no auth, JSON), one example each:
  POST /_sandbox/reset              {} → the configured org again (users only; faults, counters, outbound reset)
  POST /_sandbox/seed               {"accounts": [{"Name": "A社"}],
        "contacts": [{"LastName": "鈴木", "AccountId": 0}],
        "opportunities": [{"Name": "A社 SFA導入", "StageName": "Qualification", "CloseDate": "2025-12-31",
                           "AccountId": 0, "CreatedDate": "2025-01-01T00:00:00Z", "LastActivityDate": "2025-01-10",
                           "history": [{"StageName": "Prospecting", "CreatedDate": "2025-01-01T00:00:00Z"},
                                       {"StageName": "Qualification", "CreatedDate": "2025-01-05T00:00:00Z"}]}],
        "tasks": [{"Subject": "初回商談", "TaskSubtype": "Call", "Status": "Completed", "WhatId": 0}],
        "files": [{"title": "初回商談", "path_on_client": "call.vtt", "content": "WEBVTT ...",   # or content_b64
                   "link_to": 0}],            # int = opportunities[i], {"tasks": 0}, an id, or a list of these
        "notes": [{"title": "メモ", "content": "<p>次回: 見積</p>", "link_to": 0}],
        "emit_outbound": false}
      → {"accounts": [ids], "contacts": [...], "opportunities": [...], "tasks": [...], "files": [ContentVersion ids],
         "documents": [ContentDocument ids], "notes": [note (069) ids]}   (seeds may set read-only fields and dates)
  POST /_sandbox/changes            {"changes": [{"objectType": "Opportunity", "id": "006…",
        "fields": {"StageName": "Negotiation/Review"}}, {"objectType": "ContentVersion", "fields": {"Title": "録音",
        "PathOnClient": "call.mp3", "VersionData": "<base64>", "FirstPublishLocationId": "006…"}},
        {"objectType": "Task", "id": "00T…", "delete": true}], "userId": "005…"}
      → {"results": [{"objectType", "id", "action"}]}   (a user in the UI: outbound messages fire, no write log)
  POST /_sandbox/faults             {"status": 503, "count": 2, "path_prefix": "sobjects/Task", "method": "POST",
        "retry_after": 1}  (or "rate": 0.3; "delay_s": 2.5; status 401 = expired session; relative prefixes match
        after /services/data/vNN.N/)  or  {"composite_record_failures": 1, "status_code": "UNABLE_TO_LOCK_ROW"}
      → 201 {"armed", "faults", "composite_record_failures"};  GET /_sandbox/faults;  DELETE /_sandbox/faults → 204
      (also "client": "<session id>" for that session's requests only, "reset": true to drop the connection)
  GET  /_sandbox/faults/hits → {"faults": [every rule since the last clear, "hits", "kind", "armed"], "byKind", "total"}
  GET  /_sandbox/limits → {"used": 12, "max": 100000};  POST /_sandbox/limits {"used": 99999, "max": 100000}
  GET  /_sandbox/writes[?objectType=Task&action=create] → {"results": [{"seq", "at", "method", "path", "action",
        "objectType", "id", "fields"}], "total"}   (API writes only)
  GET  /_sandbox/calls → {"total": 7, "byEndpoint": {"GET /services/data/v{version}/query": 2,
        "PATCH /services/data/v{version}/sobjects/Opportunity/{id}": 1, ...}, "byStatus": {"200": 6, "204": 1}}
  GET  /_sandbox/objects/{Type} → {"records": [every record, deleted too, as GET sobjects/{Type}/{id}], "totalSize"}
  POST /_sandbox/outbound           {"url": "https://dealcoach.example/webhooks/salesforce/outbound",
        "urls": {"Task": "..."}, "flow_url": "https://.../webhooks/salesforce/events", "flow_secret": "s",
        "send_session_id": false}  → the settings;  GET /_sandbox/outbound (+ "actionIds" per object type)
  POST /_sandbox/outbound/flush     {"timeout_s": 10} → {"settled": true, "deliveries": [...]}
  GET  /_sandbox/outbound/deliveries → {"deliveries": [{"deliveryId", "channel": "outbound"|"flow", "objectType",
        "url", "actionId", "notificationIds", "objectIds", "kinds", "attempts": [{"attemptNumber", "status",
        "acked", "error", "at"}], "delivered", "done", "body", "headers"}]}
  GET  /_sandbox/outbound/events    → every change that fired, also without an endpoint
  POST /_sandbox/outbound/redeliver {"channel": "outbound"} or {"deliveryId": 7} → resends the last (or that)
        delivered message byte for byte
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import cast

from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from .faults import ResetOnFault, mark_reset
from .salesforce_collections import bp as collections_bp
from .salesforce_composite import bp as composite_bp
from .salesforce_config import SalesforceSandboxConfig, dealcoach_fields, default_stages, default_users
from .salesforce_control import bp as control_bp
from .salesforce_custom_metadata import bp as custom_metadata_bp
from .salesforce_errors import SfError, invalid_session, not_found
from .salesforce_ids import to18
from .salesforce_oauth import bp as oauth_bp
from .salesforce_oauth_install import bp as oauth_install_bp
from .salesforce_oauth_jwt import bp as oauth_jwt_bp
from .salesforce_rest import bp as rest_bp
from .salesforce_setup_page import bp as setup_page_bp
from .salesforce_state import EXTENSION_KEY, SalesforceSandbox, current
from .salesforce_tls import make_self_signed_cert, server_context
from .salesforce_traffic import fault_error
from .server import ServerThread

__all__ = [
    "SalesforceSandbox",
    "SalesforceSandboxConfig",
    "create_salesforce_sandbox",
    "dealcoach_fields",
    "default_stages",
    "default_users",
    "make_self_signed_cert",
    "start_salesforce_sandbox",
]

_VERSIONED = re.compile(r"^/services/data/v\d+\.\d+(?:/|$)")
_RULE_ARG = re.compile(r"<(?:[^:<>]+:)?(\w+)>")
_TEMPLATE = {"version": "{version}", "record_id": "{id}", "cursor": "{locator}", "value": "{value}"}


def _guard() -> None:
    """Before every API request: session, concurrent long-running requests, injected faults, the daily allocation."""
    path = request.path
    if path.startswith("/_sandbox/"):
        return
    sb = current()
    if sb.instance_url is None:
        sb.instance_url = request.host_url.rstrip("/")
    if path.rstrip("/") == "/services/data" or not _VERSIONED.match(path):
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or (
        token not in sb.config.access_tokens and token not in sb.config.user_sessions
    ):
        raise invalid_session()
    g.session_user_id = sb.config.user_sessions.get(token, sb.config.api_user_id)
    g.metered = True
    g.ticket = sb.in_flight.enter()
    fault = sb.faults.pick(request.method, path, token)
    if fault is not None:
        if fault.delay_s:
            time.sleep(fault.delay_s)
        if fault.reset:
            mark_reset(request.environ)
            raise SfError(500, "UNKNOWN_EXCEPTION", "connection reset")
        if fault.status is not None:
            raise fault_error(fault)
    sb.usage.admit()


def _endpoint() -> str:
    """`METHOD /path/template` with the sObject type filled in: `GET /services/data/v{version}/sobjects/Task/{id}`."""
    rule = request.url_rule
    if rule is None:
        return f"{request.method} {request.path}"
    args = request.view_args or {}
    blob = to18(str(args.get("first", ""))) is not None

    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "sobject":
            obj = current().schema.get(str(args.get(name, "")))
            return obj.name if obj else str(args.get(name))
        if name == "first":
            return "{id}" if blob else str(args.get(name))
        if name == "second":
            return str(args.get(name)) if blob else "{value}"
        if name == "field_name":
            return str(args.get(name))
        return _TEMPLATE.get(name, "{" + name + "}")

    return f"{request.method} {_RULE_ARG.sub(fill, rule.rule.rstrip('/'))}"


def _finish(response: Response) -> Response:
    if request.path.startswith("/_sandbox/"):
        return response
    sb = current()
    if getattr(g, "metered", False):
        response.headers["Sforce-Limit-Info"] = sb.usage.header()
    if _VERSIONED.match(request.path):
        sb.calls.record(_endpoint(), response.status_code)
    return response


def _release(_exc: BaseException | None) -> None:
    """After every request: it no longer counts as in flight."""
    ticket = g.pop("ticket", None)
    if ticket is not None:
        current().in_flight.leave(ticket)


def _sf_error(err: SfError) -> Response:
    resp = Response(json.dumps(err.body(), ensure_ascii=False), status=err.status, mimetype="application/json")
    resp.headers.update(err.headers)
    return resp


def _http_error(err: HTTPException) -> Response:
    """Unknown paths and methods answer in Salesforce's error shape rather than Flask's HTML."""
    if err.code == 405:
        allowed = ",".join(sorted(m for m in getattr(err, "valid_methods", None) or [] if m != "OPTIONS"))
        return _sf_error(
            SfError(405, "METHOD_NOT_ALLOWED", f"HTTP Method '{request.method}' not allowed. Allowed are {allowed}")
        )
    if err.code == 404:
        return _sf_error(not_found())
    return _sf_error(SfError(err.code or 500, "INVALID_INPUT", err.description or err.name))


def _internal_error(err: Exception) -> Response:
    """A bug in the sandbox answers like Salesforce's 500 (and is logged), so clients see a retryable error."""
    current_app.logger.exception("salesforce_sandbox.internal_error", exc_info=err)
    return _sf_error(
        SfError(
            500,
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support: sandbox",
        )
    )


def create_salesforce_sandbox(config: SalesforceSandboxConfig | None = None) -> Flask:
    """A Flask app serving one in-memory org; state at `app.extensions["salesforce_sandbox"]`."""
    sandbox = SalesforceSandbox((config or SalesforceSandboxConfig()).copy())
    app = Flask("salesforce_sandbox")
    json_provider = cast(DefaultJSONProvider, app.json)
    json_provider.sort_keys = False
    json_provider.ensure_ascii = False
    app.extensions[EXTENSION_KEY] = sandbox
    for bp in (
        rest_bp,
        collections_bp,
        composite_bp,
        control_bp,
        oauth_bp,
        oauth_install_bp,
        oauth_jwt_bp,
        custom_metadata_bp,
        setup_page_bp,
    ):
        app.register_blueprint(bp)
    app.before_request(_guard)
    app.after_request(_finish)
    app.teardown_request(_release)
    app.register_error_handler(SfError, _sf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _internal_error)
    app.wsgi_app = ResetOnFault(app.wsgi_app)  # type: ignore[method-assign]
    return app


def start_salesforce_sandbox(
    config: SalesforceSandboxConfig | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tls: tuple[Path, Path] | None = None,
) -> tuple[ServerThread, Flask]:
    """Create and serve a sandbox over HTTPS in a background thread. Without `tls` (cert, key), a throwaway
    self-signed certificate is made (path at `app.extensions["salesforce_sandbox"].tls_cert`, removed on stop).
    `server.stop()` also stops outbound delivery."""
    app = create_salesforce_sandbox(config)
    sandbox: SalesforceSandbox = app.extensions[EXTENSION_KEY]
    tmp: str | None = None
    if tls is None:
        tmp = tempfile.mkdtemp(prefix="dealcoach-sf-tls-")
        tls = make_self_signed_cert(Path(tmp), host)
    sandbox.tls_cert, sandbox.tls_key = Path(tls[0]), Path(tls[1])

    def on_stop() -> None:
        sandbox.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    server = ServerThread(
        app, host=host, port=port, ssl_context=server_context(sandbox.tls_cert, sandbox.tls_key), on_stop=on_stop
    )
    server.start()
    if sandbox.config.instance_url is None:
        sandbox.instance_url = server.url
    return server, app
