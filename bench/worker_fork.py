"""CPU of a forked job in a worker started as `dealcoach worker` starts, for a job that does almost nothing.

Usage: python -m bench.worker_fork [--jobs N] [--source DIR] [--smoke]
A fresh process (this one) on a throwaway redis-server builds the worker runtime from the environment as
`dealcoach worker` does (`cli.common.load_runtime`), queues N webhook jobs of every kind for a tenant that is not
registered (each job imports its module, reads the tenant, and returns "skipped") and runs them with production's
`DealCoachWorker` in burst mode, so the parent prepares itself for forking exactly as in production. Printed: the
CPU of the work-horses per job (`RUSAGE_CHILDREN`: what every job pays before doing its own work) and of the
parent's loop per job after its one-off preparation. `pipeline_cpu` cannot show this floor: its parent process also
hosts the sandbox and the app, so every module a job needs is already imported there. `--source` runs another tree
(an export of `main`) for before/after pairs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import resource
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("call.logged", "deal.stage_changed", "activity.logged")


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=12)
    parser.add_argument("--source", type=Path, default=ROOT, help="tree to run (default: this one)")
    parser.add_argument("--smoke", action="store_true", help="3 jobs; checks that they ran (tests run it)")
    args = parser.parse_args(argv)
    jobs = 3 if args.smoke else args.jobs
    sys.path.insert(0, str(args.source.resolve()))
    ingress = importlib.import_module("bench.ingress")
    with ingress.redis_server() as (url, conn):
        os.environ.update({"REDIS_URL": url, "DEALCOACH_SECRET_KEY": ingress.KEY})
        common = importlib.import_module("cli.common")
        rt = common.load_runtime(needs_secret_key=True)
        queue = importlib.import_module("sync.queue")
        models = importlib.import_module("connector.models")
        events = [
            models.Event(kind=KINDS[i % len(KINDS)], tenant="hubspot:404", event_id=f"fork-{i}", object_id=str(i),
                         occurred_at=datetime.now(UTC), object_type="deal", data={})
            for i in range(jobs)
        ]
        assert queue.enqueue_events(conn, events).queued == jobs
        worker_module = importlib.import_module("sync.worker")
        worker = worker_module.DealCoachWorker(list(queue.ALL_QUEUES), connection=common.open_redis(rt))
        started, horses = time.thread_time(), children_cpu()
        worker.work(burst=True, logging_level="WARNING")
        loop_s, horses_s = time.thread_time() - started, children_cpu() - horses
        skipped = sum(
            1
            for event in events
            if (job := queue.Queue(queue.JOB_BY_KIND[event.kind][0], connection=conn).fetch_job(
                queue.job_id_for(event))) is not None and (job.return_value() or {}).get("reason") == "unknown_tenant"
        )
    print(f"source={args.source} jobs={jobs} skipped_unknown_tenant={skipped}: work-horses {horses_s / jobs * 1000:.1f} "
          f"ms per job; parent {loop_s * 1000:.0f} ms in all (its one-off preparation included)")
    return 0 if skipped == jobs else 1


if __name__ == "__main__":
    raise SystemExit(main())
