"""Stage funnel with drop-off and time in stage, and the stale deals a manager should ask about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from sync.report.model import ReportDeal, ReportInput


@dataclass(frozen=True)
class FunnelStep:
    """How many deals reached a stage, how many of those went further, and the median days spent in it."""

    stage: str
    reached: int
    went_on: int
    median_days: float | None

    @property
    def drop_off(self) -> float | None:
        return 1 - self.went_on / self.reached if self.reached else None


@dataclass(frozen=True)
class StaleDeal:
    """An open deal with no logged activity for `idle_days`."""

    deal_id: str
    name: str
    owner_id: str | None
    idle_days: int
    important: bool
    amount: float | None


def _furthest(deal: ReportDeal, order: dict[str, int], until: datetime) -> int:
    reached = [order[c.stage] for c in deal.stages if c.stage in order and c.at < until]
    return max(reached, default=-1)


def _days_in(deal: ReportDeal, stage: str, until: datetime) -> list[float]:
    changes = sorted((c for c in deal.stages if c.at < until), key=lambda c: c.at)
    spans = []
    for i, change in enumerate(changes):
        if change.stage != stage:
            continue
        left = changes[i + 1].at if i + 1 < len(changes) else (deal.closed_at or until)
        spans.append(max((min(left, until) - change.at).total_seconds(), 0.0) / 86400)
    return spans


def funnel(
    data: ReportInput, start: datetime, end: datetime, now: datetime, owned: Callable[[str | None], bool]
) -> list[FunnelStep]:
    """For deals created in [start, end): per stage in pipeline order, reached / went on / median days (up to `now`)."""
    order = {stage: i for i, stage in enumerate(data.stage_order)}
    deals = [d for d in data.deals if owned(d.owner_id) and start <= d.created_at < end]
    furthest = {d.id: _furthest(d, order, end) for d in deals}
    steps = []
    for stage, i in order.items():
        reached = [d for d in deals if furthest[d.id] >= i]
        went_on = sum(1 for d in reached if furthest[d.id] > i)
        spans = [span for d in reached for span in _days_in(d, stage, min(end, now))]
        steps.append(FunnelStep(stage, len(reached), went_on, median(spans) if spans else None))
    return steps


def stale_deals(data: ReportInput, now: datetime, owned: Callable[[str | None], bool]) -> list[StaleDeal]:
    """Open deals idle for the tenant's stale threshold (seed 001: 14 days), important ones first, then longest idle."""
    limit = timedelta(days=data.settings.stale_days)
    out = []
    for d in data.deals:
        if not owned(d.owner_id) or not d.is_open_at(now):
            continue
        last = d.last_activity_at or d.created_at
        if now - last >= limit:
            out.append(StaleDeal(d.id, d.name, d.owner_id, (now - last).days, d.important, d.amount))
    return sorted(out, key=lambda s: (not s.important, -s.idle_days, s.name))
