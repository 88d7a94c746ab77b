"""Each job records the CRM requests it spent; /metrics shows them by tenant and vendor with the API budget left."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
import requests
from rq import Queue

from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.queue import ALL_QUEUES
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

REP = "75000001"


@pytest.fixture
def stack(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def _metric(text: str, name: str, labels: str) -> float | None:
    """The sample of `name` whose labels are exactly `labels` (in any order)."""
    wanted = set(labels.split(","))
    for m in re.finditer(rf"^{name}\{{([^}}]*)\}} ([0-9.e+]+)$", text, re.MULTILINE):
        if set(m.group(1).split(",")) == wanted:
            return float(m.group(2))
    return None


def test_jobs_record_their_crm_requests_and_metrics_add_them_up(stack: EmbeddedStack) -> None:
    stack.create_deal(name="計測", stage="appointmentscheduled", owner_id=REP)
    stack.deliver_webhooks()
    before = stack.control("GET", "calls")["total"]
    stack.run_worker()
    spent = stack.control("GET", "calls")["total"] - before
    results = [job.return_value() for name in ALL_QUEUES for q in [Queue(name, connection=stack.conn)]
               for job in [q.fetch_job(i) for i in q.finished_job_registry.get_job_ids()] if job is not None]
    assert spent > 0 and sum(r["crm_requests"] for r in results) == spent, "each job's count, as the sandbox saw it"
    text = requests.get(f"{stack.app.url}/metrics", timeout=10).text
    labels = f'tenant="{stack.tenant}",vendor="hubspot"'
    assert _metric(text, "dealcoach_crm_requests_total", labels) == spent
    for quota in ("daily", "burst"):  # a private app's token: the daily allowance and the rolling burst window
        remaining = _metric(text, "dealcoach_crm_api_budget_remaining", labels + f',quota="{quota}"')
        allowance = _metric(text, "dealcoach_crm_api_budget_max", labels + f',quota="{quota}"')
        assert remaining is not None and allowance is not None and 0 < remaining < allowance, quota


def test_failed_requests_are_counted_as_errors(stack: EmbeddedStack) -> None:
    stack.create_deal(name="失敗", stage="appointmentscheduled", owner_id=REP)
    stack.control("POST", "faults", json={"status": 400, "count": 1, "path_prefix": "/crm/v3/objects/deals"})
    stack.drain()
    text = requests.get(f"{stack.app.url}/metrics", timeout=10).text
    assert _metric(text, "dealcoach_crm_request_errors_total", f'tenant="{stack.tenant}",vendor="hubspot"') == 1
