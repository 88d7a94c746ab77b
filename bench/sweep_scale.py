"""The SLA sweep at scale, measured as it runs in production: the sandbox CRM in its own process (the real CRM is
remote), DealCoach's sweep in RQ workers (`dealcoach worker`: forking, a work-horse per job) on a throwaway
redis-server.

Usage: python bench/sweep_scale.py [--crm salesforce|hubspot] [--deals N] [--workers W] [--seed-chunk C]
       [--no-vendor-limits] [--source DIR] [--page-size P] [--sweeps S] [--smoke]
Seeds N open deals through the sandbox's control API, sweeps once (every deal gets its SLA tasks: writes happen) and
`S - 1` more times (nothing left to write; HubSpot: the second reads back the deals whose SLA status the first
wrote, the third is the steady state of the incremental sweep), and prints for each sweep: the service time (from the enqueue of the sweep to its
last page job done); DealCoach's CPU (the worker processes and their reaped work-horses, from /proc); the sandbox's
CPU and redis-server's, apart; the sandbox's request count split into reads and writes, deals per read, tasks per
write; the peak RSS of DealCoach's processes (the largest one, the largest sum and the largest sum of their PSS,
sampled every 0.1 s, and the largest `ru_maxrss` a page job reported), and redis-server's `used_memory` after it (the
HubSpot sweep cache lives there). With `--source`, the workers run another checkout's code (e.g. main's,
from `git archive main`); a tree without page jobs sweeps the tenant in one job. `--smoke` (the test suite) sweeps a
few deals in small pages and checks counts, never time.
Goal (issue 12): < 60 s, <= 1 read per 200 deals, <= 1 write per 100-200 tasks, < 500 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import requests
from rq import Queue
from rq.registry import StartedJobRegistry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_calls import KEY, REP, redis_server  # noqa: E402
from bench.sweep_procs import RssSampler, cpu_seconds, sandbox_process, wait_until, workers  # noqa: E402
from connector.models import TenantSettings  # noqa: E402
from connector.sandbox.salesforce_client import trusted_session  # noqa: E402
from connector.tenants import Tenant, TenantRegistry  # noqa: E402
from sync import runtime  # noqa: E402
from sync.queue import SYNC  # noqa: E402
from sync.runtime import Runtime, RuntimeConfig  # noqa: E402
from sync.sweep import enqueue_page  # noqa: E402
from sync.sweep_progress import sweep_status  # noqa: E402

# HubSpot reads through POST too: its searches and batch reads.
READ_POSTS = ("/search", "/batch/read")
INTERVAL_S = 3600


def is_write(endpoint: str) -> bool:
    """`POST /crm/v3/objects/tasks/batch/create` writes; a search or a batch read does not."""
    method, _, path = endpoint.partition(" ")
    return method in ("PATCH", "PUT", "DELETE") or (method == "POST" and not path.endswith(READ_POSTS))


class Sandbox:
    """The sandbox process's control API (`/_sandbox/…`) and its tenant registration."""

    def __init__(self, crm: str, info: dict[str, Any], pid: int) -> None:
        self.crm, self.info, self.pid = crm, info, pid
        self.http = trusted_session(info["cert"]) if info.get("cert") else requests.Session()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, f"{self.info['url']}/_sandbox/{path}", json=body, timeout=300)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def register(self, conn: redis.Redis) -> str:
        """Register the sandbox as a tenant, as the stacks do; its id."""
        if self.crm == "salesforce":
            credentials = {"instance_url": self.info["url"], "session_id": self.info["session_id"],
                           "ca_bundle": self.info["cert"], "user_id": self.info["api_user_id"]}  # fmt: skip
            tenant = Tenant("salesforce", self.info["org_id"], credentials, TenantSettings(), "Sandbox org")
        else:
            credentials = {"access_token": self.info["access_token"], "api_base": self.info["url"]}
            tenant = Tenant("hubspot", self.info["portal_id"], credentials, TenantSettings(), "Sandbox portal")
        TenantRegistry(conn, KEY).add(tenant)
        return tenant.id

    def seed(self, deals: int, chunk: int) -> None:
        """N open deals, seeded in chunks (no Outbound Messages or webhooks: the sweep needs no events)."""
        for start in range(0, deals, chunk):
            names = [f"スイープ {start + i}" for i in range(min(chunk, deals - start))]
            if self.crm == "salesforce":
                self.control(
                    "POST",
                    "seed",
                    {
                        "opportunities": [
                            {"Name": n, "StageName": "Qualification", "CloseDate": "2027-03-31"} for n in names
                        ]
                    },
                )
            else:
                self.control("POST", "seed", {"deals": [{"properties": {
                    "dealname": n, "dealstage": "qualifiedtobuy", "hubspot_owner_id": REP, "pipeline": "default"}}
                    for n in names]})  # fmt: skip

    def calls(self) -> dict[str, int]:
        return dict(self.control("GET", "calls")["byEndpoint"])


def redis_cpu(conn: redis.Redis) -> float:
    info = conn.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def _idle(conn: redis.Redis) -> bool:
    return StartedJobRegistry(SYNC, connection=conn).count == 0 and Queue(SYNC, connection=conn).count == 0


def swept(
    conn: redis.Redis,
    sandbox: Sandbox,
    tenant: str,
    pids: list[int],
    period: int,
    *,
    pages: bool,
    page_size: int | None,
) -> dict[str, Any]:
    """One sweep through the workers: service time, CPU per process group, requests, tasks, peak RSS."""
    before = sandbox.calls()
    cpu, sandbox_cpu, redis_s = sum(cpu_seconds(p) for p in pids), cpu_seconds(sandbox.pid), redis_cpu(conn)
    with RssSampler(pids) as rss:
        started = time.perf_counter()
        if pages:
            enqueue_page(conn, tenant, period, page_size=page_size)
            wait_until(lambda: sweep_status(conn, tenant, period).complete, 7200, "the sweep's last page job")
        else:  # a tree without page jobs: the whole tenant in one job
            job = Queue(SYNC, connection=conn).enqueue("sync.sweep.sweep_tenant", tenant, job_timeout=7200)
            wait_until(lambda: job.get_status(refresh=True) in ("finished", "failed"), 7200, "the sweep job")
        elapsed = time.perf_counter() - started
        wait_until(lambda: _idle(conn), 600, "the workers to be idle")
        time.sleep(0.5)  # the last work-horse reaped, so its CPU shows in its worker's
    cpu = sum(cpu_seconds(p) for p in pids) - cpu
    sandbox_cpu, redis_s = cpu_seconds(sandbox.pid) - sandbox_cpu, redis_cpu(conn) - redis_s
    after = sandbox.calls()
    spent = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
    writes = sum(v for k, v in spent.items() if is_write(k))
    if pages:
        status = sweep_status(conn, tenant, period)
        counts, page_rss, page_count = status.totals, status.peak_rss_kb / 1024, status.pages_done
    else:
        result = job.return_value(refresh=True) or {}
        counts = {"deals": result.get("deals", 0), "failed": len(result.get("failed", {})), **result.get("applied", {})}
        page_rss, page_count = float("nan"), 1
    return {
        "deals": counts.get("deals", 0),
        "failed": counts.get("failed", 0),
        "pages": page_count,
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "sandbox_cpu_seconds": sandbox_cpu,
        "redis_cpu_seconds": redis_s,
        "reads": sum(spent.values()) - writes,
        "writes": writes,
        "tasks_written": sum(counts.get(k, 0) for k in ("created", "updated", "closed")),
        "peak_rss_mb": rss.peak_kb / 1024,
        "peak_rss_sum_mb": rss.peak_sum_kb / 1024,
        "peak_pss_sum_mb": rss.peak_pss_kb / 1024,
        "page_rss_mb": page_rss,
        "redis_mb": int(conn.info("memory")["used_memory"]) / 2**20,
        "cache_mb": sum(int(conn.memory_usage(k, samples=0) or 0) for k in conn.scan_iter("dealcoach:sweep:*:cache*"))
        / 2**20,
    }


def run(
    deals: int,
    crm: str = "salesforce",
    *,
    worker_count: int = 2,
    chunk: int = 2_000,
    vendor_limits: bool = True,
    source: Path | None = None,
    page_size: int | None = None,
    sweeps: int = 2,
    overlap_s: int | None = None,
) -> list[dict[str, Any]]:
    """Seed, then sweep `sweeps` times through `worker_count` workers; one row per sweep. `overlap_s`: the HubSpot
    sweep's search-lag overlap for this run (sweeps back to back would otherwise re-read the previous one's writes)."""
    pages = source is None or (source / "sync" / "sweep_progress.py").exists()
    with redis_server() as conn, sandbox_process(crm, vendor_limits=vendor_limits) as (proc, info):
        port = conn.connection_pool.connection_kwargs["port"]
        env = {"REDIS_URL": f"redis://127.0.0.1:{port}/0", "DEALCOACH_SECRET_KEY": KEY,
               "DEALCOACH_SWEEP_INTERVAL_S": str(INTERVAL_S)}  # fmt: skip
        if overlap_s is not None:
            settings = Path(tempfile.mkdtemp(prefix="dealcoach-sweep-settings-")) / "sweep.yaml"
            settings.write_text(f"version: 1\nfull_read_hours: 24\nsearch_lag_overlap_s: {overlap_s}\n"
                                "cache_ttl_hours: 48\n")  # fmt: skip
            env["DEALCOACH_SWEEP_SETTINGS"] = str(settings)
        sandbox = Sandbox(crm, info, proc.pid)
        tenant = sandbox.register(conn)
        sandbox.seed(deals, chunk)
        log = Path(tempfile.mkdtemp(prefix="dealcoach-sweep-bench-")) / "workers.log"
        with (
            runtime.using(Runtime(RuntimeConfig.from_env(env))),
            workers(worker_count, env, source=source, log=log) as pids,
        ):
            from rq import Worker

            wait_until(lambda: len(Worker.all(connection=conn)) >= worker_count, 120, "the workers", every_s=0.2)
            period = int(time.time())
            return [
                swept(conn, sandbox, tenant, pids, period + i, pages=pages, page_size=page_size) for i in range(sweeps)
            ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crm", choices=("salesforce", "hubspot"), default="salesforce")
    parser.add_argument("--deals", type=int, default=10_000, help="open deals to seed (default 10,000)")
    parser.add_argument("--workers", type=int, default=2, help="RQ worker processes (default 2)")
    parser.add_argument("--seed-chunk", type=int, default=2_000, help="deals per seed request (default 2,000)")
    parser.add_argument("--no-vendor-limits", action="store_true", help="lift HubSpot's rate limits in the sandbox")
    parser.add_argument("--source", type=Path, help="run the workers on this checkout's code (e.g. main's)")
    parser.add_argument("--page-size", type=int, help="deals per page job (default: the connector's)")
    parser.add_argument("--sweeps", type=int, default=2, help="sweeps after the seed (default 2)")
    parser.add_argument("--overlap-s", type=int, help="HubSpot: the sweep's search-lag overlap (default rubrics' 300)")
    parser.add_argument("--smoke", action="store_true", help="a few deals in small pages; counts only")
    args = parser.parse_args()
    if args.smoke:
        args.deals, args.page_size = min(args.deals, 250), args.page_size or 100
    rows = run(args.deals, args.crm, worker_count=args.workers, chunk=args.seed_chunk,
               vendor_limits=not args.no_vendor_limits, source=args.source, page_size=args.page_size,
               sweeps=args.sweeps, overlap_s=args.overlap_s)  # fmt: skip
    print(f"{'sweep':<7} {'deals':>7} {'pages':>5} {'failed':>6} {'s':>7} {'cpu s':>7} {'ms/deal':>7} "
          f"{'sbx cpu':>7} {'redis':>6} {'reads':>6} {'deals/read':>10} {'writes':>6} {'tasks/write':>11} "
          f"{'RSS MB':>6} {'sum MB':>6} {'PSS MB':>6} {'job MB':>6} {'redis MB':>8} {'cache MB':>8}")  # fmt: skip
    for label, r in zip(("first", "second", "third", "fourth", "fifth"), rows, strict=False):
        per_read = r["deals"] / r["reads"] if r["reads"] else float("inf")
        per_write = r["tasks_written"] / r["writes"] if r["writes"] else 0.0
        per_deal = 1000 * r["cpu_seconds"] / r["deals"] if r["deals"] else 0.0
        print(f"{label:<7} {r['deals']:>7} {r['pages']:>5} {r['failed']:>6} {r['seconds']:>7.1f} "
              f"{r['cpu_seconds']:>7.1f} {per_deal:>7.2f} {r['sandbox_cpu_seconds']:>7.1f} "
              f"{r['redis_cpu_seconds']:>6.1f} {r['reads']:>6} {per_read:>10.0f} {r['writes']:>6} {per_write:>11.0f} "
              f"{r['peak_rss_mb']:>6.0f} {r['peak_rss_sum_mb']:>6.0f} {r['peak_pss_sum_mb']:>6.0f} {r['page_rss_mb']:>6.0f} {r['redis_mb']:>8.1f} {r['cache_mb']:>8.1f}")  # fmt: skip
    tree = args.source or "this checkout"
    print(f"\n{args.crm}, {args.workers} workers on {tree}; measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
