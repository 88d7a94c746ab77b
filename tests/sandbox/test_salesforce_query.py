"""SOQL on the sandbox org through simple-salesforce: the queries DealCoach runs, paging with query_all, SOQL
semantics (case, nulls, ids, date literals) and Salesforce's error codes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector import clock
from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import REP_USER_ID

JST = datetime.timezone(datetime.timedelta(hours=9))


def _days_ago(n: int) -> str:
    return (clock.now().astimezone(JST).date() - datetime.timedelta(days=n)).isoformat()


def _opp(name: str, stage: str = "Qualification", **extra: Any) -> dict[str, Any]:
    return {"Name": name, "StageName": stage, "CloseDate": "2025-12-31", **extra}


def _code(exc: Any) -> str:
    return exc.value.content[0]["errorCode"]


def test_dealcoach_queries(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(
        accounts=[{"Name": "A社"}],
        opportunities=[_opp("A社 SFA導入", AccountId=0, OwnerId=REP_USER_ID)],
        tasks=[{"Subject": "初回商談", "TaskSubtype": "Call", "Status": "Completed", "WhatId": 0,
                "CallDurationInSeconds": 1800, "DealCoach_Key__c": "call:1"}],
        files=[{"title": "初回商談 録音", "path_on_client": "call.vtt", "content": "WEBVTT", "link_to": 0}],
        notes=[{"title": "スコアカード", "content": "<p>72</p>", "link_to": 0}],
    )
    opp_id, task_id, doc_id = ids["opportunities"][0], ids["tasks"][0], ids["documents"][0]

    [opp] = sf.query(f"SELECT Id, Name, StageName, OwnerId, Owner.Name, Account.Name, IsClosed, LastActivityDate "
                     f"FROM Opportunity WHERE Id = '{opp_id[:15]}'")["records"]
    assert opp["Owner"]["Name"] == "山田 太郎" and opp["Account"]["attributes"]["type"] == "Account"
    assert opp["Account"]["Name"] == "A社" and opp["LastActivityDate"] is not None

    history = sf.query(f"SELECT OpportunityId, StageName, CreatedDate FROM OpportunityHistory "
                       f"WHERE OpportunityId = '{opp_id}' ORDER BY CreatedDate ASC")["records"]
    assert [h["StageName"] for h in history] == ["Qualification"]

    links = sf.query(f"SELECT ContentDocumentId, ContentDocument.Title, ContentDocument.FileType "
                     f"FROM ContentDocumentLink WHERE LinkedEntityId = '{opp_id}'")["records"]
    assert {link["ContentDocument"]["FileType"] for link in links} == {"UNKNOWN", "SNOTE"}
    file_docs = [link["ContentDocumentId"] for link in links if link["ContentDocument"]["FileType"] != "SNOTE"]
    assert file_docs == [doc_id]

    in_list = ", ".join(f"'{d}'" for d in file_docs)
    [version] = sf.query(f"SELECT Id, Title, FileExtension, ContentSize, VersionData FROM ContentVersion "
                         f"WHERE ContentDocumentId IN ({in_list}) AND IsLatest = true")["records"]
    assert (version["Title"], version["FileExtension"], version["ContentSize"]) == ("初回商談 録音", "vtt", 6)
    assert version["VersionData"] == f"/services/data/v62.0/sobjects/ContentVersion/{version['Id']}/VersionData"

    tasks = sf.query(f"SELECT Id, Subject, TaskSubtype, What.Name, What.Type, Who.Name FROM Task "
                     f"WHERE WhatId = '{opp_id}'")["records"]
    assert [(t["Id"], t["What"]["Name"], t["What"]["Type"], t["Who"]) for t in tasks] == [
        (task_id, "A社 SFA導入", "Opportunity", None)]
    assert tasks[0]["What"]["attributes"]["type"] == "Name"
    assert sf.query("SELECT Id FROM Task WHERE DealCoach_Key__c IN ('CALL:1', 'call:2')")["records"][0]["Id"] == task_id

    notes = sf.query(f"SELECT Id, Title FROM ContentNote WHERE Id IN (SELECT ContentDocumentId FROM "
                     f"ContentDocumentLink WHERE LinkedEntityId = '{opp_id}')")["records"]
    assert [n["Title"] for n in notes] == ["スコアカード"]
    [user] = sf.query(f"SELECT Id, Name, Email, ManagerId FROM User WHERE Id = '{REP_USER_ID}'")["records"]
    assert user["Name"] == "山田 太郎"


def test_sla_sweep_query_with_last_n_days(sf: Any, org: SandboxOrg) -> None:
    org.seed(opportunities=[
        _opp("stale", LastActivityDate=_days_ago(20)), _opp("fresh", LastActivityDate=_days_ago(3)),
        _opp("never"), _opp("edge", LastActivityDate=_days_ago(14)), _opp("won", "Closed Won"),
    ])
    soql = ("SELECT Id, Name, OwnerId, StageName, LastActivityDate FROM Opportunity WHERE IsClosed = false "
            "AND (LastActivityDate = null OR LastActivityDate < LAST_N_DAYS:14) ORDER BY Name")
    assert [r["Name"] for r in sf.query(soql)["records"]] == ["never", "stale"]
    recent = sf.query("SELECT Name FROM Opportunity WHERE LastActivityDate = LAST_N_DAYS:14 ORDER BY Name")
    assert [r["Name"] for r in recent["records"]] == ["edge", "fresh"]
    assert sf.query("SELECT COUNT() FROM Opportunity WHERE CreatedDate = TODAY") == {
        "totalSize": 5, "done": True, "records": []}
    assert sf.query("SELECT Id FROM Opportunity WHERE CreatedDate < YESTERDAY")["totalSize"] == 0


def test_operators_ordering_and_limits(sf: Any, org: SandboxOrg) -> None:
    org.seed(opportunities=[_opp("Alpha", Amount=100), _opp("beta", Amount=300), _opp("Gamma"),
                            _opp("delta", "Closed Lost", Amount=200)])

    def names(where: str, tail: str = "ORDER BY Name") -> list[str]:
        return [r["Name"] for r in sf.query(f"SELECT Name FROM Opportunity WHERE {where} {tail}")["records"]]

    assert names("Name = 'ALPHA'") == ["Alpha"]                     # text comparison ignores case
    assert names("Amount != 100") == ["beta", "delta", "Gamma"]     # null is a value: != matches it
    assert names("Amount >= 200") == ["beta", "delta"]
    assert names("Name LIKE '%a'") == ["Alpha", "beta", "delta", "Gamma"]
    assert names("Name LIKE 'g_mm%'") == ["Gamma"]
    assert names("StageName NOT IN ('Closed Lost', 'Closed Won')") == ["Alpha", "beta", "Gamma"]
    assert names("NOT (Amount = null) AND Amount < 250") == ["Alpha", "delta"]
    assert names("Amount > 0", "ORDER BY Amount DESC LIMIT 2") == ["beta", "delta"]
    assert names("Name != null", "ORDER BY Amount ASC NULLS LAST, Name LIMIT 2 OFFSET 2") == ["beta", "Gamma"]
    assert names("IsWon = false AND IsDeleted = false", "ORDER BY Amount NULLS FIRST LIMIT 1") == ["Gamma"]
    rows = sf.query("select name, amount from opportunity where name = 'beta'")["records"]
    assert list(rows[0]) == ["attributes", "Name", "Amount"] and rows[0]["Amount"] == 300.0


def test_query_all_pages_with_next_records_url(sf: Any, org: SandboxOrg) -> None:
    org.seed(opportunities=[_opp(f"商談 {i:03d}") for i in range(450)])
    soql = "SELECT Id, Name FROM Opportunity ORDER BY Name"
    first = sf.query(soql, headers={"Sforce-Query-Options": "batchSize=200"})
    assert (first["totalSize"], first["done"], len(first["records"])) == (450, False, 200)
    assert first["nextRecordsUrl"].startswith("/services/data/v62.0/query/01g")
    assert first["nextRecordsUrl"].endswith("-200")
    everything = sf.query_all(soql, headers={"Sforce-Query-Options": "batchSize=200"})
    assert everything["totalSize"] == 450 and everything["records"][-1]["Name"] == "商談 449"
    calls = org.control("GET", "calls")["byEndpoint"]
    assert calls["GET /services/data/v{version}/query/{locator}"] == 2      # query_all's two further pages
    assert sf.query(soql)["done"] is True                                    # default page size 2000


def test_page_size_is_configurable() -> None:
    server, app = start_salesforce_sandbox(SalesforceSandboxConfig(query_page_size=3))
    try:
        org = SandboxOrg(server, app)
        org.seed(opportunities=[_opp(f"o{i}") for i in range(7)])
        sf = org.client()
        pages = [sf.query("SELECT Id FROM Opportunity")]
        while not pages[-1]["done"]:
            pages.append(sf.query_more(pages[-1]["nextRecordsUrl"], identifier_is_url=True))
        assert [len(p["records"]) for p in pages] == [3, 3, 1]
        assert len(sf.query_all("SELECT Id FROM Opportunity")["records"]) == 7
        resp = org.api("GET", "query/01g5g00000AAAAAAAA-3")
        assert resp.status_code == 400 and resp.json()[0]["errorCode"] == "INVALID_QUERY_LOCATOR"
    finally:
        server.stop()


def test_query_all_includes_deleted_records(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(opportunities=[_opp("keep"), _opp("gone")])
    sf.Opportunity.delete(ids["opportunities"][1])
    assert [r["Name"] for r in sf.query("SELECT Name FROM Opportunity")["records"]] == ["keep"]
    rows = sf.query_all("SELECT Name, IsDeleted FROM Opportunity ORDER BY Name", include_deleted=True)["records"]
    assert [(r["Name"], r["IsDeleted"]) for r in rows] == [("gone", True), ("keep", False)]


@pytest.mark.parametrize(("soql", "code", "fragment"), [
    ("SELECT Id FORM Opportunity", "MALFORMED_QUERY", "unexpected token: 'FORM'"),
    ("SELECT Id, Bogus FROM Opportunity", "INVALID_FIELD", "No such column 'Bogus' on entity 'Opportunity'"),
    ("SELECT Id FROM Opportunity WHERE Owner.Nope = 'x'", "INVALID_FIELD", "No such column 'Nope' on entity 'User'"),
    ("SELECT Foo.Name FROM Task", "INVALID_FIELD", "Didn't understand relationship 'Foo'"),
    ("SELECT Id FROM Widget__c", "INVALID_TYPE", "sObject type 'Widget__c' is not supported"),
    ("SELECT Id FROM Opportunity WHERE IsClosed = false AND Amount > 1 OR Amount = null", "MALFORMED_QUERY",
     "unexpected token: 'OR'"),
    ("SELECT Id FROM Opportunity WHERE Id = 'nope'", "INVALID_QUERY_FILTER_OPERATOR", "invalid ID field: nope"),
    ("SELECT Id FROM Opportunity WHERE CloseDate = '2025-01-01'", "INVALID_FIELD", "must be of type date"),
    ("SELECT Id FROM Opportunity WHERE CreatedDate > 2025-01-01", "INVALID_FIELD", "must be of type dateTime"),
    ("SELECT Id FROM ContentDocumentLink", "MALFORMED_QUERY", "Implementation restriction: ContentDocumentLink"),
    ("SELECT Id FROM Opportunity WHERE Name = 'x", "MALFORMED_QUERY", "unexpected token"),
])
def test_query_errors(sf: Any, soql: str, code: str, fragment: str) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query(soql)
    assert _code(exc) == code
    assert fragment in exc.value.content[0]["message"]


def test_error_message_points_at_the_column(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.query("SELECT Id, Bogus FROM Opportunity")
    message = exc.value.content[0]["message"]
    assert message.startswith("\nSELECT Id, Bogus FROM Opportunity\n           ^\nERROR at Row:1:Column:12\n")


def test_datetime_literals_and_escapes(sf: Any, org: SandboxOrg) -> None:
    org.seed(opportunities=[_opp("O'Brien 社", CreatedDate="2025-01-10T00:30:00+09:00")])
    rows = sf.query("SELECT Name, CreatedDate FROM Opportunity WHERE Name = 'O\\'Brien 社' "
                    "AND CreatedDate < 2025-01-10T00:00:00Z AND CreatedDate >= 2025-01-09T15:30:00Z")["records"]
    assert [(r["Name"], r["CreatedDate"]) for r in rows] == [("O'Brien 社", "2025-01-09T15:30:00.000+0000")]
