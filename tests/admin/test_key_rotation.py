"""Key rotation of the stored secrets after a real OAuth install and a real job: a token stored under the old key
keeps working with the new key configured, `dealcoach tenants rotate-key` (a real process) re-encrypts everything so
that the old key alone opens nothing, a key that opens nothing gives one clear line, and no secret is ever logged."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from cryptography.fernet import InvalidToken
from rq import Queue
from rq.registry import FailedJobRegistry

from connector import clock
from connector.hubspot.oauth import TokenProvider
from connector.models import Event
from connector.tenants import TenantError, TenantRegistry, _fernet
from sync import runtime
from sync.demo.stack import run_worker, stack_runtime
from sync.queue import enqueue_events
from tests.admin.conftest import CLIENT_ID, CLIENT_SECRET, TENANT, Admin
from tests.conftest import TEST_SECRET_KEY, RedisServer

ROOT = Path(__file__).resolve().parents[2]
OLD, NEW = TEST_SECRET_KEY, "rotated-secret-key-for-the-test"
_FERNET_TOKEN = re.compile(rb"gAAAAA[A-Za-z0-9_\-]+=*")


def _sealed_values(conn: redis.Redis) -> list[bytes]:
    """Every Fernet token stored anywhere in Redis (string values, hash fields, JSON inside them)."""
    found: list[bytes] = []
    for key in conn.scan_iter("*"):
        kind = conn.type(key)
        values = [conn.get(key)] if kind == b"string" else list(conn.hgetall(key).values()) if kind == b"hash" else []
        found += [m.group(0) for v in values if v for m in _FERNET_TOKEN.finditer(v)]
    return found


def _opens(key: str, token: bytes) -> bool:
    try:
        _fernet(key).decrypt(token)
        return True
    except InvalidToken:
        return False


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dealcoach_cli", *args], cwd=ROOT, env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _stage_job(admin: Admin, deal: str, n: int) -> dict[str, object]:
    """One real stage-change job through the worker; its result (it must not fail)."""
    enqueue_events(admin.conn, [Event("deal.stage_changed", TENANT, f"rot-{n}", deal, clock.now() - timedelta(minutes=1),
                                      data={"property_name": "dealstage", "property_value": "qualifiedtobuy"})])
    run_worker(admin.conn)
    assert len(FailedJobRegistry("events", connection=admin.conn)) == 0
    queue = Queue("events", connection=admin.conn)
    jobs = [queue.fetch_job(j) for j in queue.finished_job_registry.get_job_ids()]
    return next(j.return_value() for j in jobs if j and f"rot-{n}" in j.id)  # type: ignore[misc]


def test_rotation_keeps_old_tokens_working_then_retires_the_old_key(
    admin: Admin, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert admin.install().status_code == 200  # the web app and the worker still run with the old key
    # Two deals: a stage entry already handled is skipped before any request, so each job gets its own deal.
    deal, later = (str(d) for d in admin.control("POST", "seed", {"deals": [{"properties": {
        "dealname": name, "dealstage": "qualifiedtobuy", "hubspot_owner_id": "75000001"}}
        for name in ("鍵の更新", "鍵の更新 2")]})["deals"])
    before = _sealed_values(admin.conn)
    assert len(before) >= 2 and all(_opens(OLD, t) for t in before)  # the registry record and the cached token
    secrets = dict(admin.registry.get(TENANT).credentials)  # type: ignore[union-attr]
    access = TokenProvider(admin.conn, admin.registry, TENANT, admin.oauth_app)()

    # The new key deployed with the old one as previous: old values still work, and a real job runs on them.
    env = {"REDIS_URL": redis_server.url, "HUBSPOT_CLIENT_ID": CLIENT_ID, "HUBSPOT_CLIENT_SECRET": CLIENT_SECRET,
           "DEALCOACH_SECRET_KEY_PREVIOUS": OLD}  # fmt: skip
    both = TenantRegistry(admin.conn, NEW, [OLD])
    assert both.get(TENANT).credentials == secrets  # type: ignore[union-attr]
    assert TokenProvider(admin.conn, both, TENANT, admin.oauth_app)() == access
    with runtime.using(stack_runtime(NEW, env)):
        first = _stage_job(admin, deal, 1)
    assert first["status"] != "skipped" and int(first["crm_requests"]) > 0, first  # type: ignore[call-overload]

    done = _cli(["tenants", "rotate-key"], {"REDIS_URL": redis_server.url, "DEALCOACH_SECRET_KEY": NEW,
                                            "DEALCOACH_SECRET_KEY_PREVIOUS": OLD})  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "re-encrypted 1 tenant(s) and 1 cached token(s)" in done.stdout

    after = _sealed_values(admin.conn)
    assert len(after) == len(before) and not any(_opens(OLD, t) for t in after) and all(_opens(NEW, t) for t in after)
    with pytest.raises(TenantError, match="cannot be decrypted"):
        TenantRegistry(admin.conn, OLD).get(TENANT)
    only_new = TenantRegistry(admin.conn, NEW)
    assert only_new.get(TENANT).credentials == secrets  # type: ignore[union-attr]
    assert TokenProvider(admin.conn, only_new, TENANT, admin.oauth_app)() == access
    assert admin.conn.ttl(f"dealcoach:oauth:access:{TENANT}") > 0  # the cached token keeps its expiry

    # The old key retired: the next job runs on the new key alone.
    with runtime.using(stack_runtime(NEW, {k: v for k, v in env.items() if k != "DEALCOACH_SECRET_KEY_PREVIOUS"})):
        second = _stage_job(admin, later, 2)
    assert second["status"] != "skipped" and int(second["crm_requests"]) > 0, second  # type: ignore[call-overload]

    said = caplog.text + done.stdout + done.stderr
    tokens = [v for k, v in secrets.items() if "token" in k or "secret" in k]
    assert tokens and all(secret not in said for secret in (OLD, NEW, access, *tokens))


def test_a_key_that_opens_nothing_is_one_clear_line(admin: Admin, redis_server: RedisServer) -> None:
    assert admin.install().status_code == 200
    with pytest.raises(TenantError, match=f"credentials of {TENANT} cannot be decrypted"):
        TenantRegistry(admin.conn, "a-wrong-key").get(TENANT)
    with pytest.raises(TenantError, match="sealed value cannot be decrypted"):
        TenantRegistry(admin.conn, "a-wrong-key").reseal(_sealed_values(admin.conn)[0].decode())
    wrong = _cli(["tenants", "rotate-key"], {"REDIS_URL": redis_server.url, "DEALCOACH_SECRET_KEY": "a-wrong-key"})
    assert wrong.returncode == 1
    assert wrong.stderr.strip().splitlines()[-1] == (
        f"dealcoach tenants: no configured key decrypts {TENANT}: add the key they were stored with to "
        "DEALCOACH_SECRET_KEY_PREVIOUS and run again"
    )
    assert "Traceback" not in wrong.stderr and "a-wrong-key" not in wrong.stderr
    assert all(_opens(OLD, t) for t in _sealed_values(admin.conn))  # nothing was rewritten


def test_a_worker_with_a_wrong_key_keeps_the_job_and_says_why(
    admin: Admin, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert admin.install().status_code == 200
    deal = str(admin.control("POST", "seed", {"deals": [{"properties": {
        "dealname": "鍵違い", "dealstage": "qualifiedtobuy", "hubspot_owner_id": "75000001"}}]})["deals"][0])
    env = {"REDIS_URL": redis_server.url, "HUBSPOT_CLIENT_ID": CLIENT_ID, "HUBSPOT_CLIENT_SECRET": CLIENT_SECRET}
    with runtime.using(stack_runtime("a-wrong-key", env)):
        enqueue_events(admin.conn, [Event("deal.stage_changed", TENANT, "wrong-key", deal, clock.now(),
                                          data={"property_name": "dealstage", "property_value": "qualifiedtobuy"})])
        run_worker(admin.conn)
    queue = Queue("events", connection=admin.conn)
    kept = len(queue.scheduled_job_registry) + len(queue.failed_job_registry)
    assert kept == 1 and len(queue.finished_job_registry) == 0, "the event waits for a worker with the right key"
    assert f"sync.tenant.undecryptable tenant={TENANT}" in caplog.text and "a-wrong-key" not in caplog.text
