"""Every figure of the report on the seeded month, against values worked out by hand (tests/report/seeded_month.py)."""

from __future__ import annotations

from datetime import date

import pytest

from sync.report.build import build_report
from sync.report.model import ReportSettings
from tests.report.seeded_month import NOW, SETTINGS, seeded_input


def _col(report, table: int, month: str) -> dict:
    t = report.tables[table]
    column = t.total if month == "total" else next(c for c in t.months if c.label == month)
    return column.values


def test_the_whole_team_table_matches_the_hand_computed_months():
    report = build_report(seeded_input(), generated_at=NOW)
    assert [c.label for c in report.tables[0].months] == ["2026-10", "2026-11"]
    assert _col(report, 0, "2026-10") == {
        "target": 500.0,
        "sales": 300.0,
        "achievement": 0.6,
        "orders": 1.0,
        "unit_price": 300.0,
        "start_shodan_amount": 800.0,
        "start_shodan_count": 2.0,
        "shodan_sure_amount": 1000.0,
        "shodan_sure_count": 1.0,
        "shodan_maybe_amount": 500.0,
        "shodan_maybe_count": 1.0,
        "wadai_amount": 300.0,
        "wadai_count": 2.0,
        "botsu_count": 0.0,
        "visits": 1.0,
        "follows": 0.0,
    }
    assert _col(report, 0, "2026-11") == {
        "target": 1000.0,
        "sales": 1000.0,
        "achievement": 1.0,
        "orders": 1.0,
        "unit_price": 1000.0,
        "start_shodan_amount": 1500.0,
        "start_shodan_count": 2.0,
        "shodan_sure_amount": 200.0,
        "shodan_sure_count": 1.0,
        "shodan_maybe_amount": 500.0,
        "shodan_maybe_count": 1.0,
        "wadai_amount": 0.0,
        "wadai_count": 0.0,
        "botsu_count": 2.0,
        "visits": 2.0,
        "follows": 3.0,
    }
    total = _col(report, 0, "total")
    assert total["target"] == 1500.0 and total["sales"] == 1300.0 and total["orders"] == 2.0
    assert total["achievement"] == pytest.approx(1300 / 1500)
    assert total["unit_price"] == 650.0
    assert (total["start_shodan_amount"], total["shodan_sure_amount"], total["wadai_count"]) == (2300.0, 1200.0, 2.0)


def test_named_deals_are_listed_under_their_rows():
    report = build_report(seeded_input(), generated_at=NOW)
    oct_, nov = report.tables[0].months
    assert oct_.names == {"shodan_sure": ["E社"], "shodan_maybe": ["C社"], "wadai": ["B社", "D社"]}
    assert nov.names == {"shodan_sure": ["B社"], "shodan_maybe": ["C社"], "wadai": []}


def test_no_orders_means_no_unit_price_not_a_division_error():
    report = build_report(seeded_input(), generated_at=NOW, rep="r2")
    nov = _col(report, 0, "2026-11")
    assert nov["orders"] == 0.0 and nov["unit_price"] is None
    assert nov["target"] == 400.0 and nov["achievement"] == 0.0
    assert (nov["start_shodan_amount"], nov["shodan_maybe_count"], nov["botsu_count"]) == (500.0, 1.0, 1.0)
    assert _col(report, 0, "total")["unit_price"] is None


def test_a_team_without_targets_has_no_achievement_rate():
    report = build_report(seeded_input(), generated_at=NOW, team="t2")
    nov = _col(report, 0, "2026-11")
    assert nov["sales"] == 1000.0 and nov["target"] is None and nov["achievement"] is None


def test_tables_per_team_and_per_rep_follow_the_whole_team():
    report = build_report(seeded_input(), generated_at=NOW)
    assert [t.title for t in report.tables] == ["チーム全体", "東京チーム", "大阪チーム", "佐藤", "鈴木", "田中"]
    tokyo = _col(report, 1, "2026-11")
    assert tokyo["sales"] == 0.0 and tokyo["target"] == 1000.0 and tokyo["botsu_count"] == 2.0


def test_the_probability_threshold_moves_deals_between_circle_and_triangle():
    stricter = seeded_input(settings=ReportSettings(**{**SETTINGS.__dict__, "confident_probability": 0.9}))
    nov = _col(build_report(stricter, generated_at=NOW), 0, "2026-11")
    assert (nov["shodan_sure_count"], nov["shodan_maybe_count"], nov["shodan_maybe_amount"]) == (0.0, 2.0, 700.0)


def test_follow_up_kpis_match_the_hand_computed_values():
    kpis = {k.id: k for k in build_report(seeded_input(), generated_at=NOW).kpis}
    assert (kpis["thank_you_hours"].value, kpis["thank_you_hours"].met) == (2.0, True)
    assert (kpis["thank_you_hours"].numerator, kpis["thank_you_hours"].denominator) == (1, 3)
    assert (kpis["minutes_reply_rate"].value, kpis["minutes_reply_rate"].met) == (1.0, True)
    assert kpis["touches_per_deal"].value == 1.5 and kpis["touches_per_deal"].met is None
    assert (kpis["next_meeting_30d_rate"].numerator, kpis["next_meeting_30d_rate"].denominator) == (0, 1)
    assert (kpis["pilot_rate"].numerator, kpis["pilot_rate"].denominator) == (1, 5)
    assert kpis["activity_input_rate"].value == pytest.approx(2 / 3) and kpis["activity_input_rate"].met is False


def test_sla_compliance_judges_each_task_due_in_the_month():
    sla = {c.rule_id: c for c in build_report(seeded_input(), generated_at=NOW).sla}
    assert (sla["thank_you_minutes"].on_time, sla["thank_you_minutes"].missed) == (1, 1)
    assert sla["thank_you_minutes"].on_time_rate == 0.5
    assert (sla["promise_small"].open, sla["promise_small"].on_time_rate) == (1, None)
    assert (sla["stale_deal"].late, sla["stale_deal"].total) == (1, 1)


def test_rubric_trends_benchmarks_and_lifts():
    report = build_report(seeded_input(), generated_at=NOW)
    nov = {t.rep_id: t for t in report.trends if t.month == "2026-11"}
    assert {r: t.overall for r, t in nov.items()} == {"r1": 70, "r2": 40, "r3": 90}
    assert report.benchmarks == {"needs_discovery": 75.0, "proposal": 95.0}
    assert [x.check_id for x in report.lifts["r2"]] == ["nd.1", "nd.2"]
    assert [(x.check_id, x.rep_hit_rate, x.top_hit_rate) for x in report.lifts["r1"]] == [("nd.2", 0.0, 1.0)]
    assert report.lifts["r3"] == []


def test_funnel_and_stale_deals():
    report = build_report(seeded_input(), generated_at=NOW)
    steps = {s.stage: s for s in report.funnel}
    assert [(s.stage, s.reached, s.went_on) for s in report.funnel] == [
        ("appointment", 4, 2),
        ("proposal", 2, 2),
        ("pilot", 2, 2),
        ("negotiation", 2, 1),
        ("closedwon", 1, 0),
    ]
    assert steps["appointment"].median_days == pytest.approx((40 + 19.625) / 2)
    assert steps["proposal"].median_days == 18.0 and steps["pilot"].median_days is None
    assert steps["negotiation"].drop_off == 0.5
    assert [(s.deal_id, s.idle_days, s.important) for s in report.stale] == [("D3", 111, True), ("D6", 19, False)]


def test_unknown_team_or_rep_is_refused_with_what_exists():
    with pytest.raises(ValueError, match="teams: t1, t2"):
        build_report(seeded_input(), generated_at=NOW, team="t9")
    with pytest.raises(ValueError, match="reps: r1, r2, r3"):
        build_report(seeded_input(), generated_at=NOW, rep="r9")


def test_fiscal_year_columns_start_at_the_fiscal_month():
    april = seeded_input(settings=ReportSettings(**{**SETTINGS.__dict__, "fiscal_year_start_month": 4}))
    report = build_report(april, generated_at=NOW)
    assert [c.label for c in report.tables[0].months][0] == "2026-04" and len(report.tables[0].months) == 8
    january = seeded_input(month=date(2027, 1, 1))
    assert [c.label for c in build_report(january, generated_at=NOW).tables[0].months] == [
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
    ]


def test_english_tenants_get_english_labels_and_the_same_figures():
    english = seeded_input(settings=ReportSettings(**{**SETTINGS.__dict__, "language": "en"}))
    report = build_report(english, generated_at=NOW)
    assert report.tables[0].title == "Whole team" and report.tables[0].total.label == "Total"
    assert report.tables[0].months[1].values == build_report(seeded_input(), generated_at=NOW).tables[0].months[1].values
    from sync.report.html import render_html

    page = render_html(report)
    assert '<html lang="en">' in page and "Average order value" in page and "受注単価" not in page


def test_report_settings_are_validated_with_the_key_named():
    from connector.models import TenantSettings
    from sync.report.settings import report_settings

    assert report_settings(TenantSettings(report={"fiscal_year_start_month": 1})).fiscal_year_start_month == 1
    for bad, message in (
        ({"fiscal_year_start_month": 13}, "report.fiscal_year_start_month"),
        ({"confident_probability": 1.5}, "report.confident_probability"),
        ({"targets": {"2026-13": 5}}, "YYYY-MM"),
        ({"rep_targets": {"r1": {"2026-11": -1}}}, "report.rep_targets.r1.2026-11"),
        ({"colour": "red"}, "unknown key"),
    ):
        with pytest.raises(ValueError, match=message):
            report_settings(TenantSettings(report=bad))
