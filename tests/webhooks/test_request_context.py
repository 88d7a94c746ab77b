"""The request middleware labels answers exactly as Flask's matched route did, and ties the answer to its jobs."""

from __future__ import annotations

import json
import time
from typing import Any

import redis
from rq import Queue

from connector.tenants import Tenant, TenantRegistry
from sync.queue import EVENTS
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import REQUEST_ID_HEADER, create_app
from webhooks.signatures import sign_dealcoach

ORG, FLOW_SECRET = "00D5g000004XyZaEAK", "ctx-flow-secret"


def answers(client: Any) -> dict[tuple[str, str], float]:
    from prometheus_client.parser import text_string_to_metric_families

    found = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))}
    return {(s.labels["endpoint"], s.labels["status"]): s.value
            for s in found["dealcoach_webhook_responses"].samples if s.name.endswith("_total")}


def test_no_route_wrong_method_and_redirect_are_unknown(redis_conn: redis.Redis) -> None:
    """Flask had no matched rule for a 405 or a path that only differs by a slash; neither is a route's answer."""
    client = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY}).test_client()
    assert client.get("/webhooks/hubspot").status_code == 405
    assert client.post("/webhooks/hubspot/").status_code == 404
    assert client.options("/webhooks/salesforce/events").status_code == 200  # Flask's automatic OPTIONS: a route
    assert answers(client) == {("unknown", "405"): 1.0, ("unknown", "404"): 1.0, ("salesforce/events", "200"): 1.0}


def test_each_answer_names_its_request_and_the_job_carries_it(redis_conn: redis.Redis) -> None:
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(
        Tenant(provider="salesforce", external_id=ORG, credentials={"instance_url": "https://x", "session_id": "s"}))
    client = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                         "SALESFORCE_EVENTS_SECRETS": [FLOW_SECRET]}).test_client()
    ids = []
    for n in range(2):
        body = json.dumps({"orgId": ORG, "eventId": f"ctx-{n}", "kind": "stage_changed",
                           "objectId": "0065g00000Ctx01", "fields": {"StageName": "Closed Won"}}).encode()
        answer = client.post("/webhooks/salesforce/events", data=body,
                             headers={"X-DealCoach-Signature": sign_dealcoach(body, FLOW_SECRET, int(time.time()))})
        assert answer.get_json() == {"queued": 1, "duplicates": 0, "ignored": 0}
        assert answer.data == b'{"duplicates":0,"ignored":0,"queued":1}\n' and answer.mimetype == "application/json"
        ids.append(answer.headers[REQUEST_ID_HEADER])
    assert len(set(ids)) == 2 and all(len(i) == 16 for i in ids)
    jobs = Queue(EVENTS, connection=redis_conn).get_jobs()
    assert sorted(job.meta["request_id"] for job in jobs) == sorted(ids)
