"""SOQL parent-to-child subqueries in the sandbox org (one query for an Opportunity, its history, Tasks and links)."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from tests.sandbox.test_salesforce_query import REP_USER_ID, SandboxOrg, _opp


def test_opportunity_with_its_history_tasks_and_links_in_one_query(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(
        opportunities=[_opp("A社 SFA導入", OwnerId=REP_USER_ID), _opp("B社")],
        tasks=[{"Subject": "初回商談", "TaskSubtype": "Call", "Status": "Completed", "WhatId": 0},
               {"Subject": "御礼", "Status": "Not Started", "WhatId": 0}],
        notes=[{"title": "スコアカード", "content": "<p>72</p>", "link_to": 0}],
    )
    a, b = ids["opportunities"]
    soql = ("SELECT Id, StageName, (SELECT StageName, CreatedDate FROM OpportunityHistories ORDER BY CreatedDate DESC), "
            "(SELECT Id, Subject FROM Tasks ORDER BY Subject LIMIT 1), "
            "(SELECT ContentDocumentId, ContentDocument.FileType FROM ContentDocumentLinks) "
            f"FROM Opportunity WHERE Id IN ('{a}', '{b}') ORDER BY Name")
    first, second = sf.query(soql)["records"]
    assert [h["StageName"] for h in first["OpportunityHistories"]["records"]] == ["Qualification"]
    # The child's ORDER BY and LIMIT apply per parent.
    assert first["Tasks"]["totalSize"] == 1 and first["Tasks"]["records"][0]["Subject"] == "初回商談"
    assert first["Tasks"]["records"][0]["attributes"]["type"] == "Task"
    assert first["ContentDocumentLinks"]["records"][0]["ContentDocument"]["FileType"] == "SNOTE"
    # No children: null, as Salesforce answers.
    assert second["Tasks"] is None and second["ContentDocumentLinks"] is None
    assert second["OpportunityHistories"]["done"] is True


def test_unknown_child_relationship_is_refused(sf: Any, org: SandboxOrg) -> None:
    with pytest.raises(SalesforceMalformedRequest) as err:
        sf.query("SELECT Id, (SELECT Id FROM Task) FROM Opportunity")
    assert "INVALID_TYPE" in str(err.value) and "relationship 'Task'" in str(err.value)
