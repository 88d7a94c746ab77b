"""Auth, rate limits, injected faults and the inspection endpoints, seen through the real SDK."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from hubspot.crm.deals import (
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectInputForCreate,
)
from urllib3.util.retry import Retry

RATE_HEADERS = ("X-HubSpot-RateLimit-Max", "X-HubSpot-RateLimit-Remaining",
                "X-HubSpot-RateLimit-Interval-Milliseconds", "X-HubSpot-RateLimit-Daily",
                "X-HubSpot-RateLimit-Daily-Remaining")


def _new_deal(name: str = "x") -> SimplePublicObjectInputForCreate:
    return SimplePublicObjectInputForCreate(properties={"dealname": name})


def test_missing_or_wrong_token_is_401(sandbox: Any, api_error: Any) -> None:
    with api_error(401) as err:
        sandbox.client(access_token="pat-na1-wrong").crm.deals.basic_api.get_page()
    assert err.body["category"] == "INVALID_AUTHENTICATION"
    resp = requests.get(f"{sandbox.url}/crm/v3/objects/deals", timeout=5)
    assert resp.status_code == 401
    assert set(resp.json()) == {"status", "message", "correlationId", "category"}
    assert resp.json()["message"].startswith("Authentication credentials not found.")


def test_rate_limit_headers_count_down(client: Any) -> None:
    _, status, first = client.crm.deals.basic_api.get_page_with_http_info()
    _, _, second = client.crm.deals.basic_api.get_page_with_http_info()
    assert status == 200 and all(h in first for h in RATE_HEADERS)
    assert first["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert int(second["X-HubSpot-RateLimit-Remaining"]) == int(first["X-HubSpot-RateLimit-Remaining"]) - 1
    assert int(second["X-HubSpot-RateLimit-Daily-Remaining"]) == int(first["X-HubSpot-RateLimit-Daily-Remaining"]) - 1


# urllib3's default Retry (used by the SDK unless told otherwise) silently sleeps Retry-After and repeats GET/PUT/
# DELETE on 429 and 503; these tests turn that off to see HubSpot's answer.
NO_RETRY = Retry(0, respect_retry_after_header=False)


def test_burst_limit_429_with_retry_after(make_sandbox: Any, api_error: Any) -> None:
    client = make_sandbox(burst_limit=3, burst_interval_ms=1000).client(retry=NO_RETRY)
    for _ in range(3):
        client.crm.deals.basic_api.get_page()
    with api_error(429) as err:
        client.crm.deals.basic_api.get_page()
    assert err.body["category"] == "RATE_LIMITS" and err.body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert err.headers["Retry-After"] == "1" and err.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    time.sleep(1.05)
    client.crm.deals.basic_api.get_page()


def test_search_has_its_own_per_second_limit(make_sandbox: Any, api_error: Any) -> None:
    client = make_sandbox(burst_limit=100, search_per_second=2).client(retry=NO_RETRY)
    request = PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=[
        Filter(property_name="dealname", operator="HAS_PROPERTY")])])
    for _ in range(2):
        _, _, headers = client.crm.deals.search_api.do_search_with_http_info(public_object_search_request=request)
    assert headers["X-HubSpot-RateLimit-Remaining"] == "100"  # search is exempt from the ten-second window
    with api_error(429) as err:
        client.crm.deals.search_api.do_search(public_object_search_request=request)
    assert err.body["policyName"] == "SECONDLY"


def test_daily_limit(make_sandbox: Any, api_error: Any) -> None:
    client = make_sandbox(daily_limit=2).client(retry=NO_RETRY)
    client.crm.deals.basic_api.get_page()
    _, _, headers = client.crm.deals.basic_api.get_page_with_http_info()
    assert headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    with api_error(429) as err:
        client.crm.deals.basic_api.get_page()
    assert err.body["policyName"] == "DAILY" and "Retry-After" not in err.headers


def test_counted_faults_then_recovery(client: Any, sandbox: Any, api_error: Any) -> None:
    sandbox.control("POST", "faults", {"status": 429, "count": 2, "path_prefix": "/crm/v3/objects/tasks",
                                       "method": "POST", "retry_after": 2})
    task = {"hs_timestamp": "2025-01-01T00:00:00Z"}
    from hubspot.crm.objects import SimplePublicObjectInputForCreate as TaskInput

    for _ in range(2):
        with api_error(429) as err:
            client.crm.objects.tasks.basic_api.create(simple_public_object_input_for_create=TaskInput(properties=task))
        assert err.headers["Retry-After"] == "2" and err.body["category"] == "RATE_LIMITS"
    client.crm.deals.basic_api.create(simple_public_object_input_for_create=_new_deal())  # other paths unaffected
    client.crm.objects.tasks.basic_api.create(simple_public_object_input_for_create=TaskInput(properties=task))
    assert sandbox.control("GET", "faults")["faults"] == []


def test_sdk_retry_rides_over_5xx(sandbox: Any) -> None:
    sandbox.control("POST", "faults", {"status": 503, "count": 2, "path_prefix": "/crm/v3/objects/deals"})
    retry = Retry(total=3, status_forcelist=(429, 500, 502, 503, 504), backoff_factor=0, allowed_methods=None,
                  respect_retry_after_header=False)
    deal = sandbox.client(retry=retry).crm.deals.basic_api.create(simple_public_object_input_for_create=_new_deal())
    assert deal.id
    assert sandbox.control("GET", "calls")["byStatus"] == {"201": 1, "503": 2}


def test_rate_fault_and_clear(client: Any, sandbox: Any, api_error: Any) -> None:
    sandbox.control("POST", "faults", {"status": 500, "rate": 1.0, "path_prefix": "/crm/v3/owners"})
    with api_error(500) as err:
        client.crm.owners.owners_api.get_page()
    assert err.body["message"] == "internal error"
    sandbox.control("DELETE", "faults")
    client.crm.owners.owners_api.get_page()


def test_delay_fault_times_out_but_the_write_lands(client: Any, sandbox: Any) -> None:
    sandbox.control("POST", "faults", {"delay_s": 0.6, "rate": 1.0, "path_prefix": "/crm/v3/objects/deals",
                                       "method": "POST"})
    with pytest.raises(Exception, match="(?i)timed? ?out"):
        client.crm.deals.basic_api.create(simple_public_object_input_for_create=_new_deal("ghost"),
                                          _request_timeout=0.2)
    time.sleep(0.6)
    assert [d["properties"]["dealname"] for d in sandbox.dump("deals")] == ["ghost"]


def test_writes_and_calls_are_inspectable(client: Any, sandbox: Any) -> None:
    deal = client.crm.deals.basic_api.create(simple_public_object_input_for_create=_new_deal("I社"))
    client.crm.deals.basic_api.get_by_id(deal.id)
    client.crm.deals.basic_api.get_by_id(deal.id)
    client.crm.associations.v4.basic_api.create_default("deals", deal.id, "contacts", sandbox.seed(
        contacts=[{"properties": {"email": "x@example.jp"}}])["contacts"][0])
    client.crm.deals.basic_api.archive(deal.id)
    writes = sandbox.control("GET", "writes")["results"]
    assert [(w["action"], w["objectType"], w["method"]) for w in writes] == [
        ("create", "deals", "POST"), ("associate", "deals", "PUT"), ("archive", "deals", "DELETE")]
    assert writes[0]["properties"] == {"dealname": "I社"} and writes[0]["path"] == "/crm/v3/objects/deals"
    calls = sandbox.control("GET", "calls")
    assert calls["byEndpoint"]["GET /crm/v3/objects/deals/{objectId}"] == 2
    assert calls["byEndpoint"][
        "PUT /crm/v4/objects/deals/{fromId}/associations/default/contacts/{toId}"] == 1
    assert calls["total"] == 5


def test_429_bodies_carry_hubspots_fields_with_and_without_retry_after(make_sandbox: Any, api_error: Any) -> None:
    sb = make_sandbox(burst_limit=1, burst_interval_ms=10_000)
    client = sb.client(retry=NO_RETRY)
    client.crm.deals.basic_api.get_page()
    with api_error(429) as burst:
        client.crm.deals.basic_api.get_page()
    assert {"status", "message", "errorType", "correlationId", "policyName", "groupName"} <= set(burst.body)
    assert (burst.body["errorType"], burst.body["policyName"]) == ("RATE_LIMIT", "TEN_SECONDLY_ROLLING")
    assert "Retry-After" in burst.headers
    sb.control("POST", "faults", {"status": 429, "count": 1, "path_prefix": "/crm/v3/owners"})
    with api_error(429) as injected:
        client.crm.owners.owners_api.get_page()
    assert injected.body["errorType"] == "RATE_LIMIT" and injected.body["groupName"]
    assert "Retry-After" not in injected.headers  # a fault armed without retry_after sends none
