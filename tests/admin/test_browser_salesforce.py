"""The Salesforce admin in headless Chromium: the install (OAuth 2.0 web-server flow: DealCoach's install link → the
sandbox org's "Allow Access?" page over HTTPS → "Allow" → callback → the org registered, its refresh token working),
then the settings record edited in Setup and followed by the next job."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import redis
import requests

from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.crm import API_VERSION
from connector.tenants import TenantRegistry
from sync.demo.salesforce_stack import salesforce_stack
from tests.admin.browser import LAPTOP, browser, needs_browser, shots_dir
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

pytestmark = needs_browser
__all__ = ["browser"]
ORG = "00D5g000004XyZaEAK"


def test_admin_allows_access_in_the_browser_and_the_org_is_registered(
    org_and_app: tuple[str, str, str], redis_conn: redis.Redis, browser: Any, tmp_path: Path
) -> None:
    org_url, web_url, cert = org_and_app
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


def test_admin_edits_the_settings_record_in_setup_and_the_next_job_follows_it(
    redis_conn: redis.Redis, browser: Any, tmp_path: Path
) -> None:
    """Configure in the org: the admin edits DealCoach_Setting__mdt.Default in (the sandbox's) Setup and saves; the
    next Outbound Message's job reads the record and writes the stage task in English."""
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as stack:
        context = browser.new_context(viewport=LAPTOP, ignore_https_errors=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.goto(f"{stack.org.url}/_sandbox/setup/custom-metadata/DealCoach_Setting__mdt/Default")
        page.fill("#Language__c", "en")
        page.fill("#Time_Zone__c", "Asia/Tokyo")
        for box in ("#Stage_Tasks__c", "#Next_Action_Tasks__c", "#SLA_Enabled__c", "#Redact_PII__c"):
            page.check(box)
        page.fill("#Noise_Budget__c", "4")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**?saved=1")
        assert page.inner_text("[role=status]") == "Saved."
        assert page.input_value("#Language__c") == "en" and page.is_checked("#Stage_Tasks__c")
        page.screenshot(path=str(shots_dir(tmp_path) / "salesforce-settings.png"), full_page=True)
        context.close()

        opp = stack.create_opportunity(name="Setup check", stage="Prospecting")
        stack.move_stage(opp, "Qualification")
        stack.deliver_webhooks()
        stack.run_worker()
        tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get(stack.tenant)
        assert tenant is not None and (tenant.settings.language, tenant.settings.sla.get("noise_budget")) == ("en", 4)
        subjects = [t["Subject"] for t in stack.tasks_on(opp)]
        assert any(s.startswith("[DealCoach]") and "Qualification" in s for s in subjects), subjects
