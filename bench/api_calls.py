"""How many CRM API requests does each job make? The sandboxes' own call counters are the judge.

Usage: python bench/api_calls.py [--deals N]
Runs the embedded stacks (sandbox CRM + the real web app) on a throwaway redis-server, with jobs run by RQ's forking
`Worker` as in production (a fresh work-horse process per job, so nothing cached in-process survives a job). For
each job kind it counts the requests DealCoach's worker sent to the sandbox (the rep's own actions and webhook
deliveries are not counted) and checks them against what the jobs themselves reported (`crm_requests`).
`tests/sync/test_api_budget.py` runs the same measurement and holds the budget.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectInputForCreate,
)
from rq import Queue, Worker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector import clock  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandboxConfig  # noqa: E402
from connector.sandbox.salesforce_config import SalesforceSandboxConfig  # noqa: E402
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack  # noqa: E402
from sync.demo.run import sample_transcript  # noqa: E402
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack  # noqa: E402
from sync.queue import ALL_QUEUES  # noqa: E402
from sync.sweep import sweep  # noqa: E402
from webhooks.app import create_app  # noqa: E402

KEY = "bench-secret-key"
REP = "75000001"
EMAIL_TO_DEAL = 210
Stack = EmbeddedStack | SalesforceStack


@dataclass
class Row:
    """One job kind: the sandbox's count, the jobs' own count, and the endpoints behind it."""

    crm: str
    job: str
    requests: int
    reported: int | None = None
    by_endpoint: dict[str, int] = field(default_factory=dict)
    # The deal's SLA status field as the CRM holds it after the job (read by the rep, outside the count).
    sla_status: str | None = None


def forked_worker(conn: redis.Redis) -> list[dict[str, Any]]:
    """Run every queued job with RQ's forking Worker (burst); the results of the jobs that ran."""
    queues = [Queue(name, connection=conn) for name in ALL_QUEUES]
    before = {q.name: set(q.finished_job_registry.get_job_ids()) for q in queues}
    Worker(queues, connection=conn).work(burst=True, logging_level="WARNING")
    results: list[dict[str, Any]] = []
    for q in queues:
        for job_id in sorted(set(q.finished_job_registry.get_job_ids()) - before[q.name]):
            job = q.fetch_job(job_id)
            value = job.return_value() if job is not None else None
            if isinstance(value, dict):
                results.append(value)
    return results


def measured(stack: Stack, crm: str, label: str, act: Callable[[], Any]) -> Row:
    """Requests the worker made for what `act` caused (the rep's own requests come before the count starts)."""
    act()
    stack.deliver_webhooks()
    before = stack.control("GET", "calls")
    results = forked_worker(stack.conn)
    after = stack.control("GET", "calls")
    by = {k: v - before["byEndpoint"].get(k, 0) for k, v in after["byEndpoint"].items()}
    reported = sum(int(r.get("crm_requests") or 0) for r in results)
    return Row(crm, label, after["total"] - before["total"], reported, {k: v for k, v in sorted(by.items(), key=lambda kv: -kv[1]) if v})


def swept(stack: Stack, crm: str, deals: int) -> Row:
    before = stack.control("GET", "calls")
    result = sweep(stack.conn, stack.tenant, now=clock.now())
    after = stack.control("GET", "calls")
    by = {k: v - before["byEndpoint"].get(k, 0) for k, v in after["byEndpoint"].items()}
    label = f"SLA sweep of {len(result['deals'])} deals"
    spent = after["total"] - before["total"]
    return Row(crm, label, spent, result.get("crm_requests"), {k: v for k, v in sorted(by.items()) if v})


def hubspot(conn: redis.Redis, deals: int) -> list[Row]:
    call_at = clock.now() - timedelta(hours=1)
    # Counting, not throttling: the burst window is widened so the rep's set-up never waits.
    portal = HubSpotSandboxConfig(burst_limit=100_000)
    rows: list[Row] = []
    with embedded_stack(conn, secret_key=KEY, app_factory=create_app, config=portal) as hub:
        box: dict[str, str] = {}

        def create() -> None:
            box["deal"] = hub.create_deal(name="計測 / 導入", stage="appointmentscheduled", owner_id=REP, amount="900000")

        def call(title: str, at: datetime) -> Callable[[], None]:
            return lambda: hub.log_call(deal_id=box["deal"], transcript=sample_transcript(), title=title, at=at,
                                        owner_id=REP) and None

        def email() -> None:
            assoc = PublicAssociationsForObject(
                to=PublicObjectId(id=box["deal"]),
                types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=EMAIL_TO_DEAL)],
            )
            props = {"hs_timestamp": clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                     "hs_email_direction": "EMAIL", "hs_email_subject": "御礼と議事録"}
            hub.hubspot.crm.objects.emails.basic_api.create(
                SimplePublicObjectInputForCreate(properties=props, associations=[assoc]))

        for label, act in (("deal.created (+ initial dealstage)", create),
                           ("call.logged (first call)", call("1回目", call_at)),
                           ("call.logged (second call)", call("2回目", call_at + timedelta(minutes=30))),
                           ("deal.stage_changed", lambda: hub.move_stage(box["deal"], "qualifiedtobuy")),
                           ("activity.logged (email)", email)):
            rows.append(measured(hub, "HubSpot", label, act))
            rows[-1].sla_status = hub.hubspot.crm.deals.basic_api.get_by_id(
                box["deal"], properties=["dealcoach_sla_status"]
            ).properties.get("dealcoach_sla_status")
        for i in range(deals):
            hub.create_deal(name=f"スイープ {i}", stage="appointmentscheduled", owner_id=REP)
        hub.deliver_webhooks()
        forked_worker(conn)
        rows.append(swept(hub, "HubSpot", deals))
    return rows


def salesforce(conn: redis.Redis, deals: int) -> list[Row]:
    call_at = clock.now() - timedelta(hours=1)
    rows: list[Row] = []
    # The org as DealCoach's set-up asks (README): the Task Flow also fires for email and completed Tasks.
    org_config = SalesforceSandboxConfig(
        task_outbound_criteria=[{"TaskSubtype": "Call"}, {"TaskSubtype": "Email"}, {"Status": "Completed"}]
    )
    with salesforce_stack(conn, secret_key=KEY, app_factory=create_app, config=org_config) as org:
        box: dict[str, str] = {}

        def create() -> None:
            box["opp"] = org.create_opportunity(name="計測 / 導入", stage="Qualification", amount=900000)

        def call(subject: str, at: datetime) -> Callable[[], None]:
            return lambda: org.log_call(opportunity_id=box["opp"], transcript=sample_transcript(), subject=subject,
                                        at=at) and None

        def email() -> None:
            org.sobject("Task").create({"Subject": "御礼と議事録", "WhatId": box["opp"], "Status": "Completed",
                                        "TaskSubtype": "Email"})

        for label, act in (("Opportunity created (stage)", create),
                           ("call.logged (first call)", call("通話1", call_at)),
                           ("call.logged (second call)", call("通話2", call_at + timedelta(minutes=30))),
                           ("deal.stage_changed", lambda: org.move_stage(box["opp"], "Needs Analysis")),
                           ("activity.logged (email Task)", email)):
            rows.append(measured(org, "Salesforce", label, act))
            rows[-1].sla_status = org.opportunity(box["opp"]).get("DealCoach_SLA_Status__c")
        for i in range(deals):
            org.create_opportunity(name=f"スイープ {i}", stage="Qualification")
        org.deliver_webhooks()
        forked_worker(conn)
        rows.append(swept(org, "Salesforce", deals))
    return rows


@contextmanager
def redis_server() -> Iterator[redis.Redis]:
    """A throwaway redis-server on a free port (the forking worker's jobs need a Redis every process shares)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    workdir = tempfile.mkdtemp(prefix="dealcoach-bench-redis-")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", workdir], stdout=subprocess.DEVNULL)
    conn = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                conn.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield conn
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=20, help="extra open deals in each sweep (default 20)")
    args = parser.parse_args()
    with redis_server() as conn:
        rows = hubspot(conn, args.deals)
        conn.flushdb()
        rows += salesforce(conn, args.deals)
    print(f"{'CRM':<11} {'job':<40} {'requests':>8} {'jobs said':>9}  SLA status after")
    for r in rows:
        said = "" if r.reported is None else r.reported
        print(f"{r.crm:<11} {r.job:<40} {r.requests:>8} {said:>9}  {r.sla_status or ''}")
    for r in rows:
        if r.by_endpoint:
            print(f"\n{r.crm} · {r.job}: " + ", ".join(f"{k} ×{v}" for k, v in r.by_endpoint.items()))
    print(f"\nmeasured {datetime.now(UTC):%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
