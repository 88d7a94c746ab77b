"""POST /webhooks/hubspot against a real redis-server: statuses, dedupe, fixtures, never a 500."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import redis
from rq import Queue

from connector import clock
from connector.models import Event, TenantSettings
from connector.tenants import Tenant, TenantRegistry
from sync.queue import EVENTS, SCORING
from tests.conftest import FIXTURES, TEST_SECRET_KEY, free_port
from webhooks.app import create_app
from webhooks.hubspot import EVENT_KIND_BY_TYPE, coalesce_calls, event_key, is_own_change, parse_hubspot
from webhooks.signatures import hubspot_v3_headers

SECRET = "hubspot-app-secret"
URL = "http://localhost/webhooks/hubspot"
HUBSPOT_FIXTURES = sorted((FIXTURES / "hubspot").glob("*.json"))
# The fixtures are real deliveries of November 2025; events older than the duplicate window are refused as possible
# replays, so these tests run an hour after the newest fixture event.
FIXTURES_NOW = datetime(2025, 11, 21, 8, 0, tzinfo=UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / "hubspot" / name).read_bytes().strip()


def make_app(conn: redis.Redis, **extra: Any) -> Any:
    config = {"REDIS": conn, "HUBSPOT_CLIENT_SECRETS": [SECRET], "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, **extra}
    return create_app(config).test_client()


def register(conn: redis.Redis, portal: str = "62515") -> None:
    TenantRegistry(conn, TEST_SECRET_KEY).add(
        Tenant(provider="hubspot", external_id=portal, credentials={"access_token": "t"}, settings=TenantSettings())
    )


def post(client: Any, body: bytes, *, url: str = URL, headers: dict[str, str] | None = None, **kw: Any) -> Any:
    signed = hubspot_v3_headers(body, SECRET, url) if headers is None else headers
    path = url.split("localhost", 1)[1]
    return client.post(path, data=body, headers=signed, **kw)


@pytest.fixture(autouse=True)
def fixtures_clock(world_clock: clock.AnchoredClock) -> Iterator[clock.AnchoredClock]:
    with clock.using(clock.AnchoredClock(FIXTURES_NOW)) as anchored:
        yield anchored


@pytest.fixture
def client(redis_conn: redis.Redis) -> Any:
    register(redis_conn)
    return make_app(redis_conn)


def test_every_declared_event_type_has_a_fixture() -> None:
    covered: set[tuple[str, str | None, str | None]] = set()
    for path in HUBSPOT_FIXTURES:
        for raw in json.loads(path.read_bytes()):
            if event_key(raw) in EVENT_KIND_BY_TYPE:
                covered.add(event_key(raw))
    assert covered == set(EVENT_KIND_BY_TYPE)


@pytest.mark.parametrize("path", HUBSPOT_FIXTURES, ids=lambda p: p.stem)
def test_fixtures_parse_to_their_declared_kind(path: Path) -> None:
    raw = json.loads(path.read_bytes())[0]
    batch = parse_hubspot(path.read_bytes(), now=clock.now())
    expected = None if is_own_change(raw) else EVENT_KIND_BY_TYPE.get(event_key(raw))
    if expected is None:
        assert batch.events == [] and batch.ignored == 1
    else:
        (event,) = batch.events
        assert event.kind == expected
        assert event.tenant == f"hubspot:{raw['portalId']}"
        assert event.object_id == str(raw["objectId"])


def test_signed_batch_is_queued_with_deterministic_ids(client: Any, redis_conn: redis.Redis) -> None:
    body = json.dumps(json.loads(fixture("object.creation__call.json")) + json.loads(fixture("deal.propertyChange__dealstage.json"))).encode()
    resp = post(client, body)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"queued": 2, "duplicates": 0, "ignored": 0}
    assert Queue(SCORING, connection=redis_conn).job_ids == ["hubspot-62515-evt-4512003-3110234503-1763701200000"]
    assert Queue(EVENTS, connection=redis_conn).job_ids == ["hubspot-62515-evt-2310457-1784520012-1763700300000"]


def test_same_delivery_three_times_queues_once(client: Any, redis_conn: redis.Redis) -> None:
    body = fixture("object.creation__call.json")
    answers = [post(client, body).get_json() for _ in range(3)]
    assert [a["queued"] for a in answers] == [1, 0, 0]
    assert [a["duplicates"] for a in answers] == [0, 1, 1]
    assert len(Queue(SCORING, connection=redis_conn)) == 1


def test_retry_with_new_attempt_number_is_a_duplicate(client: Any, redis_conn: redis.Redis) -> None:
    events = json.loads(fixture("object.creation__call.json"))
    post(client, json.dumps(events).encode())
    events[0]["attemptNumber"] = 3
    assert post(client, json.dumps(events).encode()).get_json()["duplicates"] == 1


def test_ignored_types_are_acknowledged(client: Any, redis_conn: redis.Redis) -> None:
    resp = post(client, fixture("ignored__contact.creation.json"))
    assert resp.status_code == 200
    assert resp.get_json() == {"queued": 0, "duplicates": 0, "ignored": 1}
    not_completed = json.loads(fixture("object.propertyChange__task_status.json"))
    not_completed[0]["propertyValue"] = "IN_PROGRESS"
    assert post(client, json.dumps(not_completed).encode()).get_json()["ignored"] == 1


def test_dealcoachs_own_changes_are_acknowledged_and_not_queued(client: Any, redis_conn: redis.Redis) -> None:
    own = json.loads(fixture("own__object.propertyChange__task_status.json"))
    assert post(client, json.dumps(own).encode()).get_json() == {"queued": 0, "duplicates": 0, "ignored": 1}
    other_app = [{**own[0], "eventId": own[0]["eventId"] + 1, "sourceId": "999001"}]
    assert post(client, json.dumps(other_app).encode()).get_json()["queued"] == 1, "another integration's change counts"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"{}", b"[]", b'["x"]', b'[{"eventId":1}]', b'[{"eventId":1,"portalId":"x","occurredAt":1,"objectId":1,"subscriptionType":"deal.creation"}]',
     b"\xff\xfe"],
    ids=["not_json", "empty_object", "empty_array", "not_objects", "missing_fields", "non_numeric", "bad_utf8"],
)
def test_malformed_signed_bodies_are_400(client: Any, body: bytes) -> None:
    resp = post(client, body)
    assert resp.status_code == 400
    assert resp.get_json()["error"] == "malformed"


def test_more_than_100_events_is_413(client: Any) -> None:
    one = json.loads(fixture("object.creation__call.json"))[0]
    body = json.dumps([{**one, "eventId": i} for i in range(101)]).encode()
    assert post(client, body).status_code == 413


def test_body_over_the_size_cap_is_413(redis_conn: redis.Redis) -> None:
    register(redis_conn)
    small = make_app(redis_conn, MAX_CONTENT_LENGTH=1024)
    body = b"[" + b" " * 2048 + b"]"
    assert post(small, body).status_code == 413


@pytest.mark.parametrize(
    "headers",
    [{}, {"X-HubSpot-Signature-v3": "AAAA", "X-HubSpot-Request-Timestamp": str(int(time.time() * 1000))}],
    ids=["unsigned", "bad_signature"],
)
def test_unsigned_or_badly_signed_is_401(client: Any, headers: dict[str, str], redis_conn: redis.Redis) -> None:
    resp = post(client, fixture("object.creation__call.json"), headers=headers)
    assert resp.status_code == 401
    assert len(Queue(SCORING, connection=redis_conn)) == 0


def test_stale_signature_is_401(client: Any) -> None:
    body = fixture("object.creation__call.json")
    stale = hubspot_v3_headers(body, SECRET, URL, now=time.time() - 600)
    assert post(client, body, headers=stale).status_code == 401


def test_signature_covers_the_query_string(client: Any) -> None:
    body = fixture("object.creation__call.json")
    url = URL + "?source=hubspot&x=a%3Ab"
    assert post(client, body, url=url).status_code == 200
    wrong = hubspot_v3_headers(body, SECRET, URL)
    assert post(client, body, url=url, headers=wrong).status_code == 401


def test_public_url_and_forwarded_headers(redis_conn: redis.Redis) -> None:
    register(redis_conn)
    body = fixture("object.creation__call.json")
    public = "https://coach.example.jp/webhooks/hubspot"
    behind_proxy = make_app(redis_conn, PUBLIC_URL="https://coach.example.jp")
    assert post(behind_proxy, body, headers=hubspot_v3_headers(body, SECRET, public)).status_code == 200
    forwarded = make_app(redis_conn)
    headers = {**hubspot_v3_headers(body, SECRET, public), "X-Forwarded-Proto": "https", "X-Forwarded-Host": "coach.example.jp"}
    assert post(forwarded, body, headers=headers).status_code == 200


def test_unknown_tenant_is_404(redis_conn: redis.Redis) -> None:
    app = make_app(redis_conn)
    resp = post(app, fixture("object.creation__call.json"))
    assert resp.status_code == 404
    assert resp.get_json()["error"] == "unknown_tenant"


def test_redis_stopped_is_503_and_nothing_is_acknowledged(client: Any, redis_server: Any, redis_conn: redis.Redis) -> None:
    redis_server.stop()
    try:
        resp = post(client, fixture("object.creation__call.json"))
        assert resp.status_code == 503
        assert client.get("/readyz").status_code == 503
        assert client.get("/healthz").status_code == 200
    finally:
        redis_server.start()
    assert len(Queue(SCORING, connection=redis.Redis.from_url(redis_server.url))) == 0


def test_unreachable_redis_is_503(redis_conn: redis.Redis) -> None:
    dead = redis.Redis(port=free_port(), socket_connect_timeout=0.2)
    app = make_app(dead)
    assert post(app, fixture("object.creation__call.json")).status_code == 503
    assert app.get("/readyz").status_code == 503


def test_readyz_ok(client: Any) -> None:
    assert client.get("/readyz").get_json() == {"status": "ok", "redis": "up"}


def test_wrong_method_is_not_500(client: Any) -> None:
    assert client.get("/webhooks/hubspot").status_code == 405


def test_metrics_count_webhook_answers_and_queue_depths(client: Any) -> None:
    post(client, fixture("object.creation__call.json"))
    post(client, fixture("object.creation__call.json"), headers={})
    text = client.get("/metrics").get_data(as_text=True)
    assert 'dealcoach_webhook_responses_total{endpoint="hubspot",status="200"} 1.0' in text
    assert 'dealcoach_webhook_responses_total{endpoint="hubspot",status="401"} 1.0' in text
    assert 'dealcoach_queue_jobs{queue="scoring"} 1.0' in text and "dealcoach_up 1.0" in text
    # No worker runs in this test: no scheduler holds a lock, and nothing is overdue.
    assert 'dealcoach_scheduler_alive{queue="scoring"} 0.0' in text
    assert 'dealcoach_retry_oldest_overdue_seconds{queue="scoring"} 0.0' in text


# -- one call.logged job per call and delivery (issue 12): HubSpot announces a call logged with its recording as a
# creation and an hs_attachment_ids change in one delivery; a second job would only find the call done.

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
