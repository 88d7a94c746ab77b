"""Associations v4 through the real SDK: labelled and default PUTs, paged reads, batch read/create/archive."""

from __future__ import annotations

from typing import Any

from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicAssociationMultiArchive,
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicAssociationMultiArchive,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicFetchAssociationsBatchRequest,
    PublicObjectId,
)

TS = "2025-03-01T10:00:00Z"


def _spec(type_id: int) -> list[AssociationSpec]:
    return [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)]


def test_labelled_put_get_and_delete(client: Any, sandbox: Any, api_error: Any) -> None:
    ids = sandbox.seed(deals=[{"properties": {"dealname": "E社"}}],
                       notes=[{"properties": {"hs_timestamp": TS}}], tasks=[{"properties": {"hs_timestamp": TS}}])
    deal, note, task = ids["deals"][0], ids["notes"][0], ids["tasks"][0]
    v4 = client.crm.associations.v4.basic_api
    pair = v4.create("notes", note, "deals", deal, association_spec=_spec(214))
    assert (pair.from_object_type_id, pair.to_object_type_id, pair.from_object_id, pair.to_object_id) == (
        "0-46", "0-3", note, deal)
    v4.create("0-27", task, "0-3", deal, association_spec=_spec(216))
    page = v4.get_page("deals", deal, "notes")
    assert [(r.to_object_id, r.association_types[0].type_id, r.association_types[0].category)
            for r in page.results] == [(note, 213, "HUBSPOT_DEFINED")]
    assert page.results[0].association_types[0].label is None
    assert v4.get_page("deals", deal, "tasks").results[0].association_types[0].type_id == 215
    with api_error(400) as err:  # TASK_TO_DEAL's id used for a note
        v4.create("notes", note, "deals", deal, association_spec=_spec(216))
    assert err.body["category"] == "VALIDATION_ERROR"
    v4.archive("deals", deal, "notes", note)
    assert v4.get_page("notes", note, "deals").results == []
    assert v4.get_page("deals", deal, "tasks").results != []


def test_default_put_and_unknown_pairs(client: Any, sandbox: Any, api_error: Any) -> None:
    ids = sandbox.seed(calls=[{"properties": {"hs_timestamp": TS}}], notes=[{"properties": {"hs_timestamp": TS}}],
                       deals=[{"properties": {"dealname": "F社"}}])
    call, note, deal = ids["calls"][0], ids["notes"][0], ids["deals"][0]
    v4 = client.crm.associations.v4.basic_api
    result = v4.create_default("calls", call, "deals", deal)
    assert result.status == "COMPLETE"
    assert {(r._from.id, r.to.id, r.association_spec.association_type_id) for r in result.results} == {
        (call, deal, 206), (deal, call, 205)}
    # HubSpot defines no note↔call association type (hubspot/crm/association_type.py lists none): refused.
    with api_error(400) as err:
        v4.create_default("notes", note, "calls", call)
    assert err.body["category"] == "VALIDATION_ERROR" and "NOTE to CALL" in err.body["message"]
    assert v4.get_page("calls", call, "notes").results == []
    pair = PublicDefaultAssociationMultiPost(_from=PublicObjectId(id=note), to=PublicObjectId(id=call))
    with api_error(400):
        client.crm.associations.v4.batch_api.create_default("notes", "calls", (
            BatchInputPublicDefaultAssociationMultiPost(inputs=[pair])))
    assert sandbox.control("GET", "writes")["total"] == 1


def test_paging_of_associations(client: Any, sandbox: Any) -> None:
    ids = sandbox.seed(deals=[{"properties": {"dealname": "G社"}}],
                       calls=[{"properties": {"hs_timestamp": TS}, "associations": {"deals": [0]}} for _ in range(5)])
    v4 = client.crm.associations.v4.basic_api
    seen, after = [], None
    while True:
        page = v4.get_page("deals", ids["deals"][0], "calls", limit=2, after=after)
        seen += [r.to_object_id for r in page.results]
        if page.paging is None:
            break
        after = page.paging.next.after
    assert seen == ids["calls"]


def test_batch_endpoints(client: Any, sandbox: Any) -> None:
    ids = sandbox.seed(deals=[{"properties": {"dealname": f"deal {i}"}} for i in range(3)],
                       tasks=[{"properties": {"hs_timestamp": TS}} for _ in range(3)])
    deals, tasks = ids["deals"], ids["tasks"]
    batch = client.crm.associations.v4.batch_api
    created = batch.create("tasks", "deals", batch_input_public_association_multi_post=(
        BatchInputPublicAssociationMultiPost(inputs=[
            PublicAssociationMultiPost(_from=PublicObjectId(id=t), to=PublicObjectId(id=d), types=_spec(216))
            for t, d in zip(tasks[:2], deals[:2])])))
    assert created.status == "COMPLETE" and [r.to_object_id for r in created.results] == deals[:2]
    defaults = batch.create_default("tasks", "deals", batch_input_public_default_association_multi_post=(
        BatchInputPublicDefaultAssociationMultiPost(inputs=[
            PublicDefaultAssociationMultiPost(_from=PublicObjectId(id=tasks[2]), to=PublicObjectId(id=deals[2]))])))
    assert len(defaults.results) == 2
    read = batch.get_page("deals", "tasks", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=d)
                                                              for d in deals])))
    assert {r._from.id: r.to[0].to_object_id for r in read.results} == dict(zip(deals, tasks))
    batch.archive("deals", "tasks", batch_input_public_association_multi_archive=(
        BatchInputPublicAssociationMultiArchive(inputs=[
            PublicAssociationMultiArchive(_from=PublicObjectId(id=deals[0]), to=[PublicObjectId(id=tasks[0])])])))
    # A record without associations makes HubSpot answer 207 with a NO_ASSOCIATIONS_FOUND error for it.
    partial = batch.get_page("deals", "tasks", batch_input_public_fetch_associations_batch_request=(
        BatchInputPublicFetchAssociationsBatchRequest(inputs=[PublicFetchAssociationsBatchRequest(id=d)
                                                              for d in deals])))
    assert partial.num_errors == 1 and len(partial.results) == 2
    assert partial.errors[0].sub_category == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert partial.errors[0].context == {"fromObjectId": [deals[0]]}


def test_activity_association_moves_deal_last_activity(client: Any, sandbox: Any) -> None:
    ids = sandbox.seed(deals=[{"properties": {"dealname": "H社"}}], calls=[{"properties": {"hs_timestamp": TS}}])
    client.crm.associations.v4.basic_api.create("calls", ids["calls"][0], "deals", ids["deals"][0],
                                                association_spec=_spec(206))
    deal = client.crm.deals.basic_api.get_by_id(ids["deals"][0], properties=["notes_last_updated", "num_notes"])
    assert deal.properties["notes_last_updated"] == "2025-03-01T10:00:00.000Z"
    assert deal.properties["num_notes"] == "1"
