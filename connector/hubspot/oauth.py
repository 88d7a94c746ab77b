"""HubSpot OAuth for installed portals: the authorize URL, the code exchange, token metadata, and access tokens
refreshed before they expire under a Redis lock, so concurrent jobs of one portal refresh once.

HubSpot: authorization-code grant (developers.hubspot.com/docs/api/oauth-quickstart-guide); `POST /oauth/v1/token`
through hubspot-api-client's `client.oauth.tokens_api.create`; token metadata `GET /oauth/v1/access-tokens/{token}`
(`client.oauth.access_tokens_api.get`); access tokens live 30 minutes (`expires_in` 1800). A refresh token that was
revoked (an uninstall) is a 400 BAD_REFRESH_TOKEN: the tenant is marked disconnected and no job asks again.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import urlencode

import redis
from hubspot import HubSpot
from urllib3.util.retry import Retry

from connector.base import CrmAuthError, RetryableCrmError
from connector.http import is_transport_error
from connector.tenants import TenantRegistry

log = logging.getLogger("dealcoach.connector.hubspot.oauth")

AUTHORIZE_URL = "https://app.hubspot.com/oauth/authorize"
# Each scope is justified in README "Installing DealCoach (admins)".
SCOPES = (
    "oauth",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.owners.read",
    "crm.schemas.deals.read",
    "crm.schemas.deals.write",
    "files",
)
REFRESH_MARGIN_S = 300.0
LOCK_TIMEOUT_S = 30.0
TIMEOUT = (5, 20)
_NO_RETRY = Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False)
_TOKEN_KEY = "dealcoach:oauth:access:{}"
_LOCK_KEY = "dealcoach:oauth:lock:{}"


class TenantDisconnected(CrmAuthError):
    """The portal revoked DealCoach's access (uninstall, revoked refresh token): nothing works until reinstalled."""

    slug = "crm.disconnected"


class OAuthExchangeError(Exception):
    """HubSpot refused an authorization code or a token lookup during install; `slug` is what gets logged."""

    def __init__(self, slug: str, message: str) -> None:
        super().__init__(message)
        self.slug = slug


@dataclass(frozen=True)
class OAuthApp:
    """DealCoach's HubSpot app: its client credentials and where HubSpot's OAuth lives (the sandbox in tests)."""

    client_id: str
    client_secret: str
    api_base: str = "https://api.hubapi.com"
    authorize_url: str = AUTHORIZE_URL
    scopes: tuple[str, ...] = SCOPES


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_at: float


@dataclass(frozen=True)
class TokenInfo:
    """Who a token belongs to: the portal (hub id), the installing user, the granted scopes."""

    hub_id: str
    user_id: str
    user: str
    scopes: tuple[str, ...]
    app_id: str


def authorize_url(app: OAuthApp, redirect_uri: str, state: str) -> str:
    """Where the install route sends the admin's browser: client id, redirect URI, scopes, state."""
    query = {"client_id": app.client_id, "redirect_uri": redirect_uri, "scope": " ".join(app.scopes), "state": state}
    return f"{app.authorize_url}?{urlencode(query)}"


def _client(api_base: str) -> HubSpot:
    base = api_base.rstrip("/")
    return HubSpot(host=base, base_url=base, retry=_NO_RETRY)


def _error_status(exc: Exception) -> tuple[int | None, str]:
    status = getattr(exc, "status", None)
    try:
        body = json.loads(getattr(exc, "body", "") or "{}")
    except ValueError:
        body = {}
    return (status if isinstance(status, int) and status > 0 else None), str(body.get("status") or "")


def _token_set(resp: Any) -> TokenSet:
    return TokenSet(resp.access_token, resp.refresh_token, time.time() + int(resp.expires_in))


def exchange_code(app: OAuthApp, code: str, redirect_uri: str) -> TokenSet:
    """Trade the callback's code for tokens; `OAuthExchangeError` when HubSpot refuses it."""
    try:
        resp = _client(app.api_base).oauth.tokens_api.create(
            grant_type="authorization_code",
            code=code,
            redirect_uri=redirect_uri,
            client_id=app.client_id,
            client_secret=app.client_secret,
            _request_timeout=TIMEOUT,
        )
    except Exception as exc:
        status, kind = _error_status(exc)
        if status is None and not is_transport_error(exc):
            raise
        raise OAuthExchangeError("oauth.code_refused", f"HubSpot refused the code ({status} {kind})") from exc
    return _token_set(resp)


def token_info(app: OAuthApp, access_token: str) -> TokenInfo:
    """The portal and user an access token belongs to."""
    try:
        info = _client(app.api_base).oauth.access_tokens_api.get(access_token, _request_timeout=TIMEOUT)
    except Exception as exc:
        status, _ = _error_status(exc)
        if status is None and not is_transport_error(exc):
            raise
        raise OAuthExchangeError("oauth.token_info_failed", f"token metadata unavailable ({status})") from exc
    return TokenInfo(
        hub_id=str(info.hub_id),
        user_id=str(info.user_id or ""),
        user=str(info.user or ""),
        scopes=tuple(info.scopes or ()),
        app_id=str(info.app_id or ""),
    )


def refresh(app: OAuthApp, refresh_token: str) -> TokenSet:
    """A new access token; `TenantDisconnected` for a revoked refresh token, `RetryableCrmError` for an outage."""
    try:
        resp = _client(app.api_base).oauth.tokens_api.create(
            grant_type="refresh_token",
            refresh_token=refresh_token,
            client_id=app.client_id,
            client_secret=app.client_secret,
            _request_timeout=TIMEOUT,
        )
    except Exception as exc:
        status, kind = _error_status(exc)
        if status is None:
            if is_transport_error(exc):
                raise RetryableCrmError(f"HubSpot token endpoint unreachable: {type(exc).__name__}") from exc
            raise
        if status == 429 or status >= 500:
            raise RetryableCrmError(f"HubSpot token endpoint {status}", status=status) from exc
        if kind == "BAD_REFRESH_TOKEN":
            raise TenantDisconnected("HubSpot revoked the refresh token (app uninstalled?)", status=status) from exc
        raise CrmAuthError(f"HubSpot refused the refresh ({status} {kind})", status=status) from exc
    return _token_set(resp)


class TokenProvider:
    """A valid access token for one portal, shared by every worker through Redis (sealed like the registry's
    credentials); refreshed `REFRESH_MARGIN_S` before expiry by exactly one holder of the portal's lock."""

    def __init__(
        self,
        conn: redis.Redis,
        registry: TenantRegistry,
        tenant_id: str,
        app: OAuthApp,
        *,
        margin_s: float = REFRESH_MARGIN_S,
        refresher: Callable[[OAuthApp, str], TokenSet] = refresh,
    ) -> None:
        self.conn, self.registry, self.tenant_id, self.app = conn, registry, tenant_id, app
        self.margin_s = margin_s
        self._refresher = refresher

    def _cached(self) -> str | None:
        raw = cast(bytes | None, self.conn.get(_TOKEN_KEY.format(self.tenant_id)))
        if raw is None:
            return None
        entry = json.loads(self.registry.unseal(raw.decode()))
        return str(entry["access_token"]) if entry["expires_at"] - time.time() > self.margin_s else None

    def store(self, tokens: TokenSet) -> None:
        """Keep an access token for every worker until it expires."""
        ttl = max(1, int(tokens.expires_at - time.time()))
        sealed = self.registry.seal(json.dumps({"access_token": tokens.access_token, "expires_at": tokens.expires_at}))
        self.conn.set(_TOKEN_KEY.format(self.tenant_id), sealed, ex=ttl)

    def __call__(self) -> str:
        token = self._cached()
        if token:
            return token
        lock = self.conn.lock(_LOCK_KEY.format(self.tenant_id), timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_TIMEOUT_S)
        if not lock.acquire():
            raise RetryableCrmError("another worker is refreshing this portal's token", retry_after=5)
        try:
            token = self._cached()  # a concurrent holder may have refreshed while we waited
            if token:
                return token
            return self._refresh_locked()
        finally:
            try:
                lock.release()
            except redis.exceptions.LockError:
                log.warning("connector.hubspot.oauth.lock_lost tenant=%s", self.tenant_id)

    def _refresh_locked(self) -> str:
        tenant = self.registry.get(self.tenant_id)
        if tenant is None:
            raise TenantDisconnected(f"{self.tenant_id} is not installed")
        if tenant.disconnected:
            raise TenantDisconnected(f"{self.tenant_id} is disconnected: {tenant.disconnected}")
        try:
            tokens = self._refresher(self.app, tenant.credentials["refresh_token"])
        except TenantDisconnected as exc:
            self.registry.mark_disconnected(self.tenant_id, "refresh_token_revoked")
            self.conn.delete(_TOKEN_KEY.format(self.tenant_id))
            log.error("connector.hubspot.oauth.disconnected tenant=%s reason=refresh_token_revoked", self.tenant_id)
            raise exc
        if tokens.refresh_token and tokens.refresh_token != tenant.credentials["refresh_token"]:
            self.registry.update_credentials(self.tenant_id, {"refresh_token": tokens.refresh_token})
        self.store(tokens)
        log.info(
            "connector.hubspot.oauth.refreshed tenant=%s expires_in=%d", self.tenant_id, tokens.expires_at - time.time()
        )
        return tokens.access_token
