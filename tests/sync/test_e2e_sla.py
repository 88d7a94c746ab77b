"""Follow-up SLA tasks end to end on both sandbox CRMs: created on events, closed when done, swept idempotently."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

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
from connector.models import TenantSettings
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.sweep import sweep
from tests.conftest import FIXTURES, TEST_SECRET_KEY
from webhooks.app import create_app

REP, MANAGER = "75000001", "75000002"
TRANSCRIPT = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
JST = timezone(timedelta(hours=9))


def recent_call_time() -> datetime:
    """Two hours before the test clock's now: every rule is evaluated relative to the injected clock."""
    return clock.now().astimezone(JST).replace(microsecond=0) - timedelta(hours=2)


@pytest.fixture
def hub(redis_conn: redis.Redis) -> Iterator[EmbeddedStack]:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=TenantSettings(manager_id=MANAGER)) as s:
        yield s


def sla_tasks(stack: EmbeddedStack, deal: str, rule: str = "") -> list[dict]:
    return [t for t in stack.tasks_on(deal) if f"/sla-{rule}" in t["hs_task_body"]]


def hub_call(stack: EmbeddedStack) -> str:
    deal = stack.create_deal(name="SLAテスト商事 / 導入", stage="presentationscheduled", owner_id=REP, amount="900000")
    stack.drain()
    stack.log_call(deal_id=deal, transcript=TRANSCRIPT, title="提案ミーティング", at=recent_call_time(), owner_id=REP)
    stack.drain()
    return deal


def test_thank_you_task_is_created_and_closed_by_the_email(hub: EmbeddedStack) -> None:
    deal = hub_call(hub)
    (thanks,) = sla_tasks(hub, deal, "thank_you_minutes")
    assert thanks["hs_task_status"] == "NOT_STARTED" and thanks["hs_task_priority"] == "HIGH"
    assert "議事録" in thanks["hs_task_body"] or "御礼" in thanks["hs_task_subject"]
    assert not [t for t in hub.tasks_on(deal) if "/next-send_minutes_email" in t["hs_task_body"]], "no duplicate"
    hub.hubspot.crm.objects.emails.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"hs_timestamp": clock.now().strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                    "hs_email_direction": "EMAIL", "hs_email_subject": "本日の御礼と議事録", "hubspot_owner_id": REP},
        associations=[PublicAssociationsForObject(to=PublicObjectId(id=deal), types=[
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=210)])]))
    hub.drain()
    (thanks,) = sla_tasks(hub, deal, "thank_you_minutes")
    assert thanks["hs_task_status"] == "COMPLETED", "the logged email satisfies the rule"


def test_rep_completed_task_stays_done_and_sweeps_are_idempotent(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    deal = hub_call(hub)
    done = sla_tasks(hub, deal)[0]
    hub.hubspot.crm.objects.tasks.basic_api.update(done["id"], SimplePublicObjectInput(properties={"hs_task_status": "COMPLETED"}))
    hub.drain()
    creates = hub.control("GET", "writes", params={"objectType": "tasks", "action": "create"})["total"]
    first = sweep(redis_conn, hub.tenant, now=clock.now())
    second = sweep(redis_conn, hub.tenant, now=clock.now())
    assert first["status"] == second["status"] == "done" and not first["failed"]
    assert second["applied"] == {"created": 0, "updated": 0, "closed": 0}
    assert hub.control("GET", "writes", params={"objectType": "tasks", "action": "create"})["total"] == creates
    assert next(t for t in hub.tasks_on(deal) if t["id"] == done["id"])["hs_task_status"] == "COMPLETED"


def test_stale_important_deal_alerts_owner_and_manager_by_sweep(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    month_ago = int((clock.now() - timedelta(days=30)).timestamp() * 1000)
    seeded = hub.control("POST", "seed", json={"deals": [{"properties": {
        "dealname": "放置案件", "dealstage": "decisionmakerboughtin", "pipeline": "default", "hubspot_owner_id": REP,
        "amount": "3000000", "createdate": str(month_ago), "notes_last_updated": str(month_ago)}}]})
    deal = seeded["deals"][0]
    dry = sweep(redis_conn, hub.tenant, now=clock.now(), dry_run=True)
    planned = [t for d in dry["deals"] if d["deal"] == deal for t in d["plan"]["create"]]
    assert {t["owner"] for t in planned if t["rule"] == "stale_deal"} == {REP, MANAGER}
    assert sla_tasks(hub, deal) == [], "a dry run writes nothing"
    sweep(redis_conn, hub.tenant, now=clock.now())
    stale = sla_tasks(hub, deal, "stale_deal")
    assert {t["hubspot_owner_id"] for t in stale} == {REP, MANAGER}


def test_sla_can_be_switched_off_per_tenant(redis_conn: redis.Redis) -> None:
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=TenantSettings(sla_enabled=False)) as stack:
        deal = hub_call(stack)
        assert sla_tasks(stack, deal) == []
        assert [t for t in stack.tasks_on(deal) if "/next-send_minutes_email" in t["hs_task_body"]]


@pytest.fixture
def sfdc(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def test_salesforce_thank_you_task_closed_by_a_logged_email_at_the_next_sweep(sfdc: SalesforceStack,
                                                                            redis_conn: redis.Redis) -> None:
    opp = sfdc.create_opportunity(name="SLAテスト株式会社", stage="Value Proposition", amount=800000)
    sfdc.log_call(opportunity_id=opp, transcript=TRANSCRIPT, subject="通話: 提案", at=recent_call_time())
    sfdc.drain()
    thanks = [t for t in sfdc.tasks_on(opp) if "/sla-thank_you_minutes" in (t["Description"] or "")]
    assert len(thanks) == 1 and thanks[0]["Status"] == "Not Started" and thanks[0]["ReminderDateTime"]
    sfdc.sf.Task.create({"Subject": "Email: 御礼と議事録", "TaskSubtype": "Email", "Status": "Completed", "WhatId": opp})
    result = sweep(redis_conn, sfdc.tenant, now=clock.now())
    assert result["applied"]["closed"] >= 1, json.dumps(result["applied"])
    assert sfdc.sf.Task.get(thanks[0]["Id"])["Status"] == "Completed"
    before = len(sfdc.tasks_on(opp))
    sfdc.control("POST", "outbound/redeliver", {"channel": "outbound"})
    sfdc.drain()
    again = sweep(redis_conn, sfdc.tenant, now=clock.now())
    assert again["applied"] == {"created": 0, "updated": 0, "closed": 0} and len(sfdc.tasks_on(opp)) == before
    assert sfdc.sf.Task.get(thanks[0]["Id"])["Status"] == "Completed", "a closed task is never reopened"


def test_cron_queues_one_sweep_per_tenant_and_period(hub: EmbeddedStack, redis_conn: redis.Redis) -> None:
    from rq import Queue

    from sync.queue import SYNC

    hub.configure(DEALCOACH_SWEEP_INTERVAL_S=str(10**9))  # one period for the whole test, whatever the clock

    queue = Queue(SYNC, connection=redis_conn)
    first = queue.enqueue("sync.sweep.enqueue_sweeps")
    second = queue.enqueue("sync.sweep.enqueue_sweeps")
    hub.run_worker()
    assert (first.return_value(refresh=True), second.return_value(refresh=True)) == (1, 0), "the second is a duplicate"
    sweeps = [j for j in queue.finished_job_registry.get_job_ids() if j.startswith("sweep-hubspot-62515-")]
    assert len(sweeps) == 1
    assert queue.fetch_job(sweeps[0]).return_value()["status"] == "done"


def test_the_sweep_writes_the_sla_status_time_has_changed_on_both_crms(
    hub: EmbeddedStack, sfdc: SalesforceStack, redis_conn: redis.Redis
) -> None:
    """A call leaves the thank-you task due within hours (due soon); two days on, no call has come, and the sweep
    writes `overdue` in its batch deal write; a second sweep at that time finds nothing to write."""
    deal = hub_call(hub)
    opp = sfdc.create_opportunity(name="SLA状況テスト", stage="Value Proposition", amount=800000)
    sfdc.log_call(opportunity_id=opp, transcript=TRANSCRIPT, subject="通話: 提案", at=recent_call_time())
    sfdc.drain()
    hub_status = lambda: hub.hubspot.crm.deals.basic_api.get_by_id(  # noqa: E731
        deal, properties=["dealcoach_sla_status"]).properties.get("dealcoach_sla_status")
    sf_status = lambda: sfdc.sf.Opportunity.get(opp)["DealCoach_SLA_Status__c"]  # noqa: E731
    assert (hub_status(), sf_status()) == ("due_soon", "due_soon")
    later = clock.now() + timedelta(days=2)
    for stack in (hub, sfdc):
        first = sweep(redis_conn, stack.tenant, now=later)
        second = sweep(redis_conn, stack.tenant, now=later)
        assert second["crm_requests"] < first["crm_requests"], (stack.tenant, first, second)
    assert (hub_status(), sf_status()) == ("overdue", "overdue")


def test_stale_deal_escalates_to_the_owners_team_manager_on_both_crms(redis_conn: redis.Redis) -> None:
    """`team_managers` (no per-owner or tenant manager): the rep's HubSpot team (5001) and Salesforce Department
    (営業一課) name who gets the stale-deal alert beside the rep."""
    from connector.sandbox.salesforce_config import MANAGER_USER_ID, REP_USER_ID

    hub_settings = TenantSettings(team_managers={"5001": MANAGER})
    with embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=hub_settings) as hub:
        month_ago = int((clock.now() - timedelta(days=30)).timestamp() * 1000)
        hub.control("POST", "seed", json={"deals": [{"properties": {
            "dealname": "放置案件", "dealstage": "decisionmakerboughtin", "pipeline": "default", "hubspot_owner_id": REP,
            "amount": "3000000", "createdate": str(month_ago), "notes_last_updated": str(month_ago)}}]})  # fmt: skip
        dry = sweep(redis_conn, hub.tenant, now=clock.now(), dry_run=True)
        owners = {t["owner"] for d in dry["deals"] for t in d["plan"]["create"] if t["rule"] == "stale_deal"}
        assert owners == {REP, MANAGER}
    redis_conn.flushdb()
    sf_settings = TenantSettings(team_managers={"営業一課": MANAGER_USER_ID})
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, settings=sf_settings) as sf:
        sf.create_opportunity(name="放置商談", stage="Negotiation/Review", amount=3000000)
        dry = sweep(redis_conn, sf.tenant, now=clock.now() + timedelta(days=30), dry_run=True)
        owners = {t["owner"] for d in dry["deals"] for t in d["plan"]["create"] if t["rule"] == "stale_deal"}
        assert owners == {REP_USER_ID, MANAGER_USER_ID}
