"""Smoke size of bench/sweep_scale.py: the sandbox in its own process, the sweep as page jobs in 2 real workers;
each CRM's page reads its deals at once and writes in shared batches (counts from the sandbox's counter, never time).
"""

from __future__ import annotations

import math

from bench.sweep_scale import run

SF_DEALS, SF_PAGE = 450, 200
HS_DEALS, HS_PAGE = 250, 100
# The tenant's metadata (Task describe and owners; HubSpot's pipelines and task properties) is read once and cached in
# Redis for every work-horse, but two page jobs starting together may both miss it: once per worker at most.
WORKERS, METADATA_READS = 2, 2


def test_salesforce_sweep_reads_per_page_and_writes_in_batches() -> None:
    first, second = run(SF_DEALS, "salesforce", chunk=SF_DEALS, page_size=SF_PAGE, worker_count=WORKERS)
    pages = math.ceil(SF_DEALS / SF_PAGE)
    assert first["pages"] == second["pages"] == pages, "one page job per page, each once"
    assert first["deals"] == second["deals"] == SF_DEALS and first["failed"] == second["failed"] == 0
    # Opportunities, their history and their Tasks: three queries a page (the Tasks one pages by 2,000 rows); the
    # first sweep also reads the Task describe and the owners (once per worker at most).
    assert first["reads"] <= 3 * pages + METADATA_READS * WORKERS and second["reads"] <= 3 * pages
    assert first["tasks_written"] >= SF_DEALS, "every new deal gets its SLA task on the first sweep"
    # Per page: the Task creates and the deals' new SLA status, each in composite batches of 200 across deals.
    assert first["writes"] <= pages * 2, "batches of 200 per page"
    assert second["writes"] == 0 and second["tasks_written"] == 0, "a second sweep finds nothing to write"


def test_hubspot_sweep_reads_per_page_and_writes_in_batches() -> None:
    first, second = run(HS_DEALS, "hubspot", chunk=HS_DEALS, vendor_limits=False, page_size=HS_PAGE, worker_count=WORKERS)
    pages = math.ceil(HS_DEALS / HS_PAGE)
    assert first["pages"] == second["pages"] == pages
    assert first["deals"] == second["deals"] == HS_DEALS and first["failed"] == second["failed"] == 0
    # Per page: a search page (200 hold a page of 100) and one associations batch read for each of tasks, emails,
    # meetings and calls; the first sweep also reads the pipelines and the task properties once (then cached).
    assert first["reads"] <= 5 * pages + METADATA_READS * WORKERS, "no deal is read on its own"
    assert first["tasks_written"] >= HS_DEALS, "every new deal gets its SLA task on the first sweep"
    # Per page: the task creates and the deals' new SLA status, each in batches of 100 across deals.
    assert first["writes"] <= pages * 2, "batches"
    # Then DealCoach's tasks are read back, 100 per batch read: one more a page.
    assert second["reads"] <= 6 * pages
    assert second["writes"] == 0 and second["tasks_written"] == 0, "a second sweep finds nothing to write"
