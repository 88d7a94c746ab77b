"""How fast is webhook ingress, as ratios to anchors measured in the same run (issue 12)?

Usage: python -m bench ingress [--duration S] [--workers N] [--worker-class gthread|gevent|sync] [--smoke]
Starts its own redis-server, the real app (`gunicorn main:app`) and a bare Flask endpoint under the same gunicorn
settings, and drives them with wrk (Debian's; `python -m bench` installs it) from pre-signed requests, each event
new (nothing is a duplicate). Prints three figures, each beside its anchor:
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
from sync.queue import DEDUP_TTL_S, FAILURE_TTL_S, JOB_BY_KIND, JOB_TIMEOUT_S, RETRY, job_id_for  # noqa: E402
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


def _enqueue_many_worker(redis_url: str, offset: int, seconds: float, result: "multiprocessing.Queue[int]") -> None:
    """RQ's own `enqueue_many` of BATCH call.logged jobs per pipeline, as the webhook builds them, for `seconds`."""
    conn = redis.Redis.from_url(redis_url)
    name, func = JOB_BY_KIND["call.logged"]
    queue, sent, deadline = Queue(name, connection=conn), 0, time.monotonic() + seconds
    at = datetime.now(UTC)
    while time.monotonic() < deadline:
        datas = []
        for i in range(BATCH):
            event = Event(kind="call.logged", tenant=f"hubspot:{PORTAL}", event_id=f"anchor-{offset}-{sent + i}",
                          object_id=str(17000000205 + i), occurred_at=at, object_type="call",
                          data={"subscription_type": "object.creation", "change_source": "CRM_UI"})
            datas.append(Queue.prepare_data(func, args=(event.to_dict(),), job_id=job_id_for(event), retry=RETRY,
                                            result_ttl=DEDUP_TTL_S, failure_ttl=FAILURE_TTL_S,
                                            timeout=JOB_TIMEOUT_S[name], description=f"call.logged {event.tenant}"))
        with conn.pipeline() as pipe:
            queue.enqueue_many(datas, pipeline=pipe)
            pipe.execute()
        sent += BATCH
    result.put(sent)


def enqueue_many_anchor(redis_url: str, processes: int, seconds: float) -> float:
    """Events/s of RQ's enqueue_many in `processes` processes at once on the same redis-server."""
    ctx = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[int] = ctx.Queue()
    procs = [ctx.Process(target=_enqueue_many_worker, args=(redis_url, p, seconds, results)) for p in range(processes)]
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run (default 5)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2, one per core)")
    ap.add_argument("--worker-class", default="gthread", choices=("gthread", "gevent", "sync"))
    ap.add_argument("--source", type=Path, default=ROOT, help="the tree whose main:app is measured (default: this)")
    ap.add_argument("--smoke", action="store_true", help="a few requests through a Python client; counts only")
    args = ap.parse_args(argv)
    smoke, seconds = args.smoke, args.duration
    with tempfile.TemporaryDirectory(prefix="bench-ingress-") as tmp, redis_server() as (redis_url, conn):
        register(conn)
        opts = {"redis_url": redis_url, "workers": args.workers, "worker_class": args.worker_class}
        # Enough pre-signed requests for the run to never wrap (a wrapped list would send duplicates).
        n_batches, n_flow = (4, 20) if smoke else (int(400 * seconds), int(4000 * seconds))
        with gunicorn("main:app", source=args.source, **opts) as url:
            batches = hubspot_batches(url + "/webhooks/hubspot", n_batches, 0)
            more = hubspot_batches(url + "/webhooks/hubspot", 4 if smoke else int(100 * seconds), 10**9)
            flows = flow_events(n_flow, 0)
            if smoke:
                ingress = run_python(url, "/webhooks/hubspot", batches, 2)
                ack = run_python(url, "/webhooks/hubspot", more, 2)
                flow = run_python(url, "/webhooks/salesforce/events", flows, 4)
            else:
                ingress = run_wrk(url, "/webhooks/hubspot", batches, threads=2, connections=4, duration=seconds,
                                  workdir=Path(tmp))
                ack = run_wrk(url, "/webhooks/hubspot", more, threads=2, connections=2, duration=seconds,
                              workdir=Path(tmp))
                flow = run_wrk(url, "/webhooks/salesforce/events", flows, threads=2, connections=16,
                               duration=seconds, workdir=Path(tmp))
        expected = (ingress["requests"] + ack["requests"]) * BATCH + flow["requests"]
        in_queues = queued(conn)
        print(f"requests: batches {ingress['requests']} + {ack['requests']}, flow {flow['requests']}; "
              f"non-2xx {ingress['non2xx'] + ack['non2xx'] + flow['non2xx']}; jobs queued {in_queues} "
              f"(expected {expected})")
        if smoke:
            assert ingress["non2xx"] == ack["non2xx"] == flow["non2xx"] == 0
            assert in_queues == expected, (in_queues, expected)
            return 0
        wrapped = ingress["requests"] > n_batches or ack["requests"] > len(more) or flow["requests"] > n_flow
        conn.flushdb()
        with gunicorn("bench.ingress_bare:app", source=ROOT, **opts) as bare_url:
            bare = run_wrk(bare_url, "/bare", flow_events(n_flow, 0), threads=2, connections=16, duration=seconds,
                           workdir=Path(tmp))
        conn.flushdb()
        anchor = enqueue_many_anchor(redis_url, args.workers, seconds)
    events_s = ingress["requests"] * BATCH / seconds
    flow_s, bare_s = flow["requests"] / seconds, bare["requests"] / seconds
    print(f"gunicorn --workers {args.workers} --worker-class {args.worker_class}; wrk -t2; {seconds:g} s per run"
          + ("; WARNING: a request list wrapped (duplicates were sent)" if wrapped else ""))
    print(f"batched ingress (100-event HubSpot, 4 conns): {events_s:8.0f} events/s | RQ enqueue_many x{args.workers}: "
          f"{anchor:8.0f} events/s | ratio {events_s / anchor:.2f}x (goal >= 0.8x)")
    print(f"p99 ack of a 100-event batch, 2 conns:        {ack['p99_us'] / 1000:8.1f} ms | p50 {ack['p50_us'] / 1000:.1f}"
          f" ms | ratio to the 50 ms goal {ack['p99_us'] / 50000:.2f}x (goal < 1)")
    print(f"single-event Flow ingress (16 conns):         {flow_s:8.0f} req/s    | bare Flask: {bare_s:8.0f} req/s    "
          f"| ratio {flow_s / bare_s:.2f}x (goal >= 0.5x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
