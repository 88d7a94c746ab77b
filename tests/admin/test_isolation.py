"""Tenant isolation: two HubSpot portals and two Salesforce orgs installed at once on one Redis and one worker, each
a real sandbox over real HTTP with the same record ids as its twin. Portal A's webhook, job, caches (CRM metadata,
idempotency map, deal memory, call markers, LLM answers), settings and report never reach portal B, and
`tenants remove A` leaves every key of B exactly as it was."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import redis

from connector import clock
from connector.salesforce.ids import to_18
from connector.sandbox.hubspot import HubSpotSandboxConfig, sales_pipeline
from connector.sandbox.hubspot_config import default_owners
from connector.sandbox.salesforce_config import SalesforceSandboxConfig
from connector.tenants import TenantRegistry
from sync import runtime
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.forget import forget_tenant
from sync.report.run import make_report
from sync.state import DealState
from tests.conftest import FIXTURES, TEST_NOW, TEST_SECRET_KEY
from webhooks.app import create_app

REP = "75000001"
TRANSCRIPT = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
CALL_AT = TEST_NOW - timedelta(hours=1)


def _english_owners() -> list[dict[str, Any]]:
    """Portal B's users: the same owner ids as portal A's, other people (a shared metadata cache would show)."""
    owners = default_owners()
    for o, (first, last) in zip(owners, [("Bob", "Baker"), ("Beth", "Brown")], strict=False):
        o.update(firstName=first, lastName=last, email=f"{first.lower()}@b.example", teams=[
            {"id": t["id"], "name": "Team B", "primary": t.get("primary", False)} for t in o.get("teams", [])])
    return owners


@pytest.fixture
def portals(redis_conn: redis.Redis) -> Iterator[tuple[EmbeddedStack, EmbeddedStack]]:
    # Same pipeline and stage ids, other labels: a metadata cache shared across portals would show in the stage tasks.
    a_config = HubSpotSandboxConfig(portal_id=62515, pipelines=[sales_pipeline(japanese=True)])
    b_config = HubSpotSandboxConfig(portal_id=62516, pipelines=[sales_pipeline(japanese=False)])
    b_config.owners = _english_owners()
    with (
        embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, config=a_config) as a,
        embedded_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, config=b_config) as b,
    ):
        yield a, b


@pytest.fixture
def orgs(redis_conn: redis.Redis) -> Iterator[tuple[SalesforceStack, SalesforceStack]]:
    b_config = SalesforceSandboxConfig(org_id=to_18("00D5g000004XyZb"))
    with (
        salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as a,
        salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app, config=b_config) as b,
    ):
        yield a, b


def keys_of(conn: redis.Redis, tid: str) -> dict[bytes, bytes]:
    """Every key of a tenant (its id, or its RQ job-id form, in the name) with its serialized value."""
    marks = (tid.encode(), tid.replace(":", "-").encode())
    return {
        k: conn.dump(k) or b""
        for k in conn.scan_iter("*")
        if any(m in k for m in marks) and not k.startswith(b"dealcoach:tenants")
    }


def idem_entries(conn: redis.Redis, tid: str) -> list[str]:
    return [f.decode() for f in conn.hkeys(f"dealcoach:idem:{tid}")]


def _settings(conn: redis.Redis, tid: str, **changes: Any) -> None:
    """What the settings page does: the tenant's settings replaced, the credentials kept."""
    registry = TenantRegistry(conn, TEST_SECRET_KEY)
    tenant = registry.get(tid)
    assert tenant is not None
    registry.add(dataclasses.replace(tenant, settings=dataclasses.replace(tenant.settings, **changes)))


def test_two_hubspot_portals_with_the_same_ids_never_touch_each_other(
    portals: tuple[EmbeddedStack, EmbeddedStack], redis_conn: redis.Redis
) -> None:
    a, b = portals
    deal_a = a.create_deal(name="A社 / 導入", stage="appointmentscheduled", owner_id=REP, amount="1000000")
    deal_b = b.create_deal(name="B社 / 導入", stage="appointmentscheduled", owner_id=REP, amount="2000000")
    assert deal_a == deal_b, "the twin portals hand out the same ids"
    a.drain()
    b.drain()
    b_tasks = b.tasks_on(deal_b)
    subjects = {s.tenant: " ".join(t["hs_task_subject"] for t in s.tasks_on(deal_a)) for s in (a, b)}
    assert "アポイント設定済み" in subjects[a.tenant] and "Appointment" not in subjects[a.tenant], subjects
    assert "Appointment Scheduled" in subjects[b.tenant] and "アポ" not in subjects[b.tenant], subjects

    # A's call: a webhook from portal A, a job for A, writes into A only.
    call_a = a.log_call(deal_id=deal_a, transcript=TRANSCRIPT, title="初回ヒアリング", at=CALL_AT, owner_id=REP)
    a.drain()
    assert len(a.notes_on(deal_a)) == 1 and a.deal_properties(deal_a)["dealcoach_score"]
    assert b.notes_on(deal_b) == [] and b.tasks_on(deal_b) == b_tasks
    assert not b.deal_properties(deal_b).get("dealcoach_score")
    assert DealState(redis_conn, a.tenant, deal_a).latest_scorecard()
    assert DealState(redis_conn, b.tenant, deal_b).latest_scorecard() is None
    for s in (a, b):
        entries = idem_entries(redis_conn, s.tenant)
        assert entries and all(e.startswith(f"{s.tenant}/") for e in entries)
    assert redis_conn.exists(f"dealcoach:calldone:{a.tenant}:{call_a}")
    assert not redis_conn.exists(f"dealcoach:calldone:{b.tenant}:{call_a}")

    # A's admin switches A to English; B's call with the very same call id is still B's own, in Japanese.
    _settings(redis_conn, a.tenant, language="en")
    call_b = b.log_call(deal_id=deal_b, transcript=TRANSCRIPT, title="初回ヒアリング", at=CALL_AT, owner_id=REP)
    assert call_b == call_a
    b.drain()
    (note_b,) = b.notes_on(deal_b)
    assert "スコア" in note_b["hs_note_body"] and f"{b.tenant}/deal-{deal_b}" in note_b["hs_note_body"]
    assert len(a.notes_on(deal_a)) == 1, "B's call (same call id, same deal id) wrote nothing into A"

    # Reports read each portal's own users and deals, through each tenant's own metadata cache.
    month = date(TEST_NOW.year, TEST_NOW.month, 1)
    with clock.using(clock.AnchoredClock(TEST_NOW)):
        text = {
            t: json.dumps(dataclasses.asdict(make_report(redis_conn, t, month=month, now=TEST_NOW)),
                          default=str, ensure_ascii=False)
            for t in (a.tenant, b.tenant, a.tenant)
        }
    assert "山田" in text[a.tenant] and "Baker" not in text[a.tenant]
    assert "Baker" in text[b.tenant] and "山田" not in text[b.tenant]

    # Removing A leaves every key of B exactly as it was.
    before_b = keys_of(redis_conn, b.tenant)
    assert len(before_b) >= 8 and keys_of(redis_conn, a.tenant)
    assert forget_tenant(redis_conn, TenantRegistry(redis_conn, TEST_SECRET_KEY), a.tenant) > 0
    assert keys_of(redis_conn, a.tenant) == {}
    assert keys_of(redis_conn, b.tenant) == before_b
    assert runtime.current().tenants(redis_conn).get(b.tenant) is not None


def test_two_salesforce_orgs_with_the_same_ids_never_touch_each_other(
    orgs: tuple[SalesforceStack, SalesforceStack], redis_conn: redis.Redis
) -> None:
    a, b = orgs
    opp_a = a.create_opportunity(name="A社 / 導入", stage="Qualification", amount=1000000)
    opp_b = b.create_opportunity(name="B社 / 導入", stage="Qualification", amount=2000000)
    assert opp_a == opp_b, "the twin orgs hand out the same ids"
    a.drain()
    b.drain()
    b_tasks = b.tasks_on(opp_b)
    task_a = a.log_call(opportunity_id=opp_a, transcript=TRANSCRIPT, subject="通話: 初回ヒアリング", at=CALL_AT)
    a.drain()
    assert len(a.notes_on(opp_a)) == 1 and a.opportunity(opp_a)["DealCoach_Score__c"] is not None
    assert a.opportunity(opp_a)["DealCoach_Checks_Code__c"].startswith("sales-7-phase@"), "the job wrote the code"
    assert b.notes_on(opp_b) == [] and b.tasks_on(opp_b) == b_tasks
    assert b.opportunity(opp_b)["DealCoach_Score__c"] is None

    _settings(redis_conn, a.tenant, sla_enabled=False)
    task_b = b.log_call(opportunity_id=opp_b, transcript=TRANSCRIPT, subject="通話: 初回ヒアリング", at=CALL_AT)
    assert task_b == task_a
    b.drain()
    assert len(b.notes_on(opp_b)) == 1 and len(a.notes_on(opp_a)) == 1
    for s in (a, b):
        entries = idem_entries(redis_conn, s.tenant)
        assert entries and all(e.startswith(f"{s.tenant}/") for e in entries)

    before_b = keys_of(redis_conn, b.tenant)
    assert len(before_b) >= 6 and keys_of(redis_conn, a.tenant)
    assert forget_tenant(redis_conn, TenantRegistry(redis_conn, TEST_SECRET_KEY), a.tenant) > 0
    assert keys_of(redis_conn, a.tenant) == {} and keys_of(redis_conn, b.tenant) == before_b
