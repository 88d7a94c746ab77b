"""`dealcoach serve` runs gunicorn with a worker model that slow clients cannot starve (issue 11).

Real sockets against a real `dealcoach serve` process on the session's redis-server: two uploads that send their
headers and then trickle nothing, and two connections that send nothing at all, are held open while `/healthz` and a
signed HubSpot webhook must still be answered. With gunicorn's `sync` workers (or Flask's development server) the
two uploads hold both workers and both requests time out.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests
from prometheus_client.parser import text_string_to_metric_families

from connector.tenants import Tenant, TenantRegistry
from tests.conftest import TEST_SECRET_KEY, RedisServer, free_port
from webhooks.app import REQUEST_ID_HEADER
from webhooks.signatures import hubspot_v3_headers

ROOT = Path(__file__).resolve().parents[2]
SECRET = "serve-test-client-secret"
# The worker model under test; None is `dealcoach serve`'s default.
WORKER_CLASS: str | None = None


@pytest.fixture
def served(redis_server: RedisServer, redis_conn: redis.Redis, tmp_path: Path) -> Iterator[str]:
    """`dealcoach serve` with 2 workers on a free port; its base URL once /healthz answers."""
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(
        Tenant(provider="hubspot", external_id="62515", credentials={"access_token": "t"}))
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_server.url, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
           "HUBSPOT_CLIENT_SECRET": SECRET, "DEALCOACH_LOG_LEVEL": "INFO"}
    args = [sys.executable, "-m", "dealcoach_cli", "serve", "--port", str(port), "--workers", "2"]
    if WORKER_CLASS:
        args += ["--worker-class", WORKER_CLASS]
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


def test_metrics_sum_the_workers(served: str) -> None:
    """prometheus_client's multiprocess mode: a scrape answered by either worker counts every worker's answers."""
    for _ in range(30):  # a new connection each, so both workers answer some
        assert requests.post(f"{served}/webhooks/hubspot", data=b"[]", timeout=5).status_code == 401
    for _ in range(3):
        text = requests.get(f"{served}/metrics", timeout=5).text
        answers = {(s.labels["endpoint"], s.labels["status"]): s.value for f in text_string_to_metric_families(text)
                   for s in f.samples if s.name == "dealcoach_webhook_responses_total"}
        assert answers == {("hubspot", "401"): 30.0}


def _event_body() -> bytes:
    """One call-creation event, stamped now by the server's own clock (the served process runs on the wall clock)."""
    return json.dumps([{"eventId": 1, "subscriptionId": 4512003, "portalId": 62515, "appId": 54321,
                        "occurredAt": int(time.time() * 1000), "subscriptionType": "object.creation", "objectId": 17000000205,
                        "objectTypeId": "0-48", "changeSource": "CRM_UI"}]).encode()


def test_slow_uploads_and_idle_connections_do_not_block_health_or_webhooks(served: str) -> None:
    port = int(served.rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for _ in range(2):
            slow = socket.create_connection(("127.0.0.1", port), timeout=5)
            slow.sendall(b"POST /webhooks/hubspot HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100000\r\n\r\n[{\"eventId\": ")
            held.append(slow)
        held += [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(2)]
        time.sleep(0.5)  # let the server hand the uploads to whatever will read them
        for _ in range(4):
            health = requests.get(f"{served}/healthz", timeout=5)
            assert health.status_code == 200
        body = _event_body()
        target = f"{served}/webhooks/hubspot"
        answer = requests.post(target, data=body, headers=hubspot_v3_headers(body, SECRET, target), timeout=5)
        assert answer.status_code == 200 and answer.json()["queued"] == 1
        assert len(answer.headers[REQUEST_ID_HEADER]) == 16
    finally:
        for sock in held:
            sock.close()
