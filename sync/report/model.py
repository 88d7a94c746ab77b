"""What a report is computed from: deals, activities, DealCoach's scores and tasks, as read from the CRM."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

DealState = Literal["shodan", "wadai", "botsu"]
ActivityKind = Literal["email", "meeting", "call", "note", "task_completed"]


@dataclass(frozen=True)
class Rep:
    """A sales rep (CRM owner/user) and the team they report into."""

    id: str
    name: str
    team_id: str = ""
    team_name: str = ""


@dataclass(frozen=True)
class StateChange:
    """The deal's DealCoach deal state from `at` on (from the deal-state field's history)."""

    at: datetime
    state: DealState | None


@dataclass(frozen=True)
class StageChange:
    """The deal entered `stage` at `at` (HubSpot dealstage history, Salesforce OpportunityHistory)."""

    at: datetime
    stage: str


@dataclass(frozen=True)
class ReportDeal:
    """One deal with the history a monthly table needs."""

    id: str
    name: str
    owner_id: str | None
    amount: float | None
    created_at: datetime
    is_closed: bool = False
    is_won: bool = False
    closed_at: datetime | None = None
    # CRM close probability of the current stage, 0..1 (HubSpot hs_deal_stage_probability, Salesforce Probability).
    probability: float | None = None
    states: tuple[StateChange, ...] = ()
    stages: tuple[StageChange, ...] = ()
    last_activity_at: datetime | None = None
    important: bool = False

    def __post_init__(self) -> None:
        # Histories are kept oldest first, so "the value at an instant" is one bisection.
        object.__setattr__(self, "states", tuple(sorted(self.states, key=lambda c: c.at)))
        object.__setattr__(self, "stages", tuple(sorted(self.stages, key=lambda c: c.at)))

    def state_at(self, at: datetime) -> DealState | None:
        """The deal state in force at `at`: the last change at or before it."""
        i = bisect_right(self.states, at, key=lambda c: c.at)
        return self.states[i - 1].state if i else None

    def is_open_at(self, at: datetime) -> bool:
        """Created by `at` and not yet closed."""
        return self.created_at <= at and not (self.closed_at is not None and self.closed_at <= at)

    def stage_at(self, at: datetime) -> str | None:
        """The stage the deal was in at `at`."""
        i = bisect_right(self.stages, at, key=lambda c: c.at)
        return self.stages[i - 1].stage if i else None


@dataclass(frozen=True)
class Activity:
    """A logged contact on a deal; `direction` tells a sent mail from a reply."""

    deal_id: str
    owner_id: str | None
    kind: ActivityKind
    at: datetime
    direction: Literal["in", "out"] | None = None
    # A call or meeting that carries something DealCoach can read (transcript, recording or notes).
    has_content: bool = False


@dataclass(frozen=True)
class CallScore:
    """One scored call: the overall score, the phase scores and which rubric checks were hit or missed."""

    deal_id: str
    rep_id: str | None
    at: datetime
    overall: int | None
    phases: dict[str, int] = field(default_factory=dict)
    hit: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()


@dataclass(frozen=True)
class SlaTask:
    """A DealCoach follow-up SLA task: which rule, when due, whether and when it was done."""

    deal_id: str
    owner_id: str | None
    rule_id: str
    created_at: datetime
    due: datetime
    completed_at: datetime | None = None


@dataclass(frozen=True)
class ReportSettings:
    """The report's tenant choices, shown in the report so every figure can be traced to its rule."""

    language: str = "ja"
    timezone: str = "Asia/Tokyo"
    fiscal_year_start_month: int = 4
    # 商談◯ is 商談 with the CRM close probability at least this; below it, 商談△.
    confident_probability: float = 0.7
    # Monthly sales targets: "YYYY-MM" -> amount for the whole tenant, or per rep id under `rep_targets`.
    targets: dict[str, float] = field(default_factory=dict)
    rep_targets: dict[str, dict[str, float]] = field(default_factory=dict)
    reply_window_days: int = 7
    next_meeting_window_days: int = 30
    stale_days: int = 14
    pilot_stages: tuple[str, ...] = ()
    # Who gets each team's monthly digest: team id -> owner id (the tenant's manager_id gets the whole tenant's).
    managers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportInput:
    """Everything one report is computed from; `month` is the last month shown."""

    tenant: str
    month: date
    reps: tuple[Rep, ...]
    deals: tuple[ReportDeal, ...]
    activities: tuple[Activity, ...] = ()
    scores: tuple[CallScore, ...] = ()
    sla_tasks: tuple[SlaTask, ...] = ()
    stage_order: tuple[str, ...] = ()
    stage_labels: dict[str, str] = field(default_factory=dict)
    # Close probability per stage id (0..1), from the pipeline definitions: 商談◯ versus 商談△ at any past instant.
    stage_probability: dict[str, float] = field(default_factory=dict)
    settings: ReportSettings = field(default_factory=ReportSettings)
    now: datetime | None = None
