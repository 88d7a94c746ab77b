"""A tenant's sweep split into page jobs, run by real `dealcoach worker` processes on the session's redis-server
against the sandbox CRMs: the same result as the single-process sweep, and a page job killed mid-write and retried
writes no task twice. The workers read the system clock, so these tests do too (nothing here depends on the date).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import redis
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from connector import clock
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.queue import SYNC
from sync.sweep import PAGE_RETRY, enqueue_page, job_id, sweep
from sync.sweep_progress import sweep_status
from sync.writeback import LOCK_TIMEOUT_S
from tests.reliability.conftest import WorkerProcess, wait_for
from webhooks.app import create_app

Stack = SalesforceStack | EmbeddedStack
DEALS = 7
PAGE = 3
# Where each CRM's task batch create goes (relative to the API version for Salesforce's sandbox faults).
TASK_CREATE = {"salesforce": "composite/sobjects", "hubspot": "/crm/v3/objects/tasks/batch/create"}


@contextmanager
def crm_stack(crm: str, conn: redis.Redis) -> Iterator[Stack]:
    """The CRM's sandbox and the app, on the system clock (the worker processes read theirs)."""
    key = os.environ["DEALCOACH_SECRET_KEY"]
    with clock.using(clock.system_clock):
        if crm == "salesforce":
            with salesforce_stack(conn, secret_key=key, app_factory=create_app) as org:
                yield org
        else:
            with embedded_stack(conn, secret_key=key, app_factory=create_app) as hub:
                yield hub


def seed(stack: Stack, n: int) -> None:
    names = [f"ページ {i}" for i in range(n)]
    if isinstance(stack, SalesforceStack):
        stack.control(
            "POST",
            "seed",
            {
                "opportunities": [
                    {"Name": name, "StageName": "Qualification", "CloseDate": "2027-03-31"} for name in names
                ]
            },
        )
    else:
        stack.control("POST", "seed", json={"deals": [{"properties": {
            "dealname": name, "dealstage": "qualifiedtobuy", "pipeline": "default"}} for name in names]})  # fmt: skip


def planned(stack: Stack, conn: redis.Redis) -> dict[str, list[str]]:
    """deal id -> the task keys the single-process sweep would create (a dry run)."""
    result = sweep(conn, stack.tenant, now=clock.now(), dry_run=True)
    return {d["deal"]: sorted(t["key"] for t in d["plan"]["create"]) for d in result["deals"]}


def task_keys(stack: Stack, conn: redis.Redis) -> dict[str, list[str]]:
    """deal id -> the keys of DealCoach's tasks in the CRM (a duplicate shows twice), read as the sweep reads."""
    from sync.job_context import shared_crm
    from sync.runtime import current

    rt = current()
    tenant = rt.tenants(conn).get(stack.tenant)
    assert tenant is not None
    crm = shared_crm(rt, conn, tenant)
    prefix = f"{stack.tenant}/"
    return {
        deal_id: sorted(m.key.removeprefix(prefix) for m in crm.deal_records(deal_id=deal_id).tasks)
        for deal_id in crm.list_open_deals()
    }


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_two_workers_sweep_the_pages_as_the_single_process_sweep_would(
    crm: str, redis_conn: redis.Redis, workers: Callable[[], WorkerProcess]
) -> None:
    with crm_stack(crm, redis_conn) as stack:
        seed(stack, DEALS)
        plan = planned(stack, redis_conn)
        assert len(plan) == DEALS and all(plan.values()), "every new deal gets an SLA task"
        workers(), workers()
        assert enqueue_page(redis_conn, stack.tenant, 1, page_size=PAGE)
        assert not enqueue_page(redis_conn, stack.tenant, 1, page_size=PAGE), "a period's first page is queued once"
        wait_for(lambda: sweep_status(redis_conn, stack.tenant, 1).complete, "the last page job")
        status = sweep_status(redis_conn, stack.tenant, 1)
        assert (status.pages_queued, status.pages_done) == (3, 3), "pages of 3, 3 and 1 deals, each once"
        assert status.totals["deals"] == DEALS and status.totals["failed"] == 0
        assert status.totals["created"] == sum(len(keys) for keys in plan.values())
        assert task_keys(stack, redis_conn) == plan, "each planned task once, on its deal"
        again = sweep(redis_conn, stack.tenant, now=clock.now())
        assert again["applied"] == {"created": 0, "updated": 0, "closed": 0}, "the single-process sweep agrees"


@pytest.mark.parametrize("crm", ["salesforce", "hubspot"])
def test_a_page_job_killed_during_its_task_creates_is_retried_without_a_duplicate(
    crm: str, redis_conn: redis.Redis, workers: Callable[[], WorkerProcess]
) -> None:
    """The worker dies while the CRM is still creating the page's tasks: the CRM has them, Redis's map never learnt
    their ids. The retried page job reads them back with the page (DealCoach's tasks by their markers), so its plan
    has nothing left to create and it writes no second task."""
    with crm_stack(crm, redis_conn) as stack:
        seed(stack, DEALS)
        plan = planned(stack, redis_conn)
        method = {"method": "POST"}
        fault = {"path_prefix": TASK_CREATE[crm], "delay_s": 4, "count": 1, **method}
        stack.control("POST", "faults", fault) if crm == "salesforce" else stack.control("POST", "faults", json=fault)
        first = workers()
        assert enqueue_page(redis_conn, stack.tenant, 1, page_size=10)
        hits = lambda: stack.control("GET", "faults/hits")["total"]  # noqa: E731
        wait_for(lambda: hits() == 1, "the page job to be inside its task create")
        first.crash()
        # The sandbox finishes the create after its delay, for a client that is gone.
        wait_for(lambda: all(task_keys(stack, redis_conn).values()), "the created tasks in the CRM")
        assert redis_conn.hlen(f"dealcoach:idem:{stack.tenant}") == 0, "the killed job never learnt their ids"
        # RQ abandons the dead job and schedules its retry after the deal locks' TTL (PAGE_RETRY). The test stands in
        # for those two minutes: the dead attempt's locks lapse now and the retry falls due now.
        second = workers()
        scheduled = ScheduledJobRegistry(SYNC, connection=redis_conn)
        wait_for(lambda: job_id(stack.tenant, 1) in scheduled.get_job_ids(), "the retry to be scheduled", timeout=90)
        for key in redis_conn.scan_iter(f"dealcoach:lock:{stack.tenant}:*"):
            redis_conn.pexpire(key, 1)
        scheduled.schedule(Job.fetch(job_id(stack.tenant, 1), connection=redis_conn), datetime.now(UTC))
        wait_for(lambda: sweep_status(redis_conn, stack.tenant, 1).complete, "the retried page job", timeout=90)
        assert second.proc.poll() is None
        keys = task_keys(stack, redis_conn)
        assert keys == plan and all(n == 1 for k in keys.values() for n in Counter(k).values()), "no duplicate"
        status = sweep_status(redis_conn, stack.tenant, 1)
        assert (status.totals["deals"], status.totals["created"], status.totals["updated"]) == (DEALS, 0, 0), status


def test_a_page_retry_waits_out_a_dead_attempts_deal_locks() -> None:
    assert PAGE_RETRY.intervals[0] > LOCK_TIMEOUT_S and PAGE_RETRY.max >= 1


def test_hubspot_page_jobs_sweep_the_next_period_from_the_cache(
    redis_conn: redis.Redis, workers: Callable[[], WorkerProcess]
) -> None:
    """The first period's page jobs read the CRM and fill the sweep cache; the next period's first page job reads
    what changed and every page comes from the cache, with the same deals and nothing written twice."""
    with crm_stack("hubspot", redis_conn) as stack:
        seed(stack, DEALS)
        workers(), workers()
        for period in (1, 2):
            assert enqueue_page(redis_conn, stack.tenant, period, page_size=PAGE)
            wait_for(lambda p=period: sweep_status(redis_conn, stack.tenant, p).complete, f"period {period}")
        chosen = [redis_conn.get(f"dealcoach:sweep:{stack.tenant}:source:{p}") or b"" for p in (1, 2)]
        assert [c.decode().split("-")[0] for c in chosen] == ["full", "cache"]
        first, second = (sweep_status(redis_conn, stack.tenant, p) for p in (1, 2))
        assert first.totals["deals"] == second.totals["deals"] == DEALS and second.totals["failed"] == 0
        assert (second.pages_queued, second.pages_done) == (3, 3)
        assert second.totals["created"] == second.totals["updated"] == second.totals["closed"] == 0
        assert all(n == 1 for keys in task_keys(stack, redis_conn).values() for n in Counter(keys).values())
