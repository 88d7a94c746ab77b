"""How fast does POST /webhooks/hubspot acknowledge? Signed batches over HTTP into a real Redis.

Usage: python bench/webhook_ack.py [--redis-url URL] [--requests N]
Starts its own redis-server on a free port unless --redis-url is given. Prints p50/p95/max per batch size.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.sandbox.server import ServerThread  # noqa: E402
from connector.tenants import Tenant, TenantRegistry  # noqa: E402
from webhooks.app import create_app  # noqa: E402
from webhooks.signatures import hubspot_v3_headers  # noqa: E402

SECRET, KEY = "bench-secret", "bench-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _events(n: int, start: int) -> bytes:
    return json.dumps([{
        "eventId": start + i, "subscriptionId": 4512003, "portalId": 62515, "appId": 54321,
        "occurredAt": int(time.time() * 1000) + start + i, "subscriptionType": "object.creation", "attemptNumber": 0,
        "objectId": 17000000205 + i, "objectTypeId": "0-48", "changeFlag": "CREATED", "changeSource": "CRM_UI",
    } for i in range(n)]).encode()


def run(url: str, conn: redis.Redis, requests_per_size: int) -> None:
    TenantRegistry(conn, KEY).add(Tenant(provider="hubspot", external_id="62515", credentials={"access_token": "x"}))
    server = ServerThread(create_app({"REDIS": conn, "DEALCOACH_SECRET_KEY": KEY, "HUBSPOT_CLIENT_SECRETS": [SECRET]}))
    server.start()
    session = requests.Session()
    target = f"{server.url}/webhooks/hubspot"
    counter = 0
    try:
        for size in (1, 10, 100):
            timings = []
            for _ in range(requests_per_size):
                body = _events(size, counter)
                counter += size
                headers = hubspot_v3_headers(body, SECRET, target)
                t0 = time.perf_counter()
                resp = session.post(target, data=body, headers=headers, timeout=10)
                timings.append((time.perf_counter() - t0) * 1000)
                assert resp.status_code == 200 and resp.json()["queued"] == size, resp.text
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(f"batch={size:>3} events  requests={len(timings)}  p50={statistics.median(timings):6.2f} ms  "
                  f"p95={p95:6.2f} ms  max={timings[-1]:6.2f} ms  per-event p50={statistics.median(timings) / size:5.2f} ms")
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if args.redis_url:
        run(args.redis_url, redis.Redis.from_url(args.redis_url), args.requests)
        return 0
    port, tmp = _free_port(), tempfile.mkdtemp()
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", tmp], stdout=subprocess.DEVNULL)
    try:
        conn = redis.Redis(port=port)
        for _ in range(100):
            try:
                conn.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        run(f"redis://127.0.0.1:{port}/0", conn, args.requests)
    finally:
        proc.terminate()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
