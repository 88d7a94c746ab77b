"""The sandbox org's OpportunityStage, OpportunityFieldHistory and Event, as Salesforce's object reference and
Field History Tracking describe them (docs/sandboxes/salesforce.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceError

from connector.sandbox.salesforce import start_salesforce_sandbox
from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import REP_USER_ID, SalesforceSandboxConfig

OPP = {"Name": "履歴商事", "StageName": "Prospecting", "CloseDate": "2027-03-31", "Amount": 100, "OwnerId": REP_USER_ID}


def test_opportunity_stage_rows_follow_the_stage_picklist(sf: Any) -> None:
    rows = sf.query_all("SELECT ApiName, SortOrder, DefaultProbability, IsClosed, IsWon FROM OpportunityStage "
                        "WHERE IsActive = true ORDER BY SortOrder")["records"]
    assert [r["ApiName"] for r in rows][:3] == ["Prospecting", "Qualification", "Needs Analysis"]
    won = next(r for r in rows if r["ApiName"] == "Closed Won")
    assert (won["DefaultProbability"], won["IsClosed"], won["IsWon"]) == (100.0, True, True)
    with pytest.raises(SalesforceError):
        sf.OpportunityStage.create({"ApiName": "Mine"})


def test_field_history_records_creation_and_tracked_changes_only(sf: Any) -> None:
    opp = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp, {"DealCoach_Deal_State__c": "wadai", "NextStep": "見積"})
    sf.Opportunity.update(opp, {"DealCoach_Deal_State__c": "shodan", "DealCoach_Score__c": 72})
    rows = sf.query_all(f"SELECT Field, OldValue, NewValue FROM OpportunityFieldHistory WHERE OpportunityId = '{opp}' "
                        "ORDER BY CreatedDate")["records"]
    assert [(r["Field"], r["OldValue"], r["NewValue"]) for r in rows] == [
        ("created", None, None),
        ("DealCoach_Deal_State__c", None, "wadai"),
        ("DealCoach_Deal_State__c", "wadai", "shodan"),
        ("DealCoach_Score__c", None, 72.0),
    ]


@pytest.fixture
def tracking_long_text() -> Iterator[Any]:
    config = SalesforceSandboxConfig(field_history_tracked=["DealCoach_BANT__c", "DealCoach_Deal_State__c"])
    server, app = start_salesforce_sandbox(config)
    try:
        yield SandboxOrg(server, app).client(session_id=config.access_tokens[0])
    finally:
        server.stop()


def test_long_text_is_tracked_as_edited_without_values(tracking_long_text: Any) -> None:
    sf = tracking_long_text
    opp = sf.Opportunity.create(OPP)["id"]
    sf.Opportunity.update(opp, {"DealCoach_BANT__c": "B○ A× N○ T×"})
    (row,) = sf.query_all(f"SELECT Field, OldValue, NewValue FROM OpportunityFieldHistory WHERE OpportunityId = '{opp}'"
                          " AND Field = 'DealCoach_BANT__c'")["records"]
    assert (row["OldValue"], row["NewValue"]) == (None, None)


def test_an_event_moves_the_opportunitys_last_activity_date(sf: Any) -> None:
    opp = sf.Opportunity.create(OPP)["id"]
    sf.Event.create({"Subject": "訪問", "WhatId": opp, "OwnerId": REP_USER_ID, "DurationInMinutes": 60,
                     "StartDateTime": "2026-11-05T10:00:00+09:00", "EndDateTime": "2026-11-05T11:00:00+09:00"})
    event = sf.query_all(f"SELECT ActivityDate, ActivityDateTime FROM Event WHERE WhatId = '{opp}'")["records"][0]
    assert event["ActivityDate"] == "2026-11-05"
    assert sf.Opportunity.get(opp)["LastActivityDate"] == "2026-11-05"
