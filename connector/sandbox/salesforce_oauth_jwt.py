"""The OAuth 2.0 JWT bearer grant at the sandbox org's token endpoint (`POST /services/oauth2/token` with
`grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`).

Salesforce (Help, "OAuth 2.0 JWT Bearer Flow for Server-to-Server Integration"; RFC 7523 §3):
- the assertion is signed RS256 with the private key of the certificate uploaded to the connected app ("Use digital
  signatures"); the signature is checked against that certificate;
- `iss` is the connected app's consumer key, `sub` the username of a user of the org, `aud` the login host
  (https://login.salesforce.com, https://test.salesforce.com, or a site URL; here: the sandbox's own URL unless
  configured), `exp` the expiry in seconds since the epoch, accepted only within three minutes from now;
- the user must be pre-approved for the app (admin-approved users: profile or permission set);
- the answer is the usual token response without a refresh token; failures are 400 with `error` invalid_grant (bad
  signature, audience, expiry, unknown or unapproved user) or invalid_client_id (unknown `iss`). The
  `error_description` wordings are **[approx]**.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import jwt
from cryptography import x509
from flask import Blueprint, current_app, request

from .salesforce_state import current

bp = Blueprint("salesforce_oauth_jwt", __name__)

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_AHEAD_S = 180
_EXT = "salesforce_jwt_app"


def _app() -> dict[str, Any]:
    """The connected app's digital-signature settings: certificate (PEM), approved usernames, audience."""
    return current_app.extensions.setdefault(_EXT, {"certificate": "", "approved": [], "audience": ""})


def _refused(error: str, description: str) -> tuple[dict[str, str], int]:
    return {"error": error, "error_description": description}, 400


def _user_by_username(username: str) -> dict[str, Any] | None:
    return next((u for u in current().config.users if u.get("Username") == username and u.get("IsActive", True)), None)


def jwt_grant(form: Any, token_response: Callable[[], tuple[dict[str, Any], int]]) -> tuple[dict[str, Any], int]:
    """Check the assertion as Salesforce does, then mint a session acting as its `sub`."""
    sb, app = current(), _app()
    raw = form.get("assertion", "")
    try:
        unverified = jwt.decode(raw, options={"verify_signature": False})
    except jwt.PyJWTError:
        return _refused("invalid_grant", "invalid assertion")
    if unverified.get("iss") != sb.config.oauth_client_id:
        return _refused("invalid_client_id", "client identifier invalid")
    if not app["certificate"]:
        return _refused("invalid_grant", "invalid assertion")
    key = x509.load_pem_x509_certificate(app["certificate"].encode()).public_key()
    audience = app["audience"] or request.host_url.rstrip("/")
    try:
        claims = jwt.decode(
            raw,
            key,  # type: ignore[arg-type]
            algorithms=["RS256"],
            audience=audience,
            issuer=sb.config.oauth_client_id,
            options={"require": ["iss", "sub", "aud", "exp"]},
        )
    except jwt.ExpiredSignatureError:
        return _refused("invalid_grant", "invalid assertion: expired")
    except jwt.InvalidAudienceError:
        return _refused("invalid_grant", "audience is invalid")
    except jwt.PyJWTError:
        return _refused("invalid_grant", "invalid assertion")
    if int(claims["exp"]) > time.time() + MAX_AHEAD_S:
        return _refused("invalid_grant", "invalid assertion: exp is more than 3 minutes ahead")
    user = _user_by_username(str(claims["sub"]))
    if user is None:
        return _refused("invalid_grant", "user not found or not active")
    if str(claims["sub"]) not in app["approved"]:
        return _refused("invalid_grant", "user hasn't approved this consumer")
    body, status = token_response()
    body = {k: v for k, v in body.items() if k != "refresh_token"}
    if user["Id"] != sb.config.api_user_id:
        token = str(body["access_token"])
        sb.config.access_tokens.remove(token)
        sb.config.user_sessions[token] = user["Id"]
        body["id"] = str(body["id"]).rsplit("/", 1)[0] + "/" + user["Id"]
    calls = current_app.extensions.setdefault("salesforce_jwt_grants", [0])
    calls[0] += 1
    return {**body, "scope": "api"}, status


@bp.post("/_sandbox/oauth/jwt-app")
def configure() -> dict[str, Any]:
    """Control API: upload the connected app's certificate and pre-approve users (`{"certificate", "approved",
    "audience"}`), as an admin does in Setup."""
    body = request.get_json(silent=True) or {}
    app = _app()
    for key in ("certificate", "approved", "audience"):
        if key in body:
            app[key] = body[key]
    return {"approved": list(app["approved"]), "has_certificate": bool(app["certificate"])}


@bp.get("/_sandbox/oauth/jwt-grants")
def grants() -> dict[str, int]:
    """Control API: how many JWT bearer grants the org accepted."""
    return {"grants": current_app.extensions.get("salesforce_jwt_grants", [0])[0]}
