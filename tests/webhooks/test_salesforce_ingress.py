"""Outbound Messages are unsigned, so an org id alone must not be enough to queue work without bound."""

from __future__ import annotations

from typing import Any

import redis
from rq import Queue

from connector.tenants import Tenant, TenantRegistry
from sync.queue import ALL_QUEUES
from tests.conftest import FIXTURES, TEST_SECRET_KEY
from webhooks.app import create_app

SF = FIXTURES / "salesforce"
ORG = "00D5g000004XyZaEAK"


def post(client: Any, name: str) -> Any:
    return client.post("/webhooks/salesforce/outbound", data=(SF / name).read_bytes(),
                       headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})


def queued(conn: redis.Redis) -> int:
    return sum(len(Queue(name, connection=conn)) for name in ALL_QUEUES)


def test_an_allow_listed_org_that_is_not_installed_is_acknowledged_but_not_queued(redis_conn: redis.Redis) -> None:
    app = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                      "SALESFORCE_ALLOWED_ORG_IDS": ["00D5g000009ZzZz"]}).test_client()
    resp = post(app, "outbound__unknown_org.xml")
    assert resp.status_code == 200 and b"Ack>true</" in resp.data
    assert queued(redis_conn) == 0, "no job for an org without credentials"


def test_a_flood_from_one_org_is_bounded(redis_conn: redis.Redis) -> None:
    TenantRegistry(redis_conn, TEST_SECRET_KEY).add(Tenant(provider="salesforce", external_id=ORG, credentials={}))
    app = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                      "SALESFORCE_INGRESS_PER_MINUTE": 150}).test_client()
    statuses = [post(app, "outbound__100_notifications.xml").status_code for _ in range(3)]
    assert statuses[0] == 200 and statuses[1:] == [503, 503], statuses
    assert queued(redis_conn) <= 150
