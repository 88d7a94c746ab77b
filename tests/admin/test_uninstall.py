"""An org that revokes DealCoach's refresh token (Setup → Connected Apps OAuth Usage → Revoke, or
`/services/oauth2/revoke`) disconnects the tenant: the first job that needs a new session gets `invalid_grant`, marks
the tenant disconnected, and every later job stops before asking Salesforce again; reinstalling reconnects."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
import redis
import requests
from rq import Queue
from rq.registry import FailedJobRegistry

from connector.tenants import TenantRegistry
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

REFRESH = "sandbox-refresh-token"


@pytest.fixture
def org(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    """The sandbox org, installed through OAuth: DealCoach holds a refresh token, no session yet."""
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        registry = TenantRegistry(redis_conn, TEST_SECRET_KEY)
        tenant = registry.get(s.tenant)
        assert tenant is not None
        creds = {k: v for k, v in tenant.credentials.items() if k != "session_id"}
        registry.add(dataclasses.replace(tenant, credentials={
            **creds, "refresh_token": REFRESH, "consumer_key": s.config.oauth_client_id,
            "consumer_secret": s.config.oauth_client_secret, "token_url": f"{s.org.url}/services/oauth2/token"}))  # fmt: skip
        yield s


def _results(conn: redis.Redis) -> list[dict]:
    queue = Queue("events", connection=conn)
    jobs = [queue.fetch_job(j) for j in queue.finished_job_registry.get_job_ids()]
    return [j.return_value() for j in jobs if j is not None]  # type: ignore[misc]


def test_a_revoked_refresh_token_disconnects_the_org_and_its_jobs_stop(
    org: SalesforceStack, redis_conn: redis.Redis
) -> None:
    opp = org.create_opportunity(name="失効テスト", stage="Qualification", amount=100000)
    org.drain()
    org.move_stage(opp, "Needs Analysis")
    org.drain()
    assert org.tasks_on(opp), "connected: the stage job wrote its task through a refreshed session"
    revoked = requests.post(f"{org.org.url}/services/oauth2/revoke", data={"token": REFRESH},
                            verify=str(org.org.cert), timeout=10)  # fmt: skip
    assert revoked.status_code == 200
    again = requests.post(f"{org.org.url}/services/oauth2/revoke", data={"token": REFRESH},
                          verify=str(org.org.cert), timeout=10)  # fmt: skip
    assert (again.status_code, again.json()["error"]) == (400, "invalid_token")

    tasks = org.tasks_on(opp)
    for stage in ("Value Proposition", "Id. Decision Makers", "Perception Analysis"):
        org.move_stage(opp, stage)
    org.drain()
    tenant = TenantRegistry(redis_conn, TEST_SECRET_KEY).get(org.tenant)
    assert tenant is not None and tenant.disconnected == "refresh_token_revoked"
    assert len(FailedJobRegistry("events", connection=redis_conn)) == 0, "a revoked org is not a failure to retry"
    stopped = [r for r in _results(redis_conn) if r.get("reason") == "tenant_disconnected"]
    assert len(stopped) == 3 and org.tasks_on(opp) == tasks
