"""End to end on Salesforce: TLS sandbox org → Outbound Message (SOAP) → app → Redis/RQ → jobs → simple-salesforce."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import redis

from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from tests.conftest import FIXTURES, TEST_NOW, TEST_SECRET_KEY
from webhooks.app import create_app

TRANSCRIPT = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
CALL_AT = TEST_NOW - timedelta(hours=1)


@pytest.fixture
def stack(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        yield s


def scored_opportunity(stack: SalesforceStack) -> tuple[str, str]:
    opp = stack.create_opportunity(name="株式会社テスト / 導入", stage="Qualification", amount=1200000)
    stack.drain()
    task = stack.log_call(opportunity_id=opp, transcript=TRANSCRIPT, subject="通話: 初回ヒアリング", at=CALL_AT)
    stack.drain()
    return opp, task


def test_outbound_message_becomes_note_tasks_and_fields(stack: SalesforceStack) -> None:
    opp, task = scored_opportunity(stack)
    deliveries = stack.control("GET", "outbound/deliveries")["deliveries"]
    assert deliveries and all(d["delivered"] for d in deliveries), "every Outbound Message was ACKed"
    notes = stack.notes_on(opp)
    assert len(notes) == 1 and "スコア" in notes[0]["content"]
    assert f"dealcoach:key=salesforce:00D5g000004XyZaEAK/deal-{opp}/call-{task}/scorecard" in notes[0]["content"]
    tasks = stack.tasks_on(opp)
    assert any("お礼" in t["Subject"] or "議事録" in t["Subject"] for t in tasks)
    assert all(t["ReminderDateTime"] and t["ActivityDate"] for t in tasks)
    fields = stack.opportunity(opp)
    assert 0 <= fields["DealCoach_Score__c"] <= 100 and fields["DealCoach_BANT__c"].startswith("B")


def test_redelivery_and_reruns_make_no_duplicates(stack: SalesforceStack, redis_conn: redis.Redis) -> None:
    opp, _ = scored_opportunity(stack)
    before = (len(stack.notes_on(opp)), len(stack.tasks_on(opp)))
    for _ in range(2):
        stack.control("POST", "outbound/redeliver", {"channel": "outbound"})
        stack.drain()
    assert (len(stack.notes_on(opp)), len(stack.tasks_on(opp))) == before
    for key in list(redis_conn.scan_iter("dealcoach:idem:*")) + list(redis_conn.scan_iter("rq:*")):
        redis_conn.delete(key)
    stack.control("POST", "outbound/redeliver", {"channel": "outbound"})
    stack.drain()
    assert (len(stack.notes_on(opp)), len(stack.tasks_on(opp))) == before, "CRM markers rebuild the lost map"


def test_stage_change_gets_one_coaching_task_per_entry(stack: SalesforceStack) -> None:
    opp, _ = scored_opportunity(stack)
    before = len(stack.tasks_on(opp))
    stack.move_stage(opp, "Needs Analysis")
    stack.drain()
    stack.sf.Opportunity.update(opp, {"Amount": 1500000})
    stack.drain()
    tasks = stack.tasks_on(opp)
    assert len(tasks) == before + 1, "an edit that keeps the stage is not a stage entry"
    assert any("☑" in (t["Description"] or "") for t in tasks)


def test_changes_made_by_dealcoachs_own_user_are_skipped(stack: SalesforceStack, redis_conn: redis.Redis) -> None:
    """An Outbound Message for a change the integration user made (LastModifiedById) is DealCoach's own doing."""
    from rq import Queue

    from sync.queue import EVENTS

    opp = stack.create_opportunity(name="自己変更テスト", stage="Qualification", amount=500000)
    stack.drain()
    before = len(stack.tasks_on(opp))
    as_dealcoach = stack.org.client()  # the session DealCoach's tenant uses
    as_dealcoach.Opportunity.update(opp, {"StageName": "Needs Analysis"})
    stack.drain()
    assert len(stack.tasks_on(opp)) == before
    results = [Queue(EVENTS, connection=redis_conn).fetch_job(j).return_value()
               for j in Queue(EVENTS, connection=redis_conn).finished_job_registry.get_job_ids()]
    assert {"status": "skipped", "reason": "own_change"} in results
    stack.move_stage(opp, "Value Proposition")
    stack.drain()
    assert len(stack.tasks_on(opp)) == before + 1, "the rep's change is coached"
