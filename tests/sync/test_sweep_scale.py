"""Smoke size of bench/sweep_scale.py: the Salesforce sweep reads a page of deals at once and writes in shared
batches (counts from the sandbox's counter, never time)."""

from __future__ import annotations

import math

from bench.sweep_scale import run

DEALS = 450


def test_salesforce_sweep_reads_per_page_and_writes_in_batches() -> None:
    first, second = run(DEALS, DEALS)
    assert first["deals"] == second["deals"] == DEALS and first["failed"] == second["failed"] == 0
    # Opportunities, their history and their Tasks: three queries for a page of up to 2,000 deals (the Tasks one
    # pages by 2,000 rows); the first sweep also reads the Task describe and the owners once (then cached).
    assert first["reads"] <= 3 + 2 and second["reads"] <= 3 + math.ceil(first["tasks_written"] / 2000)
    assert first["tasks_written"] >= DEALS, "every new deal gets its SLA task on the first sweep"
    assert first["writes"] <= math.ceil(first["tasks_written"] / 200), "composite batches of 200 across deals"
    assert second["writes"] == 0 and second["tasks_written"] == 0, "a second sweep finds nothing to write"
