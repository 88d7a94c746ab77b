"""Access tokens of an OAuth-installed portal: refreshed before they expire, once for concurrent jobs (a Redis lock,
real threads, real HTTP to the sandbox's token endpoint), and a revoked install stops its jobs without a storm."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import redis
from rq import Queue
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from connector import clock
from connector.hubspot.oauth import TenantDisconnected, TokenProvider, TokenSet, refresh
from connector.models import Event
from sync.demo.stack import run_worker
from sync.queue import enqueue_events
from tests.admin.conftest import TENANT, Admin
from tests.conftest import TEST_SECRET_KEY

TOKEN_KEY = f"dealcoach:oauth:access:{TENANT}"


def _provider(admin: Admin, conn: redis.Redis | None = None, **kwargs: Any) -> TokenProvider:
    conn = conn or admin.conn
    from connector.tenants import TenantRegistry

    return TokenProvider(conn, TenantRegistry(conn, TEST_SECRET_KEY), TENANT, admin.oauth_app, **kwargs)


def _near_expiry(admin: Admin) -> str:
    """Make the stored access token one that expires in a minute (inside the 5-minute refresh margin)."""
    old = _provider(admin)()
    _provider(admin).store(TokenSet(old, "", time.time() + 60))
    return old


def _seed_deal(admin: Admin) -> str:
    return str(
        admin.control(
            "POST",
            "seed",
            {
                "deals": [
                    {
                        "properties": {
                            "dealname": "更新テスト",
                            "dealstage": "qualifiedtobuy",
                            "hubspot_owner_id": "75000001",
                        }
                    }
                ]
            },
        )["deals"][0]
    )


def _stage_events(deal: str, n: int) -> list[Event]:
    at = clock.now() - timedelta(minutes=1)
    return [
        Event("deal.stage_changed", TENANT, f"evt-{i}", deal, at + timedelta(seconds=i),
              data={"property_name": "dealstage", "property_value": "qualifiedtobuy"})
        for i in range(n)
    ]  # fmt: skip


def test_a_token_near_expiry_is_refreshed_once_by_concurrent_workers(admin: Admin) -> None:
    assert admin.install().status_code == 200
    old = _near_expiry(admin)
    before = admin.grants("refresh_token")

    def slow_refresh(app: Any, token: str) -> TokenSet:
        time.sleep(0.2)  # the real call over HTTP, made slow enough that all threads arrive while it runs
        return refresh(app, token)

    barrier, got, errors = threading.Barrier(8), [], []

    def worker() -> None:
        conn = redis.Redis(**admin.conn.connection_pool.connection_kwargs)  # a worker process's own connection
        try:
            barrier.wait(5)
            got.append(_provider(admin, conn, refresher=slow_refresh)())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(15)
    assert not errors
    assert len(got) == 8 and len(set(got)) == 1 and got[0] != old
    assert admin.grants("refresh_token") - before == 1, "eight workers, one refresh"
    assert admin.conn.ttl(TOKEN_KEY) > 1700


def test_jobs_of_an_installed_portal_use_and_refresh_its_oauth_token(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = _seed_deal(admin)
    old = _near_expiry(admin)
    before = admin.grants("refresh_token")
    enqueue_events(admin.conn, _stage_events(deal, 1))
    run_worker(admin.conn)
    assert admin.grants("refresh_token") - before == 1
    assert _provider(admin)() != old
    tasks = admin.control("GET", "objects/tasks")["results"]
    assert any(deal in {a["id"] for a in t["associations"].get("deals", [])} for t in tasks), "the job wrote"


def test_a_revoked_install_disconnects_the_tenant_and_its_jobs_stop_without_retrying(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = _seed_deal(admin)
    refresh_token = admin.registry.get(TENANT).credentials["refresh_token"]  # type: ignore[union-attr]
    assert admin.control("POST", "oauth/revoke", {"refresh_token": refresh_token}) == {"revoked": 1}
    admin.conn.delete(TOKEN_KEY)  # the access token ran out
    before = admin.grants("refresh_token")
    enqueue_events(admin.conn, _stage_events(deal, 5))
    run_worker(admin.conn)
    tenant = admin.registry.get(TENANT)
    assert tenant is not None and tenant.disconnected == "refresh_token_revoked"
    assert admin.grants("refresh_token") - before == 1, "one refused refresh, then nobody asks again"
    failed = FailedJobRegistry("events", connection=admin.conn)
    assert len(failed) <= 1 and len(ScheduledJobRegistry("events", connection=admin.conn)) == 0
    results = [
        Queue("events", connection=admin.conn).fetch_job(j)
        for j in Queue("events", connection=admin.conn).finished_job_registry.get_job_ids()
    ]
    assert {r.return_value()["reason"] for r in results if r} == {"tenant_disconnected"}  # type: ignore[union-attr]
    try:
        _provider(admin)()
        raise AssertionError("a disconnected tenant got a token")
    except TenantDisconnected:
        pass
    assert admin.grants("refresh_token") - before == 1

    assert admin.install().status_code == 200, "reinstalling reconnects"
    assert not admin.registry.get(TENANT).disconnected  # type: ignore[union-attr]
