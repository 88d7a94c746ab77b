"""How the app answers a refusal, an HTTP error or a bug: one place for the Flask error handlers and the WSGI routes
that bypass Flask (`webhooks/fast_routes.py`), so both give the same status, body and log line."""

from __future__ import annotations

import logging
from typing import cast

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from webhooks import salesforce
from webhooks.common import WebhookRejected

log = logging.getLogger("dealcoach.webhooks")


def rejected_response(app: Flask, exc: WebhookRejected) -> Response:
    """A refusal: its slug logged, its status answered (a SOAP Fault for Outbound Messages, else JSON)."""
    log.warning("webhooks.rejected slug=%s status=%d", exc.slug, exc.status)
    if isinstance(exc, salesforce.SoapRejected):
        return salesforce.soap_error_response(exc)
    return _json(app, exc.status, error=exc.slug, message=exc.message)


def http_error_response(app: Flask, exc: HTTPException) -> Response:
    """Werkzeug's HTTP errors (404, 405, 413...) as JSON."""
    log.warning("webhooks.http_error status=%s name=%s", exc.code, exc.name)
    return _json(app, exc.code or 500, error=(exc.name or "error").lower().replace(" ", "_"))


def unexpected_response(app: Flask, exc: Exception) -> Response:
    """A bug must not look like "retry later forever" to the CRM, nor leak a trace: log it, answer 503."""
    log.exception("webhooks.unexpected_error type=%s", type(exc).__name__)
    return _json(app, 503, error="temporarily_unavailable")


def _json(app: Flask, status: int, **fields: str) -> Response:
    """What `jsonify(**fields), status` answers, without needing an app context."""
    # Typed as the sans-IO base, it is the app's `response_class`: a WSGI response.
    response = cast(Response, app.json.response(**fields))
    response.status_code = status
    return response
