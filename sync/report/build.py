"""Assemble every section of the manager report from one `ReportInput`, for the whole tenant, a team or a rep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sync.report import months as m
from sync.report.funnel import FunnelStep, StaleDeal, funnel, stale_deals
from sync.report.kpis import Kpi, follow_up_kpis
from sync.report.labels import Labels, labels
from sync.report.model import Rep, ReportInput
from sync.report.monthly import MonthlyTable, monthly_table
from sync.report.sla_compliance import RuleCompliance, compliance
from sync.report.trends import Lift, RepMonth, lifts, phase_benchmarks, rep_months


@dataclass
class Report:
    """What a manager sees: tables first, then KPIs, SLA compliance, rubric trends, funnel and stale deals."""

    tenant: str
    month: date
    labels: Labels
    generated_at: datetime
    reps: dict[str, Rep]
    tables: list[MonthlyTable]
    kpis: list[Kpi]
    sla: list[RuleCompliance]
    trends: list[RepMonth]
    benchmarks: dict[str, float]
    lifts: dict[str, list[Lift]]
    funnel: list[FunnelStep]
    stale: list[StaleDeal]
    settings: dict[str, Any] = field(default_factory=dict)
    phase_names: dict[str, str] = field(default_factory=dict)
    check_names: dict[str, str] = field(default_factory=dict)
    stage_labels: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (`dealcoach report --json`)."""
        return {
            "tenant": self.tenant,
            "month": m.key(self.month),
            "language": self.labels.lang,
            "generated_at": self.generated_at.isoformat(),
            "settings": self.settings,
            "tables": [
                {
                    "title": t.title,
                    "columns": [{"month": c.label, "values": c.values, "names": c.names} for c in [*t.months, t.total]],
                }
                for t in self.tables
            ],
            "kpis": [{**asdict(k), "met": k.met} for k in self.kpis],
            "sla": [{**asdict(c), "on_time_rate": c.on_time_rate} for c in self.sla],
            "trends": [asdict(t) for t in self.trends],
            "top_quartile": self.benchmarks,
            "lifts": {rep: [{**asdict(x), "gap": x.gap} for x in items] for rep, items in self.lifts.items()},
            "funnel": [{**asdict(s), "drop_off": s.drop_off} for s in self.funnel],
            "stale": [asdict(s) for s in self.stale],
        }


def select_reps(data: ReportInput, *, team: str | None, rep: str | None) -> list[Rep]:
    """The reps a report covers; an unknown team or rep id is a ValueError naming what exists."""
    reps = list(data.reps)
    if team is not None:
        reps = [r for r in reps if r.team_id == team]
        if not reps:
            known = sorted({r.team_id for r in data.reps if r.team_id})
            raise ValueError(f"no team {team!r}; teams: {', '.join(known) or 'none'}")
    if rep is not None:
        reps = [r for r in reps if r.id == rep]
        if not reps:
            raise ValueError(f"no rep {rep!r}; reps: {', '.join(sorted(r.id for r in data.reps)) or 'none'}")
    return reps


def build_report(
    data: ReportInput,
    *,
    generated_at: datetime,
    team: str | None = None,
    rep: str | None = None,
    phase_names: dict[str, str] | None = None,
    check_names: dict[str, str] | None = None,
) -> Report:
    """Every section for the selected reps; the whole-team table comes first, then one per team and per rep."""
    L = labels(data.settings.language)
    reps = select_reps(data, team=team, rep=rep)
    ids = {r.id for r in reps}
    everyone = team is None and rep is None
    owned: Callable[[str | None], bool] = (lambda _o: True) if everyone else (lambda o: o in ids)
    tables = [monthly_table(data, title=L.t("team_all"), reps=None if everyone else ids, total_label=L.t("total"))]
    if rep is None:
        teams: dict[str, list[Rep]] = {}
        for r in reps:
            if r.team_id:
                teams.setdefault(r.team_id, []).append(r)
        if len(teams) > 1 or (team is None and teams):
            for members in teams.values():
                tables.append(
                    monthly_table(
                        data,
                        title=members[0].team_name or members[0].team_id,
                        reps={r.id for r in members},
                        total_label=L.t("total"),
                    )
                )
        for r in reps:
            tables.append(monthly_table(data, title=r.name, reps={r.id}, total_label=L.t("total")))
    start, end = m.bounds(data.month, data.settings.timezone)
    now = min(data.now or end, end)
    fiscal_start = m.bounds(
        m.fiscal_months(data.month, data.settings.fiscal_year_start_month)[0], data.settings.timezone
    )[0]
    trend_rows = rep_months(data, owned)
    s = data.settings
    return Report(
        tenant=data.tenant,
        month=data.month,
        labels=L,
        generated_at=generated_at,
        reps={r.id: r for r in data.reps},
        tables=tables,
        kpis=follow_up_kpis(data, data.month, owned),
        sla=compliance(data.sla_tasks, start, end, now, owned),
        trends=trend_rows,
        benchmarks=phase_benchmarks(trend_rows, data.month),
        lifts={r.id: lifts(data, r.id, owned) for r in reps},
        funnel=funnel(data, fiscal_start, end, now, owned),
        stale=stale_deals(data, now, owned),
        settings={
            "fiscal_year_start_month": s.fiscal_year_start_month,
            "confident_probability": s.confident_probability,
            "reply_window_days": s.reply_window_days,
            "next_meeting_window_days": s.next_meeting_window_days,
            "stale_days": s.stale_days,
            "pilot_stages": list(s.pilot_stages),
            "timezone": s.timezone,
        },
        phase_names=phase_names or {},
        check_names=check_names or {},
        stage_labels=dict(data.stage_labels),
    )
