"""The SLA sweep at scale: service time, CRM requests and memory for N open deals, per CRM.

Usage: python bench/sweep_scale.py [--crm salesforce|hubspot] [--deals N] [--seed-chunk C] [--no-vendor-limits]
       [--heap]
Seeds N open deals (Opportunities with their stage history, or HubSpot deals with their stage entry times) into the
sandbox through its control API, sweeps once (every deal gets its SLA tasks: writes happen) and once more (nothing
left to write), and prints for each sweep: the service time; the CPU time of the sweeping thread (DealCoach's own:
the sandbox serves from other threads of this process and shares its GIL, so the service time includes some of the
sandbox's work); the sandbox's request count split into reads and writes, deals per read, tasks per write; and, with
`--heap`, the sweep's peak Python heap (tracemalloc, which slows every allocation: time and memory are measured in
separate runs). The process's peak RSS, printed at the end, includes the sandbox's records.
Goal (issue 12): < 60 s, <= 1 read per 200 deals, <= 1 write per 100-200 tasks, < 500 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_calls import KEY, REP, redis_server  # noqa: E402
from connector import clock  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandboxConfig  # noqa: E402
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack  # noqa: E402
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack  # noqa: E402
from sync.sweep import sweep  # noqa: E402
from webhooks.app import create_app  # noqa: E402

# HubSpot reads through POST too: its searches and batch reads.
READ_POSTS = ("/search", "/batch/read")
Stack = SalesforceStack | EmbeddedStack


def is_write(endpoint: str) -> bool:
    """`POST /crm/v3/objects/tasks/batch/create` writes; a search or a batch read does not."""
    method, _, path = endpoint.partition(" ")
    return method in ("PATCH", "PUT", "DELETE") or (method == "POST" and not path.endswith(READ_POSTS))


def seed(stack: Stack, deals: int, chunk: int) -> None:
    """N open deals, seeded in chunks (no Outbound Messages or webhooks: the sweep needs no events)."""
    for start in range(0, deals, chunk):
        n = min(chunk, deals - start)
        if isinstance(stack, SalesforceStack):
            stack.control("POST", "seed", {"opportunities": [
                {"Name": f"スイープ {start + i}", "StageName": "Qualification", "CloseDate": "2027-03-31"}
                for i in range(n)
            ]})
        else:
            stack.control("POST", "seed", json={"deals": [
                {"properties": {"dealname": f"スイープ {start + i}", "dealstage": "qualifiedtobuy", "hubspot_owner_id": REP,
                                "pipeline": "default"}} for i in range(n)
            ]})


def swept(org: Stack, *, heap: bool = False) -> dict[str, Any]:
    """One sweep: service time, reads and writes by the sandbox's counter, tasks written; with `heap`, its peak heap
    (tracemalloc hooks every allocation and slows the sweep two- to fourfold, so times are taken without it)."""
    before = org.control("GET", "calls")["byEndpoint"]
    if heap:
        tracemalloc.start()
    started, cpu = time.perf_counter(), time.thread_time()
    result = sweep(org.conn, org.tenant, now=clock.now(), plans=False)  # as the sweep job: counts, no plans
    elapsed, cpu = time.perf_counter() - started, time.thread_time() - cpu
    peak = tracemalloc.get_traced_memory()[1] if heap else 0
    tracemalloc.stop()
    after = org.control("GET", "calls")["byEndpoint"]
    spent = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
    writes = sum(v for k, v in spent.items() if is_write(k))
    reads = sum(spent.values()) - writes
    applied = result["applied"]
    return {
        "deals": len(result["deals"]),
        "failed": len(result["failed"]),
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "reads": reads,
        "writes": writes,
        "tasks_written": applied["created"] + applied["updated"] + applied["closed"],
        "peak_mb": peak / 1e6 if heap else float("nan"),
    }


def run(
    deals: int, chunk: int, crm: str = "salesforce", *, vendor_limits: bool = True, heap: bool = False
) -> list[dict[str, Any]]:
    """Seed, sweep twice; HubSpot's rate limits (5 searches a second, its burst window) stay on unless lifted."""
    with redis_server() as conn:
        if crm == "salesforce":
            with salesforce_stack(conn, secret_key=KEY, app_factory=create_app) as org:
                seed(org, deals, chunk)
                return [swept(org, heap=heap), swept(org, heap=heap)]
        lifted = {} if vendor_limits else {"burst_limit": 1_000_000, "search_per_second": 1_000_000}
        portal = HubSpotSandboxConfig(**lifted)
        with embedded_stack(conn, secret_key=KEY, app_factory=create_app, config=portal) as hub:
            seed(hub, deals, chunk)
            return [swept(hub, heap=heap), swept(hub, heap=heap)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crm", choices=("salesforce", "hubspot"), default="salesforce")
    parser.add_argument("--heap", action="store_true", help="trace the peak heap (tracemalloc; slows the sweeps)")
    parser.add_argument("--no-vendor-limits", action="store_true", help="lift HubSpot's rate limits in the sandbox")
    parser.add_argument("--deals", type=int, default=10_000, help="open deals to seed (default 10,000)")
    parser.add_argument("--seed-chunk", type=int, default=2_000, help="deals per seed request (default 2,000)")
    args = parser.parse_args()
    print(f"{'sweep':<7} {'deals':>7} {'failed':>6} {'s':>7} {'cpu s':>7} {'reads':>6} {'deals/read':>10} "
          f"{'writes':>6} {'tasks/write':>11} {'peak MB':>8}")
    rows = run(args.deals, args.seed_chunk, args.crm, vendor_limits=not args.no_vendor_limits, heap=args.heap)
    for label, r in zip(("first", "second"), rows, strict=True):
        per_read = r["deals"] / r["reads"] if r["reads"] else float("inf")
        per_write = r["tasks_written"] / r["writes"] if r["writes"] else 0.0
        print(f"{label:<7} {r['deals']:>7} {r['failed']:>6} {r['seconds']:>7.1f} {r['cpu_seconds']:>7.1f} "
              f"{r['reads']:>6} {per_read:>10.0f} {r['writes']:>6} {per_write:>11.0f} {r['peak_mb']:>8.1f}")
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{args.crm}: process peak RSS {rss_mb:.0f} MB (sandbox included); measured {datetime.now(UTC):%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
