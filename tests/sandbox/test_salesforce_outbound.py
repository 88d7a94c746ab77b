"""Workflow outbound messages from the sandbox org to a tiny local receiver: the SOAP envelope (parsed with
defusedxml), batching, retries until the receiver acknowledges, flush and redelivery, and the signed Flow JSON."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import pytest
from flask import Flask, Response, request

from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import MANAGER_USER_ID, REP_USER_ID
from connector.sandbox.salesforce_ids import to18
from connector.sandbox.salesforce_soap import ACK
from connector.sandbox.server import ServerThread
from webhooks.signatures import verify_dealcoach

SOAP = "{http://schemas.xmlsoap.org/soap/envelope/}"
OUT = "{http://soap.sforce.com/2005/09/outbound}"
SF = "{urn:sobject.enterprise.soap.sforce.com}"
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
ORG = "00D5g000004XyZaEAK"
OPP = {"Name": "A社 SFA導入", "StageName": "Qualification", "CloseDate": "2025-12-31", "Amount": 500000}
FAST = {"outbound_retry_initial_s": 0.02, "outbound_retry_max_s": 0.1, "outbound_max_attempts": 5,
        "outbound_batch_window_s": 0.05}


class Receiver:
    """Records raw requests; answers each with the next scripted (status, body), then with an ACK."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.script: list[tuple[int, str]] = []
        self._lock = threading.Lock()
        app = Flask("receiver")

        @app.post("/outbound/<kind>")
        def hook(kind: str) -> Response:
            with self._lock:
                self.requests.append({"kind": kind, "body": request.get_data(), "headers": dict(request.headers)})
                status, body = self.script.pop(0) if self.script else (200, ACK)
            return Response(body, status=status, content_type="text/xml; charset=utf-8")

        self.server = ServerThread(app)

    def url(self, kind: str = "soap") -> str:
        return f"{self.server.url}/outbound/{kind}"


@pytest.fixture(scope="module")
def _org() -> Iterator[SandboxOrg]:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(**FAST))
    yield SandboxOrg(server, app)
    server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.server.start()
    yield r
    r.server.stop()


@pytest.fixture
def org(_org: SandboxOrg, receiver: Receiver) -> SandboxOrg:
    _org.control("POST", "reset")
    _org.control("POST", "outbound", {"url": receiver.url()})
    return _org


@pytest.fixture
def sf(org: SandboxOrg) -> Any:
    return org.client()


def _notifications(body: bytes) -> tuple[Element, list[Element]]:
    root = SafeET.fromstring(body)
    assert root.tag == f"{SOAP}Envelope"
    [notifications] = root.findall(f"{SOAP}Body/{OUT}notifications")
    return notifications, notifications.findall(f"{OUT}Notification")


def _sobject(notification: Element) -> dict[str, Any]:
    sobject = notification.find(f"{OUT}sObject")
    assert sobject is not None
    fields = {child.tag.removeprefix(SF): child.text for child in sobject}
    return {"type": sobject.get(XSI_TYPE), **fields}


def test_stage_change_sends_a_soap_outbound_message(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Negotiation/Review"})
    result = org.control("POST", "outbound/flush", {"timeout_s": 5})
    assert result["settled"] is True
    [req] = receiver.requests
    assert req["headers"]["Content-Type"] == "text/xml; charset=utf-8" and req["headers"]["Soapaction"] == '""'
    assert req["body"].startswith(b'<?xml version="1.0" encoding="UTF-8"?>')

    notifications, items = _notifications(req["body"])
    assert notifications.findtext(f"{OUT}OrganizationId") == ORG
    action_id = notifications.findtext(f"{OUT}ActionId") or ""
    assert action_id.startswith("04k") and to18(action_id) == action_id
    session = notifications.find(f"{OUT}SessionId")
    assert session is not None and session.get(XSI_NIL) == "true" and not session.text
    assert notifications.findtext(f"{OUT}EnterpriseUrl") == f"{org.url}/services/Soap/c/63.0/00D5g000004XyZa"
    assert notifications.findtext(f"{OUT}PartnerUrl") == f"{org.url}/services/Soap/u/63.0/00D5g000004XyZa"
    [item] = items
    notification_id = item.findtext(f"{OUT}Id") or ""
    assert notification_id.startswith("04l") and to18(notification_id) == notification_id
    fields = _sobject(item)
    assert fields["type"] == "sf:Opportunity"
    assert list(fields)[1] == "Id" and fields["Id"] == opp_id
    assert (fields["StageName"], fields["Name"], fields["Amount"], fields["IsClosed"]) == (
        "Negotiation/Review", "A社 SFA導入", "500000.0", "false")
    assert fields["LastModifiedDate"].endswith("Z") and fields["CloseDate"] == "2025-12-31"

    [delivery] = result["deliveries"]
    assert delivery["notificationIds"] == [notification_id] and delivery["actionId"] == action_id
    assert delivery["kinds"] == ["stage_changed"] and delivery["delivered"] and delivery["done"]
    assert delivery["attempts"][0]["status"] == 200 and delivery["attempts"][0]["acked"] is True
    assert org.control("GET", "outbound")["actionIds"]["Opportunity"] == action_id


def test_logged_call_and_attached_file_send_their_own_messages(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Task.create({"Subject": "メモ", "WhatId": opp_id})                      # not a call: no message
    task_id = sf.Task.create({"Subject": "初回商談", "TaskSubtype": "Call", "WhatId": opp_id, "Status": "Completed",
                              "CallDurationInSeconds": 1800})["id"]
    # A user uploads the recording to the opportunity in the UI.
    result = org.control("POST", "changes", {"changes": [{"objectType": "ContentVersion", "fields": {
        "Title": "録音", "PathOnClient": "call.m4a", "VersionData": base64.b64encode(b"m4a").decode(),
        "FirstPublishLocationId": opp_id}}]})
    cv_id = result["results"][0]["id"]
    assert org.control("POST", "outbound/flush")["settled"]
    by_type = {}
    for req in receiver.requests:
        [item] = _notifications(req["body"])[1]
        fields = _sobject(item)
        by_type[fields["type"]] = fields
    assert set(by_type) == {"sf:Task", "sf:ContentVersion"}
    assert (by_type["sf:Task"]["Id"], by_type["sf:Task"]["TaskSubtype"], by_type["sf:Task"]["WhatId"],
            by_type["sf:Task"]["CallDurationInSeconds"]) == (task_id, "Call", opp_id, "1800")
    assert (by_type["sf:ContentVersion"]["Id"], by_type["sf:ContentVersion"]["FirstPublishLocationId"],
            by_type["sf:ContentVersion"]["FileExtension"]) == (cv_id, opp_id, "m4a")
    events = org.control("GET", "outbound/events")["events"]
    assert [(e["kind"], e["source"]) for e in events] == [("call_logged", "API"), ("file_attached", "UI")]


def test_retried_until_acknowledged_with_the_same_notification_ids(sf: Any, org: SandboxOrg,
                                                                   receiver: Receiver) -> None:
    receiver.script = [(500, "boom"), (200, "OK"),
                       (200, ACK.replace("<Ack>true</Ack>", "<Ack>false</Ack>")), (200, ACK)]
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Closed Won"})
    [delivery] = org.control("POST", "outbound/flush", {"timeout_s": 5})["deliveries"]
    assert [(a["status"], a["acked"], a["error"]) for a in delivery["attempts"]] == [
        (500, False, None), (200, False, "no_ack"), (200, False, "no_ack"), (200, True, None)]
    assert delivery["delivered"] is True
    bodies = {r["body"] for r in receiver.requests}
    assert len(receiver.requests) == 4 and len(bodies) == 1                    # the same message every time


def test_gives_up_after_max_attempts(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    receiver.script = [(503, "")] * 10
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Closed Lost"})
    [delivery] = org.control("POST", "outbound/flush", {"timeout_s": 5})["deliveries"]
    assert len(delivery["attempts"]) == FAST["outbound_max_attempts"]
    assert delivery["done"] is True and delivery["delivered"] is False


def test_changes_are_batched_into_one_message(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    ids = org.seed(opportunities=[dict(OPP, Name=f"商談{i}") for i in range(3)])["opportunities"]
    assert org.control("POST", "outbound/flush")["deliveries"] == []           # seeds do not fire by default
    sf.restful("composite/sobjects", method="PATCH", json={"records": [
        {"attributes": {"type": "Opportunity"}, "id": i, "StageName": "Perception Analysis"} for i in ids]})
    [delivery] = org.control("POST", "outbound/flush")["deliveries"]
    assert delivery["objectIds"] == ids and len(set(delivery["notificationIds"])) == 3
    [req] = receiver.requests
    assert [_sobject(n)["Id"] for n in _notifications(req["body"])[1]] == ids


def test_flush_then_redeliver_sends_identical_bytes(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Value Proposition"})
    [first] = org.control("POST", "outbound/flush")["deliveries"]
    again = org.control("POST", "outbound/redeliver")
    assert again["redeliveryOf"] == first["deliveryId"] and again["delivered"] is True
    assert again["notificationIds"] == first["notificationIds"]
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    log = org.control("GET", "outbound/deliveries")["deliveries"]
    assert [d["deliveryId"] for d in log] == [first["deliveryId"], again["deliveryId"]]


def test_send_session_id_and_per_type_urls(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    org.control("POST", "outbound", {"send_session_id": True, "urls": {"Task": receiver.url("tasks")}})
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Closed Won"})
    sf.Task.create({"Subject": "通話", "TaskSubtype": "Call", "WhatId": opp_id})
    org.control("POST", "outbound/flush")
    kinds = sorted(r["kind"] for r in receiver.requests)
    assert kinds == ["soap", "tasks"]
    notifications, _ = _notifications(receiver.requests[0]["body"])
    assert notifications.findtext(f"{OUT}SessionId") == "sandbox-session-id"


def test_flow_callout_mode_sends_signed_json(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    org.control("POST", "outbound", {"url": None, "flow_url": receiver.url("flow"), "flow_secret": "flow-secret"})
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Proposal/Price Quote"})
    [delivery] = org.control("POST", "outbound/flush")["deliveries"]
    assert delivery["channel"] == "flow" and delivery["delivered"] is True
    [req] = receiver.requests
    assert req["kind"] == "flow" and req["headers"]["Content-Type"] == "application/json; charset=utf-8"
    verify_dealcoach(req["body"], req["headers"]["X-Dealcoach-Signature"], ["flow-secret"])
    event = json.loads(req["body"])
    assert list(event) == ["orgId", "eventId", "kind", "objectType", "objectId", "occurredAt", "fields"]
    assert (event["orgId"], event["kind"], event["objectType"], event["objectId"]) == (
        ORG, "stage_changed", "Opportunity", opp_id)
    assert event["eventId"] == delivery["eventId"] and event["occurredAt"].endswith("Z")
    assert event["fields"]["StageName"] == "Proposal/Price Quote"
    assert event["fields"]["PriorStageName"] == "Qualification" and event["fields"]["Amount"] == 500000.0

    again = org.control("POST", "outbound/redeliver", {"channel": "flow"})
    assert again["delivered"] is True and receiver.requests[1]["body"] == req["body"]
    verify_dealcoach(receiver.requests[1]["body"], receiver.requests[1]["headers"]["X-Dealcoach-Signature"],
                     ["flow-secret"])


def test_file_fires_on_contentversion_insert_not_on_a_later_link(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    """Outbound messages and flows run on ContentVersion; none can be defined on ContentDocumentLink, so linking an
    existing file to a record later fires nothing (see salesforce_content's docstring for the sources)."""
    org.control("POST", "outbound", {"url": None, "flow_url": receiver.url("flow")})
    ids = org.seed(opportunities=[OPP, OPP], files=[{"title": "録音", "path_on_client": "call.mp3", "content": "x",
                                                       "link_to": 0}], emit_outbound=True)
    org.control("POST", "outbound/flush")
    [req] = [r for r in receiver.requests if json.loads(r["body"])["kind"] == "file_attached"]
    event = json.loads(req["body"])
    assert (event["objectType"], event["objectId"]) == ("ContentVersion", ids["files"][0])
    assert event["fields"]["LinkedEntityId"] == ids["opportunities"][0]
    assert event["fields"]["ContentDocumentId"] == ids["documents"][0]
    receiver.requests.clear()
    sf.ContentDocumentLink.create({"ContentDocumentId": ids["documents"][0], "LinkedEntityId": ids["opportunities"][1],
                                   "ShareType": "V"})
    org.control("POST", "outbound/flush")
    assert receiver.requests == [] and org.control("GET", "outbound/events")["events"][-1]["objectType"] != \
        "ContentDocumentLink"


def test_notifications_carry_who_made_the_change(sf: Any, org: SandboxOrg, receiver: Receiver) -> None:
    """The default definitions select LastModifiedById (Opportunity, Task) and CreatedById (ContentVersion): an API
    write by the integration user and a UI change by the rep are told apart."""
    org.control("POST", "outbound", {"url": None, "flow_url": receiver.url("flow")})
    opp = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp, {"StageName": "Needs Analysis"})
    org.control("POST", "outbound/flush")   # values are read when a message is sent: the latest ones
    org.control("POST", "changes", {"changes": [{"objectType": "Opportunity", "id": opp,
                                                 "fields": {"StageName": "Value Proposition"}}]})
    sf.ContentVersion.create({"Title": "t", "PathOnClient": "call.vtt", "VersionData": "eA==",
                              "FirstPublishLocationId": opp})
    org.control("POST", "outbound/flush")
    events = [json.loads(r["body"]) for r in receiver.requests]
    by = [(e["objectType"], e["fields"].get("LastModifiedById") or e["fields"].get("CreatedById")) for e in events]
    assert sorted(by) == sorted([("Opportunity", MANAGER_USER_ID), ("Opportunity", REP_USER_ID),
                                 ("ContentVersion", MANAGER_USER_ID)])


def test_task_flow_entry_conditions_are_the_admins_configuration(receiver: Receiver) -> None:
    """A record-triggered Flow on Task insert fires for the Tasks its entry conditions select: DealCoach's set-up
    adds email and completed Tasks (activity_logged) to logged calls; the default org fires for calls only."""
    criteria = [{"TaskSubtype": "Call"}, {"TaskSubtype": "Email"}, {"Status": "Completed"}]
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(**FAST, task_outbound_criteria=criteria))
    try:
        org = SandboxOrg(server, app)
        org.control("POST", "outbound", {"url": receiver.url()})
        sf = org.client()
        opp_id = sf.Opportunity.create(OPP)["id"]
        sf.Task.create({"Subject": "メモ", "WhatId": opp_id})  # open, no subtype: not selected
        email = sf.Task.create({"Subject": "御礼", "TaskSubtype": "Email", "WhatId": opp_id, "Status": "Completed"})
        done = sf.Task.create({"Subject": "資料送付", "WhatId": opp_id, "Status": "Completed"})
        assert org.control("POST", "outbound/flush")["settled"]
        events = org.control("GET", "outbound/events")["events"]
        assert [(e["kind"], e["objectId"]) for e in events if e["objectType"] == "Task"] == [
            ("activity_logged", email["id"]),
            ("activity_logged", done["id"]),
        ]
    finally:
        server.stop()
