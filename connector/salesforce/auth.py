"""How DealCoach gets a Salesforce session: a direct session id, an OAuth refresh token, or the JWT bearer flow.

Direct sessions cannot be renewed, so their expiry is a clear auth error; refresh-token and JWT tenants renew
once per 401 and go on. OAuth token endpoint: https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm
The JWT bearer grant is performed by `connector.salesforce.jwt_bearer` against `token_url` (any login host).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from simple_salesforce import Salesforce

from connector.base import CrmAuthError, RetryableCrmError
from connector.salesforce import jwt_bearer

DEFAULT_TOKEN_URL = "https://login.salesforce.com/services/oauth2/token"


class OrgDisconnected(CrmAuthError):
    """The org revoked DealCoach's refresh token: the tenant is disconnected until it is reinstalled."""

    slug = "crm.disconnected"


@dataclass
class SalesforceAuth:
    """Credentials of one org, as stored (encrypted) in the tenant registry."""

    instance_url: str = ""
    session_id: str = ""
    refresh_token: str = ""
    consumer_key: str = ""
    consumer_secret: str = ""
    token_url: str = DEFAULT_TOKEN_URL
    username: str = ""
    private_key: str = ""
    # Legacy: `test` for a sandbox org when no token_url is stored (https://test.salesforce.com).
    domain: str = "login"
    # The user DealCoach writes as (from the token response's identity URL, or stored at install): changes it made
    # come back in Outbound Messages with this LastModifiedById and are skipped.
    user_id: str = ""

    @classmethod
    def from_credentials(cls, creds: dict[str, str]) -> SalesforceAuth:
        known = {k: v for k, v in creds.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def mode(self) -> str:
        if self.refresh_token:
            return "refresh_token"
        if self.private_key and self.username:
            return "jwt"
        return "session"

    @property
    def can_refresh(self) -> bool:
        return self.mode != "session"

    def connect(self, session: requests.Session, version: str) -> Salesforce:
        """A client for the current session; refresh-token tenants without a session get one first."""
        if self.mode == "jwt" and not self.session_id:
            return self.refresh(session, version)
        if self.mode == "refresh_token" and not self.session_id:
            return self.refresh(session, version)
        if not (self.instance_url and self.session_id):
            raise CrmAuthError("Salesforce tenant has neither a session nor a way to get one")
        return Salesforce(instance_url=self.instance_url, session_id=self.session_id, session=session, version=version)

    def refresh(self, session: requests.Session, version: str) -> Salesforce:
        """Exchange the refresh token for a new access token (or log in again with the JWT bearer flow)."""
        if self.mode == "jwt":
            return self._jwt(session, version)
        if self.mode != "refresh_token":
            raise CrmAuthError("session expired and this tenant has no refresh token")
        try:
            resp = session.post(
                self.token_url,
                timeout=(5, 30),
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.refresh_token,
                    "client_id": self.consumer_key,
                    "client_secret": self.consumer_secret,
                },
            )
        except requests.RequestException as exc:
            raise RetryableCrmError(f"Salesforce token endpoint unreachable: {type(exc).__name__}") from exc
        body: dict[str, Any] = (
            resp.json() if resp.headers.get("Content-Type", "").startswith("application/json") else {}
        )
        if resp.status_code >= 500:
            raise RetryableCrmError(f"Salesforce token endpoint {resp.status_code}", status=resp.status_code)
        if resp.status_code == 400 and body.get("error") == "invalid_grant":
            # The refresh token was revoked (Setup → Connected Apps OAuth Usage, /services/oauth2/revoke, the user's
            # own "Revoke"), or the org expired it: nothing works until the admin connects the org again.
            raise OrgDisconnected("Salesforce refused the refresh token (invalid_grant): reconnect the org", status=400)
        if resp.status_code != 200 or "access_token" not in body:
            raise CrmAuthError(
                f"refresh token refused ({body.get('error', resp.status_code)}): reconnect the org",
                status=resp.status_code,
            )
        self.session_id = body["access_token"]
        self.instance_url = body.get("instance_url") or self.instance_url
        # `id` is the identity URL, https://login.salesforce.com/id/<org id>/<user id>.
        self.user_id = str(body.get("id") or "").rstrip("/").rsplit("/", 1)[-1] or self.user_id
        return Salesforce(instance_url=self.instance_url, session_id=self.session_id, session=session, version=version)

    def _jwt(self, session: requests.Session, version: str) -> Salesforce:
        """A new session from the JWT bearer grant (no refresh token in this flow), handed to simple-salesforce."""
        token_url = self.token_url
        if token_url == DEFAULT_TOKEN_URL and self.domain != "login":
            token_url = f"https://{self.domain}.salesforce.com/services/oauth2/token"
        got = jwt_bearer.grant(
            session, token_url, consumer_key=self.consumer_key, username=self.username, private_key=self.private_key
        )
        self.session_id, self.instance_url, self.user_id = got.access_token, got.instance_url, got.user_id
        return Salesforce(instance_url=self.instance_url, session_id=self.session_id, session=session, version=version)
