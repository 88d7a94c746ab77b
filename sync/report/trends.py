"""Rubric trends: each rep's phase scores month by month against the team's top quartile, and what to coach next."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from statistics import mean, quantiles

from sync.report import months as m
from sync.report.model import CallScore, ReportInput


@dataclass(frozen=True)
class RepMonth:
    """A rep's average scores over the calls scored in one month."""

    rep_id: str
    month: str
    calls: int
    overall: float | None
    phases: dict[str, float]


@dataclass(frozen=True)
class Lift:
    """A rubric check the rep misses more often than the team's top quartile hits it."""

    check_id: str
    rep_hit_rate: float
    top_hit_rate: float

    @property
    def gap(self) -> float:
        return self.top_hit_rate - self.rep_hit_rate


def top_quartile(values: Iterable[float]) -> float | None:
    """The 75th percentile (inclusive method); the value itself when there is only one."""
    vals = sorted(values)
    if not vals:
        return None
    if len(vals) == 1:
        return vals[0]
    return quantiles(vals, n=4, method="inclusive")[2]


def _avg(values: list[int]) -> float | None:
    return mean(values) if values else None


def rep_months(data: ReportInput, owned: Callable[[str | None], bool]) -> list[RepMonth]:
    """Averages per rep and fiscal month up to the report's month, for reps with at least one scored call."""
    out: list[RepMonth] = []
    for month in m.fiscal_months(data.month, data.settings.fiscal_year_start_month):
        start, end = m.bounds(month, data.settings.timezone)
        by_rep: dict[str, list[CallScore]] = {}
        for s in data.scores:
            if s.rep_id is not None and owned(s.rep_id) and start <= s.at < end:
                by_rep.setdefault(s.rep_id, []).append(s)
        for rep_id, cards in sorted(by_rep.items()):
            phases: dict[str, list[int]] = {}
            for card in cards:
                for phase, score in card.phases.items():
                    phases.setdefault(phase, []).append(score)
            overall = _avg([c.overall for c in cards if c.overall is not None])
            out.append(RepMonth(rep_id, m.key(month), len(cards), overall, {p: mean(v) for p, v in phases.items()}))
    return out


def phase_benchmarks(rows: list[RepMonth], month: date) -> dict[str, float]:
    """Per phase, the top quartile of the reps' averages in `month`: the bar each rep is shown against."""
    key = m.key(month)
    phases = sorted({p for r in rows if r.month == key for p in r.phases})
    out = {}
    for phase in phases:
        q = top_quartile(r.phases[phase] for r in rows if r.month == key and phase in r.phases)
        if q is not None:
            out[phase] = q
    return out


def _hit_rates(cards: list[CallScore]) -> dict[str, float]:
    hits: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for card in cards:
        hits.update(card.hit)
        seen.update(card.hit)
        seen.update(card.missed)
    return {check: hits[check] / seen[check] for check in seen}


def lifts(data: ReportInput, rep_id: str, owned: Callable[[str | None], bool], *, top: int = 2) -> list[Lift]:
    """The `top` checks with the widest gap between the rep's hit rate and the top-quartile reps', this fiscal year."""
    months = m.fiscal_months(data.month, data.settings.fiscal_year_start_month)
    start = m.bounds(months[0], data.settings.timezone)[0]
    end = m.bounds(data.month, data.settings.timezone)[1]
    cards = [s for s in data.scores if s.rep_id and owned(s.rep_id) and start <= s.at < end]
    by_rep: dict[str, list[CallScore]] = {}
    for card in cards:
        by_rep.setdefault(card.rep_id or "", []).append(card)
    if rep_id not in by_rep:
        return []
    averages = {r: _avg([c.overall for c in cs if c.overall is not None]) for r, cs in by_rep.items()}
    bar = top_quartile(v for v in averages.values() if v is not None)
    leaders = [r for r, v in averages.items() if v is not None and bar is not None and v >= bar]
    top_rates = _hit_rates([c for r in leaders for c in by_rep[r]])
    mine = _hit_rates(by_rep[rep_id])
    gaps = [Lift(check, mine[check], top_rates[check]) for check in mine if check in top_rates]
    gaps = [g for g in gaps if g.gap > 0]
    return sorted(gaps, key=lambda g: (-g.gap, g.check_id))[:top]
