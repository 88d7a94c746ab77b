"""The sandbox controls the chaos suite needs (issue 11): redeliver a chosen delivery, per-fault hit counts, faults
scoped to one client, dropped connections, and the delivery budget and rate limits from `dealcoach sandbox`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask, Response, request

from connector.sandbox.hubspot import HubSpotSandboxConfig, start_hubspot_sandbox
from connector.sandbox.salesforce import SalesforceSandboxConfig, start_salesforce_sandbox
from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.server import ServerThread
from dealcoach_cli import CliError, build_parser, sandbox_delivery

DEALCOACH_TOKEN = "sandbox-token"
OTHER_TOKEN = "sandbox-other-app-token"


class Hook:
    """A receiver that acknowledges everything and keeps the raw bodies (SOAP acks for Outbound Messages)."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []
        self._lock = threading.Lock()
        app = Flask("hook")

        @app.post("/hook")
        def hook() -> Response:
            with self._lock:
                self.bodies.append(request.get_data())
            if request.content_type and "xml" in request.content_type:
                ack = ('<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
                       '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack>'
                       "</notificationsResponse></soapenv:Body></soapenv:Envelope>")
                return Response(ack, content_type="text/xml")
            return Response("", status=204)

        self.server = ServerThread(app)
        self.server.start()
        self.url = f"{self.server.url}/hook"


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.server.stop()


@pytest.fixture
def hub(hook: Hook) -> Iterator[str]:
    server, _ = start_hubspot_sandbox(HubSpotSandboxConfig(target_url=hook.url, webhook_batch_size=1,
                                                           burst_limit=100_000, fault_seed=7))
    yield server.url
    server.stop()


@pytest.fixture
def org(hook: Hook) -> Iterator[SandboxOrg]:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(outbound_url=hook.url, fault_seed=7))
    yield SandboxOrg(server, app)
    server.stop()


def control(base: str, method: str, path: str, body: Any = None) -> Any:
    resp = requests.request(method, f"{base}/_sandbox/{path}", json=body, timeout=30)
    assert resp.status_code < 300, resp.text
    return resp.json() if resp.content else None


def hub_get(base: str, token: str) -> requests.Response:
    return requests.get(f"{base}/crm/v3/objects/deals", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_hubspot_redelivers_the_batch_it_is_asked_for(hub: str, hook: Hook) -> None:
    control(hub, "POST", "changes", {"changes": [{"objectType": "deals", "properties": {"dealname": n}}
                                                 for n in ("A", "B", "C")]})
    log = control(hub, "POST", "webhooks/flush")["deliveries"]
    assert len(log) >= 3 and all(d["delivered"] for d in log)
    first = log[0]
    again = control(hub, "POST", "webhooks/redeliver", {"batchId": first["batchId"]})
    assert again["redeliveryOf"] == first["batchId"] and again["delivered"]
    assert again["eventIds"] == first["eventIds"]
    assert hook.bodies[-1] == first["body"].encode(), "byte for byte the chosen batch, not the last one"
    missing = requests.post(f"{hub}/_sandbox/webhooks/redeliver", json={"batchId": 999}, timeout=10)
    assert missing.status_code == 400 and "999" in missing.json()["message"]


def test_salesforce_redelivers_the_message_it_is_asked_for(org: SandboxOrg, hook: Hook) -> None:
    created = org.seed(opportunities=[{"Name": n, "StageName": "Prospecting", "CloseDate": "2026-12-31"}
                                      for n in ("A", "B")])
    for opp, stage in zip(created["opportunities"], ("Qualification", "Needs Analysis"), strict=True):
        org.control("POST", "changes", {"changes": [{"objectType": "Opportunity", "id": opp,
                                                     "fields": {"StageName": stage}}]})
        org.control("POST", "outbound/flush")
    log = org.control("GET", "outbound/deliveries")["deliveries"]
    assert len(log) == 2
    again = org.control("POST", "outbound/redeliver", {"deliveryId": log[0]["deliveryId"]})
    assert again["redeliveryOf"] == log[0]["deliveryId"] and again["delivered"]
    assert again["notificationIds"] == log[0]["notificationIds"]
    assert hook.bodies[-1] == log[0]["body"].encode()


def test_hubspot_fault_scoped_to_one_client_counts_its_hits(hub: str) -> None:
    armed = control(hub, "POST", "faults", {"status": 429, "rate": 1.0, "client": DEALCOACH_TOKEN})
    control(hub, "POST", "faults", {"status": 503, "count": 1, "retry_after": 2})
    statuses = [hub_get(hub, DEALCOACH_TOKEN).status_code for _ in range(3)]
    other = [hub_get(hub, OTHER_TOKEN) for _ in range(2)]
    assert statuses == [429, 429, 429]
    assert [r.status_code for r in other] == [503, 200], "the scoped fault spares other apps' requests"
    assert other[0].headers["Retry-After"] == "2"
    hits = control(hub, "GET", "faults/hits")
    by_id = {f["id"]: f for f in hits["faults"]}
    assert by_id[armed["id"]]["hits"] == 3 and by_id[armed["id"]]["kind"] == "429"
    spent = [f for f in hits["faults"] if f["kind"] == "503+retry-after"]
    assert spent[0]["hits"] == 1 and not spent[0]["armed"], "a used-up counted fault still reports its hits"
    assert hits["byKind"] == {"429": 3, "503+retry-after": 1} and hits["total"] == 4
    assert len(control(hub, "GET", "faults")["faults"]) == 1
    control(hub, "DELETE", "faults")
    assert control(hub, "GET", "faults/hits")["total"] == 0


def test_hubspot_reset_fault_drops_the_connection(hub: str) -> None:
    control(hub, "POST", "faults", {"reset": True, "count": 1, "client": DEALCOACH_TOKEN})
    with pytest.raises(requests.ConnectionError):
        hub_get(hub, DEALCOACH_TOKEN)
    assert hub_get(hub, DEALCOACH_TOKEN).status_code == 200
    control(hub, "POST", "faults", {"reset": True, "count": 1, "method": "POST"})
    with pytest.raises(requests.ConnectionError):  # a write is dropped before it is processed
        requests.post(f"{hub}/crm/v3/objects/deals", json={"properties": {"dealname": "x" * 5000}},
                      headers={"Authorization": f"Bearer {DEALCOACH_TOKEN}"}, timeout=10)
    assert control(hub, "GET", "objects/deals")["total"] == 0
    assert control(hub, "GET", "faults/hits")["byKind"] == {"reset": 2}


def test_salesforce_faults_by_session_reset_and_hits(org: SandboxOrg) -> None:
    rep = next(iter(SalesforceSandboxConfig().user_sessions))
    org.control("POST", "faults", {"status": 500, "rate": 1.0, "client": "sandbox-session-id",
                                   "path_prefix": "limits"})
    org.control("POST", "faults", {"reset": True, "count": 1, "client": rep})
    assert org.api("GET", "limits").status_code == 500
    with pytest.raises(requests.ConnectionError):
        org.api("GET", "sobjects", session_id=rep)
    assert org.api("GET", "sobjects", session_id=rep).status_code == 200
    assert org.control("GET", "faults/hits")["byKind"] == {"500": 1, "reset": 1}


def test_invalid_fault_bodies_are_refused(hub: str) -> None:
    for body in ({"reset": "yes"}, {"client": 5, "status": 500}, {"client": "x"}):
        assert requests.post(f"{hub}/_sandbox/faults", json=body, timeout=10).status_code == 400


@pytest.mark.parametrize(("argv", "expected"), [
    (["sandbox", "hubspot", "--port", "1", "--webhook-max-attempts", "30", "--webhook-retry-delays", "0.5,1,2",
      "--burst-limit", "50", "--daily-limit", "1000"],
     {"webhook_max_attempts": 30, "webhook_retry_delays_s": (0.5, 1.0, 2.0), "burst_limit": 50,
      "daily_limit": 1000}),
    (["sandbox", "salesforce", "--port", "1", "--webhook-max-attempts", "12", "--webhook-retry-delays", "0.5,8",
      "--daily-limit", "5000"],
     {"outbound_max_attempts": 12, "outbound_retry_initial_s": 0.5, "outbound_retry_max_s": 8.0,
      "daily_api_limit": 5000}),
    (["sandbox", "hubspot", "--port", "1"], {}),
])
def test_sandbox_cli_sets_the_delivery_budget_and_limits(argv: list[str], expected: dict[str, Any]) -> None:
    overrides = sandbox_delivery(build_parser().parse_args(argv))
    assert overrides == expected
    config = (HubSpotSandboxConfig if argv[1] == "hubspot" else SalesforceSandboxConfig)(**overrides)
    assert all(getattr(config, k) == v for k, v in expected.items())


@pytest.mark.parametrize("argv", [
    ["sandbox", "salesforce", "--port", "1", "--burst-limit", "5"],
    ["sandbox", "hubspot", "--port", "1", "--webhook-retry-delays", "1,-2"],
    ["sandbox", "hubspot", "--port", "1", "--webhook-retry-delays", "soon"],
])
def test_sandbox_cli_refuses_bad_delivery_options(argv: list[str]) -> None:
    with pytest.raises(CliError):
        sandbox_delivery(build_parser().parse_args(argv))
