"""The install half of the sandbox's OAuth: the consent page, authorization codes, installs' refresh tokens, token
metadata and revocation (routes in `hubspot_oauth_install_routes`).

HubSpot's authorization-code grant (developers.hubspot.com/docs/api/oauth-quickstart-guide, and the v3 OAuth guide
developers.hubspot.com/docs/api-reference/auth-oauth-v3/guide):
- the browser goes to `https://app.hubspot.com/oauth/authorize?client_id&scope&redirect_uri[&optional_scope][&state]`;
  the user picks an account and grants access; HubSpot redirects to `redirect_uri?code=...&state=...`. The redirect
  URI must be one of the app's redirect URLs (changelog "Public apps will require a Redirect URL in the auth
  settings") and the install fails when a scope in the URL is not one the app declares.
- the code is "a temporary, single-use code"; `POST /oauth/v1/token` with `grant_type=authorization_code`,
  `client_id`, `client_secret`, `redirect_uri`, `code` answers the same body as a refresh (`TokenResponseIF`).
- `GET /oauth/v1/access-tokens/{token}` answers the token's metadata: `token`, `user`, `hub_domain`, `scopes`,
  `hub_id`, `app_id`, `expires_in`, `user_id`, `token_type` (SDK `hubspot.oauth.models.AccessTokenInfoResponse`).
- `DELETE /oauth/v1/refresh-tokens/{token}` revokes a refresh token (204); an uninstall does the same. A revoked
  refresh token then gets the token endpoint's 400 BAD_REFRESH_TOKEN.
The code's lifetime is not documented beyond "a short window": the sandbox gives it `auth_code_ttl_s` (300 s).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .hubspot_config import HubSpotSandboxConfig

AUTH_CODE_TTL_S = 300.0


@dataclass
class Grant:
    """Who granted what: the installing user and the scopes, carried by every token of one install."""

    scopes: list[str]
    user_id: int
    user: str
    refresh_token: str = ""


@dataclass
class _Code:
    grant: Grant
    redirect_uri: str
    expires: float


@dataclass
class InstallStore:
    """Codes waiting for exchange, refresh tokens of installs, revoked ones, and what each access token carries."""

    config: HubSpotSandboxConfig
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._codes: dict[str, _Code] = {}
            self._refresh: dict[str, Grant] = {}
            self._revoked: set[str] = set()
            self._access: dict[str, Grant] = {}
            self.grants: Counter[str] = Counter()

    def default_grant(self) -> Grant:
        """The grant behind the config's refresh tokens: the first owner installed the app with its scopes."""
        owner: dict[str, Any] = self.config.owners[0] if self.config.owners else {}
        return Grant(list(self.config.app_scopes), int(owner.get("userId") or 0), str(owner.get("email") or ""))

    def problem(self, client_id: str, redirect_uri: str, scopes: list[str]) -> str | None:
        """Why HubSpot would refuse this authorize URL (an error page, never a redirect), or None."""
        if client_id != self.config.client_id:
            return "The client_id in the authorization URL does not belong to any app."
        if self.config.redirect_urls and redirect_uri not in self.config.redirect_urls:
            return "The redirect_uri does not match any redirect URL in the app's auth settings."
        undeclared = sorted(set(scopes) - set(self.config.app_scopes))
        if not scopes or undeclared:
            return f"The app does not declare the scopes requested: {' '.join(undeclared) or '(none requested)'}"
        return None

    def issue_code(self, scopes: list[str], redirect_uri: str, user_id: int, user: str) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = _Code(Grant(scopes, user_id, user), redirect_uri, time.time() + AUTH_CODE_TTL_S)
        return code

    def redeem(self, code: str, redirect_uri: str) -> Grant | None:
        """The grant of a valid, unexpired code sent with the redirect URI it was issued for; the code is spent."""
        with self._lock:
            entry = self._codes.pop(code, None)
            if entry is None or entry.expires < time.time() or entry.redirect_uri != redirect_uri:
                return None
            refresh = secrets.token_urlsafe(32)
            entry.grant.refresh_token = refresh
            self._refresh[refresh] = entry.grant
            return entry.grant

    def grant_for_refresh(self, refresh_token: str) -> Grant | None:
        """The install behind a refresh token, None when unknown or revoked."""
        with self._lock:
            if refresh_token in self._revoked:
                return None
            if refresh_token in self._refresh:
                return self._refresh[refresh_token]
        if refresh_token in self.config.refresh_tokens:
            grant = self.default_grant()
            grant.refresh_token = refresh_token
            return grant
        return None

    def revoke(self, refresh_token: str | None) -> int:
        """Revoke one refresh token (None: every known one); returns how many were live."""
        with self._lock:
            known = set(self._refresh) | set(self.config.refresh_tokens)
            names = known if refresh_token is None else {refresh_token} & known
            live = names - self._revoked
            self._revoked |= names
            return len(live)

    def note_access(self, access_token: str, grant: Grant) -> None:
        with self._lock:
            self._access[access_token] = grant

    def access_grant(self, access_token: str) -> Grant | None:
        with self._lock:
            return self._access.get(access_token)

    def count(self, grant_type: str) -> None:
        with self._lock:
            self.grants[grant_type] += 1
