"""The incremental HubSpot sweep plans what a full read would, period after period, on the real client against the
sandbox over HTTP and a real redis-server, with the test clock moved between periods: a deal's stage moved, a
DealCoach task completed by the rep, an email logged, a deal deleted, and changes inside the search lag."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from typing import Any

import pytest
import redis
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from connector import clock
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.sweep import sweep
from sync.sweep_cache import EpochCache, meta
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app

REP = "75000001"
EMAIL_TO_DEAL = 210
Plans = dict[str, dict[str, list[str]]]


@pytest.fixture
def hub(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as stack:
        yield stack


def _keys(plan: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    return {part: sorted(t["key"] for t in plan[part]) for part in ("create", "update", "close")}


def full_plans(hub: EmbeddedStack, conn: redis.Redis) -> Plans:
    """What a full read of every deal plans now (the sweep's dry run reads the CRM, never the cache)."""
    return {d["deal"]: _keys(d["plan"]) for d in sweep(conn, hub.tenant, now=clock.now(), dry_run=True)["deals"]}


def swept(hub: EmbeddedStack, conn: redis.Redis, mode: str) -> Plans:
    """One sweep period (it writes); its plans, after checking where its pages came from."""
    result = sweep(conn, hub.tenant, now=clock.now())
    assert result["source"] == mode and not result["failed"], result["source"]
    return {d["deal"]: _keys(d["plan"]) for d in result["deals"]}


def period(hub: EmbeddedStack, conn: redis.Redis, mode: str) -> Plans:
    """A full read's plans, then the incremental sweep's, which must be the same deal for deal."""
    expected = full_plans(hub, conn)
    got = swept(hub, conn, mode)
    assert got == expected
    return got


def email(hub: EmbeddedStack, deal_id: str, subject: str) -> None:
    assoc = PublicAssociationsForObject(
        to=PublicObjectId(id=deal_id),
        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=EMAIL_TO_DEAL)],
    )
    props = {
        "hs_timestamp": clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "hs_email_subject": subject,
        "hs_email_direction": "INCOMING_EMAIL",
    }
    hub.hubspot.crm.objects.emails.basic_api.create(
        SimplePublicObjectInputForCreate(properties=props, associations=[assoc])
    )


def cached(conn: redis.Redis, tenant: str, deal_id: str) -> dict[str, Any]:
    m = meta(conn, tenant)
    assert m.epoch is not None
    entry = EpochCache(conn, tenant, m.epoch, 3600).get([deal_id])[deal_id]
    assert entry is not None
    return entry


def cached_items(conn: redis.Redis, tenant: str, deal_id: str) -> dict[str, list[Any]]:
    return cached(conn, tenant, deal_id)["r"]


def test_incremental_sweeps_plan_what_full_reads_plan(
    hub: EmbeddedStack, redis_conn: redis.Redis, world_clock: clock.AnchoredClock
) -> None:
    world = world_clock
    stages = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "qualifiedtobuy", "contractsent"]
    a, b, c, d, e = (hub.create_deal(name=f"差分 {i}", stage=s, owner_id=REP) for i, s in enumerate(stages))
    world.advance(timedelta(minutes=10))

    first = period(hub, redis_conn, "full")
    assert set(first) == {a, b, c, d, e} and first[b]["create"]
    world.advance(timedelta(hours=1))
    assert not any(any(p.values()) for p in period(hub, redis_conn, "cache").values()), "nothing new to do"

    # The rep moves a stage, completes DealCoach's task on another deal, and logs an email on a third.
    hub.move_stage(a, "presentationscheduled")
    (task,) = [t for t in hub.tasks_on(b) if "/sla-" in t["hs_task_body"]]
    hub.hubspot.crm.objects.tasks.basic_api.update(
        task["id"], SimplePublicObjectInput(properties={"hs_task_status": "COMPLETED"})
    )
    email(hub, c, "ご提案ありがとうございます")
    world.advance(timedelta(hours=20))
    third = period(hub, redis_conn, "cache")
    assert set(third) == {a, b, c, d, e}
    assert cached(redis_conn, hub.tenant, a)["p"]["dealstage"] == "presentationscheduled"
    assert any(item[3] == "COMPLETED" for item in cached_items(redis_conn, hub.tenant, b).values() if item[0] == "m")
    assert any(item[:2] == ["a", "email"] for item in cached_items(redis_conn, hub.tenant, c).values())

    # A deleted deal leaves no trace in a modified-since search: the count differs and the period reads in full.
    hub.hubspot.crm.deals.basic_api.archive(d)
    world.advance(timedelta(hours=1))
    assert d not in period(hub, redis_conn, "full")

    # Inside the search lag: a new deal and an email on `e` are not searchable yet (the email's association is).
    hub.control("POST", "settings", json={"search_lag_s": 60})
    late = hub.create_deal(name="差分 遅延", stage="appointmentscheduled", owner_id=REP)
    email(hub, e, "遅れて見える返信")
    world.advance(timedelta(seconds=20))
    fifth = swept(hub, redis_conn, "cache")
    assert late not in fifth, "a deal the search does not show yet waits, in a full read too"
    assert late not in full_plans(hub, redis_conn)
    assert not any(item[:2] == ["a", "email"] for item in cached_items(redis_conn, hub.tenant, e).values())
    # The next period reads from the last read's start less the overlap (rubrics/sweep.yaml): both are found.
    world.advance(timedelta(hours=1))
    sixth = period(hub, redis_conn, "cache")
    assert late in sixth
    assert any(item[:2] == ["a", "email"] for item in cached_items(redis_conn, hub.tenant, e).values())


def test_a_deal_missing_from_the_cache_or_written_by_another_job_is_read_again(
    hub: EmbeddedStack, redis_conn: redis.Redis, world_clock: clock.AnchoredClock
) -> None:
    """Nothing is skipped: a cached id without its entry is read whole, and a deal another DealCoach job wrote a task
    to since it was cached (its write generation moved) is read again, so the sweep sees that task."""
    from connector.models import TaskSpec
    from sync.deal_view import bump_generation
    from sync.job_context import shared_crm
    from sync.runtime import current

    missing, written, quiet = (
        hub.create_deal(name=f"再読 {i}", stage="qualifiedtobuy", owner_id=REP) for i in range(3)
    )
    world_clock.advance(timedelta(minutes=10))
    period(hub, redis_conn, "full")
    m = meta(redis_conn, hub.tenant)
    assert m.epoch is not None
    redis_conn.hdel(EpochCache(redis_conn, hub.tenant, m.epoch, 3600).deals, missing)
    tenant = current().tenants(redis_conn).get(hub.tenant)
    assert tenant is not None
    key = f"{hub.tenant}/deal-{written}/coaching-followup"
    due = clock.now() + timedelta(days=2)
    (task_id,) = shared_crm(current(), redis_conn, tenant).create_tasks(
        [TaskSpec(key=key, deal_id=written, subject="フォロー", body="b", due=due, owner_id=REP)]
    )
    bump_generation(redis_conn, hub.tenant, written)  # what the job's Writeback does after its write
    world_clock.advance(timedelta(hours=1))
    assert set(period(hub, redis_conn, "cache")) == {missing, written, quiet}
    assert cached_items(redis_conn, hub.tenant, missing), "the missing entry is read and stored again"
    assert cached_items(redis_conn, hub.tenant, written)[f"tasks:{task_id}"][1] == key
