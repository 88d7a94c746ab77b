"""How fast is the manager report for a big team? Build + render of a generated fiscal year, 1,000 deals and 20 reps.

Usage: python bench/report_render.py [--deals 1000] [--reps 20] [--runs 5] [--seed 3] [--smoke]
The data is generated (pure, no CRM): deals spread over the fiscal year with stage and deal-state histories,
about 8 activities and 2 scored calls per deal, 3 SLA tasks per deal. Prints median and max seconds for building
the report and for rendering its HTML; the goal (issue 15) is under 5 seconds for both together.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from connector.coaching_fields import PHASE_IDS  # noqa: E402
from sync.report.build import build_report  # noqa: E402
from sync.report.html import render_html  # noqa: E402
from sync.report.model import (  # noqa: E402
    Activity,
    CallScore,
    Rep,
    ReportDeal,
    ReportInput,
    ReportSettings,
    SlaTask,
    StageChange,
    StateChange,
)

JST = timezone(timedelta(hours=9))
STAGES = ("appointment", "qualified", "proposal", "pilot", "negotiation", "closedwon")
PROBABILITY = dict(zip(STAGES, (0.1, 0.3, 0.5, 0.6, 0.8, 1.0), strict=True))
RULES = ("thank_you_minutes", "promise_small", "promise_deliverable", "stale_deal", "nurture_30d")
KINDS = ("email", "meeting", "call", "task_completed")
CHECKS = tuple(f"{p}.{i}.{j}" for p in PHASE_IDS for i in range(1, 4) for j in range(1, 3))


def generate(n_deals: int, n_reps: int, seed: int) -> ReportInput:
    """A fiscal year (April to November 2026) of a team of `n_reps` reps in four teams."""
    rnd = random.Random(seed)
    start = datetime(2026, 4, 1, tzinfo=JST)
    now = datetime(2026, 11, 20, 15, tzinfo=JST)
    span = (now - start).total_seconds()
    reps = tuple(Rep(f"r{i}", f"担当{i:02d}", f"t{i % 4}", f"チーム{i % 4}") for i in range(n_reps))
    deals, acts, scores, tasks = [], [], [], []
    for k in range(n_deals):
        owner = rnd.choice(reps).id
        created = start + timedelta(seconds=rnd.random() * span * 0.9)
        t, stages = created, [StageChange(created, STAGES[0])]
        for stage in STAGES[1 : rnd.randint(1, len(STAGES))]:
            t += timedelta(days=rnd.randint(2, 25))
            if t < now:
                stages.append(StageChange(t, stage))
        won = stages[-1].stage == "closedwon"
        lost = not won and rnd.random() < 0.2
        closed_at = stages[-1].at if won else (created + timedelta(days=rnd.randint(10, 90)) if lost else None)
        closed_at = closed_at if closed_at is None or closed_at < now else None
        states = [StateChange(created + timedelta(days=rnd.randint(0, 20)), rnd.choice(("wadai", "shodan", "botsu")))
                  for _ in range(rnd.randint(0, 3))]
        deals.append(ReportDeal(
            f"d{k}", f"取引先{k:04d}", owner, float(rnd.randint(1, 50) * 100000), created, is_closed=closed_at is not None,
            is_won=won and closed_at is not None, closed_at=closed_at, states=tuple(states), stages=tuple(stages),
            last_activity_at=created + timedelta(days=rnd.randint(0, 60)), important=len(stages) >= 3,
        ))
        for _ in range(8):
            at = created + timedelta(hours=rnd.randint(1, 24 * 60))
            kind = rnd.choice(KINDS)
            acts.append(Activity(f"d{k}", owner, kind, at, direction=rnd.choice(("in", "out")) if kind == "email" else None,
                                 has_content=rnd.random() < 0.7))
        for _ in range(2):
            at = created + timedelta(days=rnd.randint(0, 60))
            hit = tuple(c for c in CHECKS if rnd.random() < 0.5)
            scores.append(CallScore(f"d{k}", owner, at, rnd.randint(20, 95),
                                    {p: rnd.randint(0, 100) for p in PHASE_IDS if rnd.random() < 0.5},
                                    hit=hit, missed=tuple(c for c in CHECKS if c not in hit)))
        for rule in rnd.sample(RULES, 3):
            created_at = created + timedelta(days=rnd.randint(0, 60))
            due = created_at + timedelta(days=rnd.randint(1, 7))
            done = due + timedelta(hours=rnd.randint(-48, 48)) if rnd.random() < 0.7 else None
            tasks.append(SlaTask(f"d{k}", owner, rule, created_at, due, done))
    return ReportInput(
        tenant="bench", month=date(2026, 11, 1), reps=reps, deals=tuple(deals), activities=tuple(acts),
        scores=tuple(scores), sla_tasks=tuple(tasks), stage_order=STAGES, stage_labels={s: s for s in STAGES},
        stage_probability=PROBABILITY, settings=ReportSettings(pilot_stages=("pilot",)), now=now,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deals", type=int, default=1000)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="30 deals, 3 reps, 1 run: proves the bench still runs")
    args = ap.parse_args()
    if args.smoke:
        args.deals, args.reps, args.runs = 30, 3, 1
    data = generate(args.deals, args.reps, args.seed)
    builds, renders, size = [], [], 0
    for _ in range(args.runs):
        t0 = time.perf_counter()
        report = build_report(data, generated_at=data.now or datetime.now(JST))
        t1 = time.perf_counter()
        page = render_html(report)
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        renders.append(t2 - t1)
        size = len(page.encode())
    total = [b + r for b, r in zip(builds, renders, strict=True)]
    print(f"deals={args.deals} reps={args.reps} activities={len(data.activities)} scores={len(data.scores)} "
          f"sla_tasks={len(data.sla_tasks)} tables={len(report.tables)} html_bytes={size}")
    print(f"build  median {statistics.median(builds):.3f} s  max {max(builds):.3f} s")
    print(f"render median {statistics.median(renders):.3f} s  max {max(renders):.3f} s")
    print(f"total  median {statistics.median(total):.3f} s  max {max(total):.3f} s  (goal < 5 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
