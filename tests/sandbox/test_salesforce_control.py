"""The sandbox org's control API: seeds (backdated history, files, notes), simulated UI changes, object dumps,
reset, and validation errors in Salesforce's error shape."""

from __future__ import annotations

from typing import Any

import pytest

from connector.sandbox.salesforce_client import ControlError, SandboxOrg
from connector.sandbox.salesforce_config import REP_USER_ID

OPP = {"Name": "A社 SFA導入", "StageName": "Needs Analysis", "CloseDate": "2025-12-31"}


def test_seed_backdates_records_and_stage_history(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(
        accounts=[{"Name": "A社"}], contacts=[{"LastName": "鈴木", "FirstName": "一郎", "AccountId": 0}],
        opportunities=[{**OPP, "AccountId": 0, "OwnerId": REP_USER_ID, "CreatedDate": "2025-01-01T00:00:00Z",
                        "LastActivityDate": "2025-01-20",
                        "history": [{"StageName": "Prospecting", "CreatedDate": "2025-01-01T00:00:00Z"},
                                    {"StageName": "Needs Analysis", "CreatedDate": "2025-01-15T00:00:00Z"}]}],
        tasks=[{"Subject": "初回商談", "TaskSubtype": "Call", "WhatId": 0, "WhoId": 0, "Status": "Completed",
                "ActivityDate": "2025-01-15"}],
    )
    assert set(ids) == {"accounts", "contacts", "opportunities", "tasks", "files", "documents", "notes"}
    opp = sf.Opportunity.get(ids["opportunities"][0])
    assert opp["CreatedDate"] == "2025-01-01T00:00:00.000+0000" and opp["LastActivityDate"] == "2025-01-20"
    history = sf.query(f"SELECT StageName, CreatedDate FROM OpportunityHistory WHERE OpportunityId = "
                       f"'{ids['opportunities'][0]}' ORDER BY CreatedDate DESC LIMIT 1")["records"]
    assert [(h["StageName"], h["CreatedDate"]) for h in history] == [("Needs Analysis", "2025-01-15T00:00:00.000+0000")]
    [task] = sf.query("SELECT Who.Name, What.Name, IsClosed FROM Task")["records"]
    assert (task["Who"]["Name"], task["What"]["Name"], task["IsClosed"]) == ("鈴木 一郎", "A社 SFA導入", True)
    assert org.control("GET", "writes")["total"] == 0                      # seeds are not API writes


def test_seed_is_all_or_nothing_and_validated(org: SandboxOrg) -> None:
    with pytest.raises(ControlError) as exc:
        org.seed(opportunities=[OPP, {"Name": "no stage"}])
    assert exc.value.status == 400 and exc.value.body[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    assert org.dump("Opportunity") == []
    with pytest.raises(ControlError) as exc:
        org.seed(deals=[OPP])
    assert exc.value.body[0]["message"] == "Unknown seed keys: ['deals']"
    with pytest.raises(ControlError) as exc:
        org.seed(tasks=[{"Subject": "x", "WhatId": 3}])
    assert "opportunities[3]" in exc.value.body[0]["message"]


def test_ui_changes_fire_events_but_are_not_api_writes(sf: Any, org: SandboxOrg) -> None:
    opp_id = org.seed(opportunities=[OPP])["opportunities"][0]
    result = org.control("POST", "changes", {"changes": [
        {"objectType": "Opportunity", "id": opp_id, "fields": {"StageName": "Closed Won"}},
        {"objectType": "task", "fields": {"Subject": "受注御礼", "WhatId": opp_id, "TaskSubtype": "Call"}}]})
    assert [r["action"] for r in result["results"]] == ["update", "create"]
    assert result["results"][1]["objectType"] == "Task"
    opp = sf.Opportunity.get(opp_id)
    assert opp["IsWon"] is True and opp["LastModifiedById"] == REP_USER_ID
    assert org.control("GET", "writes")["total"] == 0
    assert [e["kind"] for e in org.control("GET", "outbound/events")["events"]] == ["stage_changed", "call_logged"]
    org.control("POST", "changes", {"objectType": "Task", "id": result["results"][1]["id"], "delete": True})
    assert sf.query("SELECT COUNT() FROM Task")["totalSize"] == 0
    with pytest.raises(ControlError) as exc:
        org.control("POST", "changes", {"objectType": "Opportunity", "id": opp_id, "fields": {"StageName": "?"}})
    assert exc.value.body[0]["errorCode"] == "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST"


def test_dump_includes_deleted_records_and_reset_clears_everything(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(opportunities=[OPP, {**OPP, "Name": "B社"}],
                   files=[{"title": "t", "path_on_client": "t.txt", "content": "本文", "link_to": 1}],
                   notes=[{"title": "メモ", "content": "<p>x</p>", "link_to": 0}])
    sf.Opportunity.delete(ids["opportunities"][0])
    dumped = org.dump("Opportunity")
    assert [(r["Name"], r["IsDeleted"]) for r in dumped] == [("A社 SFA導入", True), ("B社", False)]
    assert [r["Title"] for r in org.dump("ContentNote")] == ["メモ"]
    assert {r["FileType"] for r in org.dump("ContentDocument")} == {"TEXT", "SNOTE"}
    org.control("POST", "faults", {"status": 500, "rate": 0.5})
    org.control("POST", "outbound", {"url": "http://127.0.0.1:9/nowhere"})
    org.control("POST", "reset")
    assert org.dump("Opportunity") == [] and org.dump("ContentVersion") == []
    assert [u["Name"] for u in org.dump("User")] == ["山田 太郎", "佐藤 花子", "鈴木 次郎", "高橋 健", "伊藤 誠"]
    assert org.control("GET", "faults") == {"faults": [], "composite_record_failures": 0}
    assert org.control("GET", "outbound")["url"] is None
    assert org.control("GET", "calls")["total"] == 0
