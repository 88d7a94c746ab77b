"""The Salesforce install as an admin clicks through it (OAuth 2.0 web-server flow): DealCoach's install link, the
sandbox org's "Allow Access?" page over HTTPS, the callback, the org registered with its refresh token encrypted,
and sessions refreshed with it afterwards."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import redis
import requests

from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.crm import API_VERSION
from connector.tenants import TenantRegistry
from tests.conftest import TEST_SECRET_KEY

ORG = "00D5g000004XyZaEAK"


def _consent_form(page: requests.Response) -> dict[str, str]:
    return {
        k: html.unescape(v) for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text)
    }


def test_admin_connects_an_org_and_dealcoach_keeps_its_sessions_fresh(
    org_and_app: tuple[str, str, str], redis_conn: redis.Redis
) -> None:
    org_url, web_url, cert = org_and_app
    with requests.Session() as browser:
        browser.verify, browser.trust_env = cert, False  # the org's private CA, not REQUESTS_CA_BUNDLE
        first = browser.get(f"{web_url}/oauth/salesforce/install", allow_redirects=False, timeout=10)
        query = parse_qs(urlsplit(first.headers["Location"]).query)
        assert first.headers["Location"].startswith(f"{org_url}/services/oauth2/authorize?")
        assert (query["response_type"], query["client_id"]) == (["code"], ["sandbox-consumer-key"])
        assert query["redirect_uri"] == [f"{web_url}/oauth/salesforce/callback"] and query["scope"] == [
            "api refresh_token"
        ]
        page = browser.get(first.headers["Location"], timeout=10)
        assert page.status_code == 200 and "Allow Access?" in page.text
        done = browser.post(
            f"{org_url}/services/oauth2/authorize", data={**_consent_form(page), "decision": "allow"}, timeout=30
        )
    assert done.status_code == 200, done.text
    assert f"connected to Salesforce org {ORG}" in done.text

    registry = TenantRegistry(redis_conn, TEST_SECRET_KEY)
    tenant = registry.get(f"salesforce:{ORG}")
    assert tenant is not None
    creds = tenant.credentials
    assert creds["instance_url"] == org_url and creds["token_url"] == f"{org_url}/services/oauth2/token"
    for key in redis_conn.scan_iter("*"):
        if redis_conn.type(key) == b"string":
            assert creds["refresh_token"].encode() not in redis_conn.get(key), "stored encrypted"

    auth = SalesforceAuth.from_credentials(creds)
    session = requests.Session()
    session.verify, session.trust_env = cert, False
    assert auth.connect(session, API_VERSION).query("SELECT Id FROM Opportunity")["done"] is True
    requests.post(f"{org_url}/_sandbox/sessions/expire", json={}, verify=cert, timeout=10).raise_for_status()
    fresh = auth.refresh(session, API_VERSION)
    assert auth.session_id != creds["session_id"], "a new session from the stored refresh token"
    assert fresh.query("SELECT Id FROM Opportunity")["done"] is True


def test_state_denial_and_spent_codes_install_nothing(
    org_and_app: tuple[str, str, str], redis_conn: redis.Redis
) -> None:
    org_url, web_url, cert = org_and_app
    registry = TenantRegistry(redis_conn, TEST_SECRET_KEY)

    def start(browser: requests.Session) -> dict[str, Any]:
        browser.verify, browser.trust_env = cert, False
        return _consent_form(browser.get(f"{web_url}/oauth/salesforce/install", timeout=10))

    with requests.Session() as admin, requests.Session() as stranger:
        fields = start(admin)
        stranger.verify, stranger.trust_env = cert, False
        answer = stranger.post(f"{org_url}/services/oauth2/authorize", data={**fields, "decision": "allow"}, timeout=10)
        assert answer.status_code == 400 and answer.json()["error"] == "oauth.state_missing"
        denied = admin.post(
            f"{org_url}/services/oauth2/authorize", data={**start(admin), "decision": "deny"}, timeout=10
        )
        assert denied.status_code == 400 and denied.json()["error"] == "oauth.denied"
        first = admin.get(f"{web_url}/oauth/salesforce/install", allow_redirects=False, timeout=10)
        state = parse_qs(urlsplit(first.headers["Location"]).query)["state"][0]
        spent = admin.get(
            f"{web_url}/oauth/salesforce/callback", params={"code": "aPrxspent", "state": state}, timeout=10
        )
        assert spent.status_code == 400 and spent.json()["error"] == "oauth.code_refused"
    assert registry.get(f"salesforce:{ORG}") is None
