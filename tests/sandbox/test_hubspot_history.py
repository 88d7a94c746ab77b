"""`propertiesWithHistory` through the real hubspot-api-client: every value set is a version (value, timestamp from
the clock seam, sourceType/sourceId of the change's origin), listed newest first on reads by id and batch reads."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInput,
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectBatchInput,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from connector import clock
from connector.sandbox.hubspot_values import iso_ms, now_ms

APP = "54321"  # HubSpotSandboxConfig.app_id: an app's API writes name it as their sourceId
USER = "userId:9100001"  # the first owner's user, whom control-API UI changes act as


def _stage(client: Any, deal_id: str, stage: str) -> None:
    client.crm.objects.basic_api.update("deals", deal_id, SimplePublicObjectInput(properties={"dealstage": stage}))


def _rows(versions: list[Any]) -> list[tuple[str, datetime, str, str | None]]:
    return [(v.value, v.timestamp, v.source_type, v.source_id) for v in versions]


def test_versions_come_newest_first_with_the_source_of_each_change(
    client: Any, sandbox: Any, world_clock: clock.AnchoredClock
) -> None:
    deal = client.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"dealname": "履歴社", "dealstage": "appointmentscheduled"}))
    created = deal.created_at
    world_clock.advance(timedelta(days=2))
    _stage(client, deal.id, "qualifiedtobuy")
    moved = clock.now()
    world_clock.advance(timedelta(days=3))
    sandbox.control("POST", "changes", {"objectType": "deals", "id": deal.id,
                                        "properties": {"dealstage": "appointmentscheduled"}})
    back = clock.now()
    world_clock.advance(timedelta(days=1))
    client.crm.objects.batch_api.update("deals", BatchInputSimplePublicObjectBatchInput(inputs=[
        SimplePublicObjectBatchInput(id=deal.id, properties={"dealname": "履歴社 v2"})]))

    got = client.crm.deals.basic_api.get_by_id(deal.id, properties=["dealstage"],
                                               properties_with_history=["dealstage", "dealname", "no_such_property"])
    assert got.properties["dealstage"] == "appointmentscheduled"
    assert set(got.properties_with_history) == {"dealstage", "dealname"}  # unknown names are ignored
    stages = got.properties_with_history["dealstage"]
    assert [(v.value, v.source_type, v.source_id) for v in stages] == [
        ("appointmentscheduled", "CRM_UI", USER), ("qualifiedtobuy", "INTEGRATION", APP),
        ("appointmentscheduled", "INTEGRATION", APP)]
    assert stages[0].updated_by_user_id == 9100001 and stages[1].updated_by_user_id is None
    # Timestamps are the clock seam's instants of the writes (ms precision), not the wall clock's.
    assert [v.timestamp for v in stages][::-1] == sorted(v.timestamp for v in stages)
    assert stages[2].timestamp == created
    assert abs(stages[1].timestamp - moved) < timedelta(seconds=2)
    assert abs(stages[0].timestamp - back) < timedelta(seconds=2)
    assert [(v.value, v.source_type) for v in got.properties_with_history["dealname"]] == [
        ("履歴社 v2", "INTEGRATION"), ("履歴社", "INTEGRATION")]

    # Without the parameter there is no history; batch read takes it in the body.
    assert client.crm.deals.basic_api.get_by_id(deal.id).properties_with_history is None
    batch = client.crm.objects.batch_api.read("deals", BatchReadInputSimplePublicObjectId(
        properties=["dealstage"], properties_with_history=["dealstage"], inputs=[SimplePublicObjectId(id=deal.id)]))
    assert _rows(batch.results[0].properties_with_history["dealstage"]) == _rows(stages)


def test_wire_format_seeds_and_calculated_values(client: Any, sandbox: Any) -> None:
    seeded_at = now_ms() - 30 * 86_400_000
    deal = sandbox.seed(deals=[{"properties": {"dealname": "種社", "dealstage": "closedwon"},
                                "createdAt": seeded_at}])["deals"][0]
    raw = sandbox.http.get(f"{sandbox.url}/crm/v3/objects/deals/{deal}",
                           params={"propertiesWithHistory": "dealstage,hs_is_closed"},
                           headers={"Authorization": "Bearer sandbox-token"}, timeout=10).json()
    # HubSpot's ValueWithTimestamp: ISO-8601 with milliseconds; seeds are imports, derived values CALCULATED.
    assert raw["propertiesWithHistory"] == {
        "dealstage": [{"value": "closedwon", "timestamp": iso_ms(seeded_at), "sourceType": "IMPORT",
                       "sourceId": "sandbox-seed"}],
        "hs_is_closed": [{"value": "true", "timestamp": iso_ms(seeded_at), "sourceType": "CALCULATED"}],
    }
    # Writing the value a property already holds adds no version.
    _stage(client, deal, "closedwon")
    again = client.crm.deals.basic_api.get_by_id(deal, properties_with_history=["dealstage"])
    assert len(again.properties_with_history["dealstage"]) == 1
