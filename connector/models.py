"""Domain objects that cross the connector boundary: no vendor JSON leaves `connector/`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

from connector import clock

Priority = Literal["HIGH", "MEDIUM", "LOW"]
ActivityType = Literal["email", "meeting", "call", "note", "task_completed"]
PRIORITIES: tuple[Priority, ...] = ("HIGH", "MEDIUM", "LOW")


@dataclass(frozen=True)
class Event:
    """A normalized CRM notification; `event_id` is unique per tenant, so re-deliveries collapse."""

    kind: str
    tenant: str
    event_id: str
    object_id: str
    occurred_at: datetime
    object_type: str = "deal"
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def provider(self) -> str:
        return self.tenant.split(":", 1)[0]

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["occurred_at"] = self.occurred_at.isoformat()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Event:
        return cls(
            kind=d["kind"],
            tenant=d["tenant"],
            event_id=d["event_id"],
            object_id=d["object_id"],
            occurred_at=datetime.fromisoformat(d["occurred_at"]),
            object_type=d.get("object_type", "deal"),
            data=dict(d.get("data") or {}),
        )


@dataclass(frozen=True)
class Deal:
    """The deal fields DealCoach reasons about, whatever the CRM calls them."""

    id: str
    name: str
    stage: str
    pipeline: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    amount: float | None = None
    is_closed: bool = False
    is_won: bool = False
    stage_label: str | None = None
    last_activity_at: datetime | None = None
    created_at: datetime | None = None
    # When the deal entered its current stage, from the CRM's own history (Salesforce OpportunityHistory).
    stage_entered_at: datetime | None = None


@dataclass(frozen=True)
class Attachment:
    """A file on a call record: a transcript or a recording, told apart by name and type."""

    id: str
    name: str
    extension: str
    size: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class CallRef:
    """A logged call and where its words can be found."""

    id: str
    deal_ids: tuple[str, ...]
    title: str = ""
    occurred_at: datetime | None = None
    owner_id: str | None = None
    attachments: tuple[Attachment, ...] = ()
    recording_url: str | None = None
    body: str = ""


@dataclass(frozen=True)
class TaskSpec:
    """A task DealCoach wants in the CRM, identified by a deterministic `key`."""

    key: str
    deal_id: str
    subject: str
    body: str
    due: datetime
    owner_id: str | None = None
    priority: Priority = "MEDIUM"
    status: Literal["NOT_STARTED", "COMPLETED"] = "NOT_STARTED"
    call_id: str | None = None


@dataclass(frozen=True)
class NoteSpec:
    """A note on a deal (and its call), identified by a deterministic `key`."""

    key: str
    deal_id: str
    body_html: str
    title: str = ""
    call_id: str | None = None
    owner_id: str | None = None
    timestamp: datetime = field(default_factory=clock.now)


@dataclass(frozen=True)
class MarkedRecord:
    """A CRM record that carries a DealCoach idempotency key, found by scanning a deal's records."""

    key: str
    id: str
    status: str | None = None
    due: datetime | None = None
    subject: str | None = None

    @property
    def is_completed(self) -> bool:
        return (self.status or "").upper() in ("COMPLETED", "COMPLETE")


@dataclass(frozen=True)
class ActivityRef:
    """A logged contact on a deal (the SLA engine's evidence): email, meeting, call, note or completed task."""

    type: ActivityType
    at: datetime
    subject: str = ""
    direction: Literal["in", "out"] | None = None


@dataclass(frozen=True)
class TenantSettings:
    """Per-tenant choices; defaults suit a Japanese sales team. Validated whole by sync/settings_validation.py."""

    language: str = "ja"
    # offline | llm | auto; None = the deployment's DEALCOACH_SCORER.
    scorer: str | None = None
    rubric: str = "sales-7-phase"
    timezone: str = "Asia/Tokyo"
    stage_tasks: bool = True
    next_action_tasks: bool = True
    redact_pii: bool = True
    # Put the redacted phone numbers, addresses… back into the LLM's own wording in the CRM note (off by default).
    restore_pii_in_note: bool = False
    # Owner/user id of the sales manager who receives escalations (stale deals); None = the deal owner only.
    manager_id: str | None = None
    # Owner id -> the manager of that owner's escalations (overrides the team's and the tenant's manager).
    managers: dict[str, str] = field(default_factory=dict)
    # Team id -> the manager of its members' escalations (HubSpot owner teams; Salesforce: the user's Department).
    team_managers: dict[str, str] = field(default_factory=dict)
    # Raw overrides for the SLA rules and the business calendar (see rubrics/sla-rules.yaml, sync/calendar.py).
    sla: dict[str, Any] = field(default_factory=dict)
    calendar: dict[str, Any] = field(default_factory=dict)
    sla_enabled: bool = True
    # Product and competitor names that help speech recognition; dialer hosts recordings may be fetched from.
    phrase_hints: list[str] = field(default_factory=list)
    recording_hosts: list[str] = field(default_factory=list)
    # Manager report choices (fiscal year, targets, ◯/△ threshold…), validated by sync/report/settings.py.
    report: dict[str, Any] = field(default_factory=dict)
    # Stage → rubric phase per pipeline, as the admin confirmed it (pipeline id → {stage id → phase}).
    stage_maps: dict[str, Any] = field(default_factory=dict)
    # Salesforce: refuse Outbound Messages that carry no SessionId (sync/outbound_session.py).
    require_session_id: bool = False

    def manager_for(self, owner_id: str | None, teams: Sequence[str] = ()) -> str | None:
        """Who gets an owner's escalations: their own manager when the admin named one, else their team's (the
        first of `teams` with one), else the tenant's."""
        own = self.managers.get(owner_id or "")
        return own or next((self.team_managers[t] for t in teams if t in self.team_managers), None) or self.manager_id

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> TenantSettings:
        known = {k: v for k, v in (d or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)
