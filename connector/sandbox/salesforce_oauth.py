"""The OAuth 2.0 refresh-token flow of a connected app: `POST /services/oauth2/token`.

Salesforce answers `{"access_token","instance_url","id","token_type","issued_at","signature"}`, or 400
`{"error":"invalid_grant"|"invalid_client", "error_description"}`. Each refresh mints a new session id.

`POST /services/oauth2/revoke` (Salesforce Help "Revoke OAuth Tokens Programmatically"; Mobile SDK guide "Revoking
OAuth Tokens"): form field `token`; "If an access token is included, Salesforce invalidates it and revokes the token.
If a refresh token is included, Salesforce revokes it and any associated access tokens." 200 on success, 400 with
`unsupported_token_type` or `invalid_token` otherwise. An admin's "Revoke" in Setup (Connected Apps OAuth Usage) has
the same effect on the app's tokens; a later refresh gets 400 `invalid_grant`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

from flask import Blueprint, request

from .salesforce_oauth_install import exchange_code
from .salesforce_oauth_jwt import GRANT_TYPE as JWT_BEARER
from .salesforce_oauth_jwt import jwt_grant
from .salesforce_state import current

bp = Blueprint("salesforce_oauth", __name__)


def _refused(error: str, description: str) -> tuple[dict[str, str], int]:
    return {"error": error, "error_description": description}, 400


@bp.post("/services/oauth2/token")
def token() -> tuple[dict[str, Any], int]:
    """Exchange a refresh token, an authorization code or a JWT bearer assertion for a session id."""
    sb = current()
    form = request.form
    if form.get("grant_type") == "authorization_code":
        return exchange_code(form, _session)
    if form.get("grant_type") == JWT_BEARER:
        return jwt_grant(form, _session)
    if form.get("grant_type") != "refresh_token":
        return _refused("unsupported_grant_type", "grant type not supported")
    if form.get("client_id") != sb.config.oauth_client_id or form.get("client_secret") != sb.config.oauth_client_secret:
        return _refused("invalid_client", "invalid client credentials")
    if form.get("refresh_token") not in sb.config.refresh_tokens:
        return _refused("invalid_grant", "expired access/refresh token")
    return _session(form["refresh_token"])


@bp.route("/services/oauth2/revoke", methods=["POST"])
def revoke() -> tuple[Any, int]:
    """Revoke an access token, or a refresh token with every access token minted from it."""
    sb = current()
    token = request.form.get("token") or ""
    if token in sb.config.refresh_tokens:
        sb.config.refresh_tokens.remove(token)
        gone = {a for a, r in sb.minted_from.items() if r == token}
        sb.config.access_tokens[:] = [a for a in sb.config.access_tokens if a not in gone]
        return "", 200
    if token in sb.config.access_tokens:
        sb.config.access_tokens.remove(token)
        return "", 200
    return {"error": "invalid_token", "error_description": "Token was invalid"}, 400


def _session(refresh_token: str | None = None) -> tuple[dict[str, Any], int]:
    """A new session id with Salesforce's token response fields."""
    sb = current()
    access = f"00D!{secrets.token_urlsafe(24)}"
    sb.config.access_tokens.append(access)
    if refresh_token:
        sb.minted_from[access] = refresh_token
    issued = str(int(time.time() * 1000))
    instance = sb.instance_url or request.host_url.rstrip("/")
    ident = f"{instance}/id/{sb.config.org_id}/{sb.config.api_user_id}"
    signature = base64.b64encode(
        hmac.new(sb.config.oauth_client_secret.encode(), (ident + issued).encode(), hashlib.sha256).digest()
    ).decode()
    return {
        "access_token": access,
        "instance_url": instance,
        "id": ident,
        "token_type": "Bearer",
        "issued_at": issued,
        "signature": signature,
        "scope": "api refresh_token",
    }, 200


@bp.post("/_sandbox/sessions/expire")
def expire_sessions() -> dict[str, Any]:
    """Control API: revoke session ids (all, or `{"tokens": [...]}`), as when a session times out."""
    sb = current()
    body = request.get_json(silent=True) or {}
    gone = set(body.get("tokens") or sb.config.access_tokens)
    sb.config.access_tokens[:] = [t for t in sb.config.access_tokens if t not in gone]
    return {"expired": len(gone), "active": len(sb.config.access_tokens)}
