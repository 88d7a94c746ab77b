"""A hand-built fiscal half-year (October-November 2026, JST) whose every report figure was computed by hand.

The expected values in test_report_figures.py are worked out in the comments beside each deal; the month and the
`now` are fixed here, so nothing depends on today's date.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sync.report.model import (
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


def at(month: int, day: int, hour: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=JST)


NOW = at(11, 20, 15)
REPS = (
    Rep("r1", "佐藤", "t1", "東京チーム"),
    Rep("r2", "鈴木", "t1", "東京チーム"),
    Rep("r3", "田中", "t2", "大阪チーム"),
)
DEALS = (
    # Won in October: Oct sales 300; a 商談 at the start of October.
    ReportDeal(
        "D1",
        "A社",
        "r1",
        300,
        at(9, 1),
        is_closed=True,
        is_won=True,
        closed_at=at(10, 15),
        states=(StateChange(at(9, 20), "shodan"),),
        stages=(StageChange(at(9, 1), "proposal"),),
    ),
    # 話題 at the end of October; 商談◯ in November (negotiation, 0.8 >= 0.7).
    ReportDeal(
        "D2",
        "B社",
        "r1",
        200,
        at(10, 5),
        states=(StateChange(at(10, 10), "wadai"), StateChange(at(11, 5), "shodan")),
        stages=(StageChange(at(10, 5), "proposal"), StageChange(at(11, 5), "negotiation")),
        last_activity_at=at(11, 8),
    ),
    # 商談△ all along (proposal 0.4, then pilot 0.6); idle since creation and important: the first stale deal.
    ReportDeal(
        "D3",
        "C社",
        "r2",
        500,
        at(8, 1),
        states=(StateChange(at(8, 10), "shodan"),),
        stages=(StageChange(at(8, 1), "proposal"), StageChange(at(11, 15), "pilot")),
        important=True,
    ),
    # 話題 at the end of October; lost on 11-10: one ボツ in November.
    ReportDeal(
        "D4",
        "D社",
        "r2",
        100,
        at(10, 1),
        is_closed=True,
        closed_at=at(11, 10),
        states=(StateChange(at(10, 2), "wadai"),),
        stages=(StageChange(at(10, 1), "appointment"),),
    ),
    # 商談◯ at the end of October (negotiation); won on 11-18: November sales 1000.
    ReportDeal(
        "D5",
        "E社",
        "r3",
        1000,
        at(10, 20),
        is_closed=True,
        is_won=True,
        closed_at=at(11, 18),
        states=(StateChange(at(10, 25), "shodan"),),
        stages=(
            StageChange(at(10, 20), "proposal"),
            StageChange(at(10, 25), "negotiation"),
            StageChange(at(11, 18), "closedwon"),
        ),
    ),
    # No amount; turned ボツ on 11-12 without being closed: the second ボツ of November; stale (19 days idle).
    ReportDeal(
        "D6",
        "F社",
        "r1",
        None,
        at(11, 1),
        states=(StateChange(at(11, 12), "botsu"),),
        stages=(StageChange(at(11, 1), "appointment"),),
    ),
)
ACTIVITIES = (
    Activity("D1", "r1", "meeting", at(10, 10, 10), has_content=True),
    Activity("D2", "r1", "meeting", at(11, 5, 10), has_content=True),
    Activity("D2", "r1", "email", at(11, 5, 12), direction="out"),
    Activity("D2", "r1", "email", at(11, 6, 9), direction="in"),
    Activity("D2", "r1", "call", at(11, 8, 16), has_content=True),
    Activity("D3", "r2", "meeting", at(11, 9, 11)),
    Activity("D5", "r3", "task_completed", at(11, 10, 17)),
)
SCORES = (
    CallScore("D1", "r1", at(10, 10, 11), 60, {"needs_discovery": 50}),
    CallScore(
        "D2", "r1", at(11, 5, 11), 70, {"needs_discovery": 60, "proposal": 80}, hit=("nd.1", "pr.1"), missed=("nd.2",)
    ),
    CallScore("D3", "r2", at(11, 9, 12), 40, {"needs_discovery": 30}, missed=("nd.1", "nd.2")),
    CallScore("D5", "r3", at(11, 18, 9), 90, {"needs_discovery": 90, "proposal": 100}, hit=("nd.1", "nd.2", "pr.1")),
)
SLA_TASKS = (
    SlaTask("D2", "r1", "thank_you_minutes", at(11, 5, 10), at(11, 5, 13), completed_at=at(11, 5, 12)),
    SlaTask("D3", "r2", "thank_you_minutes", at(11, 9, 11), at(11, 9, 14)),
    SlaTask("D2", "r1", "promise_small", at(11, 19, 9), at(11, 25, 9)),
    SlaTask("D3", "r2", "stale_deal", at(10, 20), at(11, 3), completed_at=at(11, 4)),
    SlaTask("D1", "r1", "thank_you_minutes", at(10, 10, 10), at(10, 10, 13), completed_at=at(10, 10, 12)),
)
SETTINGS = ReportSettings(
    fiscal_year_start_month=10,
    rep_targets={"r1": {"2026-10": 500, "2026-11": 600}, "r2": {"2026-11": 400}},
    pilot_stages=("pilot",),
)


def seeded_input(**changes: object) -> ReportInput:
    """The seeded month as the report for November 2026 sees it at NOW."""
    fields: dict[str, object] = {
        "tenant": "hubspot:62515",
        "month": date(2026, 11, 1),
        "reps": REPS,
        "deals": DEALS,
        "activities": ACTIVITIES,
        "scores": SCORES,
        "sla_tasks": SLA_TASKS,
        "stage_order": ("appointment", "proposal", "pilot", "negotiation", "closedwon"),
        "stage_labels": {
            "appointment": "アポ",
            "proposal": "提案",
            "pilot": "パイロット",
            "negotiation": "交渉",
            "closedwon": "受注",
        },
        "stage_probability": {"appointment": 0.2, "proposal": 0.4, "pilot": 0.6, "negotiation": 0.8, "closedwon": 1.0},
        "settings": SETTINGS,
        "now": NOW,
    }
    fields.update(changes)
    return ReportInput(**fields)  # type: ignore[arg-type]
