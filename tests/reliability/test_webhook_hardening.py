"""Issue 11 regressions: hostile input on the three webhook endpoints is a 4xx before anything runs, never a 5xx.

Real app (Flask test client, and gunicorn for what only a real server shows: chunked bodies) on a real redis-server.
The helpers here are shared with `test_fuzz_webhooks.py`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from connector import clock
from connector.download import DownloadPolicy
from connector.models import Event, TenantSettings
from connector.tenants import Tenant, TenantRegistry
from sync.queue import ALL_QUEUES, job_id_for
from tests.conftest import FIXTURES, TEST_SECRET_KEY, RedisServer, free_port
from webhooks.app import create_app
from webhooks.signatures import hubspot_v3_headers, sign_dealcoach, sign_hubspot_v1

HUBSPOT_SECRET = "hubspot-app-secret"
FLOW_SECRET = "flow-secret"
PORTAL = 62515
ORG = "00D5g000004XyZaEAK"
HUBSPOT_PATH = "/webhooks/hubspot"
HUBSPOT_URL = "http://localhost" + HUBSPOT_PATH
OUTBOUND_PATH = "/webhooks/salesforce/outbound"
FLOW_PATH = "/webhooks/salesforce/events"
SOAP_HEADERS = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'}
SOAP_STAGE = (FIXTURES / "salesforce" / "outbound__opportunity_stage.xml").read_bytes()
KNOWN_ENDPOINTS = {"hubspot", "salesforce/outbound", "salesforce/events", "unknown"}


def make_client(conn: redis.Redis, **extra: Any) -> Any:
    """The real app with all three endpoints configured, its HubSpot portal and Salesforce org registered."""
    registry = TenantRegistry(conn, TEST_SECRET_KEY)
    registry.add(Tenant(provider="hubspot", external_id=str(PORTAL), credentials={"access_token": "t"},
                        settings=TenantSettings()))
    registry.add(Tenant(provider="salesforce", external_id=ORG, credentials={}))
    config = {"REDIS": conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "HUBSPOT_CLIENT_SECRETS": [HUBSPOT_SECRET],
              "SALESFORCE_EVENTS_SECRETS": [FLOW_SECRET], "SALESFORCE_ALLOWED_ORG_IDS": [], **extra}
    return create_app(config).test_client()


def queued_jobs(conn: redis.Redis) -> int:
    """Every job waiting in any queue (the fuzz and regression oracles: nothing queued for bad input)."""
    return sum(len(Queue(name, connection=conn)) for name in ALL_QUEUES)


def now_ms() -> int:
    return int(clock.now().timestamp() * 1000)


def hubspot_event(**overrides: Any) -> dict[str, Any]:
    """A call-creation event as HubSpot sends it, occurring now."""
    event = {"eventId": 3110234503, "subscriptionId": 4512003, "portalId": PORTAL, "appId": 54321,
             "occurredAt": now_ms(), "subscriptionType": "object.creation", "attemptNumber": 0,
             "objectId": 17000000205, "objectTypeId": "0-48", "changeFlag": "CREATED", "changeSource": "CRM_UI",
             "sourceId": "userId:45678"}
    event.update(overrides)
    return event


def post_hubspot(client: Any, body: bytes, headers: dict[str, str] | None = None) -> Any:
    """POST signed v3 as HubSpot does (transport time is the wall clock), unless `headers` are given."""
    signed = hubspot_v3_headers(body, HUBSPOT_SECRET, HUBSPOT_URL) if headers is None else headers
    return client.post(HUBSPOT_PATH, data=body, headers=signed)


def v1_headers(body: bytes) -> dict[str, str]:
    return {"Content-Type": "application/json", "X-HubSpot-Signature": sign_hubspot_v1(body, HUBSPOT_SECRET),
            "X-HubSpot-Signature-Version": "v1"}


def post_flow(client: Any, body: bytes, header: str | None = None) -> Any:
    signature = sign_dealcoach(body, FLOW_SECRET, int(time.time())) if header is None else header
    return client.post(FLOW_PATH, data=body,
                       headers={"Content-Type": "application/json", "X-DealCoach-Signature": signature})


def flow_event(**overrides: Any) -> dict[str, Any]:
    event = {"orgId": ORG, "eventId": "a0B5g00000FlowEvt1", "kind": "stage_changed", "objectType": "Opportunity",
             "objectId": "0065g00000XyZ12AAF", "occurredAt": "2026-11-20T05:10:00Z",
             "fields": {"StageName": "Needs Analysis"}}
    event.update(overrides)
    return event


@pytest.fixture
def client(redis_conn: redis.Redis) -> Any:
    return make_client(redis_conn)


DEEP_JSON = b"[" * 100_000 + b"]" * 100_000
HUGE_INT = b"1" + b"0" * 5_000


# Finding 3: unauthenticated requests that used to crash into a 503 with a traceback.


@pytest.mark.parametrize(
    "headers",
    [
        {"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": "1" + "0" * 399},
        {"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": "\u00b2\u00b3"},
        {"X-HubSpot-Signature-v3": "\u00e9t\u00e9", "X-HubSpot-Request-Timestamp": "<now>"},
        {"X-HubSpot-Signature": "\u00e9" * 64, "X-HubSpot-Signature-Version": "v1"},
        {"X-HubSpot-Signature": "\u00e9" * 64, "X-HubSpot-Signature-Version": "v2"},
    ],
    ids=["v3_ts_400_digits", "v3_ts_superscript_digits", "v3_sig_non_ascii", "v1_sig_non_ascii", "v2_sig_non_ascii"],
)
def test_hostile_hubspot_signature_headers_are_401(client: Any, redis_conn: redis.Redis,
                                                   headers: dict[str, str]) -> None:
    headers = {k: v.replace("<now>", str(int(time.time() * 1000))) for k, v in headers.items()}
    resp = post_hubspot(client, json.dumps([hubspot_event()]).encode(), headers=headers)
    assert resp.status_code == 401 and resp.get_json()["error"].startswith("invalid_signature.")
    assert queued_jobs(redis_conn) == 0


@pytest.mark.parametrize(
    "header",
    ["t=" + "9" * 400 + ",v1=00", "t=\u00b2\u00b3,v1=00", "t=<now>,v1=" + "\u00e9" * 64],
    ids=["t_400_digits", "t_superscript_digits", "v1_non_ascii"],
)
def test_hostile_flow_signature_headers_are_401(client: Any, redis_conn: redis.Redis, header: str) -> None:
    resp = post_flow(client, json.dumps(flow_event()).encode(), header.replace("<now>", str(int(time.time()))))
    assert resp.status_code == 401
    assert queued_jobs(redis_conn) == 0


def test_unknown_xml_encoding_is_a_client_fault(client: Any) -> None:
    body = SOAP_STAGE.replace(b'encoding="UTF-8"', b'encoding="nonexistent"')
    resp = client.post(OUTBOUND_PATH, data=body, headers=SOAP_HEADERS)
    assert resp.status_code == 400 and b"soapenv:Client" in resp.data


# Finding 3: signed garbage is malformed (400), not a server error.


@pytest.mark.parametrize(
    "body",
    [
        json.dumps([hubspot_event(subscriptionType=123)]).encode(),
        json.dumps([hubspot_event(subscriptionType="deal.propertyChange", propertyName=["dealstage"])]).encode(),
        json.dumps([hubspot_event(occurredAt=10**29)]).encode(),
        json.dumps([hubspot_event(occurredAt="9" * 30)]).encode(),
        DEEP_JSON,
        b'[{"eventId": ' + HUGE_INT + b"}]",
        json.dumps([hubspot_event(eventId={"a": 1})]).encode(),
        json.dumps([hubspot_event(eventId=[1])]).encode(),
        json.dumps([hubspot_event(eventId=True)]).encode(),
        json.dumps([hubspot_event(eventId=1.5)]).encode(),
        json.dumps([hubspot_event(eventId="\uff11\uff12\uff13")]).encode(),
        json.dumps([hubspot_event(objectId="\uff11\uff12\uff13")]).encode(),
        json.dumps([hubspot_event(portalId="\u00b2")]).encode(),
        json.dumps([hubspot_event(subscriptionId={"x": 1})]).encode(),
        json.dumps([hubspot_event(objectTypeId=48)]).encode(),
    ],
    ids=["subscription_type_int", "property_name_list", "occurred_at_30_digits_int", "occurred_at_30_digits_str",
         "nested_100000", "int_5000_digits", "event_id_object", "event_id_list", "event_id_bool", "event_id_float",
         "event_id_fullwidth_digits", "object_id_fullwidth_digits", "portal_id_superscript", "subscription_id_object",
         "object_type_id_int"],
)
def test_signed_hubspot_garbage_is_400(client: Any, redis_conn: redis.Redis, body: bytes) -> None:
    resp = post_hubspot(client, body)
    assert resp.status_code == 400 and resp.get_json()["error"] == "malformed"
    assert queued_jobs(redis_conn) == 0


@pytest.mark.parametrize(
    "body",
    [
        DEEP_JSON,
        b'{"eventId": ' + HUGE_INT + b"}",
        *(json.dumps(flow_event(occurredAt=v)).encode() for v in (0, False, [], {}, "", 1763701200)),
        json.dumps(flow_event(occurredAt="2026-11-20T05:10:00")).encode(),
        json.dumps(flow_event(occurredAt="0001-01-01T00:00:00+01:00")).encode(),
        json.dumps(flow_event(fields={"StageName": ["Closed Won"]})).encode(),
        json.dumps(flow_event(kind=["stage_changed"])).encode(),
    ],
    ids=["nested_100000", "int_5000_digits", "occurred_0", "occurred_false", "occurred_list", "occurred_object",
         "occurred_empty", "occurred_number", "occurred_no_offset", "occurred_before_year_1", "stage_name_list",
         "kind_list"],
)
def test_signed_flow_garbage_is_400(client: Any, redis_conn: redis.Redis, body: bytes) -> None:
    resp = post_flow(client, body)
    assert resp.status_code == 400 and resp.get_json()["error"] == "malformed"
    assert queued_jobs(redis_conn) == 0


def test_flow_without_occurred_at_still_means_now(client: Any, redis_conn: redis.Redis) -> None:
    event = flow_event()
    del event["occurredAt"]
    assert post_flow(client, json.dumps(event).encode()).get_json()["queued"] == 1
    assert post_flow(client, json.dumps(flow_event(eventId="e2", occurredAt=None)).encode()).get_json()["queued"] == 1


# Finding 4: /metrics labels are route templates, escaped, bounded.


def test_metrics_cannot_be_forged_through_the_path(client: Any) -> None:
    client.post("/webhooks/a%22%7D%201%0Adealcoach_up%200%0A%23")
    client.post("/webhooks/hubspot", data=b"x")
    text = client.get("/metrics").get_data(as_text=True)
    assert not any(line.startswith("dealcoach_up 0") for line in text.splitlines())
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert [s.value for s in families["dealcoach_up"].samples] == [1.0]
    labels = {s.labels["endpoint"] for s in families["dealcoach_webhook_responses"].samples}
    assert labels == {"unknown", "hubspot"}


def test_metrics_cardinality_is_bounded(client: Any, redis_conn: redis.Redis) -> None:
    for i in range(200):
        client.post(f"/webhooks/random-{i}")
    text = client.get("/metrics").get_data(as_text=True)
    samples = [s for f in text_string_to_metric_families(text) if f.name == "dealcoach_webhook_responses"
               for s in f.samples if s.name.endswith("_total")]
    assert {s.labels["endpoint"] for s in samples} <= KNOWN_ENDPOINTS
    assert len(samples) == 1 and samples[0].value == 200.0
    assert all(redis_conn.hlen(key) <= 4 for key in redis_conn.keys("dealcoach:metrics:*"))


def test_metrics_drop_the_unbounded_legacy_counters(client: Any, redis_conn: redis.Redis) -> None:
    redis_conn.hset("dealcoach:metrics:webhooks", 'forged"} 1\nevil 1|200', 5)
    text = client.get("/metrics").get_data(as_text=True)
    assert "evil" not in text and "forged" not in text
    assert not redis_conn.exists("dealcoach:metrics:webhooks")


def test_metrics_keep_queue_depths_and_failed_jobs(client: Any) -> None:
    body = json.dumps([hubspot_event()]).encode()  # once: the event's time is in the signed body
    client.post(HUBSPOT_PATH, data=body, headers=hubspot_v3_headers(body, HUBSPOT_SECRET, HUBSPOT_URL))
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))}
    assert {"dealcoach_queue_jobs", "dealcoach_failed_jobs", "dealcoach_scheduled_jobs"} <= set(families)
    depths = {s.labels["queue"]: s.value for s in families["dealcoach_queue_jobs"].samples}
    assert depths == {"events": 0.0, "scoring": 1.0, "sync": 0.0}


# Finding 5: a HubSpot delivery older than the duplicate window is acknowledged, not queued (v1 has no timestamp).


def test_v1_replay_older_than_the_duplicate_window_is_acknowledged_not_queued(
    client: Any, redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    old = int((clock.now() - timedelta(days=3, minutes=1)).timestamp() * 1000)
    body = json.dumps([hubspot_event(occurredAt=old)]).encode()
    with caplog.at_level(logging.INFO, logger="dealcoach.webhooks"):
        resp = post_hubspot(client, body, headers=v1_headers(body))
    assert resp.status_code == 200 and resp.get_json() == {"queued": 0, "duplicates": 0, "ignored": 1}
    assert queued_jobs(redis_conn) == 0
    assert any("webhooks.hubspot.event_too_old" in r.getMessage() for r in caplog.records)


def test_events_inside_the_window_are_queued_and_its_edge_is_before_the_dedup_ttl(
    client: Any, redis_conn: redis.Redis
) -> None:
    from sync.queue import DEDUP_TTL_S, MAX_EVENT_AGE_S

    assert MAX_EVENT_AGE_S < DEDUP_TTL_S
    recent = int((clock.now() - timedelta(days=2)).timestamp() * 1000)
    body = json.dumps([hubspot_event(occurredAt=recent)]).encode()
    assert post_hubspot(client, body, headers=v1_headers(body)).get_json()["queued"] == 1
    edge = int((clock.now() - timedelta(seconds=MAX_EVENT_AGE_S + 5)).timestamp() * 1000)
    body = json.dumps([hubspot_event(eventId=2, occurredAt=edge)]).encode()
    assert post_hubspot(client, body).get_json() == {"queued": 0, "duplicates": 0, "ignored": 1}


# Finding 7: host patterns, injective job ids, escaped log values.


@pytest.mark.parametrize(
    ("host", "allowed"),
    [("x.hubspotusercontent.attacker.net", False), ("x.hubspotusercontent-na1.net.attacker.net", False),
     ("hubspotusercontent-na1.net.evil", False), ("evilhubspotusercontent-na1.net", False),
     ("123.fs1.hubspotusercontent-na1.net", True), ("1.fs1.hubspotusercontent-eu1.net", True),
     ("f.hubspotusercontent00.net", True), ("api.hubapi.com", True)],
)
def test_hubspot_recording_hosts_are_anchored(host: str, allowed: bool) -> None:
    assert DownloadPolicy.for_tenant("hubspot").host_allowed(host) is allowed


def test_event_ids_that_differ_only_in_unsafe_characters_are_two_jobs(client: Any, redis_conn: redis.Redis) -> None:
    answers = [post_flow(client, json.dumps(flow_event(eventId=e)).encode()).get_json()
               for e in ("collide:42", "collide/42", "collide_42", "collide:42")]
    assert [a["queued"] for a in answers] == [1, 1, 1, 0]
    assert queued_jobs(redis_conn) == 3


def test_safe_event_ids_keep_their_job_ids() -> None:
    def job_id(event_id: str) -> str:
        return job_id_for(Event(kind="call.logged", tenant="hubspot:62515", event_id=event_id, object_id="1",
                                occurred_at=clock.now()))

    assert job_id("4512003-3110234503-1763701200000") == "hubspot-62515-evt-4512003-3110234503-1763701200000"
    assert job_id("04l5g00000AbCdEAAV") == "hubspot-62515-evt-04l5g00000AbCdEAAV"
    encoded = job_id("collide:42")
    assert encoded != job_id("collide_42") and job_id(encoded.split("-evt-", 1)[1]) != encoded


def test_attacker_values_are_escaped_in_logs(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    forged = "contact.creation\nwebhooks.hubspot.received events=99 ignored=0 signature=v3"
    body = json.dumps([hubspot_event(subscriptionType=forged)]).encode()
    with caplog.at_level(logging.INFO, logger="dealcoach.webhooks"):
        assert post_hubspot(client, body).status_code == 200
        soap = SOAP_STAGE.replace(b'xsi:type="sf:Opportunity"', b'xsi:type="sf:Thing&#10;webhooks.forged x=1"')
        assert client.post(OUTBOUND_PATH, data=soap, headers=SOAP_HEADERS).status_code == 200
    assert caplog.records and not any("\n" in r.getMessage() or "\r" in r.getMessage() for r in caplog.records)
    assert any("notification_ignored" in r.getMessage() for r in caplog.records)


# Chunked bodies through a real gunicorn: malformed framing is a 400, a body over the cap a 413, never truncated.

CAP = 4096


@pytest.fixture(scope="module")
def gunicorn_port(redis_server: RedisServer) -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "REDIS_URL": redis_server.url, "HUBSPOT_CLIENT_SECRET": HUBSPOT_SECRET,
           "SALESFORCE_EVENTS_SECRET": FLOW_SECRET, "SALESFORCE_ALLOWED_ORG_IDS": ORG,
           "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "DEALCOACH_MAX_BODY_BYTES": str(CAP)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "--log-level", "warning",
         "webhooks.app:create_app()"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def raw_post(port: int, path: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One HTTP/1.1 request with `Transfer-Encoding: chunked` and `body` as the (possibly broken) chunked stream."""
    head = f"POST {path} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n" + body)
        sock.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


def chunked(body: bytes, size: int = 1000) -> bytes:
    parts = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


@pytest.mark.parametrize("path", [HUBSPOT_PATH, OUTBOUND_PATH, FLOW_PATH])
@pytest.mark.parametrize("stream", [b"zz\r\nabc\r\n0\r\n\r\n", b"3\r\nabcdef\r\n0\r\n\r\n", b"5\r\nab"],
                         ids=["bad_size", "missing_terminator", "cut_short"])
def test_malformed_chunked_bodies_are_400(gunicorn_port: int, redis_conn: redis.Redis, path: str,
                                          stream: bytes) -> None:
    status, _ = raw_post(gunicorn_port, path, stream)
    assert status == 400


def test_chunked_body_over_the_cap_is_413_not_truncated(gunicorn_port: int, redis_conn: redis.Redis) -> None:
    padded = SOAP_STAGE + b" " * (CAP + 100 - len(SOAP_STAGE))
    status, body = raw_post(gunicorn_port, OUTBOUND_PATH, chunked(padded), SOAP_HEADERS)
    assert status == 413 and b"soapenv:Client" in body
    assert queued_jobs(redis_conn) == 0
    hubspot = json.dumps([hubspot_event()]).encode() + b" " * CAP
    assert raw_post(gunicorn_port, HUBSPOT_PATH, chunked(hubspot))[0] == 413


def test_chunked_body_under_the_cap_is_read_whole(gunicorn_port: int, redis_conn: redis.Redis) -> None:
    # Installed, not only allow-listed: an allow-listed org without an install is acknowledged but never queued.
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(Tenant(provider="salesforce", external_id=ORG, credentials={}))
    status, body = raw_post(gunicorn_port, OUTBOUND_PATH, chunked(SOAP_STAGE, size=100), SOAP_HEADERS)
    assert status == 200 and b"<Ack>true</Ack>" in body
    assert queued_jobs(redis_conn) == 1
