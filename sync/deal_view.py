"""One read of a deal's DealCoach tasks, notes and activities per job, shared by every write step of that job.

Before, each step read the deal's tasks again (the idempotency scan per rule, the SLA state, closing), and HubSpot
read them back after writing. A view is made inside the deal lock, read on first use, and kept current by the
job's own writes, so the plan and the upserts see what the CRM holds without asking it twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from connector.base import Crm, DealRecords
from connector.models import ActivityRef, MarkedRecord, TaskSpec


class DealView:
    """The deal's records as this job knows them: read once from the CRM, then updated by the job's writes."""

    def __init__(self, crm: Crm, deal_id: str, *, records: DealRecords | None = None) -> None:
        """`records`: already read in bulk (the SLA sweep reads a page of deals at once)."""
        self.crm, self.deal_id = crm, deal_id
        self._records: DealRecords | None = records
        self._notes: dict[str, MarkedRecord] | None = None
        self._tasks: dict[str, MarkedRecord] = {m.key: m for m in records.tasks} if records else {}
        self._pending: dict[str, TaskSpec] = {}

    def _read(self) -> DealRecords:
        if self._records is None:
            self._records = self.crm.deal_records(deal_id=self.deal_id)
            self._tasks = {m.key: m for m in self._records.tasks}
        return self._records

    def tasks(self) -> list[MarkedRecord]:
        """DealCoach's tasks on the deal, open and completed, and the ones this job is about to write (so a plan made
        now counts them, and they can go to the CRM in the plan's own batch)."""
        self._read()
        pending = [
            MarkedRecord(key=k, id="", status="NOT_STARTED", due=s.due, subject=s.subject)
            for k, s in self._pending.items()
            if k not in self._tasks
        ]
        return list(self._tasks.values()) + pending

    def pending(self, specs: Iterable[TaskSpec]) -> None:
        """Tasks the job will write together with the SLA plan's."""
        self._pending.update({s.key: s for s in specs})

    def activities(self) -> list[ActivityRef]:
        return self._read().activities

    def marked(self, kind: str) -> dict[str, MarkedRecord]:
        """Key → record for "task" or "note" (notes are read only when a note's key is not in the Redis map)."""
        if kind == "task":
            self._read()
            return dict(self._tasks)
        if self._notes is None:
            known = self._read().note_ids
            found = [] if known == () else self.crm.list_marked(deal_id=self.deal_id, kind="note", ids=known)
            self._notes = {m.key: m for m in found}
        return dict(self._notes)

    def wrote_note(self, key: str, note_id: str) -> None:
        if self._notes is not None:
            self._notes[key] = MarkedRecord(key=key, id=note_id)

    def wrote_tasks(self, written: Iterable[tuple[TaskSpec, str]]) -> None:
        """Tasks this job created or updated, as the CRM now holds them (a re-read would only say the same)."""
        if self._records is None:
            return
        for spec, task_id in written:
            self._pending.pop(spec.key, None)
            before = self._tasks.get(spec.key)
            status = "COMPLETED" if spec.status == "COMPLETED" else (before.status if before else "NOT_STARTED")
            self._tasks[spec.key] = MarkedRecord(
                key=spec.key, id=task_id, status=status, due=spec.due, subject=spec.subject
            )

    def closed(self, task_ids: Sequence[str]) -> None:
        ids = set(task_ids)
        for key, record in list(self._tasks.items()):
            if record.id in ids:
                self._tasks[key] = dataclasses.replace(record, status="COMPLETED")
