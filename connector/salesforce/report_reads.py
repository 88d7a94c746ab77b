"""The manager report's reads from Salesforce, in SOQL: users (team = Department), OpportunityStage, opportunities
with OpportunityHistory and OpportunityFieldHistory, Tasks and Events on them; and the manager's digest Task.

Docs (Salesforce object reference): User.Department, OpportunityStage (SortOrder, DefaultProbability),
OpportunityHistory, OpportunityFieldHistory (Field, NewValue; needs Field History Tracking on DealCoach's fields, at
most 20 per object; long text is tracked without values, so checks hit/missed are not in Salesforce's history),
Task (TaskSubtype Email/Call, CompletedDateTime), Event (StartDateTime); ContentVersion.FirstPublishLocationId
attaches a file to the record it names. EmailMessage (Enhanced Email: Incoming, MessageDate, RelatedToId, ActivityId)
gives an email Task its direction: the Task an email logs carries none, so without EmailMessage every email Task
counts as sent and no reply is ever seen.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from connector.base import FatalCrmError
from connector.marker import find_marker, with_marker
from connector.report_records import (
    ActivityRecord,
    DealRecord,
    FieldChange,
    OwnerRecord,
    ReportRecords,
    StageRecord,
    TaskRecord,
)

Query = Callable[[str], list[dict[str, Any]]]
CHUNK = 200
KEY_FIELD = "DealCoach_Key__c"


def _at(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00").replace("+0000", "+00:00"))


def _noon(value: str | None) -> datetime | None:
    """A date-only field (CloseDate) as noon UTC: the same calendar day in every zone from UTC-11 to UTC+11."""
    return datetime.combine(date.fromisoformat(value), time(12), tzinfo=UTC) if value else None


def _ids(ids: Sequence[str]) -> str:
    """A SOQL IN list of record ids or API names: only letters, digits and underscores get in."""
    return ", ".join(f"'{i}'" for i in ids if i.replace("_", "").isalnum())


def _chunks(ids: Sequence[str]) -> list[Sequence[str]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _value(raw: Any) -> str | None:
    """A history value (anyType) in the string form HubSpot's history uses, so one collector reads both."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def read_report_records(
    query: Query, *, since: datetime, field_names: Mapping[str, str], due: Callable[[dict[str, Any]], datetime | None]
) -> ReportRecords:
    """Everything since `since`; `field_names` maps DealCoach's field names to the org's (DealCoach_Score__c …)."""
    users = query("SELECT Id, Name, Department FROM User WHERE IsActive = true ORDER BY Id")
    owners = tuple(
        OwnerRecord(u["Id"], u.get("Name") or u["Id"], u.get("Department") or "", u.get("Department") or "")
        for u in users
    )
    stage_rows = query(
        "SELECT ApiName, MasterLabel, SortOrder, DefaultProbability, IsClosed FROM OpportunityStage "
        "WHERE IsActive = true ORDER BY SortOrder"
    )
    stages = tuple(
        StageRecord(
            r["ApiName"],
            r.get("MasterLabel") or r["ApiName"],
            "default",
            int(r.get("SortOrder") or 0),
            None if r.get("DefaultProbability") is None else float(r["DefaultProbability"]) / 100,
            bool(r.get("IsClosed")),
        )
        for r in stage_rows
    )
    opps = query(
        "SELECT Id, Name, OwnerId, Amount, CreatedDate, CloseDate, IsClosed, IsWon, StageName, LastActivityDate "
        f"FROM Opportunity WHERE IsClosed = false OR CloseDate >= {since.date().isoformat()} ORDER BY Id"
    )
    ids = [o["Id"] for o in opps]
    ours = {sf: dc for dc, sf in field_names.items()}
    history: dict[str, dict[str, list[FieldChange]]] = {i: {} for i in ids}
    for part in _chunks(ids):
        for row in query(
            "SELECT OpportunityId, StageName, CreatedDate FROM OpportunityHistory "
            f"WHERE OpportunityId IN ({_ids(part)}) ORDER BY CreatedDate"
        ):
            history[row["OpportunityId"]].setdefault("dealstage", []).append(
                FieldChange(_at(row["CreatedDate"]) or since, row.get("StageName"))
            )
        fields = _ids(list(ours))
        for row in query(
            "SELECT OpportunityId, Field, NewValue, CreatedDate FROM OpportunityFieldHistory "
            f"WHERE OpportunityId IN ({_ids(part)}) AND Field IN ({fields}) ORDER BY CreatedDate"
        ):
            name = ours.get(row.get("Field") or "")
            if name:
                history[row["OpportunityId"]].setdefault(name, []).append(
                    FieldChange(_at(row["CreatedDate"]) or since, _value(row.get("NewValue")))
                )
    deals = tuple(
        DealRecord(
            id=o["Id"],
            name=o.get("Name") or "",
            owner_id=o.get("OwnerId"),
            amount=o.get("Amount"),
            created_at=_at(o.get("CreatedDate")) or since,
            stage=o.get("StageName") or "",
            pipeline="default",
            is_closed=bool(o.get("IsClosed")),
            is_won=bool(o.get("IsWon")),
            closed_at=_noon(o.get("CloseDate")) if o.get("IsClosed") else None,
            last_activity_at=_noon(o.get("LastActivityDate")),
            history={k: tuple(v) for k, v in history[o["Id"]].items()},
        )
        for o in opps
    )
    activities: list[ActivityRecord] = []
    tasks: list[TaskRecord] = []
    kinds = {"Email": "email", "Call": "call"}
    stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for part in _chunks(ids):
        emails = _email_directions(query, part, stamp)
        for row in query(
            "SELECT Id, WhatId, OwnerId, Subject, Status, TaskSubtype, ActivityDate, ReminderDateTime, Description, "
            f"CompletedDateTime, CreatedDate, {KEY_FIELD} FROM Task WHERE WhatId IN ({_ids(part)}) "
            f"AND CreatedDate >= {stamp}"
        ):
            key = row.get(KEY_FIELD) or find_marker(row.get("Description") or "")
            created = _at(row.get("CreatedDate")) or since
            if key:
                tasks.append(
                    TaskRecord(
                        key,
                        (row["WhatId"],),
                        row.get("OwnerId"),
                        created,
                        due(row),
                        _at(row.get("CompletedDateTime")),
                        row.get("Status"),
                    )
                )
                continue
            subtype = row.get("TaskSubtype") or "Task"
            if subtype == "Task" and row.get("Status") != "Completed":
                continue
            email = emails.get(row["Id"]) if subtype == "Email" else None
            activities.append(
                ActivityRecord(
                    type=kinds.get(subtype, "task_completed"),  # type: ignore[arg-type]
                    at=(email[1] if email else None) or _at(row.get("CompletedDateTime")) or created,
                    deal_ids=(row["WhatId"],),
                    owner_id=row.get("OwnerId"),
                    direction=(email[0] if email else "out") if subtype == "Email" else None,
                    has_content=bool((row.get("Description") or "").strip()),
                )
            )
        for row in query(
            "SELECT Id, WhatId, OwnerId, StartDateTime, Description FROM Event "
            f"WHERE WhatId IN ({_ids(part)}) AND StartDateTime >= {stamp}"
        ):
            at = _at(row.get("StartDateTime"))
            if at is not None:
                activities.append(
                    ActivityRecord(
                        "meeting",
                        at,
                        (row["WhatId"],),
                        row.get("OwnerId"),
                        None,
                        bool((row.get("Description") or "").strip()),
                    )
                )
    return ReportRecords(owners=owners, stages=stages, deals=deals, activities=tuple(activities), tasks=tuple(tasks))


def _email_directions(query: Query, opp_ids: Sequence[str], since: str) -> dict[str, tuple[str, datetime | None]]:
    """Email Task id → ("in" | "out", when the email was sent or received), from the EmailMessages on the deals; an
    org without EmailMessage (neither Enhanced Email nor Email-to-Case) or without access to it gives none."""
    try:
        rows = query(
            "SELECT ActivityId, Incoming, MessageDate FROM EmailMessage "
            f"WHERE RelatedToId IN ({_ids(opp_ids)}) AND MessageDate >= {since}"
        )
    except FatalCrmError:
        return {}
    return {
        r["ActivityId"]: ("in" if r.get("Incoming") else "out", _at(r.get("MessageDate")))
        for r in rows
        if r.get("ActivityId")
    }


def post_digest(
    query: Query,
    create: Callable[[str, dict[str, Any]], str],
    *,
    key: str,
    owner_id: str,
    subject: str,
    body: str,
    file_name: str,
    html: str,
    day: date,
) -> str:
    """The manager's digest Task with the report attached (ContentVersion published to it), once per key."""
    if not key.replace("/", "").replace(":", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"unexpected digest key {key!r}")
    existing = query(f"SELECT Id FROM Task WHERE {KEY_FIELD} = '{key}' LIMIT 1")
    if existing:
        return str(existing[0]["Id"])
    task_id = create(
        "Task",
        {
            "Subject": subject[:255],
            "Description": with_marker(body, key, html=False),
            "OwnerId": owner_id,
            "ActivityDate": day.isoformat(),
            "Status": "Not Started",
            "Priority": "Normal",
            KEY_FIELD: key,
        },
    )
    create(
        "ContentVersion",
        {
            "Title": file_name.rsplit(".", 1)[0],
            "PathOnClient": file_name,
            "FirstPublishLocationId": task_id,
            "VersionData": base64.b64encode(html.encode("utf-8")).decode(),
        },
    )
    return task_id
