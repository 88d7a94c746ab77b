"""The invariants a chaos run must end with, read back from both sandbox CRMs and from RQ, and the run's figures.

- exactly one scorecard note per call (none lost, none doubled); on Salesforce linked to its call Task too (HubSpot
  notes are associated to the deal only);
- each DealCoach key on one task only, and one open task per obligation on a deal: no two open DealCoach tasks on
  one deal with the same subject, unless they belong to different calls (a per-call item such as the thank-you
  mail is keyed by its call's time, which must then be the time of one of the deal's calls);
- each deal has its open coaching task for the stage it ended in;
- nothing queued, scheduled or started in RQ; every failed job in the failed registry with its reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import redis
from rq import Queue
from rq.job import Job

from connector.marker import find_marker
from sync.demo.hubspot_stack import EmbeddedStack
from sync.demo.salesforce_stack import SalesforceStack
from sync.queue import ALL_QUEUES


@dataclass
class Figures:
    """What a run did and what it ended with; `ok` is the verdict."""

    events: int = 0
    delivered: int = 0
    duplicates: int = 0
    duplicates_acked: int = 0
    kills: int = 0
    scheduler_kills: int = 0
    redis_restarts: int = 0
    faults: dict[str, dict[str, int]] = field(default_factory=dict)
    api_statuses: dict[str, dict[str, int]] = field(default_factory=dict)
    deals: int = 0
    calls: int = 0
    notes: int = 0
    lost: int = 0
    doubled: int = 0
    unlinked_notes: int = 0
    open_tasks: int = 0
    doubled_tasks: int = 0
    duplicate_open_tasks: int = 0
    missing_stage_tasks: int = 0
    left_in_rq: int = 0
    failed_jobs: int = 0
    failed_without_reason: int = 0
    settled: bool = False
    wall_s: float = 0.0
    phases_s: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        bad = (self.lost, self.doubled, self.unlinked_notes, self.doubled_tasks, self.duplicate_open_tasks,
               self.missing_stage_tasks, self.left_in_rq, self.failed_without_reason)
        return self.settled and not any(bad)


@dataclass(frozen=True)
class Record:
    """A DealCoach note or task as read back: CRM, deal, key, subject, open, linked call ids."""

    crm: str
    deal: str
    key: str
    subject: str = ""
    open: bool = False
    links: frozenset[str] = frozenset()

    @property
    def anchor(self) -> int | None:
        """The epoch-ms anchor of an SLA task key (`…/sla-<rule>/<ms>/…`), if it has one."""
        bits = self.key.split("/")
        for i, bit in enumerate(bits[:-1]):
            if bit.startswith("sla-") and bits[i + 1].lstrip("-").isdigit():
                return int(bits[i + 1])
        return None


def epoch_ms(raw: str | None) -> int | None:
    """ISO 8601 (HubSpot `…Z`, Salesforce `…+0000`) to epoch milliseconds."""
    if not raw:
        return None
    text = raw.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    return int(datetime.fromisoformat(text).timestamp() * 1000)


def _assoc_ids(row: dict[str, Any], kind: str) -> list[str]:
    return [str(a["id"]) for a in (row.get("associations") or {}).get(kind, [])]


def hubspot_records(hub: EmbeddedStack) -> tuple[list[Record], list[Record]]:
    """Notes and tasks DealCoach wrote in the portal (archived ones left out)."""
    out: tuple[list[Record], list[Record]] = ([], [])
    for kind, body, bucket in (("notes", "hs_note_body", out[0]), ("tasks", "hs_task_body", out[1])):
        for row in hub.control("GET", f"objects/{kind}")["results"]:
            props = row["properties"]
            key = props.get("dealcoach_key") or find_marker(props.get(body) or "")
            if row.get("archived") or not key:
                continue
            for deal in _assoc_ids(row, "deals") or ["?"]:
                bucket.append(Record("hubspot", deal, key, props.get("hs_task_subject") or "",
                                     props.get("hs_task_status") not in ("COMPLETED", None),
                                     frozenset(_assoc_ids(row, "calls"))))
    return out


def call_times(hub: EmbeddedStack, sf: SalesforceStack) -> dict[tuple[str, str], set[int]]:
    """(crm, deal) -> the epoch-ms times of its calls, as DealCoach dates them (HubSpot hs_timestamp; Salesforce
    the call Task's CompletedDateTime, else CreatedDate, less its duration)."""
    out: dict[tuple[str, str], set[int]] = {}
    for row in hub.control("GET", "objects/calls")["results"]:
        at = epoch_ms(row["properties"].get("hs_timestamp"))
        for deal in _assoc_ids(row, "deals"):
            if at is not None:
                out.setdefault(("hubspot", deal), set()).add(at)
    for row in sf.control("GET", "objects/Task")["records"]:
        at = epoch_ms(row.get("CompletedDateTime") or row.get("CreatedDate"))
        if row.get("TaskSubtype") == "Call" and row.get("WhatId") and at is not None:
            at -= int(float(row.get("CallDurationInSeconds") or 0) * 1000)
            out.setdefault(("salesforce", row["WhatId"][:15]), set()).add(at)
    return out


def salesforce_records(sf: SalesforceStack, deals: list[str]) -> tuple[list[Record], list[Record]]:
    """Notes (ContentNotes linked to each Opportunity) and tasks DealCoach wrote in the org (deleted left out)."""
    links: dict[str, set[str]] = {}
    for row in sf.control("GET", "objects/ContentDocumentLink")["records"]:
        links.setdefault(row["ContentDocumentId"], set()).add(row["LinkedEntityId"])
    notes = []
    for deal in deals:
        for note in sf.notes_on(deal):
            key = find_marker(note["content"])
            if key:
                notes.append(Record("salesforce", deal, key, links=frozenset(links.get(note["id"], set()))))
    tasks = []
    for row in sf.control("GET", "objects/Task")["records"]:
        key = row.get("DealCoach_Key__c") or find_marker(row.get("Description") or "")
        if row.get("IsDeleted") or not key:
            continue
        tasks.append(Record("salesforce", str(row.get("WhatId")), key, row.get("Subject") or "",
                            row.get("Status") != "Completed"))
    return notes, tasks


def _same_id(a: str, b: str) -> bool:
    """Salesforce ids compare on their first 15 characters (18-character ids add a checksum)."""
    return a == b or (len(a) >= 15 and len(b) >= 15 and a[:15] == b[:15])


def check_notes(notes: list[Record], calls: list[tuple[str, str, str]], f: Figures) -> None:
    """One scorecard note per call, linked to the call."""
    by_call: dict[tuple[str, str], list[Record]] = {}
    for n in notes:
        if n.key.endswith("/scorecard") and "/call-" in n.key:
            call = n.key.rsplit("/call-", 1)[1].split("/")[0]
            by_call.setdefault((n.crm, call), []).append(n)
    f.notes = sum(len(v) for v in by_call.values())
    for crm, deal, call in calls:
        found = by_call.get((crm, call)) or next(
            (v for (c, k), v in by_call.items() if c == crm and _same_id(k, call)), [])
        if not found:
            f.lost += 1
            f.problems.append(f"lost: no scorecard note for {crm} call {call} on deal {deal}")
        elif len(found) > 1:
            f.doubled += len(found) - 1
            f.problems.append(f"doubled: {len(found)} scorecard notes for {crm} call {call}")
        elif crm == "salesforce" and not any(_same_id(link, call) for link in found[0].links):
            f.unlinked_notes += 1
            f.problems.append(f"unlinked: the scorecard note of {crm} call {call} is not linked to the call")


def check_tasks(tasks: list[Record], deals: dict[tuple[str, str], str], calls_at: dict[tuple[str, str], set[int]],
                f: Figures) -> None:
    """Each key on one task; one open task per obligation on a deal; the final stage's coaching task is there."""
    keys = Counter((t.crm, t.key) for t in tasks)
    for (crm, key), n in keys.items():
        if n > 1:
            f.doubled_tasks += n - 1
            f.problems.append(f"doubled task: {n} tasks with key {key} ({crm})")
    open_tasks = [t for t in tasks if t.open]
    f.open_tasks = len(open_tasks)

    def obligation(t: Record) -> tuple[str, str, str, int | None]:
        times = calls_at.get((t.crm, t.deal if t.crm == "hubspot" else t.deal[:15]), set())
        return t.crm, t.deal, t.subject, t.anchor if t.anchor in times else None

    for ob, n in Counter(obligation(t) for t in open_tasks).items():
        if n > 1:
            f.duplicate_open_tasks += n - 1
            dup_keys = sorted(t.key for t in open_tasks if obligation(t) == ob)
            f.problems.append(f"duplicate open tasks on {ob[0]} deal {ob[1]}: {n}x {ob[2]!r} keys {dup_keys}")
    for (crm, deal), stage in deals.items():
        marker = f"/stage-{stage}/"
        if not any(t.open and t.crm == crm and _same_id(t.deal, deal) and marker in t.key for t in open_tasks):
            f.missing_stage_tasks += 1
            f.problems.append(f"no open task for {crm} deal {deal}'s stage {stage}")


def check_rq(conn: redis.Redis, f: Figures) -> None:
    """Nothing left queued, scheduled or started; every failed job carries its reason."""
    for name in ALL_QUEUES:
        q = Queue(name, connection=conn)
        left = q.count + q.scheduled_job_registry.count + q.started_job_registry.count
        if left:
            f.left_in_rq += left
            f.problems.append(f"{name}: {q.count} queued, {q.scheduled_job_registry.count} scheduled, "
                              f"{q.started_job_registry.count} started")
        for job_id in q.failed_job_registry.get_job_ids():
            f.failed_jobs += 1
            job = Job.fetch(job_id, connection=conn)
            result = job.latest_result()
            reason = (result.exc_string if result is not None else None) or job.exc_info
            if not reason:
                f.failed_without_reason += 1
            f.problems.append(f"failed job {job_id} ({job.func_name}): {(reason or 'NO REASON').strip()[-200:]}")


def check(conn: redis.Redis, hub: EmbeddedStack, sf: SalesforceStack, calls: list[tuple[str, str, str]],
          deals: dict[tuple[str, str], str], f: Figures) -> None:
    """Fill the figures' invariant counts from what both CRMs and RQ hold now."""
    hub_notes, hub_tasks = hubspot_records(hub)
    sf_notes, sf_tasks = salesforce_records(sf, [d for c, d in deals if c == "salesforce"])
    f.deals, f.calls = len(deals), len(calls)
    check_notes(hub_notes + sf_notes, calls, f)
    check_tasks(hub_tasks + sf_tasks, deals, call_times(hub, sf), f)
    check_rq(conn, f)
