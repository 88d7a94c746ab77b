"""Routes of the sandbox's OAuth: HubSpot's consent page, token endpoint, token metadata and revocation, and the
control API that expires or revokes tokens (see `hubspot_oauth` and `hubspot_oauth_install` for the behaviour and
its sources)."""

from __future__ import annotations

import html
import json
import uuid
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, redirect, request

from .hubspot_oauth_install import Grant
from .hubspot_state import current, json_body

bp = Blueprint("hubspot_oauth", __name__)

_CONSENT = """<!doctype html><html><head><meta charset="utf-8"><title>Connect app</title></head><body>
<h1>Connect {app} to HubSpot account {portal}</h1><p>{user} is granting: {scopes}</p>
<form method="post" action="/oauth/authorize">{fields}<button type="submit" name="decision" value="allow">Connect app
</button><button type="submit" name="decision" value="deny">Cancel</button></form></body></html>"""


def _oauth_error(status: str, message: str, code: int = 400) -> Response:
    body = {"status": status, "message": message, "correlationId": str(uuid.uuid4())}
    return Response(json.dumps(body), status=code, mimetype="application/json")


def _error_page(message: str) -> Response:
    return Response(f"<!doctype html><h1>Authorization failed</h1><p>{html.escape(message)}</p>", 400)


def _authorize_args(source: Any) -> tuple[str, str, list[str], str]:
    scopes = [s for part in source.getlist("scope") for s in part.replace("+", " ").split() if s]
    return source.get("client_id", ""), source.get("redirect_uri", ""), scopes, source.get("state", "")


@bp.get("/oauth/authorize")
def authorize() -> Response:
    """The consent page HubSpot shows the installing user (app.hubspot.com/oauth/authorize)."""
    sb = current()
    client_id, redirect_uri, scopes, state = _authorize_args(request.args)
    problem = sb.install.problem(client_id, redirect_uri, scopes)
    if problem:
        return _error_page(problem)
    grant = sb.install.default_grant()
    hidden = {"client_id": client_id, "redirect_uri": redirect_uri, "scope": " ".join(scopes), "state": state}
    fields = "".join(
        f'<input type="hidden" name="{k}" value="{html.escape(v, quote=True)}">' for k, v in hidden.items()
    )
    page = _CONSENT.format(
        app=sb.config.app_id,
        portal=sb.config.portal_id,
        user=html.escape(grant.user),
        scopes=" ".join(scopes),
        fields=fields,
    )
    return Response(page, 200, mimetype="text/html")


@bp.post("/oauth/authorize")
def consent() -> Any:
    """The user's answer: allow redirects with a single-use code, deny with `error=access_denied`."""
    sb = current()
    client_id, redirect_uri, scopes, state = _authorize_args(request.form)
    problem = sb.install.problem(client_id, redirect_uri, scopes)
    if problem:
        return _error_page(problem)
    sep = "&" if "?" in redirect_uri else "?"
    if request.form.get("decision") != "allow":
        query = {"error": "access_denied", **({"state": state} if state else {})}
        return redirect(redirect_uri + sep + urlencode(query), 302)
    grant = sb.install.default_grant()
    code = sb.install.issue_code(scopes, redirect_uri, grant.user_id, grant.user)
    return redirect(redirect_uri + sep + urlencode({"code": code, **({"state": state} if state else {})}), 302)


@bp.post("/oauth/v1/token")
def token() -> Response:
    """Exchange an authorization code or a refresh token for an access token (30 minutes unless configured)."""
    sb = current()
    form = request.form
    grant_type = form.get("grant_type", "")
    if grant_type not in ("authorization_code", "refresh_token"):
        return _oauth_error("BAD_GRANT_TYPE", "grant_type must be authorization_code or refresh_token")
    if form.get("client_id") != sb.config.client_id or form.get("client_secret") != sb.config.client_secret:
        return _oauth_error("BAD_CLIENT_ID", "missing or invalid client_id or client_secret")
    sb.install.count(grant_type)
    grant: Grant | None
    if grant_type == "authorization_code":
        grant = sb.install.redeem(form.get("code", ""), form.get("redirect_uri", ""))
        if grant is None:
            return _oauth_error("BAD_AUTH_CODE", "missing or unknown auth code")
    else:
        grant = sb.install.grant_for_refresh(form.get("refresh_token", ""))
        if grant is None:
            return _oauth_error("BAD_REFRESH_TOKEN", "missing or invalid refresh token")
    access, ttl = sb.oauth.issue()
    sb.install.note_access(access, grant)
    body: dict[str, Any] = {
        "token_type": "bearer",
        "refresh_token": grant.refresh_token,
        "access_token": access,
        "expires_in": ttl,
    }
    return Response(json.dumps(body), status=200, mimetype="application/json")


@bp.get("/oauth/v1/access-tokens/<access_token>")
def access_token_info(access_token: str) -> Response:
    """Token metadata: the portal (hub_id), installing user and scopes of an access token."""
    sb = current()
    grant, left = sb.install.access_grant(access_token), sb.oauth.remaining(access_token)
    if grant is None or left is None:
        return _oauth_error("NOT_FOUND", "The access token was not found.", 404)
    body = {
        "token": access_token,
        "user": grant.user,
        "hub_domain": f"sandbox-{sb.config.portal_id}.hubspot.example",
        "scopes": grant.scopes,
        "hub_id": sb.config.portal_id,
        "app_id": sb.config.app_id,
        "expires_in": int(left),
        "user_id": grant.user_id,
        "token_type": "access",
    }
    return Response(json.dumps(body), status=200, mimetype="application/json")


@bp.delete("/oauth/v1/refresh-tokens/<refresh_token>")
def revoke_refresh_token(refresh_token: str) -> Response:
    """Revoke a refresh token (the app's own call, or what an uninstall does): 204."""
    if not current().install.revoke(refresh_token):
        return _oauth_error("NOT_FOUND", "refresh token not found", 404)
    return Response(status=204)


@bp.post("/_sandbox/oauth/expire")
def expire() -> dict[str, Any]:
    """Control API: `{"tokens": [...]}` expires those access tokens now, `{}` expires every issued one."""
    body = json_body(default={"tokens": None})
    tokens = body.get("tokens")
    return {"expired": current().oauth.expire(None if tokens is None else [str(t) for t in tokens])}


@bp.post("/_sandbox/oauth/revoke")
def revoke() -> dict[str, Any]:
    """Control API: `{"refresh_token": "..."}` revokes one install's refresh token (an uninstall), `{}` every one."""
    body = json_body(default={"refresh_token": None})
    name = body.get("refresh_token")
    return {"revoked": current().install.revoke(None if name is None else str(name))}


@bp.get("/_sandbox/oauth/grants")
def grants() -> dict[str, Any]:
    """Control API: how many token requests of each grant type the endpoint answered (or refused)."""
    return {"grants": dict(current().install.grants)}
