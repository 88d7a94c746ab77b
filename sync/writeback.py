"""Idempotent CRM writes: each note or task has a deterministic key, so re-runs update in place.

Order of truth (docs/architecture.md §7): the Redis map (key → CRM id, content hash) first; on a miss, the
markers on the deal's own records in the CRM (rebuilds the map after a Redis loss); only then create.
Writes for one deal are serialized by a short Redis lock so two jobs never race to create one task.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, cast

import redis
from redis.commands.core import Script
from redis.exceptions import LockError
from redis.lock import Lock

from connector.base import Crm, PartialWriteError, RetryableCrmError
from connector.models import MarkedRecord, NoteSpec, TaskSpec
from sync.deal_view import DealView, bump_generation

log = logging.getLogger("dealcoach.sync.writeback")

LOCK_TIMEOUT_S = 120
LOCK_WAIT_S = 30
LOCK_POLL_S = 0.1  # as redis-py's Lock polls a busy lock

Action = Literal["created", "updated", "unchanged"]


@dataclass(frozen=True)
class WriteResult:
    key: str
    id: str
    action: Action


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str, ensure_ascii=False).encode()).hexdigest()[:16]


def task_hash(spec: TaskSpec) -> str:
    return _hash(spec.subject, spec.body, spec.due.isoformat(), spec.priority, spec.owner_id, spec.status)


def note_hash(spec: NoteSpec) -> str:
    return _hash(spec.body_html)


@dataclass
class TaskWrites:
    """What upserting a deal's tasks comes to: results known without writing, and the creates and updates."""

    results: dict[str, WriteResult]
    to_create: list[TaskSpec]
    to_update: dict[str, TaskSpec]


def commit_tasks(batch: Sequence[tuple[Writeback, TaskWrites]], *, close: Sequence[tuple[Writeback, str]] = ()) -> None:
    """Write the updates, creates and closes of one or many deals (the SLA sweep passes a page of deals) in shared
    batches: one update and one create call (the connector splits them at the CRM's batch size), one close call.
    Every deal's lock is checked before the first write."""
    todo = [(wb, w) for wb, w in batch if w.to_update or w.to_create]
    if not todo and not close:
        return
    check_fences([wb.fence for wb in dict.fromkeys([wb for wb, _ in todo] + [wb for wb, _ in close])])
    first = (todo or close)[0][0]
    updates = {tid: s for _, w in todo for tid, s in w.to_update.items()}
    if updates:
        with first._partial(updates.values(), "update"):
            first.crm.update_tasks(updates)
        first._remember({s.key: (tid, task_hash(s)) for tid, s in updates.items()})
    creates = [s for _, w in todo for s in w.to_create]
    ids: dict[str, str] = {}
    if creates:
        with first._partial(creates, "create"):
            ids = dict(zip([s.key for s in creates], first.crm.create_tasks(creates), strict=False))
    remembered: dict[str, tuple[str, str]] = {}
    for wb, w in todo:
        remembered |= wb.wrote(w, [(s, ids[s.key]) for s in w.to_create if s.key in ids], remember=False)
    first._remember(remembered)  # one write to the map for every deal of the batch
    closing = [task_id for _, task_id in close]
    if closing:
        first.crm.close_tasks(closing)
        for wb in dict.fromkeys(wb for wb, _ in close):
            wb.closed([task_id for owner, task_id in close if owner is wb])


def known_keys(conn: redis.Redis, tenant: str, keys: Sequence[str]) -> dict[str, tuple[str, str | None]]:
    """The Redis map's entries for these keys, in one read: key → (CRM id, content hash or None when learnt from a
    CRM marker)."""
    known: dict[str, tuple[str, str | None]] = {}
    if keys:
        rows = cast(list[bytes | None], conn.hmget(f"dealcoach:idem:{tenant}", list(keys)))
        for key, raw in zip(keys, rows, strict=True):
            if raw:
                rec = json.loads(raw)
                known[key] = (rec["id"], rec.get("h"))
    return known


class LockLostError(RetryableCrmError):
    """The deal lock expired and may be held by another job: this job must not write; it is retried later."""

    slug = "sync.lock_lost"


class DealLock:
    """A held per-deal lock that fences writes: `check()` before each CRM write renews it only if still ours.

    The CRMs offer no compare-and-set on our records, so a writer whose lock expired could otherwise write over
    the job that took the lock next. Renewing before every request means a lost lock is noticed before the next
    write; the one request in flight is bounded by the HTTP timeout (30 s), well under the lock's TTL.
    """

    def __init__(self, lock: Lock, tenant: str, deal_id: str) -> None:
        self._lock, self.tenant, self.deal_id = lock, tenant, deal_id

    def check(self) -> None:
        """Renew the lock before a write, and count the write (a job that read the deal before taking the lock
        re-reads its records when another job wrote since: `sync.deal_view.generation`)."""
        try:
            self._lock.reacquire()
        except LockError as exc:
            log.warning("sync.lock.lost tenant=%s deal=%s", self.tenant, self.deal_id)
            raise LockLostError(f"lost the lock on deal {self.deal_id}", retry_after=5) from exc
        bump_generation(self._lock.redis, self.tenant, self.deal_id)


@contextmanager
def deal_lock(conn: redis.Redis, tenant: str, deal_id: str) -> Iterator[DealLock]:
    """Serialize writes per deal; a busy lock becomes a retryable error (the job is retried later)."""
    lock = conn.lock(f"dealcoach:lock:{tenant}:{deal_id}", timeout=LOCK_TIMEOUT_S, blocking_timeout=LOCK_WAIT_S)
    if not lock.acquire():
        raise RetryableCrmError(f"deal {deal_id} is locked by another job", retry_after=5)
    try:
        yield DealLock(lock, tenant, deal_id)
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("sync.lock.expired tenant=%s deal=%s", tenant, deal_id)


@contextmanager
def page_locks(
    conn: redis.Redis, tenant: str, deal_ids: Sequence[str], *, wait_s: float = LOCK_WAIT_S
) -> Iterator[dict[str, DealLock]]:
    """The deal locks of a page of deals (the sweep), taken in one round trip per attempt: deal id → its lock, for
    those taken; a lock still held by another job after `wait_s` (for the whole page, not per deal) is left out.

    Each lock is the very lock `deal_lock` takes (same key, `SET NX PX` with a fresh token, same TTL), so the fencing
    is unchanged: `DealLock.check()` renews it only while the token is still ours. Released in one round trip."""
    locks = {d: conn.lock(f"dealcoach:lock:{tenant}:{d}", timeout=LOCK_TIMEOUT_S) for d in dict.fromkeys(deal_ids)}
    held: dict[str, DealLock] = {}
    pending, deadline = list(locks), time.monotonic() + wait_s
    try:
        while pending:
            tokens = {d: uuid.uuid4().hex.encode() for d in pending}
            pipe = conn.pipeline(transaction=False)
            for d in pending:
                pipe.set(locks[d].name, tokens[d], nx=True, px=int(LOCK_TIMEOUT_S * 1000))
            taken = cast(list[bool | None], pipe.execute())
            for d, ok in zip(pending, taken, strict=True):
                if ok:
                    locks[d].local.token = tokens[d]
                    held[d] = DealLock(locks[d], tenant, d)
            pending = [d for d, ok in zip(pending, taken, strict=True) if not ok]
            if not pending or time.monotonic() >= deadline:
                break
            time.sleep(LOCK_POLL_S)
        if pending:
            log.warning("sync.lock.busy tenant=%s deals=%d", tenant, len(pending))
        yield held
    finally:
        _release(conn, tenant, [locks[d] for d in held])


def _release(conn: redis.Redis, tenant: str, locks: Sequence[Lock]) -> None:
    """Release locks in one round trip with redis-py's own compare-and-delete script (only those still ours)."""
    if not locks:
        return
    pipe = conn.pipeline(transaction=False)
    for lock in locks:
        token, lock.local.token = lock.local.token, None
        cast(Script, lock.lua_release)(keys=[lock.name], args=[token], client=pipe)
    for lock, released in zip(locks, cast(list[int], pipe.execute()), strict=True):
        if not released:
            log.warning("sync.lock.expired tenant=%s lock=%s", tenant, lock.name)


def check_fences(fences: Sequence[DealLock]) -> None:
    """`DealLock.check()` for many deals in one round trip: renew each lock only if still ours (redis-py's own
    reacquire script) and count the write; a lost lock raises LockLostError before any write, as `check()` does."""
    if len(fences) <= 1:
        for fence in fences:
            fence.check()
        return
    pipe = fences[0]._lock.redis.pipeline(transaction=False)
    for fence in fences:
        lock = fence._lock
        reacquire = cast(Script, lock.lua_reacquire)
        reacquire(keys=[lock.name], args=[lock.local.token, int(LOCK_TIMEOUT_S * 1000)], client=pipe)
        bump_generation(pipe, fence.tenant, fence.deal_id)
    renewed = cast(list[int], pipe.execute())[::2]
    for fence, ok in zip(fences, renewed, strict=True):
        if not ok:
            log.warning("sync.lock.lost tenant=%s deal=%s", fence.tenant, fence.deal_id)
            raise LockLostError(f"lost the lock on deal {fence.deal_id}", retry_after=5)


class Writeback:
    """Upserts for one deal of one tenant, under the deal's lock (every CRM write is fenced by it)."""

    def __init__(
        self, conn: redis.Redis, crm: Crm, tenant: str, deal_id: str, *, fence: DealLock, view: DealView | None = None
    ) -> None:
        self.conn, self.crm, self.tenant, self.deal_id, self.fence = conn, crm, tenant, deal_id, fence
        self.map_key = f"dealcoach:idem:{tenant}"
        # The job's one read of the deal's records (made inside the lock), shared with the other write steps.
        self.view = view or DealView(crm, deal_id)

    def _known(self, keys: Sequence[str]) -> dict[str, tuple[str, str | None]]:
        """key → (CRM id, content hash or None when learnt from a CRM marker)."""
        return known_keys(self.conn, self.tenant, keys)

    def written(self, keys: Sequence[str]) -> list[str]:
        """The keys DealCoach has written a record for (from the Redis map), in the given order."""
        known = self._known(keys)
        return [k for k in keys if k in known]

    def _from_crm(self, kind: str, key: str) -> MarkedRecord | None:
        return self.view.marked(kind).get(key)

    def _remember(self, items: dict[str, tuple[str, str]]) -> None:
        if items:
            self.conn.hset(self.map_key, mapping={k: json.dumps({"id": i, "h": h}) for k, (i, h) in items.items()})

    def upsert_note(self, spec: NoteSpec) -> WriteResult:
        h = note_hash(spec)
        known = self._known([spec.key]).get(spec.key)
        if known is None:
            found = self._from_crm("note", spec.key)
            known = (found.id, None) if found else None
        if known is None:
            self.fence.check()
            note_id = self.crm.create_note(spec)
            self._remember({spec.key: (note_id, h)})
            self.view.wrote_note(spec.key, note_id)
            return self._logged(WriteResult(spec.key, note_id, "created"), "note")
        if known[1] == h:
            return WriteResult(spec.key, known[0], "unchanged")
        self.fence.check()
        self.crm.update_note(known[0], spec)
        self._remember({spec.key: (known[0], h)})
        return self._logged(WriteResult(spec.key, known[0], "updated"), "note")

    def upsert_tasks(self, specs: Sequence[TaskSpec]) -> list[WriteResult]:
        """Create missing tasks in one batch, update changed ones in another; never reopen a completed task."""
        specs = list({s.key: s for s in specs}.values())
        writes = self.decide_tasks(specs)
        commit_tasks([(self, writes)])
        return [writes.results[s.key] for s in specs]

    def decide_tasks(
        self, specs: Sequence[TaskSpec], *, known: Mapping[str, tuple[str, str | None]] | None = None
    ) -> TaskWrites:
        """Which of these tasks are unchanged, which to update (by CRM id) and which to create: the Redis map first
        (or `known`, the map's entries a sweep page read at once, under the same locks), then the CRM markers of the
        job's view of the deal."""
        specs = list({s.key: s for s in specs}.values())
        if known is None:
            known = self._known([s.key for s in specs])
        results: dict[str, WriteResult] = {}
        to_create: list[TaskSpec] = []
        to_update: dict[str, TaskSpec] = {}
        for spec in specs:
            h = task_hash(spec)
            hit = known.get(spec.key)
            if hit is None:
                found = self._from_crm("task", spec.key)
                hit = (found.id, None) if found else None
            if hit is None:
                to_create.append(spec)
            elif hit[1] == h:
                results[spec.key] = WriteResult(spec.key, hit[0], "unchanged")
            else:
                to_update[hit[0]] = spec
                results[spec.key] = WriteResult(spec.key, hit[0], "updated")
        return TaskWrites(results, to_create, to_update)

    def open_task_ids(self, keys: Sequence[str]) -> list[str]:
        """CRM ids of the tasks with these keys that are still open (from the job's view of the deal)."""
        open_by_key = {k: m for k, m in self.view.marked("task").items() if not m.is_completed}
        return [open_by_key[k].id for k in keys if k in open_by_key]

    def close_tasks(self, keys: Sequence[str]) -> int:
        """Complete the tasks with these keys that are still open in the CRM; returns how many were closed."""
        if not keys:
            return 0
        ids = self.open_task_ids(keys)
        if ids:
            self.fence.check()
            self.crm.close_tasks(ids)
            self.closed(ids)
        return len(ids)

    def closed(self, ids: Sequence[str]) -> None:
        self.view.closed(ids)
        for task_id in ids:
            log.info("sync.task.closed tenant=%s deal=%s id=%s", self.tenant, self.deal_id, task_id)

    def wrote(
        self, writes: TaskWrites, created: Sequence[tuple[TaskSpec, str]], *, remember: bool = True
    ) -> dict[str, tuple[str, str]]:
        """Remember what was written (Redis map, unless the caller writes the returned entries with others', and the
        job's view) and log it; the map entries."""
        entries = {s.key: (tid, task_hash(s)) for tid, s in writes.to_update.items()}
        entries |= {s.key: (tid, task_hash(s)) for s, tid in created}
        if remember:
            self._remember(entries)
        self.view.wrote_tasks([(s, tid) for tid, s in writes.to_update.items()] + list(created))
        writes.results.update({s.key: WriteResult(s.key, tid, "created") for s, tid in created})
        for r in writes.results.values():
            if r.action != "unchanged":
                self._logged(r, "task")
        return entries

    @contextmanager
    def _partial(self, specs: Iterable[TaskSpec], action: str) -> Iterator[None]:
        """On a partial batch write, remember what the CRM did write (key → id, hash), so a retry skips it."""
        try:
            yield
        except PartialWriteError as exc:
            hashes = {s.key: task_hash(s) for s in specs}
            self._remember({k: (i, hashes[k]) for k, i in exc.created.items() if k in hashes})
            log.warning(
                "sync.task.partial tenant=%s deal=%s action=%s written=%d failed=%d",
                self.tenant,
                self.deal_id,
                action,
                len(exc.created),
                len(exc.failed),
            )
            raise

    def _logged(self, result: WriteResult, kind: str) -> WriteResult:
        log.info(
            "sync.%s.%s tenant=%s deal=%s id=%s key=%s",
            kind,
            result.action,
            self.tenant,
            self.deal_id,
            result.id,
            result.key,
        )
        return result
