"""The Salesforce install (OAuth 2.0 web-server flow) in headless Chromium: DealCoach's install link → the sandbox
org's "Allow Access?" page over HTTPS → "Allow" → callback → the org registered, its refresh token working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.crm import API_VERSION
from connector.sandbox.salesforce import SalesforceSandboxConfig, start_salesforce_sandbox
from connector.sandbox.server import ServerThread
from connector.tenants import TenantRegistry
from tests.admin.browser import LAPTOP, browser, needs_browser, shots_dir
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

pytestmark = needs_browser
__all__ = ["browser"]
ORG = "00D5g000004XyZaEAK"


@pytest.fixture
def org(redis_conn: redis.Redis) -> Iterator[tuple[str, str, str]]:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig())
    cert = str(app.extensions["salesforce_sandbox"].tls_cert)
    web = ServerThread(create_app({
        "REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "SALESFORCE_CLIENT_ID": "sandbox-consumer-key",
        "SALESFORCE_CLIENT_SECRET": "sandbox-consumer-secret", "SALESFORCE_LOGIN_URL": server.url,
        "SALESFORCE_CA_BUNDLE": cert}))  # fmt: skip
    web.start()
    yield server.url, web.url, cert
    web.stop()
    server.stop()


def test_admin_allows_access_in_the_browser_and_the_org_is_registered(
    org: tuple[str, str, str], redis_conn: redis.Redis, browser: Any, tmp_path: Path
) -> None:
    org_url, web_url, cert = org
    # The sandbox org's certificate comes from its own private CA, which this throwaway browser profile lacks.
    context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{web_url}/oauth/salesforce/install")
    assert page.url.startswith(f"{org_url}/services/oauth2/authorize?response_type=code")
    assert page.inner_text("h1") == "Allow Access?"
    page.screenshot(path=str(shots_dir(tmp_path) / "salesforce-consent.png"))
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url(f"{web_url}/oauth/salesforce/callback?*")
    assert f"connected to Salesforce org {ORG}" in page.inner_text("body")
    context.close()

    tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get(f"salesforce:{ORG}")
    assert tenant is not None and tenant.credentials["instance_url"] == org_url
    session = requests.Session()
    session.verify, session.trust_env = cert, False
    api = SalesforceAuth.from_credentials(tenant.credentials).refresh(session, API_VERSION)
    assert api.query("SELECT Id FROM Opportunity")["done"] is True, "the stored refresh token gives a session"
