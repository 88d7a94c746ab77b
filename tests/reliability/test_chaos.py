"""The chaos suite of issue 11: both CRMs, the real webhook app, real worker processes, duplicates, SIGKILLs, a Redis
restart and injected CRM faults (`chaos_harness`); nothing lost, nothing doubled, one open task per obligation.

Smoke size by default; `DEALCOACH_CHAOS=full` runs the full size (2,000+ events, 20+ SIGKILLs, many minutes), as does
`python -m tests.reliability.chaos_harness --full`. Pass or fail never depends on timing: the run waits (boundedly)
until nothing is queued, scheduled or started, then counts.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.reliability.chaos_checks import Figures, Record, check_notes, check_tasks
from tests.reliability.chaos_harness import FULL, SMOKE, run_chaos

PLAN = FULL if os.environ.get("DEALCOACH_CHAOS") == "full" else SMOKE


# The run's own waits are bounded (PLAN.settle_s); this only keeps pytest-timeout's default from cutting it short.
@pytest.mark.timeout(int(PLAN.settle_s) * 3)
def test_chaos_loses_nothing_doubles_nothing(tmp_path: Path) -> None:
    plan = PLAN
    figures = run_chaos(plan, tmp_path, free_port())
    print(json.dumps(dataclasses.asdict(figures), ensure_ascii=False))
    assert figures.settled, figures.problems
    expected_calls = 2 * (plan.deals_per_crm + len(range(0, plan.deals_per_crm, plan.second_call_every)))
    assert figures.calls == expected_calls and figures.deals == 2 * plan.deals_per_crm
    assert figures.kills == plan.kills and figures.scheduler_kills >= 1 and figures.redis_restarts == 1
    assert figures.duplicates > 0 and figures.duplicates_acked > 0
    assert all(sum(hits.values()) > 0 for hits in figures.faults.values()), figures.faults
    assert (figures.lost, figures.doubled, figures.unlinked_notes) == (0, 0, 0), figures.problems
    assert (figures.doubled_tasks, figures.duplicate_open_tasks, figures.missing_stage_tasks) == (0, 0, 0), \
        figures.problems
    assert figures.left_in_rq == 0 and figures.failed_without_reason == 0, figures.problems


# -- the checks themselves, on records made up to break each invariant -------------------------------------------

T = "hubspot:1"


def _task(key: str, subject: str, deal: str = "9", *, open_: bool = True) -> Record:
    return Record("hubspot", deal, f"{T}/deal-{deal}/{key}", subject, open_)


def test_checks_count_lost_doubled_and_unlinked_notes() -> None:
    f = Figures()
    notes = [Record("hubspot", "9", f"{T}/deal-9/call-1/scorecard"), Record("hubspot", "9", f"{T}/deal-9/call-1/scorecard"),
             Record("salesforce", "006", "sf/deal-006/call-00T1/scorecard", links=frozenset({"006"}))]
    check_notes(notes, [("hubspot", "9", "1"), ("hubspot", "9", "2"), ("salesforce", "006", "00T1")], f)
    assert (f.lost, f.doubled, f.unlinked_notes) == (1, 1, 1), f.problems


def test_checks_tell_a_duplicate_obligation_from_per_call_items() -> None:
    f = Figures()
    tasks = [
        _task("obligation-budget", "予算を確認する"),
        _task("sla-budget/1000", "予算を確認する"),  # the same obligation under another key: a duplicate
        _task("sla-thank_you_minutes/5000", "御礼メール"),  # per-call items of two calls: not duplicates
        _task("sla-thank_you_minutes/6000", "御礼メール"),
        _task("sla-stage/7000/stage-qualifiedtobuy/x", "ステージ"),
        _task("sla-stage/7001/stage-qualifiedtobuy/x", "ステージ"),  # one entry keyed twice: a duplicate
        _task("obligation-roi", "ROI", open_=False),
        _task("obligation-roi", "ROI", open_=False),  # one key on two tasks: doubled
    ]
    check_tasks(tasks, {("hubspot", "9"): "qualifiedtobuy", ("hubspot", "8"): "qualifiedtobuy"},
                {("hubspot", "9"): {5000, 6000}}, f)
    assert (f.duplicate_open_tasks, f.doubled_tasks, f.missing_stage_tasks) == (2, 1, 1), f.problems


@pytest.mark.parametrize("field", ["lost", "doubled", "duplicate_open_tasks", "left_in_rq", "failed_without_reason"])
def test_any_broken_invariant_fails_the_run(field: str) -> None:
    assert Figures(settled=True).ok
    broken = Figures(settled=True)
    setattr(broken, field, 1)
    assert not broken.ok
    assert not Figures(settled=False).ok
