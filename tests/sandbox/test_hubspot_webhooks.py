"""App webhooks from the sandbox: HubSpot's wire format, v3 + v1 signatures, batching, retries, redelivery."""

from __future__ import annotations

import json
from typing import Any

from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInputForCreate,
    SimplePublicObjectInput,
)
from hubspot.crm.objects import SimplePublicObjectInputForCreate as Create

from webhooks.signatures import HubSpotRequest, verify_hubspot

SECRET = "receiver-secret"
TS = "2025-03-01T10:00:00Z"


def _wire(sandbox: Any, receiver: Any, **extra: Any) -> None:
    sandbox.control("POST", "webhooks", {"target_url": receiver.url, "client_secret": SECRET, **extra})


def _flush(sandbox: Any) -> list[dict[str, Any]]:
    out = sandbox.control("POST", "webhooks/flush", {"timeout_s": 10})
    assert out["settled"]
    return out["deliveries"]


def _events(receiver: Any) -> list[dict[str, Any]]:
    return [e for r in receiver.requests for e in json.loads(r["body"])]


def _verify(req: dict[str, Any], *, without_v3: bool = False) -> str:
    headers = {k: v for k, v in req["headers"].items() if not (without_v3 and k.lower() == "x-hubspot-signature-v3")}
    return verify_hubspot(HubSpotRequest("POST", req["url"], headers, req["body"]), [SECRET])


def test_deal_events_in_hubspot_wire_format_and_signed(client: Any, sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    deal = client.crm.deals.basic_api.create(simple_public_object_input_for_create=Create(
        properties={"dealname": "J社", "dealstage": "appointmentscheduled"}))
    client.crm.deals.basic_api.update(deal.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"dealstage": "contractsent", "amount": "500000"}))
    _flush(sandbox)
    events = sorted(_events(receiver), key=lambda e: e["eventId"])
    assert [(e["subscriptionType"], e.get("propertyValue")) for e in events] == [
        ("deal.creation", None), ("deal.propertyChange", "appointmentscheduled"),
        ("deal.propertyChange", "contractsent")]
    creation = events[0]
    assert set(creation) == {"eventId", "subscriptionId", "portalId", "appId", "occurredAt", "subscriptionType",
                             "attemptNumber", "objectId", "changeSource", "sourceId", "changeFlag"}
    assert (creation["portalId"], creation["appId"], creation["objectId"], creation["changeFlag"],
            creation["changeSource"], creation["attemptNumber"]) == (62515, 54321, int(deal.id), "CREATED",
                                                                     "INTEGRATION", 0)
    assert creation["sourceId"] == "54321"  # the app id, as a string
    assert events[2]["propertyName"] == "dealstage" and isinstance(events[2]["occurredAt"], int)
    req = receiver.requests[0]
    assert req["headers"]["Content-Type"] == "application/json"
    assert req["headers"]["X-Hubspot-Signature-Version"] == "v1"
    assert _verify(req) == "v3" and _verify(req, without_v3=True) == "v1"


def test_generic_object_subscriptions(client: Any, sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    calls = client.crm.objects.calls.basic_api
    call = calls.create(simple_public_object_input_for_create=Create(properties={"hs_timestamp": TS}))
    calls.update(call.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"hs_attachment_ids": "190000000000", "hs_call_title": "not subscribed"}))
    task = client.crm.objects.tasks.basic_api.create(simple_public_object_input_for_create=Create(
        properties={"hs_timestamp": TS}))
    client.crm.objects.tasks.basic_api.update(task.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"hs_task_status": "COMPLETED"}))
    _flush(sandbox)
    got = [(e["subscriptionType"], e["objectTypeId"], e.get("propertyName"), e.get("propertyValue"),
            e.get("changeFlag")) for e in sorted(_events(receiver), key=lambda e: e["eventId"])]
    assert got == [("object.creation", "0-48", None, None, "CREATED"),
                   ("object.propertyChange", "0-48", "hs_attachment_ids", "190000000000", None),
                   ("object.propertyChange", "0-27", "hs_task_status", "NOT_STARTED", None),
                   ("object.propertyChange", "0-27", "hs_task_status", "COMPLETED", None)]


def test_ui_changes_and_seeds(sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    deal = sandbox.seed(deals=[{"properties": {"dealname": "K社", "dealstage": "qualifiedtobuy"}}])["deals"][0]
    sandbox.control("POST", "changes", {"changes": [
        {"objectType": "deals", "id": deal, "properties": {"dealstage": "closedlost"}},
        {"objectType": "meetings", "properties": {"hs_timestamp": TS}, "associations": {"deals": [deal]}}]})
    sandbox.seed(emit_webhooks=True, emails=[{"properties": {"hs_timestamp": TS}}])
    _flush(sandbox)
    events = sorted(_events(receiver), key=lambda e: e["eventId"])
    assert [(e["subscriptionType"], e["changeSource"]) for e in events] == [
        ("deal.propertyChange", "CRM_UI"), ("object.creation", "CRM_UI"), ("object.creation", "IMPORT")]
    assert events[0]["sourceId"] == "userId:9100001" and events[0]["propertyValue"] == "closedlost"
    assert sandbox.control("GET", "writes")["total"] == 0  # UI changes and seeds are not DealCoach's writes


def test_retries_until_2xx_with_incremented_attempt_number(client: Any, sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    receiver.statuses = [500, 404]
    client.crm.deals.basic_api.create(simple_public_object_input_for_create=Create(properties={"dealname": "L社"}))
    deliveries = _flush(sandbox)
    assert [(a["attemptNumber"], a["status"]) for a in deliveries[0]["attempts"]] == [(0, 500), (1, 404), (2, 200)]
    bodies = [json.loads(r["body"]) for r in receiver.requests]
    assert [b[0]["attemptNumber"] for b in bodies] == [0, 1, 2]
    assert len({b[0]["eventId"] for b in bodies}) == 1
    assert all(_verify(r) == "v3" for r in receiver.requests)


def test_unreachable_target_gives_up_after_max_attempts(client: Any, sandbox: Any) -> None:
    sandbox.control("POST", "webhooks", {"target_url": "http://127.0.0.1:9/closed"})
    client.crm.deals.basic_api.create(simple_public_object_input_for_create=Create(properties={"dealname": "M社"}))
    delivery = _flush(sandbox)[0]
    assert delivery["delivered"] is False and delivery["done"] is True
    assert len(delivery["attempts"]) == 4
    assert all(a["status"] is None and a["error"].startswith("connection_error") for a in delivery["attempts"])


def test_redeliver_sends_the_same_events_again(client: Any, sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    client.crm.deals.basic_api.create(simple_public_object_input_for_create=Create(properties={"dealname": "N社"}))
    _flush(sandbox)
    again = sandbox.control("POST", "webhooks/redeliver")
    assert again["redelivery"] is True and again["delivered"] is True
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert _verify(second) == "v3"


def test_batches_hold_at_most_100_events(client: Any, sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver, subscriptions=[{"subscriptionType": "object.creation", "objectTypeId": "0-48"}])
    batch = client.crm.objects.calls.batch_api
    for size in (100, 50):
        batch.create(batch_input_simple_public_object_batch_input_for_create=(
            BatchInputSimplePublicObjectBatchInputForCreate(inputs=[Create(properties={"hs_timestamp": TS})] * size)))
    _flush(sandbox)
    sizes = [len(json.loads(r["body"])) for r in receiver.requests]
    assert sum(sizes) == 150 and max(sizes) <= 100 and len(sizes) >= 2


def test_events_are_recorded_without_a_target(client: Any, sandbox: Any) -> None:
    client.crm.deals.basic_api.create(simple_public_object_input_for_create=Create(properties={"dealname": "O社"}))
    assert [e["subscriptionType"] for e in sandbox.control("GET", "webhooks/events")["events"]] == ["deal.creation"]
    assert sandbox.control("GET", "webhooks/deliveries")["deliveries"] == []


def test_writes_name_the_app_whose_token_made_them(sandbox: Any, receiver: Any) -> None:
    _wire(sandbox, receiver)
    ours = sandbox.client().crm.deals.basic_api.create(simple_public_object_input_for_create=Create(
        properties={"dealname": "自社アプリ"}))
    other = sandbox.client(access_token="sandbox-other-app-token").crm.deals.basic_api.create(
        simple_public_object_input_for_create=Create(properties={"dealname": "他アプリ"}))
    _flush(sandbox)
    creations = {e["objectId"]: e for e in _events(receiver) if e["subscriptionType"] == "deal.creation"}
    assert (creations[int(ours.id)]["changeSource"], creations[int(ours.id)]["sourceId"]) == ("INTEGRATION", "54321")
    assert (creations[int(other.id)]["changeSource"], creations[int(other.id)]["sourceId"]) == ("INTEGRATION",
                                                                                                 "7100001")
    assert {e["appId"] for e in creations.values()} == {54321}  # the receiving app, whoever wrote
