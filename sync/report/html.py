"""The report as one self-contained HTML file: inline CSS and SVG, readable on a laptop, printable to A4."""

from __future__ import annotations

from html import escape

from sync.report import months as m
from sync.report import svg
from sync.report.build import Report
from sync.report.kpis import Kpi
from sync.report.monthly import NAMED_ROWS, ROWS, MonthlyTable
from sync.report.sla_compliance import OUTCOMES

CSS = """
body{font-family:"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",Meiryo,sans-serif;margin:24px auto;max-width:1100px;
color:#0f172a;font-size:13px;line-height:1.5;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:2px solid #cbd5e1}
h3{font-size:14px;margin:16px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;width:100%}
th,td{border:1px solid #cbd5e1;padding:3px 6px;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left}td.names{white-space:normal;font-size:11px;text-align:left}
thead th{background:#f1f5f9}.total{font-weight:bold;background:#f8fafc}
.met{color:#059669}.unmet{color:#dc2626}.muted{color:#64748b;font-size:11px}
.scroll{overflow-x:auto}.chart{max-width:100%;height:auto;display:block;margin:6px 0}
section{break-inside:avoid-page}
@page{size:A4 portrait;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:10px;padding:0}th,td{padding:2px 4px}
.scroll{overflow:visible}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}
"""


def _num(value: float | None, kind: str, none: str) -> str:
    if value is None:
        return none
    if kind == "ratio":
        return f"{value * 100:.0f}%"
    if kind == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f}"


def _table(t: MonthlyTable, report: Report) -> str:
    L = report.labels
    cols = [*t.months, t.total]
    head = "".join(f"<th>{escape(c.label)}</th>" for c in t.months) + f'<th class="total">{escape(t.total.label)}</th>'
    rows = []
    for row, kind in ROWS:
        cells = "".join(
            f'<td class="{"total" if c is t.total else ""}" data-row="{row}">{_num(c.values.get(row), kind, L.t("none"))}</td>'
            for c in cols
        )
        rows.append(f'<tr data-row="{row}"><th scope="row">{escape(L.rows[row])}</th>{cells}</tr>')
        named = next((n for n in NAMED_ROWS if row == f"{n}_count"), None)
        if named:
            names = "".join(f'<td class="names">{escape("、".join(c.names.get(named, [])))}</td>' for c in t.months)
            rows.append(
                f'<tr data-row="{named}_names"><th scope="row">{escape(L.named[named])}</th>{names}<td></td></tr>'
            )
    return (
        f'<h3>{escape(t.title)}</h3><div class="scroll"><table class="monthly"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _kpi_value(k: Kpi, none: str) -> str:
    if k.value is None:
        return none
    if k.id == "thank_you_hours":
        return f"{k.value:.1f} h"
    if k.id == "touches_per_deal":
        return f"{k.value:.1f}"
    return f"{k.value * 100:.0f}%"


def _kpis(report: Report) -> str:
    L = report.labels
    s = report.settings
    fields = {
        "reply_days": s["reply_window_days"],
        "meeting_days": s["next_meeting_window_days"],
        "pilot_stages": "、".join(report.stage_labels.get(x, x) for x in s["pilot_stages"]) or L.t("none"),
    }
    rows = []
    for k in report.kpis:
        text = L.kpis[k.id]
        cls = "" if k.met is None else ("met" if k.met else "unmet")
        rows.append(
            f'<tr data-kpi="{k.id}"><th scope="row">{escape(text["name"])}</th>'
            f'<td class="{cls}">{_kpi_value(k, L.t("none"))}</td><td>{escape(text["goal"])}</td>'
            f"<td>{k.numerator} / {k.denominator}</td>"
            f'<td class="names">{escape(text["rule"].format(**fields))}</td></tr>'
        )
    head = "".join(f"<th>{escape(L.t(x))}</th>" for x in ("kpi", "value", "goal", "basis", "rule"))
    return f'<table class="kpis"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _sla(report: Report) -> str:
    L = report.labels
    if not report.sla:
        return f'<p class="muted">{escape(L.t("no_data"))}</p>'
    rows = []
    for c in report.sla:
        rate = L.t("none") if c.on_time_rate is None else f"{c.on_time_rate * 100:.0f}%"
        cells = "".join(f"<td>{getattr(c, o)}</td>" for o in OUTCOMES)
        rows.append(
            f'<tr data-rule="{c.rule_id}"><th scope="row">{escape(L.rule(c.rule_id))}</th>{cells}<td>{rate}</td></tr>'
        )
    head = "".join(f"<th>{escape(L.outcomes[o])}</th>" for o in OUTCOMES)
    chart = svg.stacked_bars(
        [(L.rule(c.rule_id), {o: getattr(c, o) for o in OUTCOMES}) for c in report.sla], L.outcomes, label=L.t("sla")
    )
    return (
        f'{chart}<table class="sla"><thead><tr><th>{escape(L.t("rule_name"))}</th>{head}'
        f"<th>{escape(L.t('on_time_rate'))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _rep_name(report: Report, rep_id: str) -> str:
    rep = report.reps.get(rep_id)
    return rep.name if rep else rep_id


def _trends(report: Report) -> str:
    L = report.labels
    if not report.trends:
        return f'<p class="muted">{escape(L.t("no_data"))}</p>'
    month_keys = [c.label for c in report.tables[0].months]
    reps = sorted({t.rep_id for t in report.trends})
    series = {
        _rep_name(report, rep): [
            next((t.overall for t in report.trends if t.rep_id == rep and t.month == key), None) for key in month_keys
        ]
        for rep in reps
    }
    current = m.key(report.month)
    phases = [(p, report.phase_names.get(p, p)) for p in report.phase_names] or [
        (p, p) for p in sorted({p for t in report.trends for p in t.phases})
    ]
    heat_rows = [(_rep_name(report, t.rep_id), t.phases) for t in report.trends if t.month == current]
    lifts = []
    for rep_id, items in report.lifts.items():
        if not items:
            continue
        checks = "、".join(
            f"{report.check_names.get(x.check_id, x.check_id)}（{x.rep_hit_rate * 100:.0f}% → {x.top_hit_rate * 100:.0f}%）"
            for x in items
        )
        lifts.append(
            f'<tr data-rep="{escape(rep_id)}"><th scope="row">{escape(_rep_name(report, rep_id))}</th><td class="names">{escape(checks)}</td></tr>'
        )
    bar_row = "".join(
        f"<td>{report.benchmarks[p]:.0f}</td>" if p in report.benchmarks else f"<td>{L.t('none')}</td>"
        for p, _ in phases
    )
    return (
        svg.line_chart(series, month_keys, label=L.t("trends"))
        + f"<h3>{escape(L.t('heatmap'))}</h3>"
        + (svg.heat_map(heat_rows, phases, report.benchmarks, label=L.t("heatmap")) if heat_rows else "")
        + f'<table class="benchmarks"><thead><tr><th></th>{"".join(f"<th>{escape(n)}</th>" for _, n in phases)}</tr></thead>'
        f'<tbody><tr><th scope="row">{escape(L.t("top_quartile"))}</th>{bar_row}</tr></tbody></table>'
        + f"<h3>{escape(L.t('lifts'))}</h3>"
        + (
            f'<table class="lifts"><tbody>{"".join(lifts)}</tbody></table>'
            if lifts
            else f'<p class="muted">{escape(L.t("no_data"))}</p>'
        )
    )


def _funnel(report: Report) -> str:
    L = report.labels
    none = L.t("none")
    rows = []
    for step in report.funnel:
        drop = none if step.drop_off is None else f"{step.drop_off * 100:.0f}%"
        days = none if step.median_days is None else f"{step.median_days:.1f}"
        name = report.stage_labels.get(step.stage, step.stage)
        rows.append(
            f'<tr data-stage="{escape(step.stage)}"><th scope="row">{escape(name)}</th><td>{step.reached}</td><td>{drop}</td><td>{days}</td></tr>'
        )
    head = "".join(f"<th>{escape(L.t(x))}</th>" for x in ("stage", "reached", "drop_off", "median_days"))
    chart = svg.bar_chart(
        [(report.stage_labels.get(s.stage, s.stage), float(s.reached)) for s in report.funnel], label=L.t("funnel")
    )
    return f'{chart}<table class="funnel"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _stale(report: Report) -> str:
    L = report.labels
    if not report.stale:
        return f'<p class="muted">{escape(L.t("no_data"))}</p>'
    rows = "".join(
        f'<tr data-deal="{escape(s.deal_id)}"><th scope="row">{escape(s.name)}</th><td>{escape(_rep_name(report, s.owner_id or ""))}</td>'
        f"<td>{s.idle_days}</td><td>{'●' if s.important else ''}</td><td>{_num(s.amount, 'amount', L.t('none'))}</td></tr>"
        for s in report.stale
    )
    head = "".join(f"<th>{escape(L.t(x))}</th>" for x in ("deal", "rep", "idle_days", "important", "amount"))
    return f'<table class="stale"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def render_html(report: Report) -> str:
    """The whole report page; every value escaped, nothing fetched from the network."""
    L = report.labels
    s = report.settings
    title = f"{L.t('title')} {m.key(report.month)}"
    threshold = f"{s['confident_probability'] * 100:.0f}%"
    definitions = (
        f"<p>{escape(L.t('shodan_def', threshold=threshold))}</p>"
        f"<p>{escape(L.t('visit_def'))}</p>"
        f'<p class="muted">{escape(L.t("fiscal_year"))}: {s["fiscal_year_start_month"]} · {escape(s["timezone"])}</p>'
    )
    sections = [
        ("monthly", L.t("monthly"), _table(report.tables[0], report)),
        ("kpis", L.t("kpis"), _kpis(report)),
        ("sla", L.t("sla"), _sla(report)),
        ("trends", L.t("trends"), _trends(report)),
        ("funnel", L.t("funnel"), _funnel(report)),
        ("stale", L.t("stale"), _stale(report)),
        ("details", L.t("details"), "".join(_table(t, report) for t in report.tables[1:])),
        ("definitions", L.t("definitions"), definitions),
    ]
    body = "".join(f'<section id="{sid}"><h2>{escape(name)}</h2>{html}</section>' for sid, name, html in sections)
    return (
        f'<!DOCTYPE html><html lang="{L.lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"
        f'<p class="muted">{escape(report.tenant)} · {escape(L.t("generated"))} {escape(report.generated_at.strftime("%Y-%m-%d %H:%M"))}</p>'
        f"{body}</body></html>"
    )
