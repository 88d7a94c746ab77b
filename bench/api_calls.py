"""How many CRM API requests does each job make? The sandboxes' own call counters are the judge.

Usage: python bench/api_calls.py [--deals N]
Runs the embedded stacks (sandbox CRM + the real web app + jobs in-process, on fakeredis) and, for each job kind,
counts the requests DealCoach's worker sent to the sandbox (the rep's own actions and webhook deliveries are not
counted). Prints one row per job kind and the endpoints behind the largest ones.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fakeredis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector import clock  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandboxConfig  # noqa: E402
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack  # noqa: E402
from sync.demo.run import sample_transcript  # noqa: E402
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack  # noqa: E402
from sync.sweep import sweep  # noqa: E402
from webhooks.app import create_app  # noqa: E402

KEY = "bench-secret-key"
REP = "75000001"


def measured(stack: EmbeddedStack | SalesforceStack, act: Callable[[], Any]) -> tuple[int, dict[str, int]]:
    """Requests the worker made for what `act` caused (the rep's own requests come before the count starts)."""
    act()
    stack.deliver_webhooks()
    before = stack.control("GET", "calls")
    stack.run_worker()
    after = stack.control("GET", "calls")
    by = {k: v - before["byEndpoint"].get(k, 0) for k, v in after["byEndpoint"].items()}
    return after["total"] - before["total"], {k: v for k, v in sorted(by.items(), key=lambda kv: -kv[1]) if v}


def hubspot(rows: list[tuple[str, str, int, dict[str, int]]], deals: int) -> None:
    call_at = clock.now() - timedelta(hours=1)
    # Counting, not throttling: the burst window is widened so the rep's set-up never waits.
    portal = HubSpotSandboxConfig(burst_limit=100_000)
    with embedded_stack(fakeredis.FakeRedis(), secret_key=KEY, app_factory=create_app, config=portal) as hub:
        box: dict[str, str] = {}

        def create() -> None:
            box["deal"] = hub.create_deal(name="計測 / 導入", stage="appointmentscheduled", owner_id=REP, amount="900000")

        def call(title: str, at: datetime) -> Callable[[], None]:
            return lambda: hub.log_call(deal_id=box["deal"], transcript=sample_transcript(), title=title, at=at,
                                        owner_id=REP) and None

        for label, act in (("deal.created (+ initial dealstage)", create),
                           ("call.logged (first call)", call("1回目", call_at)),
                           ("call.logged (second call)", call("2回目", call_at + timedelta(minutes=30))),
                           ("deal.stage_changed", lambda: hub.move_stage(box["deal"], "qualifiedtobuy"))):
            rows.append(("HubSpot", label, *measured(hub, act)))
        for i in range(deals):
            hub.create_deal(name=f"スイープ {i}", stage="appointmentscheduled", owner_id=REP)
        hub.drain()
        before = hub.control("GET", "calls")["total"]
        result = sweep(hub.conn, hub.tenant, now=clock.now())
        total = hub.control("GET", "calls")["total"] - before
        rows.append(("HubSpot", f"SLA sweep of {len(result['deals'])} deals", total, {}))


def salesforce(rows: list[tuple[str, str, int, dict[str, int]]]) -> None:
    call_at = clock.now() - timedelta(hours=1)
    with salesforce_stack(fakeredis.FakeRedis(), secret_key=KEY, app_factory=create_app) as org:
        box: dict[str, str] = {}

        def create() -> None:
            box["opp"] = org.create_opportunity(name="計測 / 導入", stage="Qualification", amount=900000)

        def call(subject: str, at: datetime) -> Callable[[], None]:
            return lambda: org.log_call(opportunity_id=box["opp"], transcript=sample_transcript(), subject=subject,
                                        at=at) and None

        for label, act in (("Opportunity created (stage)", create),
                           ("call.logged (first call)", call("通話1", call_at)),
                           ("call.logged (second call)", call("通話2", call_at + timedelta(minutes=30))),
                           ("deal.stage_changed", lambda: org.move_stage(box["opp"], "Needs Analysis"))):
            rows.append(("Salesforce", label, *measured(org, act)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=20, help="deals in the HubSpot sweep (default 20)")
    args = parser.parse_args()
    rows: list[tuple[str, str, int, dict[str, int]]] = []
    hubspot(rows, args.deals)
    salesforce(rows)
    print(f"{'CRM':<11} {'job':<40} {'requests':>8}")
    for crm, label, total, _ in rows:
        print(f"{crm:<11} {label:<40} {total:>8}")
    for crm, label, total, by in rows:
        if by and total >= 8:
            print(f"\n{crm} · {label}: " + ", ".join(f"{k} ×{v}" for k, v in list(by.items())[:8]))
    print(f"\nmeasured {datetime.now(UTC):%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
