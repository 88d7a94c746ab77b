"""The OAuth 2.0 JWT bearer grant (RFC 7523; Salesforce Help "OAuth 2.0 JWT Bearer Flow for Server-to-Server
Integration"), performed by DealCoach itself against the org's token endpoint.

simple-salesforce can sign the same assertion, but it posts it to `https://{domain}.salesforce.com/services/oauth2/
token`, so a My Domain login host on another suffix, a sandbox org or a test server cannot be reached; the session it
gets here is handed to simple-salesforce as `instance_url` + `session_id`.

The assertion, as Salesforce documents it: header `{"alg": "RS256"}`; claims `iss` (the connected app's consumer
key), `sub` (the username), `aud` (the login host: https://login.salesforce.com, https://test.salesforce.com or an
Experience Cloud site) and `exp` (at most three minutes ahead, in seconds since the epoch), signed with the private
key whose certificate is uploaded to the connected app. There is no refresh token: a new session is a new grant.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import jwt
import requests

from connector.base import CrmAuthError, RetryableCrmError
from connector.salesforce.ids import SalesforceIdError, to_18

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LOGIN_URL = "https://login.salesforce.com"
LIFETIME_S = 170  # Salesforce accepts an `exp` at most 3 minutes ahead: keep a little clock skew in hand.


@dataclass(frozen=True)
class JwtSession:
    """What the token endpoint answers: the session, where the org lives, and whose session it is."""

    access_token: str
    instance_url: str
    org_id: str
    user_id: str


def login_origin(token_url: str) -> str:
    """`https://login.salesforce.com` from `https://login.salesforce.com/services/oauth2/token`: the `aud`."""
    return token_url.split("/services/oauth2/", 1)[0].rstrip("/")


def assertion(consumer_key: str, username: str, audience: str, private_key: str) -> str:
    """The signed JWT; `exp` is wall-clock time because the org's clock checks it, not the job's `now`."""
    claims = {"iss": consumer_key, "sub": username, "aud": audience, "exp": int(time.time()) + LIFETIME_S}
    try:
        return jwt.encode(claims, private_key, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise CrmAuthError(f"the JWT private key cannot sign RS256: {type(exc).__name__}") from exc


def _identity(body: dict[str, Any]) -> tuple[str, str]:
    """Org and user ids from the identity URL `…/id/<orgId>/<userId>`."""
    parts = str(body.get("id") or "").rstrip("/").split("/")
    if len(parts) < 3 or parts[-3] != "id":
        raise CrmAuthError("the JWT bearer response has no identity URL")
    try:
        return to_18(parts[-2]), to_18(parts[-1])
    except SalesforceIdError as exc:
        raise CrmAuthError(f"the identity URL has no org and user id: {exc}") from exc


def grant(
    session: requests.Session, token_url: str, *, consumer_key: str, username: str, private_key: str, audience: str = ""
) -> JwtSession:
    """Post the assertion; a refused one (unknown app, unapproved user, bad signature) is a `CrmAuthError` naming
    Salesforce's error, an unreachable or failing endpoint a `RetryableCrmError`."""
    signed = assertion(consumer_key, username, audience or login_origin(token_url), private_key)
    try:
        resp = session.post(token_url, data={"grant_type": GRANT_TYPE, "assertion": signed}, timeout=(5, 30))
    except requests.RequestException as exc:
        raise RetryableCrmError(f"Salesforce token endpoint unreachable: {type(exc).__name__}") from exc
    if resp.status_code >= 500 or resp.status_code == 429:
        raise RetryableCrmError(f"Salesforce token endpoint {resp.status_code}", status=resp.status_code)
    body: dict[str, Any] = resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
    if resp.status_code != 200 or not body.get("access_token") or not body.get("instance_url"):
        error = body.get("error", resp.status_code)
        raise CrmAuthError(
            f"JWT bearer grant refused ({error}: {body.get('error_description', '')})", status=resp.status_code
        )
    org_id, user_id = _identity(body)
    return JwtSession(str(body["access_token"]), str(body["instance_url"]), org_id, user_id)


def setup_credentials(
    *, username: str, private_key: str, consumer_key: str, login_url: str = "", ca_bundle: str = ""
) -> tuple[str, dict[str, str]]:
    """`tenants add` for a JWT bearer org: one grant now (so a wrong key, user or app fails here) giving the org id,
    and the credentials to store: the private key (encrypted by the registry) for the workers' own grants, never
    the session, which expires."""
    token_url = f"{(login_url or LOGIN_URL).rstrip('/')}/services/oauth2/token"
    session = requests.Session()
    if ca_bundle:
        session.verify, session.trust_env = ca_bundle, False
    got = grant(session, token_url, consumer_key=consumer_key, username=username, private_key=private_key)
    creds = {
        "username": username,
        "private_key": private_key,
        "consumer_key": consumer_key,
        "token_url": token_url,
        "instance_url": got.instance_url,
        "user_id": got.user_id,
        **({"ca_bundle": ca_bundle} if ca_bundle else {}),
    }
    return got.org_id, creds
