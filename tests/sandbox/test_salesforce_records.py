"""The sandbox org through the real simple-salesforce client over HTTPS: single-record CRUD, describe, errors,
ids, external-id upsert, and the derived fields Salesforce maintains (stages, history, task closing, activity)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from simple_salesforce.exceptions import (
    SalesforceMalformedRequest,
    SalesforceResourceNotFound,
)

from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import MANAGER_USER_ID, REP_USER_ID
from connector.sandbox.salesforce_ids import to18

MISSING_OPP = to18("0065g00000ZZZZZ")
OPP = {"Name": "A社 SFA導入", "StageName": "Prospecting", "CloseDate": "2025-12-31", "Amount": 1200000}


def _error(exc: Any) -> dict[str, Any]:
    [err] = exc.content
    return err


def test_create_get_update_delete_opportunity(sf: Any, org: SandboxOrg) -> None:
    created = sf.Opportunity.create(OPP)
    assert created["success"] is True and created["errors"] == []
    opp_id = created["id"]
    assert len(opp_id) == 18 and opp_id.startswith("006") and to18(opp_id[:15]) == opp_id

    opp = sf.Opportunity.get(opp_id)
    assert opp["attributes"] == {"type": "Opportunity", "url": f"/services/data/v62.0/sobjects/Opportunity/{opp_id}"}
    assert (opp["Name"], opp["Amount"], opp["CloseDate"], opp["Probability"]) == ("A社 SFA導入", 1200000.0,
                                                                                  "2025-12-31", 10.0)
    assert opp["IsClosed"] is False and opp["OwnerId"] == MANAGER_USER_ID
    assert opp["CreatedDate"].endswith("+0000") and opp["LastActivityDate"] is None

    assert sf.Opportunity.update(opp_id[:15], {"StageName": "Closed Won", "DealCoach_Score__c": 72}) == 204
    opp = sf.Opportunity.get(opp_id)
    assert (opp["IsClosed"], opp["IsWon"], opp["Probability"], opp["ForecastCategoryName"]) == (True, True, 100.0,
                                                                                                 "Closed")
    assert opp["DealCoach_Score__c"] == 72.0 and opp["LastModifiedDate"] >= opp["CreatedDate"]

    assert sf.Opportunity.delete(opp_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Opportunity.get(opp_id)
    assert _error(exc.value)["errorCode"] == "ENTITY_IS_DELETED"
    assert [r["IsDeleted"] for r in org.dump("Opportunity")] == [True]


def test_get_with_fields_parameter(sf: Any) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    opp = sf.Opportunity.get(opp_id, params={"fields": "Name,StageName"})
    assert list(opp) == ["attributes", "Name", "StageName"]


def test_errors_use_salesforce_shape(sf: Any) -> None:
    with pytest.raises(SalesforceResourceNotFound) as exc:
        sf.Opportunity.get(MISSING_OPP)
    assert exc.value.content == [{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({"Name": "x"})
    assert _error(exc.value) == {"message": "Required fields are missing: [StageName, CloseDate]",
                                 "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["StageName", "CloseDate"]}
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({**OPP, "Bogus__c": 1})
    assert _error(exc.value)["errorCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({**OPP, "IsWon": True})
    assert _error(exc.value)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({**OPP, "StageName": "Won-ish"})
    assert _error(exc.value)["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Opportunity.create({**OPP, "CloseDate": "31/12/2025"})
    assert _error(exc.value)["errorCode"] == "JSON_PARSER_ERROR"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "x", "WhatId": "not-an-id"})
    assert _error(exc.value)["errorCode"] == "MALFORMED_ID"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "x", "Description": "あ" * 32001})
    assert _error(exc.value)["errorCode"] == "STRING_TOO_LONG"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Widget__c.create({"Name": "x"})


def test_describe_lists_custom_fields_and_stage_picklist(sf: Any) -> None:
    desc = sf.Opportunity.describe()
    assert desc["name"] == "Opportunity" and desc["keyPrefix"] == "006"
    fields = {f["name"]: f for f in desc["fields"]}
    assert {"DealCoach_Score__c", "DealCoach_BANT__c", "DealCoach_Deal_State__c",
            "DealCoach_Last_Scored_At__c"} <= set(fields)
    assert fields["DealCoach_Score__c"]["type"] == "double" and fields["DealCoach_Score__c"]["custom"] is True
    assert [v["value"] for v in fields["DealCoach_Deal_State__c"]["picklistValues"]] == ["shodan", "wadai", "botsu"]
    stages = [v["value"] for v in fields["StageName"]["picklistValues"]]
    assert stages[0] == "Prospecting" and stages[-2:] == ["Closed Won", "Closed Lost"]
    assert fields["IsClosed"]["updateable"] is False and fields["Name"]["createable"] is True
    assert "LastStageChangeDate" not in fields
    task = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert task["DealCoach_Key__c"]["externalId"] is True
    assert task["TaskSubtype"]["createable"] is True and task["TaskSubtype"]["updateable"] is False
    assert task["WhatId"]["referenceTo"] == ["Opportunity", "Account"] and task["WhatId"]["relationshipName"] == "What"
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert {"Opportunity", "Task", "ContentVersion", "ContentDocumentLink", "ContentNote", "User"} <= names


def test_bare_org_has_no_dealcoach_fields() -> None:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(custom_fields={}))
    try:
        sf = SandboxOrg(server, app).client()
        names = {f["name"] for f in sf.Opportunity.describe()["fields"]}
        assert not any(n.endswith("__c") for n in names)
        with pytest.raises(SalesforceMalformedRequest) as exc:
            sf.Task.create({"Subject": "x", "DealCoach_Key__c": "k"})
        assert _error(exc.value)["errorCode"] == "INVALID_FIELD"
    finally:
        server.stop()


def test_versions_and_users(sf: Any, org: SandboxOrg) -> None:
    versions = org.http.get(f"{org.url}/services/data/", timeout=5).json()
    assert {"label": "Winter '25", "url": "/services/data/v62.0", "version": "62.0"} in versions
    rep = sf.User.get(REP_USER_ID)
    assert (rep["Name"], rep["ManagerId"], rep["TimeZoneSidKey"]) == ("山田 太郎", MANAGER_USER_ID, "Asia/Tokyo")
    old = org.client(version="58.0")
    assert old.User.get(MANAGER_USER_ID)["Name"] == "佐藤 花子"


def test_stage_history_written_on_each_change(sf: Any) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp_id, {"StageName": "Needs Analysis"})
    sf.Opportunity.update(opp_id, {"NextStep": "見積"})
    sf.Opportunity.update(opp_id, {"StageName": "Closed Lost"})
    rows = sf.query(f"SELECT StageName, CreatedDate FROM OpportunityHistory WHERE OpportunityId = '{opp_id}' "
                    "ORDER BY CreatedDate")["records"]
    assert [r["StageName"] for r in rows] == ["Prospecting", "Needs Analysis", "Closed Lost"]
    opp = sf.Opportunity.get(opp_id)
    assert (opp["IsClosed"], opp["IsWon"], opp["Probability"]) == (True, False, 0.0)


def test_task_fields_closing_and_last_activity(sf: Any, org: SandboxOrg) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    task_id = sf.Task.create({"Subject": "見積送付", "WhatId": opp_id, "ActivityDate": "2025-06-01",
                              "OwnerId": REP_USER_ID, "Priority": "High", "IsReminderSet": True,
                              "ReminderDateTime": "2025-06-01T09:00:00+09:00"})["id"]
    task = sf.Task.get(task_id)
    assert task_id.startswith("00T")
    assert (task["Status"], task["IsClosed"], task["TaskSubtype"], task["CompletedDateTime"]) == (
        "Not Started", False, "Task", None)
    assert task["ReminderDateTime"] == "2025-06-01T00:00:00.000+0000"
    assert sf.Opportunity.get(opp_id)["HasOpenActivity"] is True
    assert sf.Opportunity.get(opp_id)["LastActivityDate"] is None          # open tasks are not activity yet

    sf.Task.update(task_id, {"Status": "Completed"})
    task = sf.Task.get(task_id)
    assert task["IsClosed"] is True and task["CompletedDateTime"].endswith("+0000")
    opp = sf.Opportunity.get(opp_id)
    assert opp["LastActivityDate"] == "2025-06-01" and opp["HasOpenActivity"] is False

    sf.Task.update(task_id, {"Status": "In Progress"})
    assert sf.Task.get(task_id)["CompletedDateTime"] is None
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.update(task_id, {"TaskSubtype": "Call"})
    assert _error(exc.value)["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.update(task_id, {"Status": "Done"})
    assert _error(exc.value)["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_task_external_id_lookup_and_upsert(sf: Any) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    key = f"followup:{opp_id}:call-1"
    first = sf.Task.upsert(f"DealCoach_Key__c/{key}", {"Subject": "フォロー", "WhatId": opp_id}, raw_response=True)
    assert first.status_code == 201 and first.json()["created"] is True
    again = sf.Task.upsert(f"DealCoach_Key__c/{key}", {"Subject": "フォロー(更新)"}, raw_response=True)
    assert again.status_code == 200 and again.json() == {"id": first.json()["id"], "success": True, "errors": [],
                                                         "created": False}
    assert sf.Task.get_by_custom_id("DealCoach_Key__c", key)["Subject"] == "フォロー(更新)"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "dup", "DealCoach_Key__c": key.upper()})
    assert _error(exc.value)["errorCode"] == "DUPLICATE_VALUE"
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.get_by_custom_id("Subject", "フォロー")


def test_notes_are_content_documents_linked_to_opportunities(sf: Any, org: SandboxOrg) -> None:
    opp_id = sf.Opportunity.create(OPP)["id"]
    html = "<p>スコア: 72 / 次回: 見積 &amp; 日程</p>"
    note = sf.ContentNote.create({"Title": "DealCoach スコアカード",
                                  "Content": base64.b64encode(html.encode()).decode()})
    assert note["id"].startswith("069")
    sf.ContentDocumentLink.create({"ContentDocumentId": note["id"], "LinkedEntityId": opp_id, "ShareType": "V"})
    links = sf.query(f"SELECT ContentDocumentId, ContentDocument.FileType FROM ContentDocumentLink "
                     f"WHERE LinkedEntityId = '{opp_id}'")["records"]
    assert [(r["ContentDocumentId"], r["ContentDocument"]["FileType"]) for r in links] == [(note["id"], "SNOTE")]
    row = sf.query(f"SELECT Id, Title, TextPreview, FileType FROM ContentNote WHERE Id = '{note['id']}'")["records"][0]
    assert (row["Title"], row["TextPreview"], row["FileType"]) == ("DealCoach スコアカード", "スコア: 72 / 次回: 見積 & 日程",
                                                                   "SNOTE")
    body = sf.session.get(f"{sf.base_url}sobjects/ContentNote/{note['id']}/Content", headers=sf.headers, timeout=5)
    assert body.content.decode() == html
    assert sf.Opportunity.get(opp_id)["LastActivityDate"] is not None
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentDocumentLink.create({"ContentDocumentId": note["id"], "LinkedEntityId": opp_id})
    assert _error(exc.value)["errorCode"] == "DUPLICATE_VALUE"


def test_references_must_exist_and_have_the_right_type(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "x", "WhatId": MISSING_OPP})
    assert _error(exc.value)["errorCode"] == "INVALID_CROSS_REFERENCE_KEY"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.Task.create({"Subject": "x", "WhatId": REP_USER_ID})
    assert _error(exc.value)["errorCode"] == "FIELD_INTEGRITY_EXCEPTION"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.OpportunityHistory.create({"StageName": "Prospecting"})
    assert _error(exc.value)["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
