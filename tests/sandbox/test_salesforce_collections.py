"""sObject Collections (`composite/sobjects`) on the sandbox org through simple-salesforce's `restful`: create,
update and delete in one call, per-record results in input order, partial failures, allOrNone rollback and
injected per-record failures."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import REP_USER_ID

ROLLED_BACK = {"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
               "message": "Record rolled back because not all records were valid and the request was using "
                          "AllOrNone header", "fields": []}


@pytest.fixture
def opp_id(org: SandboxOrg) -> str:
    return org.seed(opportunities=[{"Name": "A社", "StageName": "Qualification", "CloseDate": "2025-12-31"}])[
        "opportunities"][0]


def _task(subject: str, what: str, **extra: Any) -> dict[str, Any]:
    return {"attributes": {"type": "Task"}, "Subject": subject, "WhatId": what, "OwnerId": REP_USER_ID,
            "ActivityDate": "2025-07-01", **extra}


def test_create_with_partial_failure(sf: Any, org: SandboxOrg, opp_id: str) -> None:
    records = [_task("見積送付", opp_id, DealCoach_Key__c="k1"),
               {"attributes": {"type": "Opportunity"}, "Name": "名前だけ"},
               _task("日程調整", opp_id, Priority="High", DealCoach_Key__c="k2")]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1] == {"success": False, "errors": [{
        "statusCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [StageName, CloseDate]",
        "fields": ["StageName", "CloseDate"]}]}
    assert results[0]["id"].startswith("00T") and results[0]["errors"] == []
    tasks = sf.query(f"SELECT Id, Subject, DealCoach_Key__c FROM Task WHERE WhatId = '{opp_id}' ORDER BY Subject")
    assert [t["DealCoach_Key__c"] for t in tasks["records"]] == ["k2", "k1"]
    assert org.control("GET", "calls")["byEndpoint"] == {"POST /services/data/v{version}/composite/sobjects": 1,
                                                         "GET /services/data/v{version}/query": 1}
    writes = org.control("GET", "writes?objectType=Task")["results"]
    assert [w["fields"]["DealCoach_Key__c"] for w in writes] == ["k1", "k2"]


def test_all_or_none_rolls_everything_back(sf: Any, org: SandboxOrg, opp_id: str) -> None:
    records = [_task("ok", opp_id), _task("bad", opp_id, Status="Done"), _task("ok too", opp_id)]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": records})
    assert results[0] == {"success": False, "errors": [ROLLED_BACK]}
    assert results[1]["errors"][0]["statusCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    assert results[2] == {"success": False, "errors": [ROLLED_BACK]}
    assert sf.query("SELECT COUNT() FROM Task")["totalSize"] == 0
    assert org.control("GET", "writes")["total"] == 0


def test_update_and_delete_collections(sf: Any, org: SandboxOrg, opp_id: str) -> None:
    created = sf.restful("composite/sobjects", method="POST",
                         json={"records": [_task("a", opp_id), _task("b", opp_id)]})
    ids = [r["id"] for r in created]
    missing = "00T5g00000ZZZZZ"
    results = sf.restful("composite/sobjects", method="PATCH", json={"allOrNone": False, "records": [
        {"attributes": {"type": "Task"}, "id": ids[0], "Status": "Completed"},
        {"attributes": {"type": "Task"}, "id": missing, "Status": "Completed"},
        {"attributes": {"type": "Task"}, "id": ids[1][:15], "Priority": "Low"},
        {"attributes": {"type": "Task"}, "Status": "Completed"},
    ]})
    assert [r["success"] for r in results] == [True, False, True, False]
    assert results[0] == {"id": ids[0], "success": True, "errors": []}
    assert results[1]["errors"][0]["statusCode"] == "INVALID_CROSS_REFERENCE_KEY"
    assert results[2]["id"] == ids[1]
    assert results[3]["errors"][0]["statusCode"] == "MISSING_ARGUMENT"
    assert sf.Task.get(ids[0])["IsClosed"] is True and sf.Task.get(ids[1])["Priority"] == "Low"

    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids), "allOrNone": "false"})
    assert deleted == [{"id": ids[0], "success": True, "errors": []}, {"id": ids[1], "success": True, "errors": []}]
    again = sf.restful("composite/sobjects", method="DELETE", params={"ids": ids[0]})
    assert again[0]["success"] is False and again[0]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_injected_per_record_failure(sf: Any, org: SandboxOrg, opp_id: str) -> None:
    org.control("POST", "faults", {"composite_record_failures": 1})
    results = sf.restful("composite/sobjects", method="POST",
                         json={"allOrNone": False, "records": [_task("a", opp_id), _task("b", opp_id)]})
    assert results[0]["success"] is False and results[0]["errors"][0]["statusCode"] == "UNABLE_TO_LOCK_ROW"
    assert results[1]["success"] is True
    assert org.control("GET", "faults")["composite_record_failures"] == 0
    org.control("POST", "faults", {"composite_record_failures": 1, "status_code": "UNKNOWN_EXCEPTION",
                                   "message": "boom"})
    results = sf.restful("composite/sobjects", method="PATCH", json={"records": [
        {"attributes": {"type": "Opportunity"}, "id": opp_id, "StageName": "Closed Won"}]})
    assert results == [{"id": opp_id, "success": False, "errors": [
        {"statusCode": "UNKNOWN_EXCEPTION", "message": "boom", "fields": []}]}]
    assert sf.Opportunity.get(opp_id)["StageName"] == "Qualification"


def test_collection_request_errors(sf: Any, opp_id: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.restful("composite/sobjects", method="POST", json={"records": [_task(str(i), opp_id) for i in range(201)]})
    assert exc.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.restful("composite/sobjects", method="POST", json={"records": [{"Subject": "no type"}]})
    assert exc.value.content[0] == {"message": "Must send a concrete entity type.", "errorCode": "INVALID_TYPE"}
    results = sf.restful("composite/sobjects", method="POST",
                         json={"records": [{**_task("x", opp_id), "Id": "00T5g00000ZZZZZ"}]})
    assert results[0]["errors"][0]["message"] == "cannot specify Id in an insert call"
