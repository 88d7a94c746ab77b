"""Opportunities on Salesforce: the deal, its stage entry (OpportunityHistory) and its Tasks, in one SOQL query with
parent-to-child subqueries where the job wants both."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from datetime import time as dtime
from typing import Any

from connector.base import DealRecords, FatalCrmError
from connector.marker import find_marker
from connector.models import ActivityRef, ActivityType, Deal, MarkedRecord
from connector.salesforce.client import (
    KEY_FIELD,
    OPPORTUNITY,
    _date,
    _soql_ids,
    sobject,
    stage_run_start,
)
from connector.salesforce.files import SalesforceFiles
from connector.salesforce.ids import SalesforceIdError, key_prefix, to_18


class SalesforceDeals(SalesforceFiles):
    """Reads of an Opportunity, its DealCoach records and its activities."""

    def get_deal(self, deal_id: str) -> Deal:
        """The Opportunity and its current stage's entry (OpportunityHistory as a subquery): one SOQL query."""
        opp = self._opportunity(deal_id, with_records=False)
        return self.deal_from(
            opp, stage_run_start(_children(opp, "OpportunityHistories"), opp.get("StageName")), with_owner_name=True
        )

    def deal_with_records(
        self, deal_id: str, *, known_calls: Mapping[str, ActivityRef] | None = None
    ) -> tuple[Deal, DealRecords]:
        """The Opportunity, its stage history, its Tasks and its files' links in one SOQL query (parent-to-child
        subqueries): a job reads its deal once. `known_calls` changes nothing here (the Tasks come in the query)."""
        opp = self._opportunity(deal_id, with_records=True)
        deal = self.deal_from(
            opp, stage_run_start(_children(opp, "OpportunityHistories"), opp.get("StageName")), with_owner_name=True
        )
        return deal, self._records_of(opp)

    def _opportunity(self, deal_id: str, *, with_records: bool) -> dict[str, Any]:
        """`SELECT …, (SELECT … FROM OpportunityHistories) [, (… FROM Tasks), (… FROM ContentDocumentLinks)] FROM
        Opportunity WHERE Id = …` (SOQL relationship queries: the child relationship is the plural name)."""
        subqueries = ["(SELECT StageName, CreatedDate FROM OpportunityHistories ORDER BY CreatedDate DESC)"]
        if with_records:
            subqueries += [
                f"({self.task_fields()} FROM Tasks)",
                "(SELECT ContentDocumentId, ContentDocument.FileType FROM ContentDocumentLinks)",
            ]
        try:
            opp_id = to_18(deal_id)
        except SalesforceIdError as exc:
            raise FatalCrmError(str(exc)) from exc
        rows = self._query(
            f"SELECT {OPPORTUNITY_FIELDS}, {', '.join(subqueries)} FROM Opportunity WHERE Id = '{opp_id}'"
        )
        if not rows:
            raise FatalCrmError(f"Opportunity {deal_id} not found", status=404)
        return rows[0]

    def _records_of(self, opp: dict[str, Any]) -> DealRecords:
        """The records from the Opportunity row's subqueries; a child list Salesforce paged (over its subquery
        batch) is read whole with its own query."""
        tasks = opp.get("Tasks") or {}
        rows = _children(opp, "Tasks") if tasks.get("done", True) else self._tasks_on(opp["Id"])
        links = opp.get("ContentDocumentLinks") or {}
        notes = None
        if links.get("done", True):
            notes = tuple(
                r["ContentDocumentId"]
                for r in _children(opp, "ContentDocumentLinks")
                if ((r.get("ContentDocument") or {}).get("FileType") or "").upper() == "SNOTE"
            )
        return dataclasses.replace(self.records_from(rows), note_ids=notes)

    def deal_from(self, opp: dict[str, Any], entered: datetime | None, *, with_owner_name: bool) -> Deal:
        """A Deal from an Opportunity row (the owner's name is read only when asked: the SLA sweep needs none; a row
        that carries the owner's fields primes the user cache instead)."""
        owner = opp.get("OwnerId")
        user = opp.get("Owner")
        if owner and isinstance(user, dict) and "IsActive" in user:
            name = user.get("Name") or owner
            self._cache.put(f"user:{owner}", name)
            self._cache.put(
                f"owner:{to_18(owner)}", [to_18(owner), name, bool(user.get("IsActive")), user.get("ManagerId")]
            )
        return Deal(
            id=opp["Id"],
            name=opp.get("Name") or "",
            stage=opp.get("StageName") or "",
            pipeline=None,
            owner_id=owner,
            owner_name=self._user_name(owner) if with_owner_name else None,
            amount=opp.get("Amount"),
            is_closed=bool(opp.get("IsClosed")),
            is_won=bool(opp.get("IsWon")),
            stage_label=opp.get("StageName"),
            last_activity_at=_date(opp.get("LastActivityDate") and f"{opp['LastActivityDate']}T00:00:00+00:00"),
            created_at=_date(opp.get("CreatedDate")),
            stage_entered_at=entered,
        )

    def _user_name(self, user_id: str | None) -> str | None:
        if not user_id or key_prefix(user_id) != "005":
            return None
        return self._cache.get(
            f"user:{user_id}", lambda: self._call(lambda sf: sobject(sf, "User").get(user_id)).get("Name")
        )

    def _tasks_on(self, deal_id: str) -> list[dict[str, Any]]:
        return self._query(f"{self.task_select()} WHERE WhatId = '{to_18(deal_id)}'")

    def task_select(self) -> str:
        """`SELECT … FROM Task` with what DealCoach reads of a Task (its key field when the org has it)."""
        return f"{self.task_fields()} FROM Task"

    def task_fields(self) -> str:
        """`SELECT …` of what DealCoach reads of a Task (SOQL refuses a field the org lacks: the describe says)."""
        has_key = KEY_FIELD in self._fields("Task")
        return (
            "SELECT Id, WhatId, Status, Subject, Description, ActivityDate, ReminderDateTime, TaskSubtype, "
            f"CompletedDateTime, LastModifiedDate{', ' + KEY_FIELD if has_key else ''}"
        )

    def list_marked(self, *, deal_id: str, kind: str, ids: Sequence[str] | None = None) -> list[MarkedRecord]:
        """Tasks on the deal by key field or Description marker; notes by the marker in their content."""
        if kind == "task":
            return self.deal_records(deal_id=deal_id).tasks
        if ids is not None and not ids:
            return []
        links = (
            _soql_ids(ids)
            if ids is not None
            else f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{to_18(deal_id)}'"
        )
        rows = self._query(
            f"SELECT Id, ContentDocumentId FROM ContentVersion WHERE ContentDocumentId IN ({links}) "
            "AND IsLatest = true AND FileType = 'SNOTE'"
        )
        marked = []
        for row in rows:
            key = find_marker(self.download_attachment(row["Id"], max_bytes=2 * 1024 * 1024).decode("utf-8", "replace"))
            if key:
                marked.append(MarkedRecord(key=key, id=row["ContentDocumentId"]))
        return marked

    def _due(self, task: dict[str, Any]) -> datetime | None:
        """The exact due time (the reminder) or, without one, the end of the due date in the tenant's zone."""
        reminder = _date(task.get("ReminderDateTime"))
        if reminder or not task.get("ActivityDate"):
            return reminder
        return datetime.combine(date.fromisoformat(task["ActivityDate"]), dtime(18), tzinfo=self.tz)

    def list_activities(self, *, deal_id: str) -> list[ActivityRef]:
        """Closed Tasks on the Opportunity that are not DealCoach's: email, call or other completed work.

        Salesforce does not record an email Task's direction, so every email counts as ours (outbound).
        """
        return self.deal_records(deal_id=deal_id).activities

    def deal_records(self, *, deal_id: str, known_calls: Mapping[str, ActivityRef] | None = None) -> DealRecords:
        """One SOQL query of the Opportunity's Tasks: DealCoach's by key field or Description marker, the rest (when
        closed) as activities."""
        return self.records_from(self._tasks_on(deal_id))

    def records_from(self, task_rows: Sequence[dict[str, Any]]) -> DealRecords:
        """DealCoach's tasks (by key field or Description marker) and the activities among one deal's Task rows."""
        kinds: dict[str, ActivityType] = {"Email": "email", "Call": "call"}
        marked: list[MarkedRecord] = []
        out: list[ActivityRef] = []
        for row in task_rows:
            key = row.get(KEY_FIELD) or find_marker(row.get("Description") or "")
            if key:
                marked.append(
                    MarkedRecord(
                        key=key, id=row["Id"], status=row.get("Status"), subject=row.get("Subject"), due=self._due(row)
                    )
                )
                continue
            if row.get("Status") != "Completed":
                continue
            at = _date(row.get("CompletedDateTime")) or _date(row.get("LastModifiedDate"))
            if at is not None:
                out.append(
                    ActivityRef(
                        type=kinds.get(row.get("TaskSubtype") or "", "task_completed"),
                        at=at,
                        subject=row.get("Subject") or "",
                        direction="out" if row.get("TaskSubtype") == "Email" else None,
                    )
                )
        return DealRecords(tasks=marked, activities=sorted(out, key=lambda a: a.at))

    def deals_of(self, object_type: str, object_id: str) -> tuple[str, ...]:
        if key_prefix(object_id) == OPPORTUNITY:
            return (to_18(object_id),)
        what = self._call(lambda sf: sobject(sf, "Task").get(to_18(object_id))).get("WhatId") or ""
        return (what,) if key_prefix(what) == OPPORTUNITY else ()

    def owner_teams(self, owner_id: str) -> tuple[str, ...]:
        """The user's Department as their team (as the manager report groups reps); cached."""

        def load() -> list[str]:
            rows = self._query(f"SELECT Department FROM User WHERE Id = '{to_18(owner_id)}'")
            return [str(r["Department"]) for r in rows if r.get("Department")]

        return tuple(self._cache.get(f"owner-teams:{to_18(owner_id)}", load))

    def list_open_deals(self) -> list[str]:
        rows = self._query(
            "SELECT Id FROM Opportunity WHERE IsClosed = false OR CloseDate = LAST_N_DAYS:400 ORDER BY Id"
        )
        return [r["Id"] for r in rows]


# The owner's name, status and manager come with the deal (child-to-parent fields): the note names the rep, and a
# task for an inactive owner goes to the manager, without reading the User apart.
OPPORTUNITY_FIELDS = (
    "Id, Name, StageName, OwnerId, Owner.Name, Owner.IsActive, Owner.ManagerId, Amount, IsClosed, IsWon, "
    "LastActivityDate, CreatedDate"
)


def _children(row: dict[str, Any], relationship: str) -> list[dict[str, Any]]:
    """The records of a subquery on a row (null when the parent has none)."""
    return list((row.get(relationship) or {}).get("records") or [])
