"""What Salesforce does around DML on opportunities and tasks: stage-derived fields and OpportunityHistory rows,
task closing (IsClosed, CompletedDateTime), LastActivityDate, cascades, and the changes that fire workflow
outbound messages (stage changed, call logged). Files and notes are in `salesforce_content`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .salesforce_content import ContentDocumentLinkRules, ContentDocumentRules, ContentNoteRules, ContentVersionRules
from .salesforce_errors import DmlError
from .salesforce_ids import to18
from .salesforce_report_objects import EmailMessageRules, write_field_history
from .salesforce_schema import CLOSED_TASK_STATUSES
from .salesforce_store import Actor, Change, Record, SalesforceStore
from .salesforce_values import now

HISTORY_TRACKED = ("StageName", "Amount", "CloseDate", "Probability", "ForecastCategoryName")


def bump_last_activity(store: SalesforceStore, what_id: str | None, day: date) -> None:
    """Move an opportunity's LastActivityDate forward to `day` (it never moves back)."""
    if not what_id or not what_id.startswith("006"):
        return
    opp = store.get("Opportunity", what_id)
    if opp is None:
        return
    current = opp.fields.get("LastActivityDate")
    if current is None or day > current:
        store.touch(opp).fields["LastActivityDate"] = day


def write_history(store: SalesforceStore, opp: Record, actor: Actor, old: dict[str, Any] | None) -> Record:
    """One OpportunityHistory row with the opportunity's current stage, amount and close date."""
    f = opp.fields
    stamp = f.get("LastModifiedDate") if old is not None else f.get("CreatedDate")
    hid = store.ids.for_type("OpportunityHistory")
    row = {
        "Id": hid,
        "IsDeleted": False,
        "OpportunityId": opp.id,
        "StageName": f.get("StageName"),
        "Amount": f.get("Amount"),
        "Probability": f.get("Probability"),
        "CloseDate": f.get("CloseDate"),
        "ForecastCategory": f.get("ForecastCategoryName"),
        "PrevAmount": old.get("Amount") if old else None,
        "PrevCloseDate": old.get("CloseDate") if old else None,
        "CreatedDate": stamp or now(),
        "CreatedById": actor.user_id,
        "SystemModstamp": stamp or now(),
    }
    return store.put(Record("OpportunityHistory", hid, row))


class OpportunityRules:
    """Stage → IsClosed, IsWon, Probability, ForecastCategoryName; history rows; stage-change outbound events."""

    def _apply_stage(self, store: SalesforceStore, rec: Record, *, keep_probability: bool, keep_forecast: bool) -> None:
        stage = store.config.stage(rec.fields.get("StageName") or "") or {}
        rec.fields["IsClosed"] = bool(stage.get("IsClosed"))
        rec.fields["IsWon"] = bool(stage.get("IsWon"))
        if not keep_probability and "Probability" in stage:
            rec.fields["Probability"] = float(stage["Probability"])
        if not keep_forecast and "ForecastCategoryName" in stage:
            rec.fields["ForecastCategoryName"] = stage["ForecastCategoryName"]

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Derive stage fields and write the first history row."""
        self._apply_stage(
            store,
            rec,
            keep_probability=rec.fields.get("Probability") is not None,
            keep_forecast=rec.fields.get("ForecastCategoryName") is not None,
        )
        write_history(store, rec, actor, None)
        write_field_history(store, rec, actor, None, set())

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """On a stage change: derived fields, a history row and the `stage_changed` event."""
        if "StageName" in changed:
            self._apply_stage(
                store, rec, keep_probability="Probability" in changed, keep_forecast="ForecastCategoryName" in changed
            )
        if changed & set(HISTORY_TRACKED):
            write_history(store, rec, actor, old)
        write_field_history(store, rec, actor, old, changed)
        if "StageName" in changed:
            store.emit(
                Change(
                    "stage_changed",
                    "Opportunity",
                    rec.id,
                    rec.fields["LastModifiedDate"],
                    actor.source,
                    {"PriorStageName": old.get("StageName")},
                )
            )

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Activities, history and file links of an opportunity go with it."""
        for task in store.all("Task"):
            if task.fields.get("WhatId") == rec.id:
                store.remove(task, actor)
        for row in store.all("OpportunityHistory"):
            if row.fields.get("OpportunityId") == rec.id:
                store.touch(row).deleted = True
        for link in store.all("ContentDocumentLink"):
            if link.fields.get("LinkedEntityId") == rec.id:
                store.remove(link, actor)


class TaskRules:
    """Status → IsClosed and CompletedDateTime; closed tasks move LastActivityDate; logged calls fire an event; an
    inactive owner is refused with INACTIVE_OWNER_OR_USER (Salesforce Help 000205862; seeds may set any owner)."""

    def _check_owner(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        owner = store.get("User", rec.fields.get("OwnerId") or "")
        if actor.source != "SEED" and owner is not None and owner.fields.get("IsActive") is False:
            raise DmlError(
                "INACTIVE_OWNER_OR_USER", f"operation performed with inactive user {owner.id[:15]} as owner of task", []
            )

    def _close_state(self, store: SalesforceStore, rec: Record) -> None:
        closed = rec.fields.get("Status") in CLOSED_TASK_STATUSES
        if closed and not rec.fields.get("IsClosed"):
            rec.fields["CompletedDateTime"] = rec.fields.get("CompletedDateTime") or now()
        elif not closed:
            rec.fields["CompletedDateTime"] = None
        rec.fields["IsClosed"] = closed
        if closed:
            # Salesforce: the due date of the most recently closed task (the completion day when it has none).
            day = rec.fields.get("ActivityDate") or rec.fields["CompletedDateTime"].astimezone(store.tz).date()
            bump_last_activity(store, rec.fields.get("WhatId"), day)

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Derive closing fields; a Task the admin's record-triggered Flow selects (`task_outbound_criteria`) fires:
        a Call subtype as a logged call, any other as a logged activity."""
        self._check_owner(store, rec, actor)
        rec.fields["IsClosed"] = False
        self._close_state(store, rec)
        criteria = store.config.task_outbound_criteria
        if any(all(rec.fields.get(k) == v for k, v in group.items()) for group in criteria):
            kind = "call_logged" if rec.fields.get("TaskSubtype") == "Call" else "activity_logged"
            store.emit(Change(kind, "Task", rec.id, rec.fields["CreatedDate"], actor.source))

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """Re-derive closing fields (reopening clears CompletedDateTime)."""
        if "OwnerId" in changed:
            self._check_owner(store, rec, actor)
        if "Status" in changed or "WhatId" in changed or "ActivityDate" in changed:
            self._close_state(store, rec)

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Nothing else goes with a task."""


class _Plain:
    """Accounts and contacts: no side effects."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """No side effects."""

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """No side effects."""

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """No side effects."""


class EventRules:
    """An event moves its opportunity's LastActivityDate forward and keeps ActivityDate in step with its start."""

    def _sync(self, store: SalesforceStore, rec: Record) -> None:
        start = rec.fields.get("StartDateTime") or rec.fields.get("ActivityDateTime")
        if isinstance(start, datetime):
            rec.fields["ActivityDateTime"] = rec.fields.get("ActivityDateTime") or start
            rec.fields["ActivityDate"] = start.astimezone(store.tz).date()
            bump_last_activity(store, to18(rec.fields.get("WhatId") or "") or None, rec.fields["ActivityDate"])

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        self._sync(store, rec)

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        self._sync(store, rec)

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """No side effects."""


def register_rules(store: SalesforceStore) -> None:
    """Attach every type's behaviour to a store."""
    store.rules.update(
        {
            "Opportunity": OpportunityRules(),
            "Task": TaskRules(),
            "Account": _Plain(),
            "Contact": _Plain(),
            "ContentVersion": ContentVersionRules(),
            "ContentDocument": ContentDocumentRules(),
            "ContentDocumentLink": ContentDocumentLinkRules(),
            "ContentNote": ContentNoteRules(),
            "Event": EventRules(),
            "EmailMessage": EmailMessageRules(),
        }
    )
