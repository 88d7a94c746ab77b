"""The Flow ingress answered without Flask (webhooks/fast_routes.py) does exactly what its Flask view does.

Each scenario runs twice on a fresh database, once through an app whose Flow route skips Flask and once through an app
with the general path (config `FAST_ROUTES: False`), and the two must agree on every answer (status, headers but the request
id's value, body), every log line, the answer metrics and every key written to Redis (job fields decoded; the two
timestamps and the request id, which differ by nature, checked for shape instead).
"""

from __future__ import annotations

import json
import logging
import pickle
import time
import zlib
from typing import Any

import pytest
import redis

from connector.tenants import Tenant, TenantRegistry
from tests.conftest import TEST_SECRET_KEY, free_port
from webhooks.app import REQUEST_ID_HEADER, create_app
from webhooks.fast_routes import FastRoutes
from webhooks.signatures import sign_dealcoach

ORG, OTHER_ORG, SECRET = "00D5g000004XyZaEAK", "00D5g000009ZzZzEAK", "fast-flow-secret"
PATH = "/webhooks/salesforce/events"
CAP = 64 * 1024


def event(n: int | str, **change: Any) -> dict[str, Any]:
    found = {"orgId": ORG, "eventId": f"fast-{n}", "kind": "stage_changed", "objectId": "0065g00000XyZ12AAF",
             "occurredAt": "2026-11-20T05:10:00Z", "fields": {"StageName": "Closed Won", "LastModifiedById": "0055g00000AbCdE"}}
    return {**found, **change}


def signed(body: bytes, *, secret: str = SECRET, age_s: int = 0, header: str | None = None) -> dict[str, Any]:
    sig = sign_dealcoach(body, secret, int(time.time()) - age_s) if header is None else header
    return {"data": body, "headers": {"Content-Type": "application/json", "X-DealCoach-Signature": sig}}


def js(payload: Any) -> bytes:
    return json.dumps(payload).encode()


def chunked(body: bytes) -> dict[str, Any]:
    """A body sent without Content-Length (as a chunked request reaches the app)."""
    import io

    sent = signed(body)
    return {"input_stream": io.BytesIO(body), "headers": {**sent["headers"], "Transfer-Encoding": "chunked"}}


BATCH = js({"orgId": ORG, "events": [event(f"b{i}", orgId=None) for i in range(100)]})
BIG = js(event("big", fields={"StageName": "x" * CAP}))

# name -> the requests of the scenario, in order: (method, keyword arguments of the test client's `open`).
SCENARIOS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "queued_then_duplicate": [("POST", signed(js(event(1)))), ("POST", signed(js(event(1))))],
    "batch_of_100": [("POST", signed(BATCH))],
    "file_and_call_kinds": [("POST", signed(js(event(2, kind="file_attached", objectId="0685g00000AbCdEAAZ")))),
                            ("POST", signed(js(event(3, kind="call_logged"))))],
    "no_signature": [("POST", signed(js(event(4)), header=""))],
    "wrong_secret": [("POST", signed(js(event(5)), secret="not-it"))],
    "stale_signature": [("POST", signed(js(event(6)), age_s=3600))],
    "garbled_signature": [("POST", signed(js(event(7)), header="t=abc,v1=\u00e9"))],
    "not_json": [("POST", signed(b"{not json"))],
    "unknown_kind": [("POST", signed(js(event(8, kind="nope"))))],
    "bad_org_id": [("POST", signed(js(event(9, orgId="not-an-org"))))],
    "non_string_field": [("POST", signed(js(event(10, fields={"StageName": 3}))))],
    "too_many_events": [("POST", signed(js({"orgId": ORG, "events": [event(i) for i in range(101)]})))],
    "too_large": [("POST", signed(BIG))],
    "too_large_chunked": [("POST", chunked(BIG))],
    "unknown_tenant": [("POST", signed(js(event(11, orgId=OTHER_ORG))))],
    "other_methods_go_to_flask": [("GET", {}), ("PUT", signed(js(event(12)))), ("OPTIONS", {})],
    "other_paths_go_to_flask": [("POST", {**signed(js(event(13))), "path": PATH + "/"})],
}


def snapshot(conn: redis.Redis, request_ids: list[str]) -> dict[str, Any]:
    """Every key but the tenant's record (encrypted with a fresh nonce), its contents decoded and comparable."""
    out: dict[str, Any] = {}
    for raw in sorted(conn.keys("*")):
        key = raw.decode()
        if key.startswith("dealcoach:tenant"):
            continue
        kind = conn.type(raw).decode()
        if kind == "hash":
            fields = {k.decode(): v for k, v in conn.hgetall(raw).items()}
            for stamp in ("created_at", "enqueued_at"):
                assert fields.pop(stamp, b"").endswith(b"Z")
            fields["data"] = pickle.loads(zlib.decompress(fields["data"])) if "data" in fields else None
            if "meta" in fields:
                meta = pickle.loads(fields.pop("meta"))
                assert meta.pop("request_id") in request_ids
                fields["meta"] = meta
            out[key] = fields
        elif kind == "list":
            out[key] = conn.lrange(raw, 0, -1)
        elif kind == "set":
            out[key] = sorted(conn.smembers(raw))
        else:
            out[key] = (kind, conn.ttl(raw))
    return out


def run(conn: redis.Redis, caplog: pytest.LogCaptureFixture, fast: bool,
        requests: list[tuple[str, dict[str, Any]]], config: dict[str, Any]) -> dict[str, Any]:
    conn.flushdb()
    TenantRegistry(conn, TEST_SECRET_KEY).add(Tenant(provider="salesforce", external_id=ORG, credentials={}))
    app = create_app({"REDIS": conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "SALESFORCE_EVENTS_SECRETS": [SECRET],
                      "MAX_CONTENT_LENGTH": CAP, "FAST_ROUTES": fast, **config})
    assert isinstance(app.wsgi_app.wsgi_app, FastRoutes) is fast  # type: ignore[attr-defined]
    client = app.test_client()
    caplog.clear()
    answers, request_ids = [], []
    for method, kwargs in requests:
        kwargs = dict(kwargs)
        answer = client.open(kwargs.pop("path", PATH), method=method, **kwargs)
        request_ids.append(answer.headers[REQUEST_ID_HEADER])
        headers = [(k, v) for k, v in answer.headers.items() if k != REQUEST_ID_HEADER]
        answers.append((answer.status, headers, answer.get_data()))
    logs = [(r.name, r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    metrics = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in app.extensions["dealcoach.metrics"].registry.collect()
        for s in family.samples
        if not s.name.endswith(("_sum", "_created", "_bucket"))
    }
    return {"answers": answers, "logs": logs, "metrics": metrics, "redis": snapshot(conn, request_ids)}


def both(conn: redis.Redis, caplog: pytest.LogCaptureFixture,
         requests: list[tuple[str, dict[str, Any]]], config: dict[str, Any] | None = None) -> dict[str, Any]:
    caplog.set_level(logging.INFO, logger="dealcoach")
    general = run(conn, caplog, False, requests, config or {})
    fast = run(conn, caplog, True, requests, config or {})
    assert fast == general
    return fast


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_fast_flow_route_answers_as_the_flask_view(
    name: str, redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    seen = both(redis_conn, caplog, SCENARIOS[name])
    assert seen["answers"], name


def test_the_scenarios_reach_every_status(
    redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """The comparison is not vacuous: together the scenarios answer 200, 400, 401, 404, 405 and 413, and queue jobs."""
    statuses, queued = set(), 0
    for requests in SCENARIOS.values():
        seen = both(redis_conn, caplog, requests)
        statuses |= {status for status, _headers, _body in seen["answers"]}
        queued += sum(1 for key in seen["redis"] if key.startswith("rq:job:"))
    assert {s[:3] for s in statuses} >= {"200", "400", "401", "404", "405", "413"}
    assert queued == 1 + 100 + 2


def test_redis_down_and_a_broken_configuration_answer_as_the_flask_view(
    redis_conn: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    """503 when Redis does not answer (queue_unavailable), and 503 with the bug logged when the app is misconfigured."""
    down = redis.Redis(port=free_port(), socket_connect_timeout=0.5, socket_timeout=0.5)
    requests = [("POST", signed(js(event(20))))]
    seen = both(redis_conn, caplog, requests, {"REDIS": down})
    assert seen["answers"][0][0].startswith("503") and b"queue_unavailable" in seen["answers"][0][2]
    seen = both(redis_conn, caplog, requests, {"SALESFORCE_EVENTS_SECRETS": None})
    assert seen["answers"][0][0].startswith("503") and any(exc for *_rest, exc in seen["logs"])

