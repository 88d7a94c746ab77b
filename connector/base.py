"""The one CRM protocol that jobs talk to, and the three errors every connector raises.

Jobs never see vendor JSON or vendor exceptions: a connector turns responses into domain objects
(`connector.models`) and failures into `RetryableCrmError`, `FatalCrmError` or `CrmAuthError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from connector.models import ActivityRef, CallRef, Deal, MarkedRecord, NoteSpec, TaskSpec


class CrmError(Exception):
    """Base of all connector failures; `slug` is what gets logged."""

    slug = "crm.error"

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RetryableCrmError(CrmError):
    """429, 5xx, timeouts, an exhausted API budget: try again later, after `retry_after` seconds if known."""

    slug = "crm.retryable"

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class FatalCrmError(CrmError):
    """A 4xx that retrying cannot fix (bad request, missing object): the job fails with this reason."""

    slug = "crm.fatal"


class CrmAuthError(FatalCrmError):
    """401/403: the token is wrong, expired beyond refresh, or lacks a scope."""

    slug = "crm.auth"


class PartialWriteError(CrmError):
    """A batch where some records were written and others refused: the written ones must be remembered.

    `created` maps idempotency key → CRM id; `failed` maps key → the CRM's reason.
    """

    slug = "crm.partial"

    def __init__(self, message: str, *, created: Mapping[str, str], failed: Mapping[str, str], retryable: bool) -> None:
        super().__init__(message)
        self.created, self.failed, self.retryable = dict(created), dict(failed), retryable


@dataclass(frozen=True)
class DealRecords:
    """What one read of a deal's records gives: DealCoach's marked tasks (open and completed) and the activities."""

    tasks: list[MarkedRecord]
    activities: list[ActivityRef]
    # Ids of the deal's notes when the same read listed them (then only those are scanned for markers); None: unknown.
    note_ids: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SweepPage:
    """One keyset page of the SLA sweep: its deals with their records, and the next page's cursor (None: the last)."""

    deals: list[tuple[Deal, DealRecords]]
    next_cursor: str | None


def keyset_pages(read: Callable[[str], SweepPage]) -> Iterator[list[tuple[Deal, DealRecords]]]:
    """Every non-empty page `read(cursor)` gives, from the first (cursor "") to the one with no next cursor."""
    cursor: str | None = ""
    while cursor is not None:
        page = read(cursor)
        if page.deals:
            yield page.deals
        cursor = page.next_cursor


@runtime_checkable
class Crm(Protocol):
    """What DealCoach needs from a CRM; keyword-only, domain objects in and out."""

    provider: str

    def get_deal(self, deal_id: str) -> Deal:
        """Read a deal with its stage, pipeline, owner and amount."""
        ...

    def get_call(self, call_id: str, *, object_type: str = "call") -> CallRef:
        """Read a logged call, the deals it belongs to, its attachments and recording URL.

        `object_type` says what the event pointed at: a call record, or (Salesforce) a task, a file or a file link.
        """
        ...

    def download_attachment(self, attachment_id: str, *, max_bytes: int) -> bytes:
        """Fetch a small attachment (a transcript) as bytes; refuse anything over `max_bytes`."""
        ...

    def stream_attachment(self, attachment_id: str, dest: Path, *, max_bytes: int) -> int:
        """Stream a (recording) attachment to `dest`, never whole in memory; return the byte count."""
        ...

    def list_marked(self, *, deal_id: str, kind: str, ids: Sequence[str] | None = None) -> list[MarkedRecord]:
        """Records of `kind` ("note" or "task") on a deal that carry a DealCoach idempotency key (among `ids`, when
        the caller already knows which records the deal has)."""
        ...

    def create_note(self, spec: NoteSpec) -> str:
        """Create a note associated to the deal (and call); return its id."""
        ...

    def update_note(self, note_id: str, spec: NoteSpec) -> None:
        """Replace the body of a note DealCoach wrote earlier."""
        ...

    def create_tasks(self, specs: Sequence[TaskSpec]) -> list[str]:
        """Create tasks in as few requests as the CRM allows; ids in input order."""
        ...

    def update_tasks(self, updates: Mapping[str, TaskSpec]) -> None:
        """Update tasks (by CRM id) in batches."""
        ...

    def update_deal(self, deal_id: str, fields: Mapping[str, Any]) -> list[str]:
        """Write DealCoach's deal fields that exist in this CRM; return the names written."""
        ...

    def owner_teams(self, owner_id: str) -> tuple[str, ...]:
        """The teams an owner belongs to (HubSpot: the owner's teams, primary first; Salesforce: the user's
        Department), read once per metadata-cache period; asked only when the tenant names team managers."""
        ...

    def update_deals(self, updates: Mapping[str, Mapping[str, Any]]) -> list[str]:
        """Write DealCoach's fields on many deals (deal id → fields) in the CRM's batches (the sweep's SLA status);
        return the ids written. Fields this CRM lacks are left out; a deal the CRM refuses is not in the answer."""
        ...

    def close_tasks(self, task_ids: Sequence[str]) -> None:
        """Mark tasks completed (a satisfied or cancelled SLA rule), in batches."""
        ...

    def list_activities(self, *, deal_id: str) -> list[ActivityRef]:
        """Emails, meetings, calls and completed tasks logged on a deal (not DealCoach's own), oldest first."""
        ...

    def deal_records(self, *, deal_id: str, known_calls: Mapping[str, ActivityRef] | None = None) -> DealRecords:
        """The deal's marked tasks and its activities in as few requests as the CRM allows (one per job and deal);
        `known_calls` (call id → activity, what DealCoach already processed) need not be read again."""
        ...

    def deal_with_records(
        self, deal_id: str, *, known_calls: Mapping[str, ActivityRef] | None = None
    ) -> tuple[Deal, DealRecords]:
        """The deal and its records, with the deal's own read carrying them where the CRM allows (HubSpot's
        associations on the object read, SOQL's child-relationship subqueries): one deal read per job."""
        ...

    def deals_of(self, object_type: str, object_id: str) -> tuple[str, ...]:
        """The deals an activity record (email, meeting, task, call) belongs to."""
        ...

    def own_user_id(self) -> str | None:
        """The CRM user DealCoach writes as, when known: events whose change was made by it are DealCoach's own."""
        ...

    def list_open_deals(self) -> list[str]:
        """Ids of deals the SLA sweep looks at: open ones, and those closed in the last 13 months."""
        ...
