"""Ingress costs one Redis round trip per request, whatever the batch size (issue 12): one EVALSHA checks the tenant,
probes every job id and writes the new jobs; metrics add none (they are in-process)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import redis
from redis.connection import Connection

from connector.tenants import Tenant, TenantRegistry
from tests.conftest import TEST_SECRET_KEY, RedisServer
from webhooks.app import create_app
from webhooks.signatures import hubspot_v3_headers, sign_dealcoach

SECRET, FLOW_SECRET, ORG = "rt-secret", "rt-flow-secret", "00D5g000004XyZaEAK"


class CountingConnection(Connection):
    """A real connection that counts the times it sends (one send, then its replies, is one round trip)."""

    sends = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sends += 1
        super().send_packed_command(command, check_health)


@pytest.fixture
def client(redis_server: RedisServer, redis_conn: redis.Redis) -> Any:
    registry = TenantRegistry(redis_conn, TEST_SECRET_KEY)
    registry.add(Tenant(provider="hubspot", external_id="62515", credentials={"access_token": "t"}))
    registry.add(Tenant(provider="salesforce", external_id=ORG, credentials={"instance_url": "https://x",
                                                                            "session_id": "s"}))
    counted = redis.Redis(connection_pool=redis.ConnectionPool(connection_class=CountingConnection,
                                                               port=redis_server.port))
    app = create_app({"REDIS": counted, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY, "HUBSPOT_CLIENT_SECRETS": [SECRET],
                      "SALESFORCE_EVENTS_SECRETS": [FLOW_SECRET]}).test_client()
    # Once per process: the connection's handshake and RQ's lookup of the server version are no request's cost.
    hubspot(app, 1, 10**6)
    return app


def round_trips(client: Any, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    before = CountingConnection.sends
    answer = client.post(path, data=body, headers=headers)
    return CountingConnection.sends - before, answer.get_json()


NOW_MS = int(time.time() * 1000)


def hubspot(client: Any, events: int, start: int, portal: int = 62515) -> tuple[int, Any]:
    now = NOW_MS
    body = json.dumps([{"eventId": start + i, "subscriptionId": 1, "portalId": portal, "occurredAt": now,
                        "subscriptionType": "object.creation", "objectId": 100 + i, "objectTypeId": "0-48"}
                       for i in range(events)]).encode()
    url = "http://localhost/webhooks/hubspot"
    return round_trips(client, "/webhooks/hubspot", body, hubspot_v3_headers(body, SECRET, url))


def test_a_single_flow_event_costs_one_round_trip(client: Any) -> None:
    body = json.dumps({"orgId": ORG, "eventId": "e1", "kind": "stage_changed", "objectId": "0065g00000Bench1",
                       "fields": {"StageName": "Needs Analysis"}}).encode()
    headers = {"X-DealCoach-Signature": sign_dealcoach(body, FLOW_SECRET, int(time.time()))}
    trips, answer = round_trips(client, "/webhooks/salesforce/events", body, headers)
    assert (trips, answer["queued"]) == (1, 1)


def test_a_hundred_event_batch_costs_one_round_trip(client: Any) -> None:
    assert hubspot(client, 100, 0) == (1, {"queued": 100, "duplicates": 0, "ignored": 0})


def test_a_redelivered_batch_and_an_unknown_tenant_cost_one(client: Any, redis_conn: redis.Redis) -> None:
    hubspot(client, 10, 0)
    trips, answer = hubspot(client, 10, 0)
    assert (trips, answer["duplicates"]) == (1, 10)
    trips, answer = hubspot(client, 3, 500, portal=404)
    assert (trips, answer["error"]) == (1, "unknown_tenant")
    assert redis_conn.keys("rq:job:hubspot-404-*") == [], "an unknown tenant's events are not queued"
