"""The incremental HubSpot sweep's reads, counted by the sandbox (never timed): after the full read, a period reads
one search page per 200 changed deals and a fixed handful of requests, whatever the number of deals; DealCoach's
own task writes are not read back."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis

from bench.sweep_scale import is_write
from connector import clock
from connector.sandbox.hubspot import HubSpotSandboxConfig
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.sweep import sweep
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

DEALS = 450
# The deal delta and the deal count, one delta search for each of tasks, emails, meetings and calls, and the
# pipelines and task properties when the tenant's metadata cache has expired.
FIXED_READS = 8


@pytest.fixture
def hub(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    # HubSpot's rate limits lifted: a 429 and its retry would count as two reads.
    config = HubSpotSandboxConfig(burst_limit=100_000, search_per_second=1000)
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, config=config) as stack:
        yield stack


def counted(hub: EmbeddedStack, conn: redis.Redis) -> tuple[str, dict[str, int]]:
    """One sweep period: its source and the sandbox's count of its read requests by endpoint."""
    before = hub.control("GET", "calls")["byEndpoint"]
    assert "429" not in hub.control("GET", "calls")["byStatus"]
    result = sweep(conn, hub.tenant, now=clock.now(), plans=False)
    assert len(result["deals"]) == DEALS and not result["failed"]
    after = hub.control("GET", "calls")["byEndpoint"]
    spent = {k: n - before.get(k, 0) for k, n in after.items() if n - before.get(k, 0) and not is_write(k)}
    return result["source"], spent


def test_periods_after_the_full_read_read_per_change_not_per_deal(
    hub: EmbeddedStack, redis_conn: redis.Redis, world_clock: clock.AnchoredClock
) -> None:
    deals = [{"properties": {"dealname": f"件数 {i}", "dealstage": "qualifiedtobuy", "pipeline": "default"}}
             for i in range(DEALS)]  # fmt: skip
    hub.control("POST", "seed", json={"deals": deals})
    world_clock.advance(timedelta(minutes=10))
    source, first = counted(hub, redis_conn)
    assert source == "full" and sum(first.values()) > DEALS / 200
    world_clock.advance(timedelta(hours=1))
    # The full read wrote every deal's SLA status, so every deal changed: one search page per 200 of them. Its
    # 450 tasks changed too, but they are DealCoach's own writes: one (empty) task search, no task read.
    source, second = counted(hub, redis_conn)
    assert source == "cache"
    assert second["POST /crm/v3/objects/deals/search"] == math.ceil(DEALS / 200) + 1, second
    assert second["POST /crm/v3/objects/tasks/search"] == 1, "DealCoach's own tasks are not read back"
    assert not any("batch/read" in k for k in second), second
    assert sum(second.values()) <= math.ceil(DEALS / 200) + FIXED_READS, second
    world_clock.advance(timedelta(hours=1))
    source, third = counted(hub, redis_conn)
    assert source == "cache" and sum(third.values()) <= FIXED_READS, third
