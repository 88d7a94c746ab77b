"""An admin's browser against the real web app and the sandbox portal, both over real HTTP, on a real Redis."""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import requests

_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from connector.hubspot.oauth import OAuthApp  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandboxConfig, sales_pipeline, start_hubspot_sandbox  # noqa: E402
from connector.sandbox.salesforce import SalesforceSandboxConfig, start_salesforce_sandbox  # noqa: E402
from connector.sandbox.server import ServerThread  # noqa: E402
from connector.tenants import TenantRegistry  # noqa: E402
from sync import runtime  # noqa: E402
from sync.demo.stack import stack_runtime  # noqa: E402
from tests.conftest import TEST_SECRET_KEY, RedisServer  # noqa: E402
from webhooks.app import create_app  # noqa: E402

CLIENT_ID, CLIENT_SECRET = "sandbox-client-id", "sandbox-client-secret"
PORTAL = "62515"
TENANT = f"hubspot:{PORTAL}"


def renewals_pipeline() -> dict[str, Any]:
    """A custom pipeline an admin built: no probabilities on two stages, its own closed stages."""

    def stage(i: int, sid: str, label: str, prob: str | None, closed: bool = False) -> dict[str, Any]:
        meta = {"isClosed": "true" if closed else "false", **({"probability": prob} if prob is not None else {})}
        return {"id": sid, "label": label, "displayOrder": i, "metadata": meta}

    return {
        "id": "renewals",
        "label": "更新案件",
        "displayOrder": 1,
        "stages": [
            stage(0, "r_contact", "更新の連絡", None),
            stage(1, "r_review", "利用状況レビュー", None),
            stage(2, "r_quote", "見積提示", "0.6"),
            stage(3, "r_signed", "更新契約", "1.0", closed=True),
            stage(4, "r_churned", "解約", "0.0", closed=True),
        ],
    }


@dataclass
class Admin:
    """The running pieces and the admin's browser."""

    sandbox: ServerThread
    sandbox_app: Any
    web: ServerThread
    conn: redis.Redis
    browser: requests.Session

    @property
    def state(self) -> Any:
        return self.sandbox_app.extensions["hubspot_sandbox"]

    @property
    def registry(self) -> TenantRegistry:
        return TenantRegistry(self.conn, TEST_SECRET_KEY)

    @property
    def oauth_app(self) -> OAuthApp:
        return OAuthApp(CLIENT_ID, CLIENT_SECRET, api_base=self.sandbox.url)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = requests.request(method, f"{self.sandbox.url}/_sandbox/{path}", json=body, timeout=10)
        assert resp.status_code < 300, resp.text
        return resp.json()

    def grants(self, kind: str) -> int:
        return int(self.control("GET", "oauth/grants")["grants"].get(kind, 0))

    def start_install(self, browser: requests.Session | None = None) -> tuple[requests.Response, dict[str, str]]:
        """Click "Install" in DealCoach: follow the redirect to HubSpot's consent page and read its form."""
        page = (browser or self.browser).get(f"{self.web.url}/oauth/hubspot/install", timeout=10)
        assert page.status_code == 200, page.text
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text))
        return page, {k: html.unescape(v) for k, v in fields.items()}

    def consent(self, fields: dict[str, str], decision: str = "allow", browser: requests.Session | None = None) -> Any:
        """Click "Connect app" (or "Cancel") on HubSpot's consent page; the browser follows back to DealCoach."""
        return (browser or self.browser).post(
            f"{self.sandbox.url}/oauth/authorize", data={**fields, "decision": decision}, timeout=30
        )

    def install(self) -> requests.Response:
        _, fields = self.start_install()
        return self.consent(fields)


@pytest.fixture(scope="module")
def _servers() -> Iterator[tuple[ServerThread, Any]]:
    config = HubSpotSandboxConfig(
        custom_properties={}, pipelines=[sales_pipeline(japanese=True), renewals_pipeline()], burst_limit=100_000
    )
    server, app = start_hubspot_sandbox(config)
    yield server, app
    server.stop()


@pytest.fixture
def admin(_servers: tuple[ServerThread, Any], redis_conn: redis.Redis, redis_server: RedisServer) -> Iterator[Admin]:
    sandbox, sandbox_app = _servers
    sandbox_app.extensions["hubspot_sandbox"].reset()
    config = {
        "REDIS": redis_conn,
        "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
        "HUBSPOT_CLIENT_ID": CLIENT_ID,
        "HUBSPOT_CLIENT_SECRETS": [CLIENT_SECRET],
        "HUBSPOT_API_BASE": sandbox.url,
        "HUBSPOT_AUTHORIZE_URL": f"{sandbox.url}/oauth/authorize",
    }
    web = ServerThread(create_app(config))
    web.start()
    sandbox_app.extensions["hubspot_sandbox"].config.redirect_urls = [f"{web.url}/oauth/hubspot/callback"]
    env = {"REDIS_URL": redis_server.url, "HUBSPOT_CLIENT_ID": CLIENT_ID, "HUBSPOT_CLIENT_SECRET": CLIENT_SECRET}
    with runtime.using(stack_runtime(TEST_SECRET_KEY, env)), requests.Session() as browser:
        yield Admin(sandbox, sandbox_app, web, redis_conn, browser)
    web.stop()


@pytest.fixture
def org_and_app(redis_conn: redis.Redis) -> Iterator[tuple[str, str, str]]:
    """The sandbox org (TLS, its own CA) and the web app set up for the Salesforce OAuth install: (org URL, app
    URL, CA bundle)."""
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
