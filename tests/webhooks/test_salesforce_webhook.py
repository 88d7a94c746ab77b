"""POST /webhooks/salesforce/outbound (SOAP) and /webhooks/salesforce/events (signed JSON) on a real Redis."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import redis
from defusedxml.ElementTree import fromstring
from rq import Queue

from connector.salesforce.ids import same_id, to_18
from connector.tenants import Tenant, TenantRegistry
from sync.queue import EVENTS, SCORING
from tests.conftest import FIXTURES, TEST_SECRET_KEY
from webhooks.app import create_app
from webhooks.salesforce import JSON_KIND, _json_events, notifications_to_events
from webhooks.salesforce_soap import OUTBOUND, SOAPENV, parse_outbound
from webhooks.signatures import sign_dealcoach

ORG = "00D5g000004XyZaEAK"
FLOW_SECRET = "flow-secret"
SF = FIXTURES / "salesforce"


def fixture(name: str) -> bytes:
    return (SF / name).read_bytes()


@pytest.fixture
def client(redis_conn: redis.Redis) -> Any:
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(Tenant(provider="salesforce", external_id=ORG, credentials={}))
    app = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "HUBSPOT_CLIENT_SECRETS": ["x"],
                      "SALESFORCE_EVENTS_SECRETS": [FLOW_SECRET], "SALESFORCE_ALLOWED_ORG_IDS": []})
    return app.test_client()


def outbound(client: Any, body: bytes) -> Any:
    return client.post("/webhooks/salesforce/outbound", data=body,
                       headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})


def assert_ack(resp: Any) -> None:
    """Compared structurally with the WSDL's notificationsResponse: Envelope/Body/notificationsResponse/Ack=true."""
    assert resp.status_code == 200
    assert resp.content_type.startswith("text/xml")
    root = fromstring(resp.data)
    assert root.tag == f"{{{SOAPENV}}}Envelope"
    (body,) = list(root)
    assert body.tag == f"{{{SOAPENV}}}Body"
    (response,) = list(body)
    assert response.tag == f"{{{OUTBOUND}}}notificationsResponse"
    (ack,) = list(response)
    assert ack.tag == f"{{{OUTBOUND}}}Ack" and ack.text == "true"


def assert_fault(resp: Any, status: int, code: str = "soapenv:Client") -> None:
    assert resp.status_code == status
    root = fromstring(resp.data)
    fault = root.find(f"{{{SOAPENV}}}Body/{{{SOAPENV}}}Fault")
    assert fault is not None and fault.findtext("faultcode") == code and fault.findtext("faultstring")


def test_ids_15_and_18_are_one_org() -> None:
    assert to_18("00D5g000004XyZa") == ORG and same_id("00D5g000004XyZa", ORG)
    assert not same_id("00D5g000004XyZa", "00D5g000004XYZaEAO")


@pytest.mark.parametrize(
    ("name", "kind", "object_type", "object_id"),
    [
        ("outbound__opportunity_stage.xml", "deal.stage_changed", "deal", "0065g00000XyZ12AAF"),
        ("outbound__task_call.xml", "call.logged", "task", "00T5g00000KlMnOEAV"),
        ("outbound__content_version.xml", "call.logged", "file", "0685g00000PqRsTAAV"),
    ],
)
def test_fixtures_parse_to_events(name: str, kind: str, object_type: str, object_id: str) -> None:
    message = parse_outbound(fixture(name))
    events, ignored = notifications_to_events(to_18(message.organization_id), message.notifications)
    (event,) = events
    assert (event.kind, event.object_type, event.object_id, ignored) == (kind, object_type, object_id, 0)
    assert event.tenant == f"salesforce:{ORG}" and event.event_id.startswith("04l")
    assert message.session_id is None


def test_stage_change_is_queued_and_acked(client: Any, redis_conn: redis.Redis) -> None:
    assert_ack(outbound(client, fixture("outbound__opportunity_stage.xml")))
    assert Queue(EVENTS, connection=redis_conn).job_ids == [f"salesforce-{ORG}-evt-04l5g00000AbCdEAAV"]


def test_redelivered_notification_is_a_no_op_that_is_still_acked(client: Any, redis_conn: redis.Redis) -> None:
    for _ in range(3):
        assert_ack(outbound(client, fixture("outbound__task_call.xml")))
    assert len(Queue(SCORING, connection=redis_conn)) == 1


def test_bom_single_line_and_15_char_org(client: Any, redis_conn: redis.Redis) -> None:
    assert_ack(outbound(client, fixture("outbound__bom_single_line.xml")))
    assert len(Queue(EVENTS, connection=redis_conn)) == 1


def test_empty_notifications_and_custom_objects_are_acked(client: Any, redis_conn: redis.Redis) -> None:
    assert_ack(outbound(client, fixture("outbound__empty.xml")))
    assert_ack(outbound(client, fixture("outbound__custom_object.xml")))
    assert len(Queue(EVENTS, connection=redis_conn)) == 0


def test_100_notifications(client: Any, redis_conn: redis.Redis) -> None:
    assert_ack(outbound(client, fixture("outbound__100_notifications.xml")))
    assert len(Queue(EVENTS, connection=redis_conn)) == 100


def test_101_notifications_is_a_client_fault(client: Any) -> None:
    body = fixture("outbound__100_notifications.xml")
    extra = b"<Notification><Id>04l5g00000Blk99AAB</Id><sObject xsi:type=\"sf:Opportunity\"><sf:Id xmlns:sf=\"urn:sobject.enterprise.soap.sforce.com\">0065g00000Op990AAB</sf:Id></sObject></Notification>"
    body = body.replace(b"  </notifications>", extra + b"  </notifications>")
    assert_fault(outbound(client, body), 400)


def test_unknown_org_is_a_client_fault(client: Any, redis_conn: redis.Redis) -> None:
    assert_fault(outbound(client, fixture("outbound__unknown_org.xml")), 404)
    assert len(Queue(EVENTS, connection=redis_conn)) == 0


def test_org_allowed_by_configuration(redis_conn: redis.Redis) -> None:
    app = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                      "SALESFORCE_ALLOWED_ORG_IDS": ["00D5g000009ZzZz"]}).test_client()
    assert_ack(outbound(app, fixture("outbound__unknown_org.xml")))


@pytest.mark.parametrize("body", [b"not xml", b"<a/>", b"<?xml version='1.0'?><soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'/>",
                                  b"\xff\xfe<x/>"], ids=["text", "not_soap", "no_notifications", "bad_bytes"])
def test_malformed_is_a_client_fault(client: Any, body: bytes) -> None:
    assert_fault(outbound(client, body), 400)


@pytest.mark.parametrize("name", ["hostile__xxe.xml", "hostile__billion_laughs.xml"])
def test_hostile_xml_is_refused(client: Any, name: str) -> None:
    resp = outbound(client, fixture(name))
    assert_fault(resp, 400)
    assert b"root:" not in resp.data


def test_oversized_body_is_a_fault(redis_conn: redis.Redis) -> None:
    app = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "MAX_CONTENT_LENGTH": 2048}).test_client()
    assert_fault(outbound(app, fixture("outbound__100_notifications.xml")), 413)


def test_redis_down_is_a_server_fault(redis_server: Any, client: Any) -> None:
    redis_server.stop()
    try:
        assert_fault(outbound(client, fixture("outbound__opportunity_stage.xml")), 503, "soapenv:Server")
    finally:
        redis_server.start()


def flow(client: Any, body: bytes, *, secret: str = FLOW_SECRET, ts: int | None = None) -> Any:
    sig = sign_dealcoach(body, secret, int(time.time()) if ts is None else ts)
    return client.post("/webhooks/salesforce/events", data=body,
                       headers={"Content-Type": "application/json", "X-DealCoach-Signature": sig})


def test_flow_callouts_are_verified_and_queued(client: Any, redis_conn: redis.Redis) -> None:
    resp = flow(client, fixture("events__stage_changed.json"))
    assert resp.status_code == 200 and resp.get_json()["queued"] == 1
    assert flow(client, fixture("events__file_attached.json")).get_json()["queued"] == 1
    assert flow(client, fixture("events__file_attached.json")).get_json()["duplicates"] == 1
    assert Queue(SCORING, connection=redis_conn).job_ids == [f"salesforce-{ORG}-evt-a0B5g00000FlowEvt2"]


@pytest.mark.parametrize("kind", sorted(JSON_KIND))
def test_every_flow_kind_has_a_fixture_that_parses(kind: str) -> None:
    """One real-format Flow/Apex JSON fixture per declared kind (`events__<kind>.json`), parsed to its event."""
    path = SF / f"events__{kind}.json"
    assert path.exists(), f"no fixture for the declared kind {kind!r}"
    payload = json.loads(path.read_bytes())
    item = payload["events"][0] if "events" in payload else payload
    (event,) = _json_events(payload)
    assert (event.kind, event.object_type) == JSON_KIND[kind]
    assert (event.event_id, event.object_id) == (item["eventId"], item["objectId"])
    assert event.tenant == f"salesforce:{ORG}" and event.occurred_at.tzinfo is not None


@pytest.mark.parametrize(
    ("change", "status"),
    [({"secret": "wrong"}, 401), ({"ts_offset": -600}, 401), ({"ts_offset": 600}, 401)],
    ids=["wrong_secret", "stale", "future"],
)
def test_flow_signature_failures(client: Any, change: dict[str, Any], status: int) -> None:
    # The timestamp is taken when the test runs, not when it is collected: a long suite must not age it.
    if "ts_offset" in change:
        change = {"ts": int(time.time()) + change["ts_offset"]}
    assert flow(client, fixture("events__stage_changed.json"), **change).status_code == status


def test_flow_unsigned_and_malformed(client: Any) -> None:
    body = fixture("events__stage_changed.json")
    assert client.post("/webhooks/salesforce/events", data=body).status_code == 401
    assert flow(client, b"{not json").status_code == 400
    bad_kind = json.dumps({**json.loads(body), "kind": "weather"}).encode()
    assert flow(client, bad_kind).status_code == 400
    other_org = json.dumps({**json.loads(body), "orgId": "00D5g000009ZzZzEAK"}).encode()
    assert flow(client, other_org).status_code == 404
