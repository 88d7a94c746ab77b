"""One read of a deal's DealCoach tasks, notes and activities per job, shared by every write step of that job.

Before, each step read the deal's tasks again (the idempotency scan per rule, the SLA state, closing), and HubSpot
read them back after writing. A view is made inside the deal lock, read on first use, and kept current by the
job's own writes, so the plan and the upserts see what the CRM holds without asking it twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import cast

import redis

from connector.base import Crm, DealRecords
from connector.models import ActivityRef, Deal, MarkedRecord, TaskSpec

_DEAL = "dealcoach:deal:{}:{}"
_NOTES = "dealcoach:deal:{}:{}:notes"
NOTES_TTL_S = 400 * 24 * 3600


class NoteMemo:
    """Which of a deal's notes DealCoach has already looked at: note id → its DealCoach key ("" for a note that is not
    DealCoach's). A note listed by the deal's one read and known here needs no read for its marker; only notes
    never seen are scanned (Redis lost or a note someone else wrote), so the contract "Redis map → CRM markers →
    create" holds without a notes read on the common path."""

    def __init__(self, conn: redis.Redis, tenant: str, deal_id: str) -> None:
        self.conn, self.key = conn, _NOTES.format(tenant, deal_id)

    def known(self) -> dict[str, str]:
        raw = cast(dict[bytes, bytes], self.conn.hgetall(self.key))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def add(self, seen: Mapping[str, str]) -> None:
        if seen:
            pipe = self.conn.pipeline(transaction=True)
            pipe.hset(self.key, mapping=dict(seen))
            pipe.expire(self.key, NOTES_TTL_S)
            pipe.execute()


def generation(conn: redis.Redis, tenant: str, deal_id: str) -> int:
    """How many times DealCoach has written to this deal: records read before taking the deal's lock are still the
    CRM's view of DealCoach's records when no job wrote to the deal since."""
    return int(cast(bytes | None, conn.hget(_DEAL.format(tenant, deal_id), "gen")) or 0)


def bump_generation(conn: redis.Redis, tenant: str, deal_id: str) -> None:
    conn.hincrby(_DEAL.format(tenant, deal_id), "gen", 1)


def read_deal(
    conn: redis.Redis, crm: Crm, tenant: str, deal_id: str, *, known_calls: Mapping[str, ActivityRef]
) -> tuple[Deal, DealRecords, int]:
    """The deal and its records in one read (HubSpot: the object read with associations; Salesforce: SOQL
    subqueries), with the deal's write generation taken before it (see `DealView.of`)."""
    gen = generation(conn, tenant, deal_id)
    deal, records = crm.deal_with_records(deal_id, known_calls=known_calls)
    return deal, records, gen


class DealView:
    """The deal's records as this job knows them: read once from the CRM, then updated by the job's writes."""

    def __init__(
        self,
        crm: Crm,
        deal_id: str,
        *,
        records: DealRecords | None = None,
        memo: NoteMemo | None = None,
        known_calls: Mapping[str, ActivityRef] | None = None,
    ) -> None:
        """`records`: already read (with the deal, or in bulk by the SLA sweep); `memo`: the notes already seen;
        `known_calls`: calls DealCoach processed (from Redis), which a read of the deal's records can skip."""
        self.crm, self.deal_id, self.memo, self.known_calls = crm, deal_id, memo, known_calls
        self._records: DealRecords | None = records
        self._notes: dict[str, MarkedRecord] | None = None
        self._tasks: dict[str, MarkedRecord] = {m.key: m for m in records.tasks} if records else {}
        self._pending: dict[str, TaskSpec] = {}

    @classmethod
    def of(
        cls,
        conn: redis.Redis,
        crm: Crm,
        tenant: str,
        read: tuple[Deal, DealRecords, int],
        *,
        known_calls: Mapping[str, ActivityRef] | None = None,
    ) -> DealView:
        """The view of a deal read before its lock was taken (`read_deal`): its records stand when no job wrote to
        the deal since (the write generation is unchanged), else they are read again, now, inside the lock."""
        deal, records, gen = read
        fresh = generation(conn, tenant, deal.id) == gen
        memo = NoteMemo(conn, tenant, deal.id)
        return cls(crm, deal.id, records=records if fresh else None, memo=memo, known_calls=known_calls)

    def _read(self) -> DealRecords:
        if self._records is None:
            self._records = self.crm.deal_records(deal_id=self.deal_id, known_calls=self.known_calls)
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
            self._notes = {m.key: m for m in self._scan_notes()}
        return dict(self._notes)

    def _scan_notes(self) -> list[MarkedRecord]:
        """The deal's DealCoach notes: those the memo knows, plus a marker scan of the ones it has never seen."""
        listed = self._read().note_ids
        if listed == ():
            return []
        seen = self.memo.known() if self.memo is not None else {}
        if listed is None:
            found = self.crm.list_marked(deal_id=self.deal_id, kind="note")
        else:
            unseen = [i for i in listed if i not in seen]
            found = [MarkedRecord(key=k, id=i) for i in listed if (k := seen.get(i))]
            found += self.crm.list_marked(deal_id=self.deal_id, kind="note", ids=unseen) if unseen else []
            if self.memo is not None:
                self.memo.add({**dict.fromkeys(unseen, ""), **{m.id: m.key for m in found}})
        return found

    def wrote_note(self, key: str, note_id: str) -> None:
        if self.memo is not None:
            self.memo.add({note_id: key})
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
