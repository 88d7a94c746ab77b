"""The SLA sweep's reads for Salesforce in bulk: open Opportunities, their stage history and their Tasks, a page of
deals at a time, instead of three requests per deal.

A page is the next `page_size` Opportunities by Id (keyset: `Id > last`, never OFFSET, which SOQL caps at 2,000);
the history and Tasks of exactly those deals come from semi-joins bounded by the page's first and last Id. Each
query answers up to 2,000 rows per request and simple-salesforce's `query_all` follows `nextRecordsUrl`
(developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_query.htm), so a page of 2,000 deals with a
few Tasks each costs a handful of requests.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from connector.base import DealRecords, SweepPage, keyset_pages
from connector.models import Deal
from connector.salesforce.crm import stage_run_start

if TYPE_CHECKING:
    from connector.salesforce.crm import SalesforceCrm

PAGE_SIZE = 2000
SWEPT = "(IsClosed = false OR CloseDate = LAST_N_DAYS:400)"
OPPORTUNITY_FIELDS = "Id, Name, StageName, OwnerId, Amount, IsClosed, IsWon, LastActivityDate, CreatedDate"


def sweep_pages(crm: SalesforceCrm, *, page_size: int = PAGE_SIZE) -> Iterator[list[tuple[Deal, DealRecords]]]:
    """Pages of (deal, its records) for every Opportunity the sweep looks at, in Id order."""
    return keyset_pages(lambda after: sweep_page(crm, after, page_size=page_size))


def sweep_page(crm: SalesforceCrm, after: str = "", *, page_size: int = PAGE_SIZE) -> SweepPage:
    """The next `page_size` Opportunities with an Id above `after` (keyset), with their history and Tasks."""
    if after and not after.isalnum():
        raise ValueError(f"not a Salesforce Id: {after!r}")
    bound = f" AND Id > '{after}'" if after else ""
    opps = crm._query(
        f"SELECT {OPPORTUNITY_FIELDS} FROM Opportunity WHERE {SWEPT}{bound} ORDER BY Id LIMIT {int(page_size)}"
    )
    if not opps:
        return SweepPage([], None)
    first, last = opps[0]["Id"], opps[-1]["Id"]
    page = f"SELECT Id FROM Opportunity WHERE {SWEPT} AND Id >= '{first}' AND Id <= '{last}'"
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in crm._query(
        "SELECT OpportunityId, StageName, CreatedDate FROM OpportunityHistory "
        f"WHERE OpportunityId IN ({page}) ORDER BY OpportunityId, CreatedDate DESC"
    ):
        history[row["OpportunityId"]].append(row)
    tasks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in crm._query(f"{crm.task_select()} WHERE WhatId IN ({page})"):
        tasks[row.get("WhatId") or ""].append(row)
    deals = [
        (
            crm.deal_from(o, stage_run_start(history[o["Id"]], o.get("StageName")), with_owner_name=False),
            crm.records_from(tasks[o["Id"]]),
        )
        for o in opps
    ]
    return SweepPage(deals, last if len(opps) == page_size else None)
