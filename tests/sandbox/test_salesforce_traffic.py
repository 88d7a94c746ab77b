"""Sessions, the daily API allocation (`Sforce-Limit-Info`, 403 REQUEST_LIMIT_EXCEEDED), injected faults, call
counts and the write log of the sandbox org, seen through simple-salesforce and raw requests."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)

from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    make_self_signed_cert,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import ControlError, SandboxOrg

OPP = {"Name": "A社", "StageName": "Qualification", "CloseDate": "2025-12-31"}


def test_limit_info_counts_every_request(sf: Any, org: SandboxOrg) -> None:
    opportunity = sf.Opportunity                       # SFType keeps its own api_usage, apart from sf's
    opp_id = opportunity.create(OPP)["id"]
    assert opportunity.api_usage["api-usage"].used == 1 and opportunity.api_usage["api-usage"].total == 100_000
    sf.query("SELECT Id FROM Opportunity")
    assert sf.api_usage["api-usage"].used == 2
    resp = org.api("PATCH", f"sobjects/Opportunity/{opp_id}", json={"StageName": "Nope"})
    assert resp.status_code == 400 and resp.headers["Sforce-Limit-Info"] == "api-usage=3/100000; api-bursts=0/750"
    limits = sf.limits()
    assert limits["DailyApiRequests"] == {"Max": 100_000, "Remaining": 100_000 - 4}
    assert org.control("GET", "limits") == {"used": 4, "max": 100_000}


def test_request_limit_exceeded_when_the_allocation_is_spent(sf: Any, org: SandboxOrg) -> None:
    org.control("POST", "limits", {"used": 99_999})
    sf.query("SELECT Id FROM Opportunity")
    assert sf.api_usage["api-usage"].used == 100_000
    with pytest.raises(SalesforceRefusedRequest) as exc:
        sf.query("SELECT Id FROM Opportunity")
    assert exc.value.status == 403
    assert exc.value.content == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
    resp = org.api("GET", "limits")
    assert resp.status_code == 403
    assert resp.headers["Sforce-Limit-Info"] == "api-usage=100000/100000; api-bursts=0/750"
    org.control("POST", "reset")
    assert sf.query("SELECT Id FROM Opportunity")["totalSize"] == 0


def test_limit_info_uses_salesforce_separators(sf: Any, org: SandboxOrg) -> None:
    """Parts are joined with "; " as in Salesforce's example `api-usage=10018/100000; api-bursts=1/750`; a connected
    app with its own quota adds `per-app-api-usage=17/250(appName=…)` (Limit Info Header, REST API guide)."""
    org.control("POST", "limits", {"used": 10_017, "app": {"used": 16, "max": 250, "name": "DealCoach"}})
    info = org.api("GET", "limits").headers["Sforce-Limit-Info"]
    assert info == "api-usage=10018/100000; api-bursts=0/750; per-app-api-usage=17/250(appName=DealCoach)"
    assert "," not in info
    sf.query("SELECT Id FROM User")
    assert sf.api_usage["api-usage"].used == 10_019 and sf.api_usage["per-app-api-usage"].used == 18
    with pytest.raises(ControlError):
        org.control("POST", "limits", {"app": {"used": 1}})


def test_concurrent_long_running_requests_are_capped() -> None:
    """With the cap reached, the next request gets 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit
    exceeded." (no `fields`); once the long request ends, requests pass again."""
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(concurrent_long_running_limit=1,
                                                                   long_running_s=0.2))
    try:
        org = SandboxOrg(server, app)
        org.control("POST", "faults", {"delay_s": 1.0, "count": 1, "path_prefix": "limits"})
        slow = threading.Thread(target=lambda: org.api("GET", "limits"))
        slow.start()
        time.sleep(0.5)
        resp = org.api("GET", "sobjects")
        assert resp.status_code == 403
        assert resp.json() == [{"message": "ConcurrentPerOrgLongTxn Limit exceeded.",
                                "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        slow.join()
        assert org.api("GET", "sobjects").status_code == 200
    finally:
        server.stop()


def test_small_daily_allocation_from_config() -> None:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(daily_api_limit=2))
    try:
        sf = SandboxOrg(server, app).client()
        sf.query("SELECT Id FROM User")
        sf.query("SELECT Id FROM User")
        with pytest.raises(SalesforceRefusedRequest):
            sf.query("SELECT Id FROM User")
    finally:
        server.stop()


def test_bad_or_missing_session_is_401(org: SandboxOrg) -> None:
    with pytest.raises(SalesforceExpiredSession) as exc:
        org.client(session_id="00D5g000004XyZa!expired").query("SELECT Id FROM User")
    assert exc.value.content == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    resp = org.http.get(f"{org.url}/services/data/v62.0/limits", timeout=5)
    assert resp.status_code == 401 and "Sforce-Limit-Info" not in resp.headers
    assert org.http.get(f"{org.url}/services/data/", timeout=5).status_code == 200   # the version list is public
    assert org.control("GET", "limits")["used"] == 0


def test_faults_by_count_path_and_method(sf: Any, org: SandboxOrg) -> None:
    org.control("POST", "faults", {"status": 401, "count": 1, "path_prefix": "query"})
    with pytest.raises(SalesforceExpiredSession):
        sf.query("SELECT Id FROM User")
    assert sf.query("SELECT Id FROM User")["totalSize"] == 5             # the counted fault is used up

    org.control("POST", "faults", {"status": 503, "count": 2, "path_prefix": "sobjects/Task", "method": "POST",
                                   "retry_after": 3})
    resp = org.api("POST", "sobjects/Task", json={"Subject": "x"})
    assert resp.status_code == 503 and resp.headers["Retry-After"] == "3"
    assert resp.json()[0]["errorCode"] == "SERVER_UNAVAILABLE"
    assert org.api("GET", "sobjects/Task/describe").status_code == 200    # other methods pass
    with pytest.raises(SalesforceGeneralError) as exc:
        sf.Task.create({"Subject": "x"})
    assert exc.value.status == 503
    assert sf.Task.create({"Subject": "x"})["success"] is True

    org.control("POST", "faults", {"status": 500, "rate": 1.0, "path_prefix": "/services/data/v62.0/limits"})
    assert org.api("GET", "limits").json()[0]["errorCode"] == "UNKNOWN_EXCEPTION"
    assert org.control("GET", "faults")["faults"][0]["status"] == 500
    org.control("DELETE", "faults")
    assert org.api("GET", "limits").status_code == 200


def test_delay_fault_slows_requests(org: SandboxOrg) -> None:
    org.control("POST", "faults", {"delay_s": 0.3, "count": 1})
    started = time.monotonic()
    assert org.api("GET", "limits").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fault_validation(org: SandboxOrg) -> None:
    for body in ({"status": 200}, {"rate": 2, "status": 500}, {"count": 0, "status": 500}, {}):
        with pytest.raises(ControlError) as exc:
            org.control("POST", "faults", body)
        assert exc.value.status == 400 and exc.value.body[0]["errorCode"] == "INVALID_INPUT"


def test_call_counts_and_write_log(sf: Any, org: SandboxOrg) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"DealCoach_Deal_State__c": "wadai",
                                   "DealCoach_Last_Scored_At__c": "2025-06-01T10:00:00+09:00"})
    sf.Opportunity.get(opp_id)
    sf.Opportunity.describe()
    calls = org.control("GET", "calls")
    assert calls["byEndpoint"] == {
        "GET /services/data/v{version}/sobjects/Opportunity/describe": 1,
        "GET /services/data/v{version}/sobjects/Opportunity/{id}": 1,
        "PATCH /services/data/v{version}/sobjects/Opportunity/{id}": 1,
        "POST /services/data/v{version}/sobjects/Opportunity": 1}
    assert calls["byStatus"] == {"200": 2, "201": 1, "204": 1} and calls["total"] == 4
    writes = org.control("GET", "writes?action=update")["results"]
    assert writes == [{"seq": 2, "at": writes[0]["at"], "method": "PATCH",
                       "path": f"/services/data/v62.0/sobjects/Opportunity/{opp_id}", "action": "update",
                       "objectType": "Opportunity", "id": opp_id,
                       "fields": {"DealCoach_Deal_State__c": "wadai",
                                  "DealCoach_Last_Scored_At__c": "2025-06-01T01:00:00.000+0000"}}]


def test_unknown_paths_and_methods_answer_in_salesforce_shape(org: SandboxOrg) -> None:
    resp = org.api("GET", "nothing/here")
    assert resp.status_code == 404 and resp.json()[0]["errorCode"] == "NOT_FOUND"
    resp = org.api("PUT", "sobjects/Opportunity/0065g00000ZZZZZ")
    assert resp.status_code == 405 and resp.json()[0]["errorCode"] == "METHOD_NOT_ALLOWED"
    resp = org.api("POST", "sobjects/Opportunity", data="{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.json()[0]["errorCode"] == "JSON_PARSER_ERROR"


def test_self_signed_cert_has_loopback_names(tmp_path: Path) -> None:
    cert_path, key_path = make_self_signed_cert(tmp_path)
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert key_path.stat().st_mode & 0o077 == 0
    server, app = start_salesforce_sandbox(tls=(cert_path, key_path))
    try:
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(f"{server.url}/services/data/", timeout=5, verify=True)
        assert SandboxOrg(server, app).http.get(f"{server.url}/services/data/", timeout=5).status_code == 200
        host_url = server.url.replace("127.0.0.1", "localhost")
        assert SandboxOrg(server, app).client().session.get(f"{host_url}/services/data/", timeout=5).ok
    finally:
        server.stop()
