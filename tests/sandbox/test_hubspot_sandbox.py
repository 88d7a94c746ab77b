"""The sandbox as DealCoach and the demo use it: seed a portal, read a logged call's transcript, find stale deals,
write scores and follow-up tasks through the real SDK, then assert on the control API's view of the portal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from hubspot.crm.deals import (
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
)
from hubspot.crm.objects import (
    AssociationSpec,
    PublicAssociationsForObject,
    PublicObjectId,
)
from hubspot.crm.objects import SimplePublicObjectInputForCreate as Create

from connector import clock
from connector.sandbox.hubspot import HubSpotSandboxConfig, start_hubspot_sandbox

DAY_MS = 86_400_000
TRANSCRIPT = "WEBVTT\n\n00:00.000 --> 00:04.000\n<v 山田>御社の課題を教えてください。\n"


def _now_ms() -> int:
    return int(clock.now().timestamp() * 1000)


def _iso_days_ago(days: int) -> str:
    return (clock.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_demo_flow(client: Any, sandbox: Any) -> None:
    ids = sandbox.seed(
        files=[{"name": "初回商談.vtt", "content": TRANSCRIPT}],
        contacts=[{"properties": {"email": "ceo@a-sha.co.jp", "lastname": "鈴木"}}],
        deals=[{"properties": {"dealname": "A社 SFA導入", "dealstage": "qualifiedtobuy", "hubspot_owner_id": "75000001",
                               "notes_last_updated": _iso_days_ago(20)}, "createdAt": _iso_days_ago(40),
                "associations": {"contacts": [0]}},
               {"properties": {"dealname": "B社 追加", "dealstage": "closedwon"}, "createdAt": _iso_days_ago(40)}],
        calls=[{"properties": {"hs_timestamp": _iso_days_ago(20), "hs_call_title": "初回商談"}, "attachments": [0],
                "associations": {"deals": [0], "contacts": [0]}}],
    )
    deal_id, call_id = ids["deals"][0], ids["calls"][0]

    # A call was logged: read its attachment and download the transcript through a signed URL.
    call = client.crm.objects.calls.basic_api.get_by_id(call_id, properties=["hs_attachment_ids"],
                                                        associations=["deals"])
    assert call.associations["deals"].results[0].id == deal_id
    file_id = call.properties["hs_attachment_ids"]
    assert file_id == ids["files"][0]
    signed = client.files.files_api.get_signed_url(file_id)
    assert requests.get(signed.url, timeout=5).content.decode() == TRANSCRIPT

    # The SLA sweep: open deals without activity for 14 days.
    cutoff = str(_now_ms() - 14 * DAY_MS)
    stale = client.crm.deals.search_api.do_search(public_object_search_request=PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="notes_last_updated", operator="LT", value=cutoff),
                                            Filter(property_name="hs_is_closed", operator="EQ", value="false")])],
        properties=["dealname", "hubspot_owner_id"]))
    assert [d.id for d in stale.results] == [deal_id]

    # Write back the scorecard and a follow-up task for the owner.
    client.crm.deals.basic_api.update(deal_id, simple_public_object_input=SimplePublicObjectInput(properties={
        "dealcoach_score": "72", "dealcoach_deal_state": "wadai",
        "dealcoach_last_scored_at": str(_now_ms()),
        "dealcoach_bant": "budget: found; authority: not found"}))
    task = client.crm.objects.tasks.basic_api.create(simple_public_object_input_for_create=Create(
        properties={"hs_timestamp": str(_now_ms() + DAY_MS), "hs_task_subject": "A社へ見積を送付",
                    "hs_task_type": "TODO", "hs_task_priority": "HIGH", "hubspot_owner_id": "75000001",
                    "dealcoach_key": f"followup:{deal_id}:{call_id}"},
        associations=[PublicAssociationsForObject(to=PublicObjectId(id=deal_id), types=[
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=216)])]))

    [deal] = [d for d in sandbox.dump("deals") if d["id"] == deal_id]
    assert deal["properties"]["dealcoach_deal_state"] == "wadai"
    assert deal["properties"]["dealcoach_last_scored_at"].endswith("Z")
    assert deal["associations"]["tasks"] == [{"id": task.id, "typeIds": [215]}]
    assert deal["associations"]["contacts"][0]["typeIds"] == [3]
    writes = sandbox.control("GET", "writes")["results"]
    assert [(w["action"], w["objectType"]) for w in writes] == [
        ("update", "deals"), ("create", "tasks"), ("associate", "tasks")]


def test_seed_validation_errors_use_hubspot_shape(sandbox: Any) -> None:
    resp = sandbox.http.post(f"{sandbox.url}/_sandbox/seed", json={"dealz": []}, timeout=5)
    assert resp.status_code == 400 and resp.json()["category"] == "VALIDATION_ERROR"
    resp = sandbox.http.post(f"{sandbox.url}/_sandbox/seed",
                             json={"calls": [{"properties": {"hs_timestamp": "1"}, "associations": {"deals": [3]}}]},
                             timeout=5)
    assert resp.status_code == 400 and "deals[3]" in resp.json()["message"]
    resp = sandbox.http.post(f"{sandbox.url}/_sandbox/faults", json={"status": 200}, timeout=5)
    assert resp.status_code == 400


def test_reset_empties_the_portal(client: Any, sandbox: Any) -> None:
    sandbox.seed(deals=[{"properties": {"dealname": "x"}}], owners=[{"email": "extra@example.jp"}])
    sandbox.control("POST", "faults", {"status": 500, "rate": 1.0})
    sandbox.control("POST", "reset")
    assert client.crm.deals.basic_api.get_page().results == []
    assert len(client.crm.owners.owners_api.get_page().results) == 2
    assert sandbox.control("GET", "calls")["total"] == 2


def test_start_helper_copies_its_config() -> None:
    config = HubSpotSandboxConfig(portal_id=99, access_tokens=["t1"])
    server, app = start_hubspot_sandbox(config)
    try:
        config.access_tokens.append("t2")
        assert app.extensions["hubspot_sandbox"].config.access_tokens == ["t1"]
        resp = requests.get(f"{server.url}/crm/v3/owners/", headers={"Authorization": "Bearer t2"}, timeout=5)
        assert resp.status_code == 401
        resp = requests.get(f"{server.url}/crm/v3/owners", headers={"Authorization": "Bearer t1"}, timeout=5)
        assert resp.status_code == 200 and resp.headers["X-HubSpot-RateLimit-Max"] == "110"
    finally:
        server.stop()
