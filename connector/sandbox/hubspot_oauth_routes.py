"""Routes of the sandbox's OAuth: HubSpot's token endpoint and the control API that expires tokens (see
`hubspot_oauth` for the behaviour and its sources)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Blueprint, Response, request

from .hubspot_state import current, json_body

bp = Blueprint("hubspot_oauth", __name__)


def _oauth_error(status: str, message: str) -> Response:
    body = {"status": status, "message": message, "correlationId": str(uuid.uuid4())}
    return Response(json.dumps(body), status=400, mimetype="application/json")


@bp.post("/oauth/v1/token")
def token() -> Response:
    """Exchange a refresh token for a new access token (30 minutes unless the config says otherwise)."""
    sb = current()
    form = request.form
    if form.get("grant_type") != "refresh_token":
        return _oauth_error("BAD_GRANT_TYPE", "grant_type must be refresh_token")
    if form.get("client_id") != sb.config.client_id or form.get("client_secret") != sb.config.client_secret:
        return _oauth_error("BAD_CLIENT_ID", "missing or invalid client_id or client_secret")
    refresh = form.get("refresh_token", "")
    if refresh not in sb.config.refresh_tokens:
        return _oauth_error("BAD_REFRESH_TOKEN", "missing or invalid refresh token")
    access, ttl = sb.oauth.issue()
    body: dict[str, Any] = {"token_type": "bearer", "refresh_token": refresh, "access_token": access, "expires_in": ttl}
    return Response(json.dumps(body), status=200, mimetype="application/json")


@bp.post("/_sandbox/oauth/expire")
def expire() -> dict[str, Any]:
    """Control API: `{"tokens": [...]}` expires those access tokens now, `{}` expires every issued one."""
    body = json_body(default={"tokens": None})
    tokens = body.get("tokens")
    return {"expired": current().oauth.expire(None if tokens is None else [str(t) for t in tokens])}
