"""The custom workflow action end to end: the sandbox's workflow calls DealCoach's action URL (signed), DealCoach
queues it and answers BLOCK at once, the job coaches the deal and completes the callback through HubSpot's
callback-completion API, and the workflow step carries the outcome in its output fields."""

from __future__ import annotations

import json
from typing import Any

import requests
from rq import Queue

from sync.demo.stack import run_worker
from sync.queue import EVENTS
from tests.admin.conftest import CLIENT_SECRET, PORTAL, Admin
from webhooks.signatures import hubspot_v3_headers


def _seed_deal(admin: Admin, stage: str = "qualifiedtobuy") -> str:
    return str(
        admin.control(
            "POST",
            "seed",
            {
                "deals": [
                    {"properties": {"dealname": "ワークフロー商談", "dealstage": stage, "hubspot_owner_id": "75000001"}}
                ]
            },
        )["deals"][0]
    )


def _execute(admin: Admin, deal: str) -> dict[str, Any]:
    return admin.control(
        "POST", "workflow/execute", {"action_url": f"{admin.web.url}/webhooks/hubspot/workflow", "deal_id": deal}
    )


def _execution(admin: Admin, callback: str) -> dict[str, Any]:
    return next(e for e in admin.control("GET", "workflow/executions")["results"] if e["callback_id"] == callback)


def test_the_action_blocks_the_step_and_the_job_completes_it_with_the_outcome(admin: Admin) -> None:
    assert admin.install().status_code == 200
    deal = _seed_deal(admin)
    sent = _execute(admin, deal)
    assert sent["state"] == "BLOCKED", sent
    assert sent["response"] == {"outputFields": {"hs_execution_state": "BLOCK", "hs_expiration_duration": "P1D"}}
    assert Queue(EVENTS, connection=admin.conn).count == 1
    run_worker(admin.conn)
    done = _execution(admin, sent["callback_id"])
    assert done["state"] == "COMPLETED"
    out = done["output_fields"]
    assert out["hs_execution_state"] == "SUCCESS" and out["dealcoach_outcome"] == "coached"
    assert int(out["dealcoach_tasks_created"]) >= 1 and out["dealcoach_phase"] == "needs_discovery"
    assert any(
        deal in {a["id"] for a in t["associations"].get("deals", [])}
        for t in admin.control("GET", "objects/tasks")["results"]
    )

    again = _execute(admin, deal)
    run_worker(admin.conn)
    out = _execution(admin, again["callback_id"])["output_fields"]
    assert (out["dealcoach_outcome"], out["dealcoach_tasks_created"]) == ("nothing_to_do", "0"), "no task twice"


def test_a_deal_that_cannot_be_coached_continues_the_workflow_as_failed(admin: Admin) -> None:
    assert admin.install().status_code == 200
    sent = _execute(admin, "99999999999")
    run_worker(admin.conn)
    out = _execution(admin, sent["callback_id"])["output_fields"]
    assert (out["hs_execution_state"], out["dealcoach_outcome"]) == ("FAIL_CONTINUE", "failed")


def test_the_action_url_is_signed_queued_once_per_callback_and_refuses_bad_input(admin: Admin) -> None:
    assert admin.install().status_code == 200
    url = f"{admin.web.url}/webhooks/hubspot/workflow"
    payload = {
        "callbackId": "ap-54321-62515-77-x",
        "origin": {"portalId": int(PORTAL)},
        "object": {"objectId": 17000000001, "objectType": "DEAL"},
        "inputFields": {},
    }
    body = json.dumps(payload).encode()

    def post(raw: bytes, secret: str = CLIENT_SECRET) -> requests.Response:
        return requests.post(url, data=raw, headers=hubspot_v3_headers(raw, secret, url), timeout=10)

    assert post(body).status_code == 200 and post(body).status_code == 200
    assert Queue(EVENTS, connection=admin.conn).count == 1, "HubSpot's retry of one callback is one job"
    assert requests.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=10).status_code == 401
    assert post(body, secret="wrong").status_code == 401
    assert post(b"[]").status_code == 400
    assert post(json.dumps({**payload, "object": {"objectId": 1, "objectType": "CONTACT"}}).encode()).status_code == 400
    assert post(json.dumps({**payload, "callbackId": "x" * 500}).encode()).status_code == 400
    assert post(json.dumps({**payload, "origin": {"portalId": 31337}}).encode()).status_code == 404
