"""What the manager report reads from a CRM, in domain terms: owners, stages, deals with field history, activities and
DealCoach's tasks. No vendor JSON leaves `connector/`; `sync/report/collect.py` turns these into a `ReportInput`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from connector.models import ActivityType


@dataclass(frozen=True)
class OwnerRecord:
    """A CRM user who owns deals, with the team they belong to (HubSpot primary team, Salesforce role)."""

    id: str
    name: str
    team_id: str = ""
    team_name: str = ""


@dataclass(frozen=True)
class StageRecord:
    """A pipeline stage in display order, with its close probability (0..1)."""

    id: str
    label: str
    pipeline: str
    order: int
    probability: float | None = None
    is_closed: bool = False


@dataclass(frozen=True)
class FieldChange:
    """One value a field held from `at` on (None when it was cleared)."""

    at: datetime
    value: str | None


@dataclass(frozen=True)
class DealRecord:
    """A deal with the history of its stage and of DealCoach's own fields (oldest change first)."""

    id: str
    name: str
    owner_id: str | None
    amount: float | None
    created_at: datetime
    stage: str
    pipeline: str
    is_closed: bool = False
    is_won: bool = False
    closed_at: datetime | None = None
    last_activity_at: datetime | None = None
    history: dict[str, tuple[FieldChange, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ActivityRecord:
    """A logged email, meeting or call; `has_content` when it carries notes, a transcript or a recording."""

    type: ActivityType
    at: datetime
    deal_ids: tuple[str, ...]
    owner_id: str | None = None
    direction: str | None = None
    has_content: bool = False


@dataclass(frozen=True)
class TaskRecord:
    """A DealCoach task (it carries a DealCoach key): when it was created, due and completed."""

    key: str
    deal_ids: tuple[str, ...]
    owner_id: str | None
    created_at: datetime
    due: datetime | None
    completed_at: datetime | None = None
    status: str | None = None


@dataclass(frozen=True)
class ReportRecords:
    """Everything one report is computed from, as read in one pass over the CRM."""

    owners: tuple[OwnerRecord, ...]
    stages: tuple[StageRecord, ...]
    deals: tuple[DealRecord, ...]
    activities: tuple[ActivityRecord, ...] = ()
    tasks: tuple[TaskRecord, ...] = ()


@runtime_checkable
class ReportSource(Protocol):
    """A CRM the manager report can read (HubSpot today; Salesforce's reads are not built yet)."""

    def report_records(self, *, since: datetime) -> ReportRecords:
        """Owners, stages, deals with stage and DealCoach field history, activities and DealCoach tasks since `since`."""
        ...

    def post_digest(
        self, *, key: str, owner_id: str, subject: str, body: str, file_name: str, html: str, at: datetime
    ) -> str:
        """Post a manager's digest (a task on their user, the report attached) once per `key`; returns its id."""
        ...
