"""How fast is webhook ingress, as ratios to anchors measured in the same run (issue 12)?

Usage: python -m bench ingress [--duration S] [--rounds R] [--workers N] [--worker-class gthread|gevent|sync] [--smoke]
Starts its own redis-server, the real app (`gunicorn main:app`) and a bare Flask endpoint under the same gunicorn
settings, and drives them with wrk (Debian's; `python -m bench` installs it) from pre-signed requests, each event
new (nothing is a duplicate). Each round measures every figure and then its anchor, so the drift of a shared machine
touches both alike; the ratios printed are medians over the rounds. The three figures:
  1. batched ingress: signed 100-event HubSpot deliveries, events/s, ÷ RQ's own `enqueue_many` of the same jobs in
     as many processes as gunicorn workers, same redis-server (goal >= 0.8x);
  2. p99 acknowledgement of a 100-event batch over 2 connections (goal < 50 ms);
  3. single-event signed Flow JSON ingress, req/s, ÷ a bare Flask endpoint under the same gunicorn (goal >= 0.5x).
Every figure is checked against Redis afterwards: the jobs queued must be the events sent.
`--smoke` sends a few requests with a bounded Python client instead of wrk and asserts counts (tests run it).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import redis
from rq import Queue

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from connector.models import Event  # noqa: E402
from connector.tenants import Tenant, TenantRegistry  # noqa: E402
from sync.queue import DEDUP_TTL_S, FAILURE_TTL_S, JOB_BY_KIND, JOB_TIMEOUT_S, RETRY  # noqa: E402
from webhooks.signatures import sign_dealcoach, sign_hubspot_v3  # noqa: E402

KEY, HUBSPOT_SECRET, FLOW_SECRET = "bench-key", "bench-hubspot-secret", "bench-flow-secret"
PORTAL, ORG = 62515, "00D5g000004XyZaEAK"
BATCH = 100


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def redis_server() -> Iterator[tuple[str, redis.Redis]]:
    """A throwaway redis-server on a free port, no persistence."""
    port, tmp = free_port(), tempfile.mkdtemp(prefix="bench-redis-")
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", tmp],
        stdout=subprocess.DEVNULL,
    )
    conn = redis.Redis(port=port)
    try:
        for _ in range(200):
            try:
                conn.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0", conn
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def gunicorn(app: str, *, redis_url: str, workers: int, worker_class: str, source: Path) -> Iterator[str]:
    """`gunicorn APP` with DealCoach's settings on a free port (multiprocess metrics dir included); its base URL."""
    port, metrics_dir = free_port(), tempfile.mkdtemp(prefix="bench-metrics-")
    env = {**os.environ, "REDIS_URL": redis_url, "DEALCOACH_SECRET_KEY": KEY, "HUBSPOT_CLIENT_SECRET": HUBSPOT_SECRET,
           "SALESFORCE_EVENTS_SECRET": FLOW_SECRET, "DEALCOACH_LOG_LEVEL": "WARNING",
           "PROMETHEUS_MULTIPROC_DIR": metrics_dir, "PYTHONPATH": f"{source}:{ROOT}"}
    args = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", worker_class, "--log-level", "warning", app]
    if worker_class == "gthread":
        args[-1:-1] = ["--threads", "8"]
    proc = subprocess.Popen(args, cwd=source, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(metrics_dir, ignore_errors=True)


def hubspot_batches(url: str, count: int, start: int) -> list[tuple[bytes, dict[str, str]]]:
    """`count` signed deliveries of BATCH new call-creation events each."""
    now_ms, out = int(time.time() * 1000), []
    for b in range(count):
        body = json.dumps([{"eventId": start + b * BATCH + i, "subscriptionId": 4512003, "portalId": PORTAL,
                            "appId": 54321, "occurredAt": now_ms, "subscriptionType": "object.creation",
                            "attemptNumber": 0, "objectId": 17000000205 + i, "objectTypeId": "0-48",
                            "changeFlag": "CREATED", "changeSource": "CRM_UI"} for i in range(BATCH)]).encode()
        headers = {"Content-Type": "application/json", "X-HubSpot-Request-Timestamp": str(now_ms),
                   "X-HubSpot-Signature-v3": sign_hubspot_v3(body, HUBSPOT_SECRET, "POST", url, now_ms)}
        out.append((body, headers))
    return out


def flow_events(count: int, start: int) -> list[tuple[bytes, dict[str, str]]]:
    """`count` signed single-event Flow callouts (a stage change each)."""
    now, at = int(time.time()), datetime.now(UTC).isoformat()
    out = []
    for i in range(start, start + count):
        body = json.dumps({"orgId": ORG, "eventId": f"flow-{i}", "kind": "stage_changed", "objectId": "0065g00000Bench1",
                           "occurredAt": at, "fields": {"StageName": "Needs Analysis"}}).encode()
        out.append((body, {"Content-Type": "application/json",
                           "X-DealCoach-Signature": sign_dealcoach(body, FLOW_SECRET, now)}))
    return out


WRK_SCRIPT = """
local reqs = dofile("%(data)s")
local id, nthreads, n = 0, %(threads)d, 0
local next_id = 0
function setup(thread) thread:set("id", next_id); next_id = next_id + 1 end
function init(args) id = tonumber(wrk.thread:get("id")) end
function request()
  local r = reqs[(id + n * nthreads) %% #reqs + 1]
  n = n + 1
  return wrk.format("POST", "%(path)s", r.h, r.b)
end
function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%%d non2xx=%%d errors=%%d p99_us=%%d p50_us=%%d\\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(99), latency:percentile(50)))
end
"""


def _lua(value: str) -> str:
    return "[==[" + value + "]==]"


def run_wrk(url: str, path: str, reqs: list[tuple[bytes, dict[str, str]]], *, threads: int, connections: int,
            duration: float, workdir: Path) -> dict[str, int]:
    """wrk over the pre-signed requests (each sent at most once per run unless the list wraps); its counters."""
    data = workdir / f"reqs-{len(reqs)}-{abs(hash(path))}.lua"
    rows = ",\n".join("{b=" + _lua(b.decode()) + ",h={" + ",".join(f'["{k}"]={_lua(v)}' for k, v in h.items()) + "}}"
                      for b, h in reqs)
    data.write_text("return {\n" + rows + "\n}\n")
    script = workdir / "bench.lua"
    script.write_text(WRK_SCRIPT % {"data": data, "threads": threads, "path": path})
    run = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration:g}s", "--timeout", "5s",
                          "-s", str(script), url + path], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"wrk failed: {run.stderr or run.stdout}")
    out = run.stdout
    found = re.search(r"BENCH (.*)", out)
    if found is None:
        raise RuntimeError(f"wrk said: {out}")
    return {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}


def run_python(url: str, path: str, reqs: list[tuple[bytes, dict[str, str]]], connections: int) -> dict[str, int]:
    """Each request once, over `connections` threads (smoke mode: counts, not speed)."""

    def send(item: tuple[bytes, dict[str, str]]) -> int:
        req = urllib.request.Request(url + path, data=item[0], headers=item[1], method="POST")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return int(resp.status)

    with ThreadPoolExecutor(connections) as pool:
        statuses = list(pool.map(send, reqs))
    return {"requests": len(statuses), "non2xx": sum(s != 200 for s in statuses), "errors": 0, "p99_us": 0}


def _enqueue_many_worker(redis_url: str, offset: str, seconds: float, result: multiprocessing.Queue[int]) -> None:
    """RQ's own `enqueue_many` of BATCH call.logged jobs per pipeline, with the webhook's payload, for `seconds`."""
    conn = redis.Redis.from_url(redis_url)
    name, func = JOB_BY_KIND["call.logged"]
    queue, sent, deadline = Queue(name, connection=conn), 0, time.monotonic() + seconds
    template = Event(kind="call.logged", tenant=f"hubspot:{PORTAL}", event_id="", object_id="17000000205",
                     occurred_at=datetime.now(UTC), object_type="call",
                     data={"subscription_type": "object.creation", "change_source": "CRM_UI"}).to_dict()
    while time.monotonic() < deadline:
        datas = []
        for i in range(BATCH):
            event_id = f"anchor-{offset}-{sent + i}"
            datas.append(Queue.prepare_data(func, args=({**template, "event_id": event_id},),
                                            job_id=f"hubspot-{PORTAL}-evt-{event_id}", retry=RETRY,
                                            result_ttl=DEDUP_TTL_S, failure_ttl=FAILURE_TTL_S,
                                            timeout=JOB_TIMEOUT_S[name], description=f"call.logged {PORTAL}"))
        with conn.pipeline() as pipe:
            queue.enqueue_many(datas, pipeline=pipe)
            pipe.execute()
        sent += BATCH
    result.put(sent)


def enqueue_many_anchor(redis_url: str, processes: int, seconds: float, round_no: int = 0) -> float:
    """Events/s of RQ's enqueue_many in `processes` processes at once on the same redis-server."""
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=_enqueue_many_worker, args=(redis_url, f"{round_no}-{p}", seconds, results)) for p in range(processes)]
    for proc in procs:
        proc.start()
    total = sum(results.get(timeout=seconds + 60) for _ in procs)
    for proc in procs:
        proc.join()
    return total / seconds


def register(conn: redis.Redis) -> None:
    registry = TenantRegistry(conn, KEY)
    registry.add(Tenant(provider="hubspot", external_id=str(PORTAL), credentials={"access_token": "x"}))
    registry.add(Tenant(provider="salesforce", external_id=ORG, credentials={"instance_url": "https://x",
                                                                             "session_id": "x"}))


def queued(conn: redis.Redis) -> int:
    return sum(int(conn.llen(f"rq:queue:{name}")) for name in ("events", "scoring", "sync"))


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def smoke_run(args: argparse.Namespace, redis_url: str, conn: redis.Redis) -> int:
    """A few requests of each kind through a bounded Python client: every event sent must be a queued job."""
    opts = {"redis_url": redis_url, "workers": args.workers, "worker_class": args.worker_class}
    with gunicorn("main:app", source=args.source, **opts) as url:
        ingress = run_python(url, "/webhooks/hubspot", hubspot_batches(url + "/webhooks/hubspot", 4, 0), 2)
        ack = run_python(url, "/webhooks/hubspot", hubspot_batches(url + "/webhooks/hubspot", 4, 10**9), 2)
        flow = run_python(url, "/webhooks/salesforce/events", flow_events(20, 0), 4)
    expected, in_queues = (ingress["requests"] + ack["requests"]) * BATCH + flow["requests"], queued(conn)
    non2xx = ingress["non2xx"] + ack["non2xx"] + flow["non2xx"]
    print(f"requests: batches {ingress['requests']} + {ack['requests']}, flow {flow['requests']}; non-2xx {non2xx}; "
          f"jobs queued {in_queues} (expected {expected})")
    assert non2xx == 0 and in_queues == expected, (non2xx, in_queues, expected)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=3.0, help="seconds per slice (default 3)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds, each measuring every figure and its anchor")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    ap.add_argument("--worker-class", default="gthread", choices=("gthread", "gevent", "sync"))
    ap.add_argument("--source", type=Path, default=ROOT, help="the tree whose main:app is measured (default: this)")
    ap.add_argument("--smoke", action="store_true", help="a few requests through a Python client; counts only")
    args = ap.parse_args(argv)
    seconds = args.duration
    with tempfile.TemporaryDirectory(prefix="bench-ingress-") as tmp, redis_server() as (redis_url, conn):
        register(conn)
        if args.smoke:
            return smoke_run(args, redis_url, conn)
        opts = {"redis_url": redis_url, "workers": args.workers, "worker_class": args.worker_class}
        work = Path(tmp)
        rows: list[dict[str, float]] = []
        sent = expected = 0
        with gunicorn("main:app", source=args.source, **opts) as url, \
                gunicorn("bench.ingress_bare:app", source=ROOT, **opts) as bare_url:
            hub = url + "/webhooks/hubspot"
            for r in range(args.rounds):
                # Subject and anchor alternate within each round, so the machine's drift touches both alike.
                # Enough fresh pre-signed requests that a slice never wraps (a wrapped list would send duplicates).
                n_batches, n_flow = int(800 * seconds) + 100, int(5000 * seconds) + 500
                ingress = run_wrk(url, "/webhooks/hubspot", hubspot_batches(hub, n_batches, r * 10**8),
                                  threads=2, connections=4, duration=seconds, workdir=work)
                anchor = enqueue_many_anchor(redis_url, args.workers, seconds, r)
                ack = run_wrk(url, "/webhooks/hubspot", hubspot_batches(hub, n_batches, r * 10**8 + 5 * 10**7),
                              threads=2, connections=2, duration=seconds, workdir=work)
                flow = run_wrk(url, "/webhooks/salesforce/events", flow_events(n_flow, r * 10**7),
                               threads=2, connections=16, duration=seconds, workdir=work)
                bare = run_wrk(bare_url, "/bare", flow_events(n_flow, 0), threads=2, connections=16,
                               duration=seconds, workdir=work)
                sent += (ingress["non2xx"] + ack["non2xx"] + flow["non2xx"])
                expected += (ingress["requests"] + ack["requests"]) * BATCH + flow["requests"]
                if max(ingress["requests"], ack["requests"]) > n_batches or flow["requests"] > n_flow:
                    print("WARNING: a request list wrapped (duplicates were sent)")
                row = {"events_s": ingress["requests"] * BATCH / seconds, "anchor_s": anchor,
                       "p99_ms": ack["p99_us"] / 1000, "p50_ms": ack["p50_us"] / 1000,
                       "flow_s": flow["requests"] / seconds, "bare_s": bare["requests"] / seconds}
                rows.append(row)
                print(f"round {r + 1}: batched {row['events_s']:.0f} vs enqueue_many {anchor:.0f} events/s; "
                      f"p99 {row['p99_ms']:.1f} ms (p50 {row['p50_ms']:.1f}); flow {row['flow_s']:.0f} vs bare "
                      f"{row['bare_s']:.0f} req/s", flush=True)
        in_queues = queued(conn)
    anchor_jobs = sum(r["anchor_s"] for r in rows) * seconds
    print(f"non-2xx answers: {sent}; jobs queued by the app and the anchor: {in_queues} "
          f"(at least {expected + int(anchor_jobs)} expected)")
    batch_ratio = median([r["events_s"] / r["anchor_s"] for r in rows])
    flow_ratio = median([r["flow_s"] / r["bare_s"] for r in rows])
    p99 = median([r["p99_ms"] for r in rows])
    print(f"gunicorn --workers {args.workers} --worker-class {args.worker_class}; wrk -t2; {args.rounds} rounds of "
          f"{seconds:g} s slices; medians over rounds")
    print(f"batched ingress (100-event HubSpot, 4 conns) / RQ enqueue_many x{args.workers}: {batch_ratio:.2f}x "
          f"(goal >= 0.8x)")
    print(f"p99 ack of a 100-event batch, 2 conns: {p99:.1f} ms, {p99 / 50:.2f}x the 50 ms goal (goal < 1)")
    print(f"single-event Flow ingress (16 conns) / bare Flask: {flow_ratio:.2f}x (goal >= 0.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
