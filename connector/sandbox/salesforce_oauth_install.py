"""The OAuth 2.0 web-server flow of a connected app in the sandbox org: the authorize page and the code exchange.

Salesforce (Help: "OAuth 2.0 Web Server Flow for Web App Integration"):
- `GET /services/oauth2/authorize?response_type=code&client_id&redirect_uri[&scope][&state]`: the user logs in and
  allows access; Salesforce redirects to `redirect_uri?code=...&state=...`, or with `error=access_denied` and
  `error_description=end-user denied authorization` when the user denies. The redirect URI must match the connected
  app's callback URL (`redirect_uri_mismatch` otherwise, on Salesforce's own error page).
- `POST /services/oauth2/token` with `grant_type=authorization_code`, `code`, `client_id`, `client_secret`,
  `redirect_uri` answers `access_token`, `refresh_token`, `signature`, `scope`, `instance_url`,
  `id` (`https://login.salesforce.com/id/<orgId>/<userId>`), `token_type` Bearer, `issued_at`; a bad or spent code
  is 400 `{"error": "invalid_grant", "error_description": "authentication failure"}`.
The code's 15-minute lifetime is Salesforce's documented value; the consent page's wording is the sandbox's own.
"""

from __future__ import annotations

import html
import secrets
import threading
import time
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, request

from .salesforce_state import current

bp = Blueprint("salesforce_oauth_install", __name__)

CODE_TTL_S = 900.0
_EXT = "salesforce_oauth_codes"


class Codes:
    """Authorization codes waiting for their exchange: code → (redirect URI, expiry)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, tuple[str, float]] = {}

    def issue(self, redirect_uri: str) -> str:
        code = "aPrx" + secrets.token_urlsafe(32)
        with self._lock:
            self._codes[code] = (redirect_uri, time.time() + CODE_TTL_S)
        return code

    def redeem(self, code: str, redirect_uri: str) -> bool:
        with self._lock:
            entry = self._codes.pop(code, None)
        return entry is not None and entry[0] == redirect_uri and entry[1] > time.time()


def _codes() -> Codes:
    return current_app.extensions.setdefault(_EXT, Codes())


def _error_page(error: str, description: str) -> Response:
    page = f"<!doctype html><h1>error={html.escape(error)}</h1><p>{html.escape(description)}</p>"
    return Response(page, 400, mimetype="text/html")


def _args(source: Any) -> tuple[str, str, str]:
    return source.get("client_id", ""), source.get("redirect_uri", ""), source.get("state", "")


def _problem(client_id: str, redirect_uri: str) -> Response | None:
    cfg = current().config
    if client_id != cfg.oauth_client_id:
        return _error_page("invalid_client_id", "client identifier invalid")
    callbacks = getattr(cfg, "oauth_callback_urls", None) or []
    if not redirect_uri or (callbacks and redirect_uri not in callbacks):
        return _error_page("redirect_uri_mismatch", "redirect_uri must match configuration")
    return None


@bp.get("/services/oauth2/authorize")
def authorize() -> Response:
    """The login-and-allow page of the connected app."""
    client_id, redirect_uri, state = _args(request.args)
    if request.args.get("response_type") != "code":
        return _error_page("unsupported_response_type", "response type not supported")
    problem = _problem(client_id, redirect_uri)
    if problem is not None:
        return problem
    hidden = {"client_id": client_id, "redirect_uri": redirect_uri, "state": state}
    fields = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">' for k, v in hidden.items()
    )
    page = (
        "<!doctype html><meta charset='utf-8'><title>Allow Access?</title><h1>Allow Access?</h1>"
        f"<p>DealCoach is asking to access org {html.escape(current().config.org_id)}.</p>"
        f'<form method="post" action="/services/oauth2/authorize">{fields}'
        '<button name="decision" value="allow">Allow</button><button name="decision" value="deny">Deny</button></form>'
    )
    return Response(page, 200, mimetype="text/html")


@bp.post("/services/oauth2/authorize")
def decide() -> Any:
    client_id, redirect_uri, state = _args(request.form)
    problem = _problem(client_id, redirect_uri)
    if problem is not None:
        return problem
    sep = "&" if "?" in redirect_uri else "?"
    extra = {"state": state} if state else {}
    if request.form.get("decision") != "allow":
        query = {"error": "access_denied", "error_description": "end-user denied authorization", **extra}
        return redirect(redirect_uri + sep + urlencode(query), 302)
    return redirect(redirect_uri + sep + urlencode({"code": _codes().issue(redirect_uri), **extra}), 302)


def exchange_code(form: Any, token_response: Any) -> tuple[dict[str, Any], int]:
    """`grant_type=authorization_code` at the token endpoint: the session and a new refresh token of the install."""
    sb = current()
    if form.get("client_id") != sb.config.oauth_client_id or form.get("client_secret") != sb.config.oauth_client_secret:
        return {"error": "invalid_client", "error_description": "invalid client credentials"}, 400
    if not _codes().redeem(form.get("code", ""), form.get("redirect_uri", "")):
        return {"error": "invalid_grant", "error_description": "authentication failure"}, 400
    refresh = "5Aep" + secrets.token_urlsafe(40)
    sb.config.refresh_tokens.append(refresh)
    body, status = token_response()
    return {**body, "refresh_token": refresh}, status


@bp.get("/services/oauth2/userinfo")
def userinfo() -> tuple[dict[str, Any], int]:
    """OpenID Connect UserInfo for a session id (Salesforce Help, "Query for User Information"): `sub` (the identity
    URL), `user_id`, `organization_id`, `preferred_username`; an invalid session is a 403 **[approx]** (wording)."""
    sb = current()
    counts = current_app.extensions.setdefault("salesforce_userinfo_calls", [0])
    counts[0] += 1
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or (token not in sb.config.access_tokens and token not in sb.config.user_sessions):
        return {"error": "Bad_OAuth_Token", "error_description": "invalid session"}, 403
    user = sb.config.user_sessions.get(token, sb.config.api_user_id)
    instance = sb.instance_url or request.host_url.rstrip("/")
    return {
        "sub": f"{instance}/id/{sb.config.org_id}/{user}",
        "user_id": user,
        "organization_id": sb.config.org_id,
        "preferred_username": f"{user}@sandbox.example",
    }, 200


@bp.get("/_sandbox/oauth/userinfo-calls")
def userinfo_calls() -> dict[str, int]:
    """Control API: how many UserInfo requests the org answered."""
    return {"calls": current_app.extensions.get("salesforce_userinfo_calls", [0])[0]}
