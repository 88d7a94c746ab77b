"""What does counting one webhook answer cost: a Redis-shared counter or prometheus_client's multiprocess mode?

Usage: python -m bench metrics [--ops N] [--forks N] [--smoke]
Measures, on a throwaway redis-server and a fresh multiprocess directory:
  1. the Redis-shared counter the app used before (one HINCRBY round trip per answer), per answer;
  2. prometheus_client in multiprocess mode (mmap'd files, PROMETHEUS_MULTIPROC_DIR): a counter and a histogram
     observation per answer, as `webhooks.metrics.WebhookMetrics.observe` does;
  3. how multiprocess mode grows under RQ's fork-per-job workers: files left after N forked work-horses each counted
     one job (one file set per process id), which is why job figures stay in Redis.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.ingress import redis_server  # noqa: E402

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
from webhooks.metrics import WebhookMetrics
m = WebhookMetrics({path!r})
n = {ops}
t = time.perf_counter()
for _ in range(n):
    m.observe("/webhooks/hubspot", 200, 0.004)
per = (time.perf_counter() - t) / n
for _ in range({forks}):
    pid = os.fork()
    if pid == 0:
        m.responses.labels("hubspot", "200").inc()
        os._exit(0)
    os.waitpid(pid, 0)
print(per)
"""


def redis_counter_cost(ops: int) -> float:
    """Seconds per HINCRBY round trip (the old `count_webhook`) on a local redis-server."""
    with redis_server() as (_, conn):
        t = time.perf_counter()
        for _ in range(ops):
            conn.hincrby("dealcoach:metrics:webhook_responses", "hubspot|200", 1)
        return (time.perf_counter() - t) / ops


def multiprocess_cost(ops: int, forks: int) -> tuple[float, int]:
    """Seconds per observation in multiprocess mode, and the files left after `forks` forked children counted once."""
    with tempfile.TemporaryDirectory(prefix="bench-prom-") as path:
        env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": path}
        code = CHILD.format(root=str(ROOT), path=path, ops=ops, forks=forks)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return float(out.stdout.strip()), len(list(Path(path).glob("*.db")))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, default=20000)
    ap.add_argument("--forks", type=int, default=100)
    ap.add_argument("--smoke", action="store_true", help="100 operations, 3 forks")
    args = ap.parse_args(argv)
    ops, forks = (100, 3) if args.smoke else (args.ops, args.forks)
    redis_s = redis_counter_cost(ops)
    multi_s, files = multiprocess_cost(ops, forks)
    print(f"Redis-shared counter (HINCRBY, 1 round trip): {redis_s * 1e6:7.1f} us per answer")
    print(f"multiprocess counter + histogram observation:  {multi_s * 1e6:7.1f} us per answer "
          f"(ratio {redis_s / multi_s:.1f}x cheaper)")
    print(f"multiprocess files after {forks} forked children counted once each: {files}")
    if args.smoke:
        assert files >= forks, files
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
