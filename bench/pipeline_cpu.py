"""CPU that DealCoach spends on one logged call, from the webhook to the last CRM write (offline scorer).

Usage: python -m bench.pipeline_cpu [--calls N] [--minutes M] [--worker fork|dealcoach|simple] [--smoke]
Runs the embedded HubSpot stack on a throwaway redis-server with the offline scorer: for each call, a fresh deal,
then a call carrying an M-minute transcript (the generated Japanese discovery call of bench/offline_scoring.py)
logged by the rep. Counted is DealCoach's own CPU only, never the sandbox's (which shares the process):
- the app: CPU time of the thread that serves each webhook request (`time.thread_time` around the WSGI call);
- the worker: RQ's forking `Worker`, as in production: its own loop (CPU of this thread while it works) and every
  work-horse it forked (`RUSAGE_CHILDREN`), which runs the jobs the call caused, through the last write. The bench's
  own reads of the finished-job registries and the jobs' results are made outside that span.
  `--worker simple` runs the same jobs in RQ's `SimpleWorker` (no fork: loop and jobs are this thread's CPU), to
  show what the fork per job costs; `--worker dealcoach` runs them in production's `DealCoachWorker` (forking, with
  its heartbeats, job metrics and death signal). Before the calls the parent is prepared as `dealcoach worker`
  prepares itself (`sync.worker.prepare_to_fork`: warm caches, job modules imported, heap frozen).
Prints the p50 and max over N calls and each part's share. Goal (issue 12): < 100 ms p50 for a 60-minute call.
`--smoke` (run by tests/webhooks/test_bench_smoke.py) logs one 1-minute call and checks the counts only.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402
from rq import Queue, SimpleWorker, Worker  # noqa: E402

from bench.api_calls import KEY, REP, redis_server  # noqa: E402
from bench.offline_scoring import generate, serialise  # noqa: E402
from connector import clock  # noqa: E402
from connector.sandbox.hubspot import HubSpotSandboxConfig  # noqa: E402
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack  # noqa: E402
from sync.queue import ALL_QUEUES  # noqa: E402
from sync.worker import DealCoachWorker, prepare_to_fork  # noqa: E402
from webhooks.app import create_app  # noqa: E402

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class CpuMeter:
    """WSGI middleware: the CPU time of the serving thread spent in each request (the response body included)."""

    def __init__(self, app: Wsgi) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.seconds = 0.0
        self.requests = 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        started = time.thread_time()
        body = list(self.app(environ, start_response))
        spent = time.thread_time() - started
        with self.lock:
            self.seconds += spent
            self.requests += 1
        return body

    def take(self) -> tuple[float, int]:
        """CPU seconds and requests since the last take."""
        with self.lock:
            taken = (self.seconds, self.requests)
            self.seconds, self.requests = 0.0, 0
        return taken


def children_cpu() -> float:
    """User + system CPU of the work-horses that have exited so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def simple_worker(conn: redis.Redis) -> None:
    """Every queued job run in this thread by RQ's SimpleWorker (burst)."""
    SimpleWorker([Queue(name, connection=conn) for name in ALL_QUEUES], connection=conn).work(
        burst=True, logging_level="WARNING"
    )


def forked_worker(conn: redis.Redis) -> None:
    """Every queued job run by RQ's forking `Worker` (burst)."""
    Worker([Queue(name, connection=conn) for name in ALL_QUEUES], connection=conn).work(
        burst=True, logging_level="WARNING"
    )


def dealcoach_worker(conn: redis.Redis) -> None:
    """Every queued job run by production's `DealCoachWorker` (burst, forking).

    Its `work` prepares the parent for forking each time it is called (warm, freeze); `dealcoach worker` does that
    once per process, and so does this bench (before its calls), so RQ's `Worker.work` is called here directly."""
    Worker.work(DealCoachWorker(list(ALL_QUEUES), connection=conn), burst=True, logging_level="WARNING")


def finished(conn: redis.Redis) -> dict[str, set[str]]:
    """The ids in each queue's finished-job registry (read outside the measured span: the bench's own work)."""
    return {name: set(Queue(name, connection=conn).finished_job_registry.get_job_ids()) for name in ALL_QUEUES}


def results_since(conn: redis.Redis, before: dict[str, set[str]]) -> list[dict[str, Any]]:
    """The results of the jobs that finished since `before`."""
    out: list[dict[str, Any]] = []
    for name, ids in finished(conn).items():
        queue = Queue(name, connection=conn)
        for job_id in sorted(ids - before[name]):
            job = queue.fetch_job(job_id)
            value = job.return_value() if job is not None else None
            if isinstance(value, dict):
                out.append(value)
    return out


def one_call(
    hub: EmbeddedStack, meter: CpuMeter, transcript: Path, n: int, worker: Callable[[redis.Redis], None]
) -> dict[str, Any]:
    """A fresh deal (its own jobs not counted), then one logged call measured from webhook to last write; the
    bench's own reads of the finished jobs happen outside the measured span."""
    deal = hub.create_deal(name=f"計測 {n} / 導入", stage="qualifiedtobuy", owner_id=REP, amount="900000")
    hub.deliver_webhooks()
    worker(hub.conn)
    meter.take()
    hub.log_call(deal_id=deal, transcript=transcript, title=f"商談 {n}", at=clock.now() - timedelta(hours=1),
                 owner_id=REP)
    hub.deliver_webhooks()
    app_s, requests = meter.take()
    before = finished(hub.conn)
    horses, loop = children_cpu(), time.thread_time()
    worker(hub.conn)
    loop_s, horses_s = time.thread_time() - loop, children_cpu() - horses
    results = results_since(hub.conn, before)
    return {"app": app_s, "worker": loop_s, "jobs": horses_s, "webhooks": requests, "results": len(results),
            "notes": len(hub.notes_on(deal)), "total": app_s + loop_s + horses_s}


def run(calls: int, minutes: float, worker: str = "fork") -> list[dict[str, Any]]:
    meters: list[CpuMeter] = []

    def metered_app(config: dict[str, Any]) -> Any:
        app = create_app(config)
        meter = CpuMeter(app.wsgi_app)
        app.wsgi_app = meter  # type: ignore[method-assign]
        meters.append(meter)
        return app

    text, name = serialise(generate(minutes, seed=7), "vtt")
    portal = HubSpotSandboxConfig(burst_limit=100_000)
    with tempfile.TemporaryDirectory() as tmp, redis_server() as conn, embedded_stack(
        conn, secret_key=KEY, app_factory=metered_app, config=portal, env={"DEALCOACH_SCORER": "offline"}
    ) as hub:
        transcript = Path(tmp) / name
        transcript.write_text(text, encoding="utf-8")
        if worker != "simple":
            prepare_to_fork()  # what `dealcoach worker` does before its first fork (sync/worker.py)
        work = {"fork": forked_worker, "dealcoach": dealcoach_worker, "simple": simple_worker}[worker]
        return [one_call(hub, meters[0], transcript, n, work) for n in range(calls)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=9, help="logged calls to measure (default 9)")
    parser.add_argument("--minutes", type=float, default=60.0, help="transcript length (default 60)")
    parser.add_argument("--worker", choices=("fork", "dealcoach", "simple"), default="fork",
                        help="RQ's Worker (fork, the default), production's DealCoachWorker (forks too) or SimpleWorker")
    parser.add_argument("--smoke", action="store_true", help="one 1-minute call, counts only")
    args = parser.parse_args()
    calls, minutes = (1, 1.0) if args.smoke else (args.calls, args.minutes)
    rows = run(calls, minutes, args.worker)
    for i, r in enumerate(rows):
        print(f"call {i}: total {r['total'] * 1000:7.1f} ms  app {r['app'] * 1000:6.1f}  worker loop "
              f"{r['worker'] * 1000:6.1f}  jobs {r['jobs'] * 1000:7.1f}  webhooks={r['webhooks']} "
              f"jobs_run={r['results']} notes={r['notes']}")
    totals = [r["total"] * 1000 for r in rows]
    print(f"worker={args.worker} calls={len(rows)} minutes={minutes:g} p50 {statistics.median(totals):.1f} ms "
          f"max {max(totals):.1f} ms (goal < 100 ms p50)")
    if args.smoke:
        bad = [r for r in rows if r["webhooks"] < 1 or r["results"] < 1 or r["notes"] < 1]
        print(f"smoke: calls={len(rows)} with_webhook_job_and_note={len(rows) - len(bad)}")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
