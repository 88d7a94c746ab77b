"""The sObjects a manager report reads besides opportunities and tasks: OpportunityStage (the stage picklist with
its probabilities), OpportunityFieldHistory (field history tracking) and Event (meetings).

Salesforce's object reference, as modelled here:
- OpportunityStage (sforce_api_objects_opportunitystage.htm): ApiName, MasterLabel, SortOrder, DefaultProbability,
  ForecastCategoryName, IsActive, IsClosed, IsWon; read-only through the API.
- OpportunityFieldHistory (sforce_api_objects_opportunityfieldhistory.htm): OpportunityId, Field, DataType, OldValue,
  NewValue (anyType), CreatedDate, CreatedById; read-only; one row per change of a field whose history is tracked, and
  a row with Field "created" when the record is created. Field History Tracking (Help, "Field History Tracking"):
  at most 20 tracked fields per object; changes to fields longer than 255 characters are tracked as edited with no
  old or new value.
- Event (sforce_api_objects_event.htm): WhatId, WhoId, OwnerId, Subject, StartDateTime, EndDateTime,
  ActivityDateTime, ActivityDate, DurationInMinutes, Description; an event updates its record's LastActivityDate.
- EmailMessage (sforce_api_objects_emailmessage.htm; Enhanced Email, on for most orgs): Incoming ("whether the email
  was received (true) or sent (false)", defaulted on create), MessageDate, RelatedToId (one opportunity, account,
  campaign or case: EmailMessageRelation's reference), Subject, TextBody, FromAddress, ToAddress, Status (picklist
  0 New … 5 Draft), ActivityId ("can only be specified for emails on cases. It's auto-created for other entities"):
  an email related to an opportunity gets a Task of subtype Email on it, which the EmailMessage names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .salesforce_schema import FieldDef, ObjectDef, _f, _owner, _pick, _ref, _ro, _system
from .salesforce_store import Actor, Record, SalesforceStore
from .salesforce_values import now, to_json

LONG_TEXT = 255


def report_objects(stages: tuple[tuple[str, str], ...]) -> list[ObjectDef]:
    """The report's types, to add to the org's schema."""
    fields_of = lambda defs: {f.name: f for f in defs}  # noqa: E731
    return [
        ObjectDef(
            "OpportunityStage",
            "商談フェーズ",
            "商談フェーズ",
            fields_of(
                [
                    *_system(),
                    _ro("ApiName", "string", "API Name", length=255),
                    _ro("MasterLabel", "string", "Master Label", length=255),
                    _ro("SortOrder", "int", "Sort Order"),
                    _ro("DefaultProbability", "percent", "Probability (%)"),
                    _ro("ForecastCategoryName", "picklist", "Forecast Category"),
                    _ro("IsActive", "boolean", "Active", nillable=False),
                    _ro("IsClosed", "boolean", "Closed", nillable=False),
                    _ro("IsWon", "boolean", "Won", nillable=False),
                ]
            ),
            createable=False,
            updateable=False,
            deletable=False,
        ),
        ObjectDef(
            "OpportunityFieldHistory",
            "商談項目履歴",
            "商談項目履歴",
            fields_of(
                [
                    *_system(modified=False),
                    _ref(
                        "OpportunityId",
                        "Opportunity ID",
                        ("Opportunity",),
                        "Opportunity",
                        createable=False,
                        updateable=False,
                        nillable=False,
                    ),
                    _ro("Field", "picklist", "Changed Field"),
                    _ro("DataType", "string", "Data Type", length=255),
                    _ro("OldValue", "anyType", "Old Value"),
                    _ro("NewValue", "anyType", "New Value"),
                ]
            ),
            createable=False,
            updateable=False,
            deletable=False,
        ),
        ObjectDef(
            "Event",
            "行動",
            "行動",
            fields_of(
                [
                    *_system(),
                    _ref("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
                    _ref("WhatId", "Related To ID", ("Opportunity", "Account"), "What"),
                    _f("Subject", "combobox", "Subject", length=255),
                    _f("StartDateTime", "datetime", "Start Date Time"),
                    _f("EndDateTime", "datetime", "End Date Time"),
                    _f("ActivityDateTime", "datetime", "Due Date Time"),
                    _ro("ActivityDate", "date", "Due Date Only"),
                    _f("DurationInMinutes", "int", "Duration", precision=8),
                    _f("Description", "textarea", "Description", length=32000),
                    _f("ShowAs", "picklist", "Show Time As", picklist=_pick(("Busy", "OutOfOffice", "Free"))),
                    _owner(),
                ]
            ),
        ),
        email_message_object(),
    ]


def email_message_object() -> ObjectDef:
    """EmailMessage as an org with Enhanced Email describes it (the fields the report reads and a sender writes)."""
    defs = [
        *_system(),
        _ref("ActivityId", "Activity ID", ("Task",), "Activity", createable=False, updateable=False),
        _ref("RelatedToId", "Related To ID", ("Opportunity", "Account"), "RelatedTo"),
        _f("Incoming", "boolean", "Is Incoming", nillable=False, default=False, updateable=False),
        _f("MessageDate", "datetime", "Message Date"),
        _f("Subject", "string", "Subject", length=3000),
        _f("TextBody", "textarea", "Text Body", length=32000),
        _f("FromAddress", "email", "From Address", length=1000),
        _f("ToAddress", "string", "To Address", length=4000),
        _f(
            "Status",
            "picklist",
            "Status",
            picklist=(("0", "New"), ("1", "Read"), ("2", "Replied"), ("3", "Sent"), ("4", "Forwarded"), ("5", "Draft")),
        ),  # fmt: skip
    ]
    return ObjectDef("EmailMessage", "メール メッセージ", "メール メッセージ", {f.name: f for f in defs})


class EmailMessageRules:
    """Enhanced Email: an email on an opportunity gets its activity, a completed Task of subtype Email owned by the
    sender, dated by MessageDate; the EmailMessage's ActivityId names it."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        what = rec.fields.get("RelatedToId")
        if not what:
            return
        at = rec.fields.get("MessageDate") or rec.fields["CreatedDate"]
        rec.fields["MessageDate"] = at
        task = store.create(
            "Task",
            {
                "Subject": (rec.fields.get("Subject") or "")[:255],
                "TaskSubtype": "Email",
                "Status": "Completed",
                "WhatId": what,
                "OwnerId": actor.user_id,
                "ActivityDate": at.astimezone(store.tz).date().isoformat(),
                "CompletedDateTime": at.isoformat(),
                "Description": rec.fields.get("TextBody"),
            },
            actor,
            trusted=True,
        )
        rec.fields["ActivityId"] = task.id

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """Only drafts change; no side effects."""

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """The activity stays (Salesforce deletes the email, not the Task it logged)."""


def seed_stages(store: SalesforceStore) -> None:
    """One OpportunityStage row per configured stage, in sales-process order."""
    created = now()
    for order, stage in enumerate(store.config.stages, start=1):
        sid = store.ids.for_type("OpportunityStage")
        store.records["OpportunityStage"][sid] = Record(
            "OpportunityStage",
            sid,
            {
                "Id": sid,
                "IsDeleted": False,
                "CreatedDate": created,
                "CreatedById": None,
                "LastModifiedDate": created,
                "LastModifiedById": None,
                "SystemModstamp": created,
                "ApiName": stage["StageName"],
                "MasterLabel": stage.get("MasterLabel", stage["StageName"]),
                "SortOrder": order,
                "DefaultProbability": float(stage.get("Probability", 0)),
                "IsActive": True,
                "ForecastCategoryName": stage.get("ForecastCategoryName"),
                "IsClosed": bool(stage.get("IsClosed")),
                "IsWon": bool(stage.get("IsWon")),
            },
        )


def _history_row(
    store: SalesforceStore, opp: Record, actor: Actor, field: str, data_type: str, old: Any, new: Any, at: datetime
) -> None:
    hid = store.ids.for_type("OpportunityFieldHistory")
    store.put(
        Record(
            "OpportunityFieldHistory",
            hid,
            {
                "Id": hid,
                "IsDeleted": False,
                "OpportunityId": opp.id,
                "Field": field,
                "DataType": data_type,
                "OldValue": old,
                "NewValue": new,
                "CreatedDate": at,
                "CreatedById": actor.user_id,
                "SystemModstamp": at,
            },
        )
    )


def _recorded(fd: FieldDef | None, value: Any) -> Any:
    """What history keeps of a value: nothing for long text, the value otherwise."""
    if fd is None or value is None:
        return value
    if fd.type == "textarea" and fd.length > LONG_TEXT:
        return None
    return to_json(fd, value)  # anyType values come back as the field's own JSON form (dates as ISO strings)


def write_field_history(
    store: SalesforceStore, opp: Record, actor: Actor, old: dict[str, Any] | None, changed: set[str]
) -> None:
    """Rows for a created opportunity ("created") or for each changed field whose history the org tracks."""
    at = opp.fields.get("LastModifiedDate") or now()
    if old is None:
        _history_row(store, opp, actor, "created", "Text", None, None, opp.fields.get("CreatedDate") or at)
        return
    obj = store.object("Opportunity")
    for name in sorted(changed & set(store.config.field_history_tracked)):
        fd = obj.field(name)
        _history_row(
            store,
            opp,
            actor,
            name,
            fd.type if fd else "Text",
            _recorded(fd, old.get(name)),
            _recorded(fd, opp.fields.get(name)),
            at,
        )
