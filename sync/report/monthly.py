"""Seed 003's monthly goal and process table (売上目標 … フォロー件数, with 合計), for any set of reps."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime

from sync.report import months as m
from sync.report.model import Activity, ReportDeal, ReportInput

# Rows in the seed's order; `kind` tells how the 合計 column is formed and how a cell is shown.
ROWS: tuple[tuple[str, str], ...] = (
    ("target", "amount"),
    ("sales", "amount"),
    ("achievement", "ratio"),
    ("orders", "count"),
    ("unit_price", "amount"),
    ("start_shodan_amount", "amount"),
    ("start_shodan_count", "count"),
    ("shodan_sure_amount", "amount"),
    ("shodan_sure_count", "count"),
    ("shodan_maybe_amount", "amount"),
    ("shodan_maybe_count", "count"),
    ("wadai_amount", "amount"),
    ("wadai_count", "count"),
    ("botsu_count", "count"),
    ("visits", "count"),
    ("follows", "count"),
)
NAMED_ROWS = ("shodan_sure", "shodan_maybe", "wadai")
# What counts as a follow (seed 001: mail, phone, content provided) and as a visit (a logged meeting).
FOLLOW_KINDS = frozenset({"call", "task_completed"})


@dataclass
class Column:
    """One month's figures; None where a figure has no meaning (no target, no orders)."""

    label: str
    values: dict[str, float | None] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class MonthlyTable:
    """The table for one group of reps: month columns then the 合計 column."""

    title: str
    months: list[Column]
    total: Column


def _ratio(num: float | None, den: float | None) -> float | None:
    """num / den, or None when the denominator is missing or zero: never #DIV/0!."""
    if num is None or not den:
        return None
    return num / den


def is_follow(activity: Activity) -> bool:
    """A follow: a sent mail, a call or a completed task (seed 001's メール・電話・コンテンツ提供)."""
    if activity.kind == "email":
        return activity.direction != "in"
    return activity.kind in FOLLOW_KINDS


def _amount(deals: list[ReportDeal]) -> float:
    return float(sum(d.amount or 0.0 for d in deals))


def _target(data: ReportInput, month: date, reps: Collection[str] | None) -> float | None:
    key = m.key(month)
    s = data.settings
    if reps is None:
        return s.targets.get(key) if key in s.targets else _sum_rep_targets(data, key, [r.id for r in data.reps])
    return _sum_rep_targets(data, key, reps)


def _sum_rep_targets(data: ReportInput, key: str, reps: Collection[str]) -> float | None:
    found = [data.settings.rep_targets[r][key] for r in reps if key in data.settings.rep_targets.get(r, {})]
    return float(sum(found)) if found else None


def _probability(data: ReportInput, deal: ReportDeal, at: datetime) -> float | None:
    stage = deal.stage_at(at)
    if stage is not None and stage in data.stage_probability:
        return data.stage_probability[stage]
    return deal.probability


def month_column(
    data: ReportInput, month: date, deals: list[ReportDeal], activities: list[Activity], reps: Collection[str] | None
) -> Column:
    """The figures of one month for the given deals and activities (already narrowed to the reps shown)."""
    start, end = m.bounds(month, data.settings.timezone)
    now = data.now or end
    snapshot = min(end, now)
    won = [d for d in deals if d.is_won and d.closed_at is not None and start <= d.closed_at < end]
    at_start = [d for d in deals if d.is_open_at(start) and d.state_at(start) == "shodan"]
    open_now = [d for d in deals if d.is_open_at(snapshot)]
    shodan = [d for d in open_now if d.state_at(snapshot) == "shodan"]
    threshold = data.settings.confident_probability
    sure = [d for d in shodan if (_probability(data, d, snapshot) or 0.0) >= threshold]
    maybe = [d for d in shodan if d not in sure]
    wadai = [d for d in open_now if d.state_at(snapshot) == "wadai"]
    botsu = [d for d in deals if _went_botsu(d, start, end)]
    acts = [a for a in activities if start <= a.at < end]
    sales = _amount(won)
    target = _target(data, month, reps)
    col = Column(label=m.key(month))
    col.values = {
        "target": target,
        "sales": sales,
        "achievement": _ratio(sales, target),
        "orders": float(len(won)),
        "unit_price": _ratio(sales, len(won)),
        "start_shodan_amount": _amount(at_start),
        "start_shodan_count": float(len(at_start)),
        "shodan_sure_amount": _amount(sure),
        "shodan_sure_count": float(len(sure)),
        "shodan_maybe_amount": _amount(maybe),
        "shodan_maybe_count": float(len(maybe)),
        "wadai_amount": _amount(wadai),
        "wadai_count": float(len(wadai)),
        "botsu_count": float(len(botsu)),
        "visits": float(sum(1 for a in acts if a.kind == "meeting")),
        "follows": float(sum(1 for a in acts if is_follow(a))),
    }
    col.names = {
        "shodan_sure": _names(sure),
        "shodan_maybe": _names(maybe),
        "wadai": _names(wadai),
    }
    return col


def _names(deals: list[ReportDeal]) -> list[str]:
    return [d.name for d in sorted(deals, key=lambda d: (-(d.amount or 0.0), d.name))]


def _went_botsu(deal: ReportDeal, start: datetime, end: datetime) -> bool:
    """ボツ this month: the deal state turned ボツ, or the deal was closed lost, inside the month."""
    lost = deal.is_closed and not deal.is_won and deal.closed_at is not None and start <= deal.closed_at < end
    turned = any(c.state == "botsu" and start <= c.at < end for c in deal.states)
    return lost or turned


def total_column(columns: list[Column], label: str) -> Column:
    """合計: amounts and counts summed as the seed's sheet does; ratios recomputed from the sums."""
    total = Column(label=label)
    for row, kind in ROWS:
        if kind == "ratio":
            continue
        cells = [c.values[row] for c in columns if c.values.get(row) is not None]
        total.values[row] = float(sum(v for v in cells if v is not None)) if cells else None
    total.values["achievement"] = _ratio(total.values["sales"], total.values["target"])
    total.values["unit_price"] = _ratio(total.values["sales"], total.values["orders"])
    total.names = {name: [] for name in NAMED_ROWS}
    return total


def monthly_table(data: ReportInput, *, title: str, reps: Collection[str] | None, total_label: str) -> MonthlyTable:
    """The fiscal year's table up to `data.month` for the given reps (None = every deal of the tenant)."""
    wanted = None if reps is None else set(reps)

    def owned(owner: str | None) -> bool:
        return wanted is None or owner in wanted

    deals = [d for d in data.deals if owned(d.owner_id)]
    activities = [a for a in data.activities if owned(a.owner_id)]
    columns = [
        month_column(data, month, deals, activities, reps)
        for month in m.fiscal_months(data.month, data.settings.fiscal_year_start_month)
    ]
    return MonthlyTable(title=title, months=columns, total=total_column(columns, total_label))
