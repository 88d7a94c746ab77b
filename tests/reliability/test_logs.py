"""What operators read: every log line of a realistic run (web app and jobs, at DEBUG, libraries included) is one JSON
object with its slug and context, and none holds a token, a secret, a SessionId or transcript text.

The run goes through both embedded stacks against the sandbox CRMs: signed HubSpot webhooks and Salesforce Outbound
Messages that carry the org's SessionId, jobs that call the CRMs with their tokens and the LLM scorer (a local fake
with its own API key) on a real transcript, a redelivery, and a forged delivery.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import quote

import pytest
import redis
import requests

from connector.sandbox.hubspot import HubSpotSandboxConfig
from connector.sandbox.salesforce import SalesforceSandboxConfig
from connector.sandbox.salesforce_config import REP_USER_ID
from sync import log_format
from sync.demo.hubspot_stack import embedded_stack
from sync.demo.salesforce_stack import salesforce_stack
from tests.conftest import FIXTURES, TEST_NOW
from tests.fakes.openai_server import FakeOpenAI, FakeReply, empty_answer
from webhooks.app import REQUEST_ID_HEADER, create_app

TRANSCRIPT = FIXTURES / "transcripts" / "discovery_good.ja.vtt"
CALL_AT = TEST_NOW - timedelta(hours=1)
SECRET_KEY = "dc-secret-key-7f3a9c1e5b"
HUBSPOT = HubSpotSandboxConfig(
    access_tokens=["hs-access-token-4b8e2d9f71"],
    other_app_tokens={"hs-rep-app-token-9c2a6e1d": 7_100_001},
    client_secret="hs-client-secret-a1d7c3e8f2",
    refresh_tokens=["hs-refresh-token-5e9b3a7c"],
)
SALESFORCE = SalesforceSandboxConfig(
    access_tokens=["00D5g000004XyZa!AQ-sf-session-8d2f6b1a9e"],
    user_sessions={"00D5g000004XyZa!AQ-sf-rep-session-3c7e9a2b": REP_USER_ID},
    oauth_client_secret="sf-consumer-secret-6a1e8c4d",
    flow_secret="sf-flow-secret-2b9d7f3e",
    send_session_id=True,
)
OPENAI_KEY = "sk-openai-key-e4c8a2f69d"
SECRETS = [
    SECRET_KEY, OPENAI_KEY, *HUBSPOT.access_tokens, *HUBSPOT.other_app_tokens, HUBSPOT.client_secret,
    *HUBSPOT.refresh_tokens, *SALESFORCE.access_tokens, *SALESFORCE.user_sessions, SALESFORCE.oauth_client_secret,
    SALESFORCE.flow_secret,
]


def transcript_pieces() -> list[str]:
    """Every 12-character window of the call's spoken text (a log line holding any of them leaks the transcript)."""
    texts = [re.sub(r"</?v[^>]*>", "", line).strip() for line in TRANSCRIPT.read_text(encoding="utf-8").splitlines()
             if line.startswith("<v ") or (line and not line[0].isascii())]
    return sorted({t[i:i + 12] for t in texts for i in range(max(1, len(t) - 11)) if len(t[i:i + 12]) == 12})


def forms(secret: str) -> list[str]:
    """A value as it may appear in a line: as is, JSON-escaped, percent-encoded, as Python bytes repr."""
    return list(dict.fromkeys([secret, json.dumps(secret)[1:-1], quote(secret, safe=""),
                               repr(secret.encode())[2:-1]]))


def leaks(text: str) -> list[str]:
    """The secrets and transcript pieces that `text` contains (in any of their forms)."""
    found = [s for s in SECRETS if any(f in text for f in forms(s))]
    pieces = transcript_pieces()
    windows = {text[i:i + 12] for i in range(len(text) - 11)}
    found += [p for p in pieces if p in windows]
    found += [p for p in pieces[::7] if any(f in text for f in forms(p)[1:])]
    return found


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """Every record of every logger at DEBUG, through the production handler (JSON format, context filter)."""
    buffer = io.StringIO()
    root = logging.getLogger()
    handler = log_format.handler("json", buffer)
    old_level, old_handlers = root.level, list(root.handlers)
    for old in old_handlers:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        for old in old_handlers:
            root.addHandler(old)
        root.setLevel(old_level)


def hubspot_run(conn: redis.Redis) -> str:
    """A deal, a scored call (LLM fake), a stage change, redeliveries and a forged delivery; returns a request id."""
    answer = empty_answer(bant={"budget": {"found": True, "evidence": "ご予算"},
                                "authority": {"found": False, "evidence": ""},
                                "need": {"found": False, "evidence": ""}, "timeline": {"found": False, "evidence": ""}})
    with embedded_stack(conn, secret_key=SECRET_KEY, app_factory=create_app, config=HUBSPOT) as stack, \
            FakeOpenAI(lambda req: FakeReply.content(answer)) as fake:
        stack.configure(OPENAI_BASE_URL=fake.url + "/v1", OPENAI_API_KEY=OPENAI_KEY)
        deal = stack.create_deal(name="株式会社テスト / 導入", stage="appointmentscheduled", owner_id="75000001")
        stack.drain()
        stack.log_call(deal_id=deal, transcript=TRANSCRIPT, title="初回ヒアリング", at=CALL_AT, owner_id="75000001")
        stack.drain()
        assert stack.notes_on(deal), "the run scored the call"
        stack.move_stage(deal, "qualifiedtobuy")
        stack.drain()
        stack.control("POST", "webhooks/redeliver")
        stack.drain()
        forged = requests.post(f"{stack.app.url}/webhooks/hubspot", data=b'[{"eventId": 1}]', timeout=10,
                               headers={"X-HubSpot-Signature-v3": "forged", "X-HubSpot-Request-Timestamp": "1"})
        assert forged.status_code == 401
        return forged.headers[REQUEST_ID_HEADER]


def salesforce_run(conn: redis.Redis) -> None:
    """An opportunity, a logged call and a stage change, delivered as Outbound Messages carrying the SessionId."""
    with salesforce_stack(conn, secret_key=SECRET_KEY, app_factory=create_app, config=SALESFORCE) as stack:
        opp = stack.create_opportunity(name="株式会社テスト / 導入", stage="Qualification", amount=1200000)
        stack.drain()
        stack.log_call(opportunity_id=opp, transcript=TRANSCRIPT, subject="通話: 初回ヒアリング", at=CALL_AT)
        stack.drain()
        assert stack.notes_on(opp), "the run scored the call"
        stack.move_stage(opp, "Needs Analysis")
        stack.drain()


def test_logs_of_a_full_run_are_json_with_context_and_leak_nothing(captured: io.StringIO,
                                                                    redis_conn: redis.Redis) -> None:
    forged_request = hubspot_run(redis_conn)
    redis_conn.flushdb()
    salesforce_run(redis_conn)
    text = captured.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) > 50, "DEBUG over a full run says a lot"
    assert "\x1b" not in text, "no ANSI codes"
    assert all({"time", "level", "event", "logger", "message"} <= line.keys() for line in lines)
    assert not leaks(text), sorted(set(leaks(text)))[:10]
    slugs = {line["event"] for line in lines}
    assert {"webhooks.queued", "webhooks.hubspot.received", "webhooks.salesforce.outbound_acked",
            "webhooks.rejected"} <= slugs
    rejected = [line for line in lines if line["event"] == "webhooks.rejected"]
    assert any(line.get("request_id") == forged_request for line in rejected), "the response header names the line"
    queued = {line["request_id"]: line for line in lines if line["event"] == "webhooks.queued"}
    assert all(line.get("tenant") for line in queued.values() if line["queued"])
    in_jobs = [line for line in lines if line.get("job_id") and line["logger"].startswith("dealcoach.")]
    assert in_jobs, "jobs log with their job id"
    assert {line.get("request_id") for line in in_jobs} <= set(queued), "a job's lines name the request that queued it"
    assert all(line.get("tenant") and line.get("event_id") for line in in_jobs)
