"""HubSpot's object types, default properties and association type ids, as the sandbox portal knows them.

Property names and enumeration options follow HubSpot's docs (Deals, Calls, Notes, Tasks, Emails,
Meetings, Contacts APIs); association ids follow `hubspot/crm/association_type.py` (HUBSPOT_DEFINED).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .hubspot_errors import validation_error
from .hubspot_values import iso_ms


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: plural API name, `0-x` type id, singular name used in v3 association labels."""

    name: str
    type_id: str
    singular: str
    created_property: str
    modified_property: str
    defaults: tuple[str, ...]
    required_on_create: tuple[str, ...] = ()
    searchable: tuple[str, ...] = ()


_ENGAGEMENT_DEFAULTS = ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")

OBJECT_TYPES: dict[str, ObjectType] = {
    t.name: t
    for t in (
        ObjectType(
            "contacts",
            "0-1",
            "contact",
            "createdate",
            "lastmodifieddate",
            ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"),
            searchable=("email", "firstname", "lastname", "company"),
        ),
        ObjectType(
            "deals",
            "0-3",
            "deal",
            "createdate",
            "hs_lastmodifieddate",
            (
                "amount",
                "closedate",
                "createdate",
                "dealname",
                "dealstage",
                "hs_lastmodifieddate",
                "hs_object_id",
                "pipeline",
            ),
            searchable=("dealname",),
        ),
        ObjectType(
            "tasks",
            "0-27",
            "task",
            "hs_createdate",
            "hs_lastmodifieddate",
            _ENGAGEMENT_DEFAULTS,
            ("hs_timestamp",),
            ("hs_task_subject", "hs_task_body"),
        ),
        ObjectType(
            "notes",
            "0-46",
            "note",
            "hs_createdate",
            "hs_lastmodifieddate",
            _ENGAGEMENT_DEFAULTS,
            ("hs_timestamp",),
            ("hs_note_body",),
        ),
        ObjectType(
            "meetings",
            "0-47",
            "meeting",
            "hs_createdate",
            "hs_lastmodifieddate",
            _ENGAGEMENT_DEFAULTS,
            ("hs_timestamp",),
            ("hs_meeting_title", "hs_meeting_body"),
        ),
        ObjectType(
            "calls",
            "0-48",
            "call",
            "hs_createdate",
            "hs_lastmodifieddate",
            _ENGAGEMENT_DEFAULTS,
            ("hs_timestamp",),
            ("hs_call_title", "hs_call_body"),
        ),
        ObjectType(
            "emails",
            "0-49",
            "email",
            "hs_createdate",
            "hs_lastmodifieddate",
            _ENGAGEMENT_DEFAULTS,
            ("hs_timestamp",),
            ("hs_email_subject", "hs_email_text"),
        ),
    )
}
_BY_ALIAS = {alias.lower(): t for t in OBJECT_TYPES.values() for alias in (t.name, t.type_id, t.singular)}

# Engagement types whose creation moves a deal's "last activity date" (notes_last_updated).
ACTIVITY_TYPES = frozenset({"calls", "notes", "emails", "meetings"})


def resolve_object_type(raw: str) -> ObjectType | None:
    """Map `deals`, `deal`, `DEALS` or `0-3` to the object type, like HubSpot's path parsing."""
    return _BY_ALIAS.get(raw.strip().lower())


# (from, to, from→to id, to→from id), HUBSPOT_DEFINED.
_DEFINED_PAIRS: tuple[tuple[str, str, int, int], ...] = (
    ("deals", "contacts", 3, 4),
    ("calls", "contacts", 194, 193),
    ("emails", "contacts", 198, 197),
    ("meetings", "contacts", 200, 199),
    ("notes", "contacts", 202, 201),
    ("tasks", "contacts", 204, 203),
    ("calls", "deals", 206, 205),
    ("emails", "deals", 210, 209),
    ("meetings", "deals", 212, 211),
    ("notes", "deals", 214, 213),
    ("tasks", "deals", 216, 215),
    ("calls", "meetings", 399, 400),
)


def _build_type_ids() -> dict[tuple[str, str], int]:
    ids: dict[tuple[str, str], int] = {}
    for a, b, ab, ba in _DEFINED_PAIRS:
        ids[(a, b)], ids[(b, a)] = ab, ba
    return ids


# Only the pairs HubSpot defines: a pair without a default type (e.g. note↔call) is refused, never invented.
DEFAULT_TYPE_IDS = _build_type_ids()


def default_type_id(from_type: str, to_type: str) -> int | None:
    """HUBSPOT_DEFINED unlabelled association type id from one object type to another, if HubSpot has one."""
    return DEFAULT_TYPE_IDS.get((from_type, to_type))


def require_default_type_id(from_type: str, to_type: str) -> int:
    """The pair's default type id, or the 400 HubSpot answers when it defines none for the pair."""
    type_id = default_type_id(from_type, to_type)
    if type_id is None:
        raise validation_error(
            f"No default association type exists from {OBJECT_TYPES[from_type].singular.upper()} "
            f"to {OBJECT_TYPES[to_type].singular.upper()}."
        )
    return type_id


def inverse_type_id(from_type: str, to_type: str, type_id: int, category: str) -> int:
    """The id stored on the reverse edge: the paired HubSpot id, or the same id for labels we don't pair."""
    back = DEFAULT_TYPE_IDS.get((to_type, from_type))
    if category == "HUBSPOT_DEFINED" and back is not None and type_id == DEFAULT_TYPE_IDS.get((from_type, to_type)):
        return back
    return type_id


def v3_association_name(from_type: str, to_type: str) -> str:
    """The `type` string in v3 `associations` blocks, e.g. `call_to_deal`."""
    return f"{OBJECT_TYPES[from_type].singular}_to_{OBJECT_TYPES[to_type].singular}"


def prop(
    name: str,
    label: str,
    type_: str = "string",
    field_type: str = "text",
    group: str = "",
    *,
    options: list[tuple[str, str]] | None = None,
    read_only: bool = False,
    calculated: bool = False,
    hubspot_defined: bool = True,
    description: str = "",
) -> dict[str, Any]:
    """A property definition in the Properties API wire format (`ModelProperty`)."""
    return {
        "name": name,
        "label": label,
        "type": type_,
        "fieldType": field_type,
        "description": description,
        "groupName": group,
        "options": [
            {"label": lbl, "value": val, "displayOrder": i, "hidden": False}
            for i, (val, lbl) in enumerate(options or [])
        ],
        "displayOrder": -1,
        "calculated": calculated,
        "externalOptions": False,
        "hasUniqueValue": name == "hs_object_id",
        "hidden": False,
        "hubspotDefined": hubspot_defined,
        "modificationMetadata": {
            "archivable": not hubspot_defined,
            "readOnlyDefinition": hubspot_defined,
            "readOnlyValue": read_only,
        },
        "formField": not read_only,
    }


def _common(group: str, created: str, modified: str) -> list[dict[str, Any]]:
    return [
        prop("hs_object_id", "Record ID", "number", "number", group, read_only=True),
        prop(created, "Create Date", "datetime", "date", group),
        prop(modified, "Last Modified Date", "datetime", "date", group, read_only=True),
        prop("hubspot_owner_id", "Owner", "enumeration", "select", group),
    ]


_TASK_STATUS = [
    ("NOT_STARTED", "Not started"),
    ("IN_PROGRESS", "In progress"),
    ("WAITING", "Waiting"),
    ("DEFERRED", "Deferred"),
    ("COMPLETED", "Completed"),
]
_DIRECTION = [("INBOUND", "Inbound"), ("OUTBOUND", "Outbound")]


def _engagement(group: str) -> list[dict[str, Any]]:
    return _common(group, "hs_createdate", "hs_lastmodifieddate") + [
        prop("hs_timestamp", "Activity date", "datetime", "date", group),
        prop(
            "hs_attachment_ids",
            "Attachment IDs",
            "string",
            "text",
            group,
            description="Semicolon-separated File Manager ids",
        ),
    ]


def default_properties() -> dict[str, list[dict[str, Any]]]:
    """The properties a fresh HubSpot portal has for each object type DealCoach touches."""
    deal = "dealinformation"
    deals = _common(deal, "createdate", "hs_lastmodifieddate") + [
        prop("dealname", "Deal Name", group=deal),
        prop("dealstage", "Deal Stage", "enumeration", "radio", deal),
        prop("pipeline", "Pipeline", "enumeration", "select", deal),
        prop("amount", "Amount", "number", "number", deal),
        prop("closedate", "Close Date", "datetime", "date", deal),
        prop(
            "dealtype",
            "Deal Type",
            "enumeration",
            "radio",
            deal,
            options=[("newbusiness", "New Business"), ("existingbusiness", "Existing Business")],
        ),
        prop("description", "Deal Description", "string", "textarea", deal),
        prop("notes_last_updated", "Last Activity Date", "datetime", "date", deal, read_only=True, calculated=True),
        prop("notes_last_contacted", "Last Contacted", "datetime", "date", deal, read_only=True, calculated=True),
        prop(
            "notes_next_activity_date", "Next Activity Date", "datetime", "date", deal, read_only=True, calculated=True
        ),
        prop("num_notes", "Number of Sales Activities", "number", "number", deal, read_only=True, calculated=True),
        prop(
            "hs_last_sales_activity_timestamp",
            "Last Engagement Date",
            "datetime",
            "date",
            deal,
            read_only=True,
            calculated=True,
        ),
        prop(
            "hs_is_closed",
            "Is Deal Closed?",
            "bool",
            "booleancheckbox",
            deal,
            options=[("true", "True"), ("false", "False")],
            read_only=True,
            calculated=True,
        ),
        prop(
            "hs_is_closed_won",
            "Is Closed Won",
            "bool",
            "booleancheckbox",
            deal,
            options=[("true", "True"), ("false", "False")],
            read_only=True,
            calculated=True,
        ),
        prop(
            "hs_deal_stage_probability", "Deal probability", "number", "number", deal, read_only=True, calculated=True
        ),
    ]
    calls = _engagement("call") + [
        prop("hs_call_title", "Call Title", group="call"),
        prop("hs_call_body", "Call notes", "string", "textarea", "call"),
        prop("hs_call_direction", "Call direction", "enumeration", "select", "call", options=_DIRECTION),
        prop("hs_call_duration", "Call duration", "number", "number", "call"),
        prop(
            "hs_call_status",
            "Call status",
            "enumeration",
            "select",
            "call",
            options=[
                (s, s.title())
                for s in (
                    "BUSY",
                    "CALLING_CRM_USER",
                    "CANCELED",
                    "COMPLETED",
                    "CONNECTING",
                    "FAILED",
                    "IN_PROGRESS",
                    "MISSED",
                    "NO_ANSWER",
                    "QUEUED",
                    "RINGING",
                )
            ],
        ),
        prop("hs_call_disposition", "Call outcome", "string", "text", "call"),
        prop("hs_call_recording_url", "Recording URL", group="call"),
        prop("hs_call_from_number", "From number", group="call"),
        prop("hs_call_to_number", "To number", group="call"),
    ]
    notes = _engagement("note") + [prop("hs_note_body", "Note body", "string", "html", "note")]
    tasks = _engagement("task") + [
        prop("hs_task_subject", "Task Title", group="task"),
        prop("hs_task_body", "Notes", "string", "html", "task"),
        prop("hs_task_status", "Task Status", "enumeration", "select", "task", options=_TASK_STATUS),
        prop(
            "hs_task_priority",
            "Priority",
            "enumeration",
            "select",
            "task",
            options=[("NONE", "None"), ("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High")],
        ),
        prop(
            "hs_task_type",
            "Task Type",
            "enumeration",
            "select",
            "task",
            options=[("EMAIL", "Email"), ("CALL", "Call"), ("TODO", "To-do")],
        ),
        prop("hs_task_reminders", "Reminders", "string", "text", "task"),
        prop("hs_task_completion_date", "Completed at", "datetime", "date", "task", read_only=True, calculated=True),
    ]
    emails = _engagement("email") + [
        prop("hs_email_subject", "Email subject", group="email"),
        prop("hs_email_text", "Email body", "string", "textarea", "email"),
        prop("hs_email_html", "Email HTML body", "string", "html", "email"),
        prop(
            "hs_email_direction",
            "Email direction",
            "enumeration",
            "select",
            "email",
            options=[("EMAIL", "Logged email"), ("INCOMING_EMAIL", "Incoming"), ("FORWARDED_EMAIL", "Forwarded")],
        ),
        prop(
            "hs_email_status",
            "Email status",
            "enumeration",
            "select",
            "email",
            options=[(s, s.title()) for s in ("BOUNCED", "FAILED", "SCHEDULED", "SENDING", "SENT")],
        ),
    ]
    meetings = _engagement("meeting") + [
        prop("hs_meeting_title", "Meeting name", group="meeting"),
        prop("hs_meeting_body", "Meeting description", "string", "html", "meeting"),
        prop("hs_meeting_start_time", "Start time", "datetime", "date", "meeting"),
        prop("hs_meeting_end_time", "End time", "datetime", "date", "meeting"),
        prop(
            "hs_meeting_outcome",
            "Meeting outcome",
            "enumeration",
            "select",
            "meeting",
            options=[(s, s.title()) for s in ("SCHEDULED", "COMPLETED", "RESCHEDULED", "NO_SHOW", "CANCELED")],
        ),
        prop("hs_meeting_location", "Location", group="meeting"),
    ]
    contact = "contactinformation"
    contacts = _common(contact, "createdate", "lastmodifieddate") + [
        prop("hs_lastmodifieddate", "Object last modified date/time", "datetime", "date", contact, read_only=True),
        prop("email", "Email", group=contact),
        prop("firstname", "First Name", group=contact),
        prop("lastname", "Last Name", group=contact),
        prop("company", "Company Name", group=contact),
        prop("phone", "Phone Number", group=contact),
        prop("jobtitle", "Job Title", group=contact),
    ]
    return {
        "deals": deals,
        "calls": calls,
        "notes": notes,
        "tasks": tasks,
        "emails": emails,
        "meetings": meetings,
        "contacts": contacts,
    }


def association_spec(spec: Any) -> tuple[str, int]:
    """(associationCategory, associationTypeId) of an association spec, or 400 when malformed."""
    if not isinstance(spec, dict):
        raise validation_error("Each association type must be an object")
    raw = spec.get("associationTypeId")
    if isinstance(raw, bool) or not str(raw).isdigit():
        raise validation_error(f"associationTypeId must be an integer; got {raw!r}")
    return str(spec.get("associationCategory", "")), int(str(raw))


def custom_property(body: dict[str, Any], created_ms: int) -> dict[str, Any]:
    """A portal-defined property in `ModelProperty` shape, from a Properties API create body."""
    d = prop(
        body["name"],
        body.get("label", body["name"]),
        body.get("type", "string"),
        body.get("fieldType", "text"),
        body.get("groupName", ""),
        options=[(o["value"], o.get("label", o["value"])) for o in body.get("options") or []],
        hubspot_defined=False,
        description=body.get("description", ""),
    )
    d.update(
        createdAt=iso_ms(created_ms),
        updatedAt=iso_ms(created_ms),
        archived=False,
        hasUniqueValue=bool(body.get("hasUniqueValue", False)),
        hidden=bool(body.get("hidden", False)),
        formField=bool(body.get("formField", True)),
    )
    if body.get("displayOrder") is not None:
        d["displayOrder"] = body["displayOrder"]
    return d
