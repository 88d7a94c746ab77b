"""OAuth tokens of the sandbox portal: expiring access tokens and HubSpot's 401 for an expired one.

Routes (the token endpoint, the control API to expire tokens) are in `hubspot_oauth_routes`.

- `POST /oauth/v1/token` (form-encoded, `grant_type=refresh_token`, `client_id`, `client_secret`, `refresh_token`)
  answers `{"token_type": "bearer", "refresh_token", "access_token", "expires_in": 1800}`: the fields of the SDK's
  `hubspot.oauth.models.TokenResponseIF` and its `tokens_api.create`. Access tokens live 30 minutes
  (developers.hubspot.com/changelog/upcoming-expiration-of-oauth-access-tokens-is-changing); the refresh token
  stays valid and comes back unchanged.
- An unknown refresh token is a 400 `{"status": "BAD_REFRESH_TOKEN", "message": "missing or invalid refresh
  token"}` (the status quoted in github.com/HGData/mk-node-hubspot issue #64, the message matched by
  supaglue-labs/supaglue pull #1935); a wrong client id/secret or another grant type is a 400 in the same shape.
- A request with an expired access token gets 401 `{"status": "error", "message": "The OAuth token used to make
  this call expired 5 second(s) ago.", "category": "EXPIRED_AUTHENTICATION", "context": {"expire time": [...]}}`,
  as quoted in github.com/airbytehq/airbyte issue #74726 and ToolJet/ToolJet issue #17192.

Static tokens (`config.access_tokens`, a private app's, and `config.other_app_tokens`) never expire. Lifetimes
are a transport matter and use the wall clock; tests shorten them with `access_token_ttl_s` or expire tokens
through `POST /_sandbox/oauth/expire`.
"""

from __future__ import annotations

import secrets
import threading
import time

from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import ApiError
from .hubspot_values import iso_ms

_UNKNOWN_TOKEN = (
    "The access token provided is not valid for this portal. Check that the token is correct and has not expired."
)


def _ago(seconds: float) -> str:
    """How HubSpot words an expiry in the past: `0 second(s)`, `5 hour(s)`, `19884 day(s)`."""
    s = int(max(0, seconds))
    for unit, size in (("day", 86_400), ("hour", 3600), ("minute", 60)):
        if s >= size:
            return f"{s // size} {unit}(s)"
    return f"{s} second(s)"


class TokenStore:
    """Access tokens issued through the token endpoint, with their wall-clock expiry."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every issued access token (configured refresh tokens stay valid)."""
        with self._lock:
            self._expires: dict[str, float] = {}

    def issue(self) -> tuple[str, int]:
        """A fresh access token and its lifetime in seconds."""
        ttl = int(self.config.access_token_ttl_s)
        token = "sandbox-oauth-" + secrets.token_urlsafe(24)
        with self._lock:
            self._expires[token] = time.time() + ttl
        return token, ttl

    def expire(self, tokens: list[str] | None) -> int:
        """Make the given issued tokens (all when None) expire now; returns how many were expired."""
        with self._lock:
            names = list(self._expires) if tokens is None else [t for t in tokens if t in self._expires]
            for t in names:
                self._expires[t] = min(self._expires[t], time.time())
            return len(names)

    def remaining(self, token: str) -> float | None:
        """Seconds an issued token has left (0 once expired), None for a token never issued."""
        with self._lock:
            expires = self._expires.get(token)
        return None if expires is None else max(0.0, expires - time.time())

    def authenticate(self, token: str) -> bool:
        """True for an OAuth token, False for a static (private app) token; HubSpot's 401 otherwise."""
        if token in self.config.access_tokens or token in self.config.other_app_tokens:
            return False
        with self._lock:
            expires = self._expires.get(token)
        if expires is None:
            raise ApiError(401, "INVALID_AUTHENTICATION", _UNKNOWN_TOKEN)
        now = time.time()
        if expires <= now:
            raise ApiError(
                401,
                "EXPIRED_AUTHENTICATION",
                f"The OAuth token used to make this call expired {_ago(now - expires)} ago.",
                context={"expire time": [iso_ms(int(expires * 1000))]},
            )
        return True
