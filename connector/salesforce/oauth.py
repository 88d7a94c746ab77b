"""The OAuth 2.0 web-server flow that installs DealCoach into a Salesforce org: the authorize URL and the code
exchange (Salesforce Help, "OAuth 2.0 Web Server Flow for Web App Integration").

The token response names the org and user in its identity URL (`…/id/<orgId>/<userId>`); the stored credentials
are what `connector.salesforce.auth.SalesforceAuth` refreshes sessions with.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from connector.base import RetryableCrmError
from connector.salesforce.ids import to_18

LOGIN_URL = "https://login.salesforce.com"
SCOPES = ("api", "refresh_token")


class SalesforceInstallError(Exception):
    """Salesforce refused the code (spent, expired, wrong redirect URI or client); `slug` is what gets logged."""

    def __init__(self, slug: str, message: str) -> None:
        super().__init__(message)
        self.slug = slug


@dataclass(frozen=True)
class ConnectedApp:
    """DealCoach's connected app: consumer key and secret, and the login host (My Domain or test.salesforce.com)."""

    client_id: str
    client_secret: str
    login_url: str = LOGIN_URL
    ca_bundle: str = ""  # a private CA (the sandbox org); empty: the system's trust store


@dataclass(frozen=True)
class Installed:
    org_id: str
    user_id: str
    credentials: dict[str, str]


def authorize_url(app: ConnectedApp, redirect_uri: str, state: str) -> str:
    query = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(SCOPES),
        "state": state,
    }
    return f"{app.login_url.rstrip('/')}/services/oauth2/authorize?{urlencode(query)}"


def exchange_code(app: ConnectedApp, code: str, redirect_uri: str) -> Installed:
    """Trade the callback's code for a session and a refresh token; the org and user from the identity URL."""
    token_url = f"{app.login_url.rstrip('/')}/services/oauth2/token"
    session = requests.Session()
    if app.ca_bundle:
        session.verify, session.trust_env = app.ca_bundle, False
    try:
        resp = session.post(
            token_url,
            timeout=(5, 30),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "client_id": app.client_id,
                "client_secret": app.client_secret,
                "redirect_uri": redirect_uri,
            },
        )
    except requests.RequestException as exc:
        raise RetryableCrmError(f"Salesforce token endpoint unreachable: {type(exc).__name__}") from exc
    if resp.status_code >= 500 or resp.status_code == 429:
        raise RetryableCrmError(f"Salesforce token endpoint {resp.status_code}", status=resp.status_code)
    body = resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
    if resp.status_code != 200 or not {"access_token", "refresh_token", "instance_url", "id"} <= set(body):
        raise SalesforceInstallError("oauth.code_refused", f"Salesforce refused the code ({body.get('error')})")
    parts = str(body["id"]).rstrip("/").split("/")
    if len(parts) < 3 or parts[-3] != "id":
        raise SalesforceInstallError("oauth.bad_identity", "the token response has no identity URL")
    org_id, user_id = to_18(parts[-2]), to_18(parts[-1])
    creds = {
        "instance_url": str(body["instance_url"]),
        "session_id": str(body["access_token"]),
        "refresh_token": str(body["refresh_token"]),
        "consumer_key": app.client_id,
        "consumer_secret": app.client_secret,
        "token_url": token_url,
        "user_id": user_id,
        **({"ca_bundle": app.ca_bundle} if app.ca_bundle else {}),
    }
    return Installed(org_id=org_id, user_id=user_id, credentials=creds)
