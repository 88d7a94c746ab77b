"""OAuth install routes: `/oauth/<crm>/install` sends the admin's browser to HubSpot or Salesforce with a `state`
bound to that browser (a signed, short-lived, HttpOnly cookie); `/oauth/<crm>/callback` checks it and hands the code
to `sync.install`. Thin on purpose: parse, verify, call, answer."""

from __future__ import annotations

import html
import logging
import secrets
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from connector.base import CrmError, RetryableCrmError
from connector.hubspot.oauth import OAuthApp, OAuthExchangeError, authorize_url
from connector.salesforce.oauth import ConnectedApp, SalesforceInstallError
from connector.salesforce.oauth import authorize_url as sf_authorize_url
from sync.install import install_hubspot, install_salesforce
from webhooks.common import WebhookRejected, log_value

log = logging.getLogger("dealcoach.webhooks.oauth")

bp = Blueprint("oauth", __name__)

STATE_COOKIE = "dealcoach_hubspot_state"
STATE_MAX_AGE_S = 600
_PATH = "/oauth/hubspot"
_SF_COOKIE, _SF_PATH = "dealcoach_salesforce_state", "/oauth/salesforce"


def _serializer(crm: str = "hubspot") -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["DEALCOACH_SECRET_KEY"], salt=f"dealcoach.{crm}-oauth-state")


def oauth_app(api_base: str = "") -> OAuthApp:
    """DealCoach's HubSpot app from the web app's configuration (503 when the install is not configured)."""
    cfg = current_app.config
    secret = (cfg.get("HUBSPOT_CLIENT_SECRETS") or [""])[0]
    if not cfg.get("HUBSPOT_CLIENT_ID") or not secret or not cfg.get("DEALCOACH_SECRET_KEY"):
        raise WebhookRejected(503, "oauth_not_configured", "HubSpot install is not configured on this server")
    return OAuthApp(
        client_id=cfg["HUBSPOT_CLIENT_ID"],
        client_secret=secret,
        api_base=api_base or cfg.get("HUBSPOT_API_BASE") or OAuthApp.api_base,
        authorize_url=cfg.get("HUBSPOT_AUTHORIZE_URL") or OAuthApp.authorize_url,
    )


def _redirect_uri(crm: str = "hubspot") -> str:
    """The callback URL registered with the CRM (HUBSPOT_ / SALESFORCE_REDIRECT_URI), else this server's own."""
    cfg = current_app.config
    if cfg.get(f"{crm.upper()}_REDIRECT_URI"):
        return str(cfg[f"{crm.upper()}_REDIRECT_URI"])
    base = cfg.get("PUBLIC_URL") or request.host_url
    return base.rstrip("/") + f"/oauth/{crm}/callback"


def _state_response(url_for_state: Any, cookie: str, path: str, crm: str) -> Any:
    """Redirect to the CRM's consent page with a fresh state, kept signed in this browser's cookie."""
    state = secrets.token_urlsafe(24)
    resp = redirect(url_for_state(state), 302)
    resp.set_cookie(
        cookie,
        _serializer(crm).dumps(state),
        max_age=STATE_MAX_AGE_S,
        path=path,
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
    )
    return resp


@bp.get(f"{_PATH}/install")
def install() -> Any:
    """Start the install: a fresh state in a signed cookie, then HubSpot's consent page."""
    app = oauth_app()
    return _state_response(lambda state: authorize_url(app, _redirect_uri(), state), STATE_COOKIE, _PATH, "hubspot")


def _checked_state(cookie_name: str = STATE_COOKIE, crm: str = "hubspot") -> None:
    """The callback's `state` must be the one this browser was given, signed by us and under ten minutes old."""
    given, cookie = request.args.get("state", ""), request.cookies.get(cookie_name, "")
    if not given or not cookie:
        raise WebhookRejected(400, "oauth.state_missing", f"start the install again from /oauth/{crm}/install")
    try:
        expected = _serializer(crm).loads(cookie, max_age=STATE_MAX_AGE_S)
    except BadSignature as exc:  # also SignatureExpired
        raise WebhookRejected(400, "oauth.state_invalid", "the install link expired; start again") from exc
    if not isinstance(expected, str) or not secrets.compare_digest(expected.encode(), given.encode()):
        raise WebhookRejected(400, "oauth.state_mismatch", "this install was started in another browser session")


@bp.get(f"{_PATH}/callback")
def callback() -> Any:
    """HubSpot's redirect after consent: state, then the install; the state cookie is spent either way."""
    app = oauth_app()
    _checked_state()
    if request.args.get("error"):
        log.info("webhooks.oauth.denied error=%s", log_value(request.args.get("error")))
        raise WebhookRejected(400, "oauth.denied", "the install was cancelled in HubSpot")
    code = request.args.get("code", "")
    if not code or len(code) > 512:
        raise WebhookRejected(400, "oauth.code_missing", "HubSpot sent no authorization code")
    try:
        result = install_hubspot(
            current_app.extensions["dealcoach.redis"],
            current_app.extensions["dealcoach.tenants"],
            app,
            code=code,
            redirect_uri=_redirect_uri(),
        )
    except OAuthExchangeError as exc:
        raise WebhookRejected(400, exc.slug, "HubSpot did not accept this install; start again") from exc
    except RetryableCrmError as exc:
        raise WebhookRejected(503, "oauth.hubspot_unavailable", "HubSpot is unavailable; try again shortly") from exc
    except CrmError as exc:
        raise WebhookRejected(502, exc.slug, "HubSpot refused a set-up call; see the server log") from exc
    page = (
        "<!doctype html><meta charset='utf-8'><title>DealCoach installed</title>"
        f"<h1>DealCoach is installed in HubSpot portal {html.escape(result.portal_id)}</h1>"
        f"<p>Properties created: {len(result.created)}; already there: {len(result.existing)}.</p>"
        f"<p>Stage maps proposed for {len(result.pipelines)} pipeline(s): confirm them in DealCoach's settings "
        "page in HubSpot.</p>"
    )
    resp = Response(page, 200, mimetype="text/html")
    resp.delete_cookie(STATE_COOKIE, path=_PATH)
    return resp


def salesforce_app() -> ConnectedApp:
    """DealCoach's connected app from the configuration (503 when the Salesforce install is not configured)."""
    cfg = current_app.config
    if not cfg.get("SALESFORCE_CLIENT_ID") or not cfg.get("SALESFORCE_CLIENT_SECRET"):
        raise WebhookRejected(503, "oauth_not_configured", "Salesforce install is not configured on this server")
    return ConnectedApp(
        client_id=cfg["SALESFORCE_CLIENT_ID"],
        client_secret=cfg["SALESFORCE_CLIENT_SECRET"],
        login_url=cfg.get("SALESFORCE_LOGIN_URL") or ConnectedApp.login_url,
        ca_bundle=cfg.get("SALESFORCE_CA_BUNDLE") or "",
    )


@bp.get(f"{_SF_PATH}/install")
def salesforce_install() -> Any:
    """Start the Salesforce install (web-server flow): a fresh state, then the org's login-and-allow page."""
    app = salesforce_app()
    return _state_response(
        lambda state: sf_authorize_url(app, _redirect_uri("salesforce"), state), _SF_COOKIE, _SF_PATH, "salesforce"
    )


@bp.get(f"{_SF_PATH}/callback")
def salesforce_callback() -> Any:
    """Salesforce's redirect after "Allow": state, then the code exchange and the tenant."""
    app = salesforce_app()
    _checked_state(_SF_COOKIE, "salesforce")
    if request.args.get("error"):
        log.info("webhooks.oauth.denied crm=salesforce error=%s", log_value(request.args.get("error")))
        raise WebhookRejected(400, "oauth.denied", "the install was cancelled in Salesforce")
    code = request.args.get("code", "")
    if not code or len(code) > 512:
        raise WebhookRejected(400, "oauth.code_missing", "Salesforce sent no authorization code")
    try:
        result = install_salesforce(
            current_app.extensions["dealcoach.tenants"], app, code=code, redirect_uri=_redirect_uri("salesforce")
        )
    except SalesforceInstallError as exc:
        raise WebhookRejected(400, exc.slug, "Salesforce did not accept this install; start again") from exc
    except RetryableCrmError as exc:
        raise WebhookRejected(503, "oauth.salesforce_unavailable", "Salesforce is unavailable; try again") from exc
    page = (
        "<!doctype html><meta charset='utf-8'><title>DealCoach installed</title>"
        f"<h1>DealCoach is connected to Salesforce org {html.escape(result.portal_id)}</h1>"
    )
    resp = Response(page, 200, mimetype="text/html")
    resp.delete_cookie(_SF_COOKIE, path=_SF_PATH)
    return resp
