"""Smoke size of bench/sweep_scale.py: each CRM's sweep reads a page of deals at once and writes in shared batches
(counts from the sandbox's counter, never time)."""

from __future__ import annotations

import math

from bench.sweep_scale import run

DEALS = 450
# Over one search page (200), so the keyset paging is exercised; chunking by 1,000 is held by
# tests/connector/test_hubspot_sweep.py at a small chunk size.
HUBSPOT_DEALS = 250


def test_salesforce_sweep_reads_per_page_and_writes_in_batches() -> None:
    first, second = run(DEALS, DEALS)
    assert first["deals"] == second["deals"] == DEALS and first["failed"] == second["failed"] == 0
    # Opportunities, their history and their Tasks: three queries for a page of up to 2,000 deals (the Tasks one
    # pages by 2,000 rows); the first sweep also reads the Task describe and the owners once (then cached).
    assert first["reads"] <= 3 + 2 and second["reads"] <= 3 + math.ceil(first["tasks_written"] / 2000)
    assert first["tasks_written"] >= DEALS, "every new deal gets its SLA task on the first sweep"
    # Task creates and the deals' new SLA status, each in composite batches of 200 across deals.
    assert first["writes"] <= math.ceil(first["tasks_written"] / 200) + math.ceil(DEALS / 200), "batches of 200"
    assert second["writes"] == 0 and second["tasks_written"] == 0, "a second sweep finds nothing to write"


def test_hubspot_sweep_reads_per_page_and_writes_in_batches() -> None:
    first, second = run(HUBSPOT_DEALS, HUBSPOT_DEALS, "hubspot", vendor_limits=False)
    assert first["deals"] == second["deals"] == HUBSPOT_DEALS and first["failed"] == second["failed"] == 0
    # A search page per 200 deals, then per chunk of up to 1,000 deals one associations batch read for each of
    # tasks, emails, meetings and calls, and the records found 100 per batch read; the first sweep also reads the
    # pipelines and the task properties once (then cached).
    listing = math.ceil(HUBSPOT_DEALS / 200) + 4 * math.ceil(HUBSPOT_DEALS / 1000)
    assert first["reads"] <= listing + 2, "no deal is read on its own"
    assert first["tasks_written"] >= HUBSPOT_DEALS, "every new deal gets its SLA task on the first sweep"
    # Task creates and the deals' new SLA status, each in batches of 100 across deals.
    assert first["writes"] <= math.ceil(first["tasks_written"] / 100) + math.ceil(HUBSPOT_DEALS / 100), "batches"
    assert second["reads"] <= listing + math.ceil(first["tasks_written"] / 100)
    assert second["writes"] == 0 and second["tasks_written"] == 0, "a second sweep finds nothing to write"
