"""Outbound Messages that carry a SessionId ("Send Session ID" ticked): the session is checked against the org with
one cached UserInfo call before the message is trusted; a forged or foreign session is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import redis
import requests
from rq import Queue

from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.queue import EVENTS
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app


@pytest.fixture
def stack(redis_conn: redis.Redis) -> Iterator[SalesforceStack]:
    with salesforce_stack(redis_conn, secret_key=TEST_SECRET_KEY, app_factory=create_app) as s:
        s.control("POST", "outbound", {"send_session_id": True})
        yield s


def _userinfo_calls(stack: SalesforceStack) -> int:
    return int(stack.control("GET", "oauth/userinfo-calls")["calls"])


def _last_body(stack: SalesforceStack) -> str:
    return str(stack.control("GET", "outbound/deliveries")["deliveries"][-1]["body"])


def test_a_live_session_is_checked_once_and_the_messages_are_queued(
    stack: SalesforceStack, redis_conn: redis.Redis
) -> None:
    stack.move_stage(stack.create_opportunity(name="A社 更新", stage="Prospecting"), "Qualification")
    stack.deliver_webhooks()
    first = stack.control("GET", "outbound/deliveries")["deliveries"][-1]
    assert "<sf:SessionId>" in first["body"] or "SessionId>" in first["body"]
    assert first["delivered"] is True and _userinfo_calls(stack) == 1
    stack.move_stage(stack.create_opportunity(name="B社 新規", stage="Prospecting"), "Qualification")
    stack.deliver_webhooks()
    assert stack.control("GET", "outbound/deliveries")["deliveries"][-1]["delivered"] is True
    assert _userinfo_calls(stack) == 1, "the same session is not checked again within ten minutes"
    assert (
        Queue(EVENTS, connection=redis_conn).count + len(Queue(EVENTS, connection=redis_conn).finished_job_registry)
        >= 2
    )


def test_a_forged_session_is_refused_and_nothing_is_queued(stack: SalesforceStack, redis_conn: redis.Redis) -> None:
    stack.move_stage(stack.create_opportunity(name="A社 更新", stage="Prospecting"), "Qualification")
    stack.deliver_webhooks()
    body = _last_body(stack)
    forged = re.sub(r"(SessionId>)[^<]+(</)", r"\g<1>00D!forged-session\g<2>", body)
    forged = re.sub(r"(<(?:\w+:)?Id>)006[^<]+(</)", r"\g<1>006000000000001AAA\g<2>", forged, count=1)
    assert forged != body
    before = Queue(EVENTS, connection=redis_conn).count
    url = f"{stack.app.url}/webhooks/salesforce/outbound"
    for _ in range(3):
        resp = requests.post(url, data=forged.encode(), headers={"Content-Type": "text/xml; charset=utf-8"}, timeout=10)
        assert resp.status_code == 401 and "session id is not valid" in resp.text
    assert Queue(EVENTS, connection=redis_conn).count == before
    assert _userinfo_calls(stack) == 2, "one call for the genuine session, one for the forged one (then cached)"
