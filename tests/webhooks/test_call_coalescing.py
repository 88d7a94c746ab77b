"""One `call.logged` job per call and delivery: HubSpot's creation and `hs_attachment_ids` change of one call logged
with its recording arrive together, and a second job would only fork a worker to find the call done (issue 12)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis
from rq import Queue

from connector.models import Event
from sync.queue import SCORING
from tests.webhooks.test_hubspot_webhook import client, fixture, fixtures_clock, post  # noqa: F401  (fixtures)
from webhooks.hubspot import coalesce_calls

T0 = datetime(2025, 11, 21, 7, 0, tzinfo=UTC)


def _call(event_id: str, call_id: str, subscription: str, *, tenant: str = "hubspot:62515") -> Event:
    return Event(kind="call.logged", tenant=tenant, event_id=event_id, object_id=call_id, occurred_at=T0,
                 object_type="call", data={"subscription_type": subscription})


def _stage(event_id: str) -> Event:
    return Event(kind="deal.stage_changed", tenant="hubspot:62515", event_id=event_id, object_id="9", occurred_at=T0)


def test_a_calls_announcements_in_one_delivery_become_one_event_the_creation() -> None:
    change, creation = _call("e1", "17", "object.propertyChange"), _call("e2", "17", "object.creation")
    other, stage = _call("e3", "18", "object.propertyChange"), _stage("e4")
    kept, folded = coalesce_calls([change, stage, creation, other])
    assert (kept, folded) == ([creation, stage, other], 1)


def test_same_call_id_of_another_portal_and_other_kinds_are_kept() -> None:
    a, b = _call("e1", "17", "object.creation"), _call("e2", "17", "object.creation", tenant="hubspot:99")
    stages = [_stage("e3"), _stage("e4")]
    assert coalesce_calls([a, b, *stages]) == ([a, b, *stages], 0)


def _attachment_change_of(creation: dict[str, Any]) -> dict[str, Any]:
    return {**creation, "eventId": creation["eventId"] + 1, "subscriptionType": "object.propertyChange",
            "propertyName": "hs_attachment_ids", "propertyValue": "170000003011"}


def test_one_delivery_queues_one_call_job_and_counts_the_other_as_a_duplicate(client: Any,
                                                                                redis_conn: redis.Redis) -> None:
    (creation,) = json.loads(fixture("object.creation__call.json"))
    body = json.dumps([_attachment_change_of(creation), creation]).encode()
    answer = post(client, body).get_json()
    assert answer == {"queued": 1, "duplicates": 1, "ignored": 0}
    (job_id,) = Queue(SCORING, connection=redis_conn).job_ids
    assert job_id.endswith(f"-{creation['eventId']}-{creation['occurredAt']}")
    assert post(client, body).get_json() == {"queued": 0, "duplicates": 2, "ignored": 0}  # a redelivery: still one


def test_announcements_in_separate_deliveries_are_not_folded(client: Any, redis_conn: redis.Redis) -> None:
    (creation,) = json.loads(fixture("object.creation__call.json"))
    for raw in (creation, _attachment_change_of(creation)):
        assert post(client, json.dumps([raw]).encode()).get_json()["queued"] == 1
    assert len(Queue(SCORING, connection=redis_conn).job_ids) == 2
