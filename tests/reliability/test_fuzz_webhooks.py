"""Property-based fuzzing of the three webhook endpoints against the real app and a real redis-server.

Properties, for every input: never a 5xx (Redis is up throughout); bad input is a 4xx with nothing queued; input that
is valid by construction is a 200 that queued exactly what it says. Bodies are unsigned or validly signed with the
`webhooks.signatures` helpers, so the parsers behind the signature checks are fuzzed too. Derandomized: every run
draws the same cases (`docs/reliability.md`, "Fuzzing", has the count and the command).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pytest
import redis
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.reliability.test_webhook_hardening import (
    DEEP_JSON,
    FLOW_PATH,
    HUBSPOT_PATH,
    HUBSPOT_SECRET,
    HUBSPOT_URL,
    HUGE_INT,
    ORG,
    OUTBOUND_PATH,
    PORTAL,
    SOAP_HEADERS,
    SOAP_STAGE,
    make_client,
    now_ms,
    post_flow,
    queued_jobs,
    v1_headers,
)
from webhooks.signatures import hubspot_v3_headers, sign_hubspot_v2

FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
DAY_MS = 24 * 3600 * 1000
MAX_OCCURRED_MS = 253_402_300_799_999

# What a header can carry over HTTP/1.1: latin-1 without CR/LF (a real server delivers nothing else).
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=40)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@pytest.fixture
def client(redis_conn: redis.Redis) -> Any:
    """One app and its tenants per test; the database keeps what earlier examples queued (the oracle counts deltas)."""
    return make_client(redis_conn)


@dataclass
class Answer:
    status: int
    queued_delta: int
    body: Any


def call(conn: redis.Redis, send: Any) -> Answer:
    before = queued_jobs(conn)
    resp = send()
    answer = Answer(resp.status_code, queued_jobs(conn) - before, resp.get_json(silent=True))
    assert answer.status < 500, (answer.status, resp.data[:200])
    return answer


def refused(answer: Answer, *statuses: int) -> None:
    assert answer.status in statuses, answer
    assert answer.queued_delta == 0


# --- HubSpot -------------------------------------------------------------------------------------------------------


@settings(FUZZ, max_examples=700)
@given(
    headers=st.dictionaries(
        st.sampled_from(
            [
                "X-HubSpot-Signature-v3",
                "X-HubSpot-Request-Timestamp",
                "X-HubSpot-Signature",
                "X-HubSpot-Signature-Version",
            ]
        ),
        header_text | st.from_regex(r"[0-9]{1,400}", fullmatch=True),
    ),
    body=st.binary(max_size=300) | st.just(json.dumps([{"eventId": 1, "portalId": PORTAL}]).encode()),
)
@example(headers={"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": "1" + "0" * 399}, body=b"[]")
@example(headers={"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": "\u00b2"}, body=b"[]")
@example(headers={"X-HubSpot-Signature-v3": "\u00e9", "X-HubSpot-Request-Timestamp": "<now>"}, body=b"[]")
@example(headers={"X-HubSpot-Signature": "\u00e9" * 64}, body=b"[]")
def test_hubspot_unsigned(client: Any, redis_conn: redis.Redis, headers: dict[str, str], body: bytes) -> None:
    headers = {k: v.replace("<now>", str(int(time.time() * 1000))) for k, v in headers.items()}
    refused(call(redis_conn, lambda: client.post(HUBSPOT_PATH, data=body, headers=headers)), 401)


@settings(FUZZ, max_examples=500)
@given(body=st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()))
@example(body=DEEP_JSON)
@example(body=b'[{"eventId": ' + HUGE_INT + b"}]")
@example(body=b"[" + b"{}," * 100 + b"{}]")
def test_hubspot_signed_garbage(client: Any, redis_conn: redis.Redis, body: bytes) -> None:
    headers = hubspot_v3_headers(body, HUBSPOT_SECRET, HUBSPOT_URL)
    refused(call(redis_conn, lambda: client.post(HUBSPOT_PATH, data=body, headers=headers)), 400, 413)


def _not(valid: Any) -> Any:
    return json_values.filter(lambda v: not valid(v))


def _is_digits(v: Any, max_len: int = 20) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return 0 <= v < 10**max_len
    return isinstance(v, str) and re.fullmatch(rf"[0-9]{{1,{max_len}}}", v) is not None


MISSING = object()
KNOWN_TYPES = ["deal.creation", "deal.propertyChange", "object.creation", "object.propertyChange", "contact.creation"]
digits = st.integers(0, 10**20 - 1) | st.from_regex(r"[0-9]{1,20}", fullmatch=True)
bad_digits = st.one_of(
    _not(_is_digits),
    st.sampled_from(["\uff11\uff12\uff13", "\u00b2", "\u0661\u0662", "1e3", "-1", " 1", "1 "]),
    st.integers(max_value=-1),
    st.just(10**20),
    st.from_regex(r"[0-9]{21,30}", fullmatch=True),
)
# field -> (valid values, invalid values); MISSING leaves the key out. Required fields have no valid MISSING.
HUBSPOT_FIELDS: dict[str, tuple[Any, Any]] = {
    "eventId": (digits, bad_digits | st.just(MISSING)),
    "objectId": (digits, bad_digits | st.just(MISSING)),
    "portalId": (st.sampled_from([PORTAL, str(PORTAL)]), bad_digits | st.just(MISSING)),
    "subscriptionType": (
        st.sampled_from(KNOWN_TYPES) | st.text(min_size=1, max_size=20),
        _not(lambda v: isinstance(v, str)) | st.just(""),
    ),
    "objectTypeId": (
        st.just(MISSING) | st.sampled_from(["0-3", "0-48", "0-27", "0-47"]) | st.text(max_size=8),
        _not(lambda v: v is None or isinstance(v, str)),
    ),
    "propertyName": (
        st.just(MISSING) | st.sampled_from(["dealstage", "hs_task_status"]) | st.text(max_size=8),
        _not(lambda v: v is None or isinstance(v, str)),
    ),
    "propertyValue": (
        st.just(MISSING) | st.text(max_size=12) | st.integers() | st.floats(allow_nan=False),
        _not(lambda v: v is None or (not isinstance(v, bool) and isinstance(v, str | int | float))),
    ),
    "subscriptionId": (st.just(MISSING) | digits, _not(lambda v: v is None or _is_digits(v))),
    "appId": (st.just(MISSING) | digits, _not(lambda v: v is None or _is_digits(v))),
    "sourceId": (
        st.just(MISSING) | st.text(max_size=12) | digits,
        _not(lambda v: v is None or isinstance(v, str) or _is_digits(v)),
    ),
    "changeSource": (
        st.just(MISSING) | st.sampled_from(["CRM_UI", "INTEGRATION"]) | st.text(max_size=8),
        _not(lambda v: v is None or isinstance(v, str)),
    ),
}


@st.composite
def hubspot_events(draw: Any) -> tuple[dict[str, Any], bool]:
    """One event and whether it is valid: each field valid, or (rarely) one field drawn from its invalid values."""
    broken = draw(st.none() | st.sampled_from([*HUBSPOT_FIELDS, "occurredAt"]))
    event: dict[str, Any] = {}
    for name, (good, bad) in HUBSPOT_FIELDS.items():
        value = draw(bad if name == broken else good)
        if value is not MISSING:
            event[name] = value
    if broken == "occurredAt":
        occurred = draw(bad_digits | st.just(MISSING) | st.integers(MAX_OCCURRED_MS + 1, 10**19))
    else:
        occurred = now_ms() + draw(st.integers(-400 * DAY_MS, DAY_MS))  # fresh, or older than the replay guard
    if occurred is not MISSING:
        event["occurredAt"] = occurred
    return event, broken is None


@settings(FUZZ, max_examples=1500)
@given(
    events=st.lists(hubspot_events(), min_size=1, max_size=3),
    as_object=st.booleans(),
    version=st.sampled_from(["v3", "v1", "v2"]),
    extra=st.dictionaries(
        st.text(max_size=6).filter(lambda k: k not in HUBSPOT_FIELDS and k not in ("occurredAt", "eventType")),
        json_values,
        max_size=2,
    ),
)
def test_hubspot_signed_events(
    client: Any,
    redis_conn: redis.Redis,
    events: list[tuple[dict[str, Any], bool]],
    as_object: bool,
    version: str,
    extra: dict[str, Any],
) -> None:
    raw = [{**extra, **event} for event, _ in events]
    body = json.dumps(raw[0] if as_object and len(raw) == 1 else raw).encode()
    if version == "v3":
        headers = hubspot_v3_headers(body, HUBSPOT_SECRET, HUBSPOT_URL)
    elif version == "v1":
        headers = v1_headers(body)
    else:
        headers = {
            "X-HubSpot-Signature": sign_hubspot_v2(body, HUBSPOT_SECRET, "POST", HUBSPOT_URL),
            "X-HubSpot-Signature-Version": "v2",
            "Content-Type": "application/json",
        }
    answer = call(redis_conn, lambda: client.post(HUBSPOT_PATH, data=body, headers=headers))
    if not all(valid for _, valid in events):
        refused(answer, 400)
        return
    assert answer.status == 200, (answer, body[:300])
    assert answer.body["queued"] == answer.queued_delta
    assert answer.body["queued"] + answer.body["duplicates"] + answer.body["ignored"] == len(events)


# --- Salesforce Outbound Messages (SOAP, unsigned) --------------------------------------------------------------------


@settings(FUZZ, max_examples=500)
@given(
    body=st.binary(max_size=400)
    | st.sampled_from([SOAP_STAGE.rstrip()]).flatmap(lambda b: st.integers(0, len(b) - 1).map(lambda n: b[:n]))
)
@example(body=SOAP_STAGE.replace(b'encoding="UTF-8"', b'encoding="nonexistent"'))
@example(body=b"<a>" * 50_000 + b"</a>" * 50_000)
def test_outbound_garbage(client: Any, redis_conn: redis.Redis, body: bytes) -> None:
    refused(call(redis_conn, lambda: client.post(OUTBOUND_PATH, data=body, headers=SOAP_HEADERS)), 400)


# Characters XML 1.0 allows (no controls but tab and newline, no surrogates, no U+FFFE/U+FFFF).
xml_text = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufffe\uffff") | st.sampled_from("\t\n"),
    max_size=20,
)
xml_name = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,10}", fullmatch=True)
SF_ID = re.compile(r"[A-Za-z0-9]{15}([A-Za-z0-9]{3})?")


@st.composite
def outbound_messages(draw: Any) -> tuple[bytes, str]:
    """An Outbound Message and the answer it deserves: `ack`, `unknown_org` (404 or 400) or `malformed` (400)."""
    org = draw(st.sampled_from([ORG, ORG[:15]]) | xml_text)
    notifications, malformed = [], False
    for _ in range(draw(st.integers(0, 3))):
        nid = draw(st.just("04l5g00000AbCdEAAV") | xml_text)
        sobject = draw(st.sampled_from(["Opportunity", "Task", "ContentVersion"]) | xml_name)
        fields = draw(st.dictionaries(xml_name, xml_text, max_size=4))
        has_sobject = draw(st.booleans() | st.just(True))
        malformed |= not nid.strip() or not has_sobject
        body = "".join(f"<sf:{k}>{escape(v)}</sf:{k}>" for k, v in fields.items())
        inner = f'<sObject xsi:type={quoteattr("sf:" + sobject)} xmlns:sf="urn:sobject">{body}</sObject>'
        notifications.append(f"<Notification><Id>{escape(nid)}</Id>{inner if has_sobject else ''}</Notification>")
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">'
        f"<OrganizationId>{escape(org)}</OrganizationId>{''.join(notifications)}"
        "</notifications></soapenv:Body></soapenv:Envelope>"
    ).encode()
    mutation = draw(st.sampled_from(["none"] * 6 + ["truncate", "encoding", "dtd"]))
    if mutation == "truncate":
        doc, malformed = doc[: draw(st.integers(0, len(doc) - 1))], True
    elif mutation == "encoding":
        # Names no codec has (a real single-byte codec such as latin-1 would parse, differently, and is not malformed).
        name = draw(
            st.sampled_from(["nonexistent", "utf-16", "x" * 300]) | st.from_regex(r"zz-[a-z0-9]{0,12}", fullmatch=True)
        )
        doc, malformed = doc.replace(b'encoding="UTF-8"', f'encoding="{name}"'.encode()), True
    elif mutation == "dtd":
        doc, malformed = doc.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e "e">]>', 1), True
    if malformed or not org.strip():
        return doc, "malformed"
    if SF_ID.fullmatch(org.strip()) is None:
        return doc, "malformed"
    return doc, "ack" if org.strip() in (ORG, ORG[:15]) else "unknown_org"


@settings(FUZZ, max_examples=900)
@given(message=outbound_messages())
def test_outbound_messages(client: Any, redis_conn: redis.Redis, message: tuple[bytes, str]) -> None:
    body, expected = message
    answer = call(redis_conn, lambda: client.post(OUTBOUND_PATH, data=body, headers=SOAP_HEADERS))
    if expected == "ack":
        assert answer.status == 200, (answer, body[:400])
    elif expected == "unknown_org":
        refused(answer, 400, 404)  # a well-formed id of another org (404) or a bad checksum (400)
    else:
        refused(answer, 400)


# --- Salesforce Flow / Apex JSON (signed) -----------------------------------------------------------------------------


@settings(FUZZ, max_examples=400)
@given(
    header=st.none() | header_text | st.from_regex(r"t=[0-9]{0,400},v1=[0-9a-f]{0,64}", fullmatch=True),
    body=st.binary(max_size=200),
)
@example(header="t=" + "9" * 400 + ",v1=00", body=b"{}")
@example(header="t=\u00b2,v1=00", body=b"{}")
@example(header="t=<now>,v1=" + "\u00e9" * 64, body=b"{}")
def test_flow_unsigned(client: Any, redis_conn: redis.Redis, header: str | None, body: bytes) -> None:
    headers = {} if header is None else {"X-DealCoach-Signature": header.replace("<now>", str(int(time.time())))}
    refused(call(redis_conn, lambda: client.post(FLOW_PATH, data=body, headers=headers)), 401)


@settings(FUZZ, max_examples=400)
@given(body=st.binary(max_size=400) | json_values.map(lambda v: json.dumps(v).encode()))
@example(body=DEEP_JSON)
@example(body=b'{"eventId": ' + HUGE_INT + b"}")
def test_flow_signed_garbage(client: Any, redis_conn: redis.Redis, body: bytes) -> None:
    refused(call(redis_conn, lambda: post_flow(client, body)), 400)


FLOW_KINDS = ["stage_changed", "deal_created", "call_logged", "file_attached", "activity_logged"]
iso_instants = (
    st.datetimes(datetime(2000, 1, 1), datetime(2100, 1, 1), timezones=st.timezones())
    .filter(lambda d: d.utcoffset() is not None)
    .map(lambda d: d.isoformat())
)
FLOW_FIELDS: dict[str, tuple[Any, Any]] = {
    "eventId": (st.text(min_size=1, max_size=30), _not(lambda v: isinstance(v, str) and v) | st.just(MISSING)),
    "objectId": (st.text(min_size=1, max_size=20), _not(lambda v: isinstance(v, str) and v) | st.just(MISSING)),
    "kind": (
        st.sampled_from(FLOW_KINDS),
        _not(lambda v: v in FLOW_KINDS) | st.text(max_size=10).filter(lambda v: v not in FLOW_KINDS),
    ),
    "occurredAt": (
        st.just(MISSING) | st.none() | iso_instants | st.just("2026-11-20T05:10:00Z"),
        st.sampled_from([0, False, [], {}, "", "2026-11-20T05:10:00", 1763701200, "0001-01-01T00:00:00+01:00"])
        | _not(lambda v: v is None or isinstance(v, str)),
    ),
    "fields": (
        st.just(MISSING) | st.dictionaries(st.sampled_from(["StageName", "WhatId", "Other"]), st.text(max_size=12)),
        st.fixed_dictionaries({"StageName": _not(lambda v: v is None or isinstance(v, str))}),
    ),
}


@st.composite
def flow_events(draw: Any) -> tuple[dict[str, Any], bool]:
    broken = draw(st.none() | st.sampled_from(list(FLOW_FIELDS)))
    event: dict[str, Any] = {"orgId": draw(st.sampled_from([ORG, ORG[:15]]))}
    for name, (good, bad) in FLOW_FIELDS.items():
        value = draw(bad if name == broken else good)
        if value is not MISSING:
            event[name] = value
    return event, broken is None


@settings(FUZZ, max_examples=1000)
@given(events=st.lists(flow_events(), min_size=1, max_size=3), batched=st.booleans())
def test_flow_signed_events(
    client: Any, redis_conn: redis.Redis, events: list[tuple[dict[str, Any], bool]], batched: bool
) -> None:
    raw = [event for event, _ in events]
    payload: Any = {"orgId": ORG, "events": raw} if batched or len(raw) > 1 else raw[0]
    answer = call(redis_conn, lambda: post_flow(client, json.dumps(payload).encode()))
    if not all(valid for _, valid in events):
        refused(answer, 400)
        return
    assert answer.status == 200, (answer, payload)
    assert answer.body["queued"] == answer.queued_delta
    assert answer.body["queued"] + answer.body["duplicates"] + answer.body["ignored"] == len(events)
