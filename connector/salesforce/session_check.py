"""Which org a Salesforce session id belongs to: one call to the OpenID Connect UserInfo endpoint
(`/services/oauth2/userinfo`, Salesforce Help "Query for User Information") on the org's own stored instance URL,
never on a URL taken from the message."""

from __future__ import annotations

import requests

from connector.base import RetryableCrmError
from connector.salesforce.ids import SalesforceIdError, to_18


def session_org(instance_url: str, session_id: str, *, ca_bundle: str = "") -> str | None:
    """The 18-character org id of a live session, None when Salesforce does not accept the session."""
    session = requests.Session()
    if ca_bundle:
        session.verify, session.trust_env = ca_bundle, False
    try:
        resp = session.get(
            f"{instance_url.rstrip('/')}/services/oauth2/userinfo",
            headers={"Authorization": f"Bearer {session_id}"},
            timeout=(5, 10),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise RetryableCrmError(f"Salesforce UserInfo unreachable: {type(exc).__name__}") from exc
    if resp.status_code >= 500 or resp.status_code == 429:
        raise RetryableCrmError(f"Salesforce UserInfo {resp.status_code}", status=resp.status_code)
    if resp.status_code != 200:
        return None
    try:
        return to_18(str(resp.json().get("organization_id", "")))
    except (ValueError, SalesforceIdError):
        return None
