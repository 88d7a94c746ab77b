"""CRM objects v3 through the real hubspot-api-client: CRUD, validation errors, batch, paging, calculated values."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hubspot.crm.objects import (
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

TS = "2025-01-31T09:00:00Z"


def _create(client: Any, otype: str, props: dict[str, str], assoc: list[tuple[str, int]] | None = None) -> Any:
    associations = [PublicAssociationsForObject(to=PublicObjectId(id=to_id), types=[
        AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)])
        for to_id, type_id in assoc or []]
    return client.crm.objects.basic_api.create(otype, simple_public_object_input_for_create=(
        SimplePublicObjectInputForCreate(properties=props, associations=associations)))


def test_every_object_type_round_trips(client: Any, api_error: Any) -> None:
    samples = {
        "deals": {"dealname": "株式会社A 導入", "dealstage": "qualifiedtobuy", "amount": "1200000"},
        "contacts": {"email": "kenji@example.co.jp", "firstname": "健二", "lastname": "高橋"},
        "calls": {"hs_timestamp": TS, "hs_call_title": "初回ヒアリング", "hs_call_direction": "OUTBOUND"},
        "notes": {"hs_timestamp": TS, "hs_note_body": "<p>予算感を確認</p>"},
        "tasks": {"hs_timestamp": TS, "hs_task_subject": "見積送付", "hs_task_priority": "HIGH"},
        "emails": {"hs_timestamp": TS, "hs_email_subject": "御礼"},
        "meetings": {"hs_timestamp": TS, "hs_meeting_title": "デモ"},
    }
    for otype, props in samples.items():
        created = _create(client, otype, props)
        assert int(created.id) > 2**31
        assert created.properties["hs_object_id"] == created.id
        fetched = client.crm.objects.basic_api.get_by_id(otype, created.id, properties=list(props))
        assert {k: fetched.properties[k] for k in props} == {
            k: ("2025-01-31T09:00:00.000Z" if k == "hs_timestamp" else v) for k, v in props.items()}
        updated = client.crm.objects.basic_api.update(otype, created.id, simple_public_object_input=(
            SimplePublicObjectInput(properties={"hubspot_owner_id": "75000001"})))
        assert updated.updated_at >= created.updated_at
        client.crm.objects.basic_api.archive(otype, created.id)
        with api_error(404) as err:
            client.crm.objects.basic_api.get_by_id(otype, created.id)
        assert err.body["category"] == "OBJECT_NOT_FOUND"
        assert err.body["message"] == "Object not found.  objectId are usually numeric."
        assert err.body["context"] == {"id": [created.id]}
        archived = client.crm.objects.basic_api.get_by_id(otype, created.id, archived=True)
        assert archived.archived is True


def test_default_and_requested_properties(client: Any) -> None:
    deal = client.crm.deals.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
        properties={"dealname": "B社", "dealstage": "appointmentscheduled"}))
    # A create answers with a copy of the record: what was sent plus what HubSpot set itself.
    assert {"dealname", "dealstage", "createdate", "hs_lastmodifieddate", "hs_object_id", "pipeline",
            "hs_is_closed"} <= set(deal.properties) and "amount" not in deal.properties
    assert deal.properties["pipeline"] == "default" and deal.properties["dealname"] == "B社"
    got = client.crm.deals.basic_api.get_by_id(deal.id, properties=["dealcoach_score", "hs_is_closed", "nope"])
    assert set(got.properties) == {"dealcoach_score", "hs_is_closed", "createdate", "hs_lastmodifieddate",
                                   "hs_object_id"}
    call = _create(client, "calls", {"hs_timestamp": TS})
    assert set(call.properties) == {"hs_timestamp", "hs_createdate", "hs_lastmodifieddate", "hs_object_id"}
    fetched = client.crm.objects.basic_api.get_by_id("calls", call.id)
    assert set(fetched.properties) == {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"}  # a read: defaults


def test_create_and_batch_create_answer_with_the_written_properties(client: Any) -> None:
    sent = {"hs_timestamp": TS, "hs_task_subject": "見積送付", "hs_task_priority": "HIGH"}
    task = _create(client, "tasks", sent)
    assert task.properties == {**sent, "hs_timestamp": "2025-01-31T09:00:00.000Z", "hs_task_status": "NOT_STARTED",
                               "hs_createdate": task.properties["hs_createdate"], "hs_object_id": task.id,
                               "hs_lastmodifieddate": task.properties["hs_lastmodifieddate"]}
    batch = client.crm.objects.tasks.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            SimplePublicObjectInputForCreate(properties={**sent, "hs_task_subject": f"件名{i}"}) for i in range(2)])))
    assert sorted(r.properties["hs_task_subject"] for r in batch.results) == ["件名0", "件名1"]
    assert all({"hs_createdate", "hs_lastmodifieddate", "hs_object_id", "hs_task_priority"} <= set(r.properties)
               for r in batch.results)


def test_associations_on_create_and_v3_block(client: Any, api_error: Any) -> None:
    deal = _create(client, "deals", {"dealname": "C社"})
    contact = _create(client, "contacts", {"email": "c@example.jp"})
    call = _create(client, "calls", {"hs_timestamp": TS}, [(deal.id, 206), (contact.id, 194)])
    got = client.crm.objects.calls.basic_api.get_by_id(call.id, associations=["deals", "contacts"])
    assert got.associations["deals"].results[0].id == deal.id
    assert got.associations["deals"].results[0].type == "call_to_deal"
    assert got.associations["contacts"].results[0].type == "call_to_contact"
    back = client.crm.deals.basic_api.get_by_id(deal.id, associations=["calls"])
    assert [(r.id, r.type) for r in back.associations["calls"].results] == [(call.id, "deal_to_call")]
    with api_error(400) as err:  # NOTE_TO_DEAL's id on a call
        _create(client, "calls", {"hs_timestamp": TS}, [(deal.id, 214)])
    assert "expected: NOTE" in err.body["message"]


@pytest.mark.parametrize(("otype", "props", "code"), [
    ("deals", {"dealname": "x", "no_such_prop": "1"}, "PROPERTY_DOESNT_EXIST"),
    ("tasks", {"hs_task_subject": "no due date"}, "REQUIRED_PROPERTY"),
    ("calls", {"hs_call_title": "no timestamp"}, "REQUIRED_PROPERTY"),
    ("notes", {"hs_timestamp": TS, "hs_note_body": "x" * 65_537}, "INVALID_STRING_LENGTH"),
    ("tasks", {"hs_timestamp": TS, "hs_task_status": "DONE"}, "INVALID_OPTION"),
    ("deals", {"dealstage": "not-a-stage"}, "INVALID_OPTION"),
    ("deals", {"dealcoach_deal_state": "maybe"}, "INVALID_OPTION"),
    ("deals", {"hubspot_owner_id": "1"}, "INVALID_OWNER_ID"),
    ("deals", {"hs_is_closed": "true"}, "READ_ONLY_VALUE"),
    ("deals", {"amount": "lots"}, "INVALID_NUMBER"),
])
def test_invalid_values_are_rejected_like_hubspot(client: Any, api_error: Any, otype: str, props: dict[str, str],
                                                  code: str) -> None:
    with api_error(400) as err:
        _create(client, otype, props)
    body = err.body
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"].startswith("Property values were not valid: ")
    assert json.loads(body["message"].split(": ", 1)[1])[0]["error"] == code
    assert body["errors"][0]["code"] == code


def test_bare_portal_lacks_dealcoach_properties(make_sandbox: Any, api_error: Any) -> None:
    bare = make_sandbox(custom_properties={}).client()
    with api_error(400) as err:
        bare.crm.deals.basic_api.create(simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"dealname": "x", "dealcoach_score": "80"}))
    assert err.body["errors"][0] == {"message": 'Property "dealcoach_score" does not exist',
                                        "code": "PROPERTY_DOESNT_EXIST",
                                        "context": {"propertyName": ["dealcoach_score"]}}


def test_calculated_deal_and_task_values(client: Any) -> None:
    deal = _create(client, "deals", {"dealname": "D社", "dealstage": "contractsent"})
    won = client.crm.deals.basic_api.update(deal.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"dealstage": "closedwon"}))
    got = client.crm.deals.basic_api.get_by_id(won.id, properties=["hs_is_closed", "hs_is_closed_won", "closedate",
                                                                   "notes_last_updated", "num_notes"])
    assert got.properties["hs_is_closed"] == "true" and got.properties["hs_is_closed_won"] == "true"
    assert got.properties["closedate"] and got.properties["notes_last_updated"] is None
    _create(client, "notes", {"hs_timestamp": "2025-02-01T00:00:00Z"}, [(deal.id, 214)])
    got = client.crm.deals.basic_api.get_by_id(deal.id, properties=["notes_last_updated", "num_notes"])
    assert got.properties["notes_last_updated"] == "2025-02-01T00:00:00.000Z" and got.properties["num_notes"] == "1"
    task = _create(client, "tasks", {"hs_timestamp": TS})
    done = client.crm.objects.tasks.basic_api.update(task.id, simple_public_object_input=SimplePublicObjectInput(
        properties={"hs_task_status": "COMPLETED"}))
    full = client.crm.objects.tasks.basic_api.get_by_id(done.id, properties=["hs_task_status",
                                                                             "hs_task_completion_date"])
    assert full.properties["hs_task_completion_date"]


def test_list_pages_with_after(client: Any) -> None:
    ids = [_create(client, "deals", {"dealname": f"deal {i}"}).id for i in range(7)]
    seen, after = [], None
    while True:
        page = client.crm.deals.basic_api.get_page(limit=3, after=after, properties=["dealname"])
        seen += [r.id for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == ids
    assert [d.id for d in client.crm.deals.get_all()] == ids


def test_batch_endpoints(client: Any, api_error: Any) -> None:
    batch = client.crm.objects.tasks.batch_api
    created = batch.create(batch_input_simple_public_object_batch_input_for_create=(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
            SimplePublicObjectInputForCreate(properties={"hs_timestamp": TS, "hs_task_subject": f"t{i}"})
            for i in range(3)])))
    assert created.status == "COMPLETE" and len(created.results) == 3 and created.completed_at
    ids = [r.id for r in created.results]
    read = batch.read(batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
        inputs=[SimplePublicObjectId(id=i) for i in ids + ["999"]], properties=["hs_task_subject"],
        properties_with_history=[]))
    assert read.num_errors == 1 and read.errors[0].context == {"ids": ["999"]}
    assert sorted(r.properties["hs_task_subject"] for r in read.results) == ["t0", "t1", "t2"]
    updated = batch.update(batch_input_simple_public_object_batch_input=BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id=i, properties={"hs_task_status": "COMPLETED"}) for i in ids]))
    assert not getattr(updated, "errors", None) and len(updated.results) == 3
    batch.archive(batch_input_simple_public_object_id=BatchInputSimplePublicObjectId(
        inputs=[SimplePublicObjectId(id=i) for i in ids]))
    assert client.crm.objects.tasks.basic_api.get_page().results == []
    with api_error(400) as err:
        batch.create(batch_input_simple_public_object_batch_input_for_create=(
            BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
                SimplePublicObjectInputForCreate(properties={"hs_timestamp": TS}) for _ in range(101)])))
    assert err.body["category"] == "VALIDATION_ERROR" and "limit of 100" in err.body["message"]


def test_batch_create_is_all_or_nothing(client: Any, sandbox: Any, api_error: Any) -> None:
    with api_error(400):
        client.crm.objects.notes.batch_api.create(batch_input_simple_public_object_batch_input_for_create=(
            BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
                SimplePublicObjectInputForCreate(properties={"hs_timestamp": TS}),
                SimplePublicObjectInputForCreate(properties={"hs_note_body": "missing timestamp"})])))
    assert sandbox.dump("notes") == []


def test_unknown_object_type_is_400(client: Any, api_error: Any) -> None:
    with api_error(400) as err:
        client.crm.objects.basic_api.get_page("widgets")
    assert "widgets" in err.body["message"]


def test_object_type_ids_in_paths(client: Any) -> None:
    call = _create(client, "0-48", {"hs_timestamp": TS})
    assert client.crm.objects.basic_api.get_by_id("calls", call.id).id == call.id


@pytest.mark.parametrize(("method", "path", "body", "status"), [
    ("POST", "/crm/v3/objects/deals", "{not json", 400),
    ("POST", "/crm/v3/objects/deals", '{"properties": ["dealname"]}', 400),
    ("POST", "/crm/v3/objects/calls", '{"properties": {"hs_timestamp": "1"}, "associations": '
                                      '[{"to": {"id": "1"}, "types": [{"associationTypeId": "abc"}]}]}', 400),
    ("POST", "/crm/v3/objects/deals/batch/create", '{"inputs": [1, 2]}', 400),
    ("PUT", "/crm/v4/objects/deals/1/associations/calls/2", '{"not": "a list"}', 400),
    ("GET", "/crm/v3/no/such/endpoint", "", 404),
    ("PUT", "/crm/v3/objects/deals", "{}", 405),
])
def test_malformed_requests_get_hubspot_error_bodies(sandbox: Any, method: str, path: str, body: str,
                                                     status: int) -> None:
    resp = sandbox.http.request(method, f"{sandbox.url}{path}", data=body, timeout=5, headers={
        "Authorization": "Bearer sandbox-token", "Content-Type": "application/json"})
    assert resp.status_code == status
    assert {"status", "message", "correlationId", "category"} <= set(resp.json())
