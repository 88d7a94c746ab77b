"""The sandbox org's indexes (`salesforce_index.py`) answer exactly what a full scan answers: keyset pages by Id,
semi-joins through a reference field, and HasOpenActivity, also after inserts, edits that move a reference, deletes
and a rolled-back unit."""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce_client import SandboxOrg


def _page(sf: Any, last: str, size: int) -> list[str]:
    after = f" AND Id > '{last}'" if last else ""
    soql = f"SELECT Id FROM Opportunity WHERE IsClosed = false{after} ORDER BY Id LIMIT {size}"
    return [r["Id"] for r in sf.query_all(soql)["records"]]


def _tasks_of_range(sf: Any, first: str, last: str) -> set[str]:
    page = f"SELECT Id FROM Opportunity WHERE Id >= '{first}' AND Id <= '{last}'"
    return {r["Id"] for r in sf.query_all(f"SELECT Id FROM Task WHERE WhatId IN ({page})")["records"]}


def test_keyset_pages_and_semi_joins_match_a_full_scan(sf: Any, org: SandboxOrg) -> None:
    opps = [{"Name": f"商談 {i}", "StageName": "Qualification", "CloseDate": "2027-03-31"} for i in range(23)]
    opps[5]["StageName"] = "Closed Won"
    ids = org.seed(
        opportunities=opps,
        tasks=[{"Subject": f"T{i}", "Status": "Not Started", "WhatId": i % 23} for i in range(40)],
    )
    opp_ids, task_ids = ids["opportunities"], ids["tasks"]
    open_ids = sorted((i for n, i in enumerate(opp_ids) if n != 5), key=str.casefold)

    seen: list[str] = []
    last = ""
    while page := _page(sf, last, 4):
        seen += page
        last = page[-1]
    assert seen == open_ids, "every open deal once, in Id order, none of the closed one"

    first, last = open_ids[0], open_ids[9]
    in_range = {n for n, i in enumerate(opp_ids) if first.casefold() <= i.casefold() <= last.casefold()}
    expected = {t for n, t in enumerate(task_ids) if n % 23 in in_range}
    assert _tasks_of_range(sf, first, last) == expected

    # Edits move a task out of the range and another in, an insert adds one, a delete removes one: the index follows.
    moved = next(t for n, t in enumerate(task_ids) if n % 23 in in_range)
    outside = next(i for n, i in enumerate(opp_ids) if n not in in_range)
    came = next(t for n, t in enumerate(task_ids) if n % 23 not in in_range)
    sf.Task.update(moved, {"WhatId": outside})
    sf.Task.update(came, {"WhatId": last})
    added = sf.Task.create({"Subject": "new", "Status": "Not Started", "WhatId": first})["id"]
    gone = next(t for t in sorted(expected - {moved}))
    sf.Task.delete(gone)
    assert _tasks_of_range(sf, first, last) == (expected - {moved, gone}) | {added, came}

    # A unit that fails is rolled back whole (composite allOrNone): the task it moved stays where it was.
    kept = next(iter(expected - {moved, gone}))
    results = sf.restful(
        "composite/sobjects",
        method="PATCH",
        json={
            "allOrNone": True,
            "records": [
                {"attributes": {"type": "Task"}, "id": kept, "WhatId": outside},
                {"attributes": {"type": "Task"}, "id": kept, "Subject": None, "Status": None},
            ],
        },
    )
    assert not any(r["success"] for r in results), results
    assert kept in _tasks_of_range(sf, first, last)


def test_has_open_activity_follows_the_deals_tasks(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(opportunities=[{"Name": "A", "StageName": "Qualification", "CloseDate": "2027-03-31"}] * 2)
    a, b = ids["opportunities"]

    def flagged() -> set[str]:
        rows = sf.query_all("SELECT Id FROM Opportunity WHERE HasOpenActivity = true")["records"]
        return {r["Id"] for r in rows}

    assert flagged() == set()
    task = sf.Task.create({"Subject": "t", "Status": "Not Started", "WhatId": a})["id"]
    assert flagged() == {a}
    sf.Task.update(task, {"WhatId": b})
    assert flagged() == {b}
    sf.Task.update(task, {"Status": "Completed"})
    assert flagged() == set()


def test_unique_key_check_follows_inserts_and_edits(sf: Any, org: SandboxOrg) -> None:
    [opp] = org.seed(opportunities=[{"Name": "A", "StageName": "Qualification", "CloseDate": "2027-03-31"}])[
        "opportunities"
    ]
    first = sf.Task.create({"Subject": "t", "Status": "Not Started", "WhatId": opp, "DealCoach_Key__c": "k1"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as clash:
        sf.Task.create({"Subject": "t", "Status": "Not Started", "WhatId": opp, "DealCoach_Key__c": "K1"})
    assert clash.value.content[0]["errorCode"] == "DUPLICATE_VALUE"
    sf.Task.update(first, {"DealCoach_Key__c": "k2"})
    sf.Task.create({"Subject": "t", "Status": "Not Started", "WhatId": opp, "DealCoach_Key__c": "k1"})
    with pytest.raises(SalesforceMalformedRequest):
        sf.Task.create({"Subject": "t", "Status": "Not Started", "WhatId": opp, "DealCoach_Key__c": "k2"})
