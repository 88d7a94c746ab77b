"""The sObjects the sandbox org models, their fields (type, createable, updateable, picklists, references) and
their describe output (`sobjects/{Type}/describe`, `sobjects`), built per org so custom fields follow the config.

Field types and flags follow Salesforce's object reference; only the fields DealCoach can plausibly use are modelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .salesforce_config import SalesforceSandboxConfig
from .salesforce_ids import KEY_PREFIXES_BY_TYPE

STRING_TYPES = {"string", "textarea", "picklist", "combobox", "email", "phone", "url"}
NUMBER_TYPES = {"double", "currency", "percent", "int"}
TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
CLOSED_TASK_STATUSES = {"Completed"}


@dataclass(frozen=True)
class FieldDef:
    """One field of an sObject, with the describe flags DealCoach relies on."""

    name: str
    type: str
    label: str
    createable: bool = True
    updateable: bool = True
    nillable: bool = True
    required: bool = False  # must be given on insert (not nillable and not defaulted)
    length: int = 0
    picklist: tuple[tuple[str, str], ...] = ()  # (value, label)
    restricted: bool = False
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    custom: bool = False
    external_id: bool = False
    unique: bool = False
    default: Any = None
    precision: int = 0
    scale: int = 0

    @property
    def polymorphic(self) -> bool:
        """A reference to several types (WhatId, WhoId, LinkedEntityId): SOQL sees it as the `Name` object."""
        return len(self.reference_to) > 1

    def picklist_values(self) -> set[str]:
        """The active values of a picklist."""
        return {v for v, _ in self.picklist}


@dataclass
class ObjectDef:
    """One sObject type: label, key prefix, fields in describe order, and which DML it allows."""

    name: str
    label: str
    label_plural: str
    fields: dict[str, FieldDef] = field(default_factory=dict)
    createable: bool = True
    updateable: bool = True
    deletable: bool = True

    @property
    def key_prefix(self) -> str:
        """The 3-character id prefix of this type's records."""
        return KEY_PREFIXES_BY_TYPE[self.name]

    def field(self, name: str) -> FieldDef | None:
        """A field by name, case-insensitively (as SOQL and the REST API match them)."""
        exact = self.fields.get(name)
        if exact is not None:
            return exact
        lower = name.lower()
        return next((f for n, f in self.fields.items() if n.lower() == lower), None)

    def relationship(self, name: str) -> FieldDef | None:
        """The reference field whose relationship name is `name` (e.g. Owner → OwnerId), case-insensitively."""
        lower = name.lower()
        return next((f for f in self.fields.values() if f.relationship and f.relationship.lower() == lower), None)


def _f(name: str, type_: str, label: str, **kw: Any) -> FieldDef:
    return FieldDef(name, type_, label, **kw)


def _ro(name: str, type_: str, label: str, **kw: Any) -> FieldDef:
    return FieldDef(name, type_, label, createable=False, updateable=False, **kw)


def _ref(name: str, label: str, to: tuple[str, ...], rel: str, **kw: Any) -> FieldDef:
    return FieldDef(name, "reference", label, length=18, reference_to=to, relationship=rel, **kw)


def _pick(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, v) for v in values)


def _system(audit: bool = True, modified: bool = True) -> list[FieldDef]:
    out = [
        _ro("Id", "id", "Record ID", nillable=False, length=18),
        _ro("IsDeleted", "boolean", "Deleted", nillable=False),
    ]
    if audit:
        out += [
            _ro("CreatedDate", "datetime", "Created Date", nillable=False),
            _ref("CreatedById", "Created By ID", ("User",), "CreatedBy", createable=False, updateable=False),
        ]
    if modified:
        out += [
            _ro("LastModifiedDate", "datetime", "Last Modified Date", nillable=False),
            _ref(
                "LastModifiedById",
                "Last Modified By ID",
                ("User",),
                "LastModifiedBy",
                createable=False,
                updateable=False,
            ),
        ]
    out.append(_ro("SystemModstamp", "datetime", "System Modstamp", nillable=False))
    return out


def _owner() -> FieldDef:
    return _ref("OwnerId", "Owner ID", ("User",), "Owner", nillable=False)


def _build(config: SalesforceSandboxConfig) -> list[ObjectDef]:
    stages = tuple((s["StageName"], s["StageName"]) for s in config.stages)
    objects = [
        ObjectDef(
            "Account",
            "取引先",
            "取引先",
            {
                f.name: f
                for f in [
                    *_system(),
                    _f("Name", "string", "Account Name", length=255, required=True, nillable=False),
                    _f("Industry", "string", "Industry", length=255),
                    _f("Phone", "phone", "Account Phone", length=40),
                    _f("Website", "url", "Website", length=255),
                    _owner(),
                ]
            },
        ),
        ObjectDef(
            "Contact",
            "取引先責任者",
            "取引先責任者",
            {
                f.name: f
                for f in [
                    *_system(),
                    _ref("AccountId", "Account ID", ("Account",), "Account"),
                    _f("LastName", "string", "Last Name", length=80, required=True, nillable=False),
                    _f("FirstName", "string", "First Name", length=40),
                    _ro("Name", "string", "Full Name", length=121),
                    _f("Email", "email", "Email", length=80),
                    _f("Phone", "phone", "Business Phone", length=40),
                    _f("Title", "string", "Title", length=128),
                    _owner(),
                ]
            },
        ),
        ObjectDef(
            "User",
            "ユーザ",
            "ユーザ",
            {
                f.name: f
                for f in [
                    *_system(),
                    _ro("Username", "string", "Username", length=80),
                    _ro("LastName", "string", "Last Name"),
                    _ro("FirstName", "string", "First Name"),
                    _ro("Name", "string", "Full Name", length=121),
                    _ro("Email", "email", "Email", length=128),
                    _ro("Alias", "string", "Alias", length=8),
                    _ro("IsActive", "boolean", "Active"),
                    _ro("Title", "string", "Title", length=80),
                    _ro("Department", "string", "Department", length=80),
                    _ro("TimeZoneSidKey", "picklist", "Time Zone"),
                    _ro("LocaleSidKey", "picklist", "Locale"),
                    _ro("LanguageLocaleKey", "picklist", "Language"),
                    _ref("ManagerId", "Manager ID", ("User",), "Manager", createable=False, updateable=False),
                ]
            },
            createable=False,
            updateable=False,
            deletable=False,
        ),
        ObjectDef(
            "Opportunity",
            "商談",
            "商談",
            {
                f.name: f
                for f in [
                    *_system(),
                    _ref("AccountId", "Account ID", ("Account",), "Account"),
                    _f("Name", "string", "Name", length=120, required=True, nillable=False),
                    _f("Description", "textarea", "Description", length=32000),
                    _f(
                        "StageName",
                        "picklist",
                        "Stage",
                        picklist=stages,
                        required=True,
                        nillable=False,
                        restricted=True,
                    ),
                    _f("Amount", "currency", "Amount", precision=18, scale=2),
                    _f("Probability", "percent", "Probability (%)", precision=3, scale=0),
                    _f("CloseDate", "date", "Close Date", required=True, nillable=False),
                    _f("NextStep", "string", "Next Step", length=255),
                    _ro("IsClosed", "boolean", "Closed", nillable=False),
                    _ro("IsWon", "boolean", "Won", nillable=False),
                    _f(
                        "ForecastCategoryName",
                        "picklist",
                        "Forecast Category",
                        picklist=_pick(("Omitted", "Pipeline", "Best Case", "Commit", "Closed")),
                    ),
                    _ro("HasOpenActivity", "boolean", "Has Open Activity", nillable=False),
                    _ro("HasOverdueTask", "boolean", "Has Overdue Task", nillable=False),
                    _ro("LastActivityDate", "date", "Last Activity"),
                    _owner(),
                ]
            },
        ),
        ObjectDef(
            "OpportunityHistory",
            "商談履歴",
            "商談履歴",
            {
                f.name: f
                for f in [
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
                    _ro("StageName", "picklist", "Stage", picklist=stages),
                    _ro("Amount", "currency", "Amount"),
                    _ro("Probability", "percent", "Probability (%)"),
                    _ro("CloseDate", "date", "Close Date"),
                    _ro("ForecastCategory", "picklist", "Forecast Category"),
                    _ro("PrevAmount", "currency", "Previous Amount"),
                    _ro("PrevCloseDate", "date", "Previous Close Date"),
                ]
            },
            createable=False,
            updateable=False,
            deletable=False,
        ),
        ObjectDef(
            "Task",
            "ToDo",
            "ToDo",
            {
                f.name: f
                for f in [
                    *_system(),
                    _ref("WhoId", "Name ID", ("Contact", "Lead"), "Who"),
                    _ref("WhatId", "Related To ID", ("Opportunity", "Account"), "What"),
                    _f("Subject", "combobox", "Subject", length=255),
                    _f("ActivityDate", "date", "Due Date Only"),
                    _f(
                        "Status",
                        "picklist",
                        "Status",
                        picklist=_pick(TASK_STATUSES),
                        nillable=False,
                        restricted=True,
                        default="Not Started",
                    ),
                    _f(
                        "Priority",
                        "picklist",
                        "Priority",
                        picklist=_pick(("High", "Normal", "Low")),
                        nillable=False,
                        restricted=True,
                        default="Normal",
                    ),
                    _owner(),
                    _f("Description", "textarea", "Comments", length=32000),
                    _ro("IsClosed", "boolean", "Closed", nillable=False),
                    _f(
                        "TaskSubtype",
                        "picklist",
                        "Task Subtype",
                        updateable=False,
                        picklist=_pick(("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn")),
                        restricted=True,
                        default="Task",
                    ),
                    _f("CallDurationInSeconds", "int", "Call Duration", precision=8),
                    _f(
                        "CallType",
                        "picklist",
                        "Call Type",
                        picklist=_pick(("Internal", "Inbound", "Outbound")),
                        restricted=True,
                    ),
                    _f("CallDisposition", "string", "Call Result", length=255),
                    _f("CallObject", "string", "Call Object Identifier", length=255),
                    _f("ReminderDateTime", "datetime", "Reminder Date/Time"),
                    _f("IsReminderSet", "boolean", "Reminder Set", nillable=False, default=False),
                    _ro("CompletedDateTime", "datetime", "Completed Date/Time"),
                ]
            },
        ),
        ObjectDef(
            "ContentDocument",
            "ファイル",
            "ファイル",
            {
                f.name: f
                for f in [
                    *_system(),
                    _f("Title", "string", "Title", length=255, nillable=False),
                    _f("Description", "textarea", "Description", length=1000),
                    _ref(
                        "LatestPublishedVersionId",
                        "Latest Published Version ID",
                        ("ContentVersion",),
                        "LatestPublishedVersion",
                        createable=False,
                        updateable=False,
                    ),
                    _ro("FileType", "string", "File Type", length=20),
                    _ro("FileExtension", "string", "File Extension"),
                    _ro("ContentSize", "int", "Size"),
                    _owner(),
                ]
            },
            createable=False,
        ),
        ObjectDef(
            "ContentVersion",
            "コンテンツバージョン",
            "コンテンツバージョン",
            {
                f.name: f
                for f in [
                    *_system(),
                    _ref(
                        "ContentDocumentId",
                        "ContentDocument ID",
                        ("ContentDocument",),
                        "ContentDocument",
                        updateable=False,
                    ),
                    _ro("IsLatest", "boolean", "Is Latest", nillable=False),
                    _ro("VersionNumber", "string", "Version Number", length=20),
                    _f("Title", "string", "Title", length=255, nillable=False),
                    _f("Description", "textarea", "Description", length=1000),
                    _f("ReasonForChange", "string", "Reason For Change", length=1000),
                    _f("PathOnClient", "string", "Path On Client", length=500, updateable=False),
                    _f("VersionData", "base64", "Version Data", updateable=False),
                    _ro("FileType", "string", "File Type", length=20),
                    _ro("FileExtension", "string", "File Extension"),
                    _ro("ContentSize", "int", "Size"),
                    _ro("Checksum", "string", "Checksum", length=50),
                    _ref(
                        "FirstPublishLocationId",
                        "First Publish Location ID",
                        ("User", "Opportunity", "Task", "Account"),
                        "FirstPublishLocation",
                        updateable=False,
                    ),
                    _owner(),
                ]
            },
            deletable=False,
        ),
        ObjectDef(
            "ContentDocumentLink",
            "ContentDocument リンク",
            "ContentDocument リンク",
            {
                f.name: f
                for f in [
                    *_system(audit=False, modified=False),
                    _ref(
                        "LinkedEntityId",
                        "Linked Entity ID",
                        ("User", "Opportunity", "Task", "Account", "Contact"),
                        "LinkedEntity",
                        updateable=False,
                        required=True,
                        nillable=False,
                    ),
                    _ref(
                        "ContentDocumentId",
                        "ContentDocument ID",
                        ("ContentDocument",),
                        "ContentDocument",
                        updateable=False,
                        required=True,
                        nillable=False,
                    ),
                    _f(
                        "ShareType",
                        "picklist",
                        "Share Type",
                        picklist=(("V", "Viewer"), ("C", "Collaborator"), ("I", "Inferred")),
                        restricted=True,
                        default="V",
                    ),
                    _f(
                        "Visibility",
                        "picklist",
                        "Visibility",
                        picklist=_pick(("AllUsers", "InternalUsers", "SharedUsers")),
                        restricted=True,
                        default="AllUsers",
                    ),
                ]
            },
        ),
        ObjectDef(
            "ContentNote",
            "メモ",
            "メモ",
            {
                f.name: f
                for f in [
                    *_system(),
                    _f("Title", "string", "Title", length=255, required=True, nillable=False),
                    _f("Content", "base64", "Content"),
                    _ro("TextPreview", "string", "Text Preview", length=255),
                    _ro("FileType", "string", "File Type"),
                    _ro("FileExtension", "string", "File Extension"),
                    _ro("ContentSize", "int", "Size"),
                    _ref(
                        "LatestPublishedVersionId",
                        "Latest Published Version ID",
                        ("ContentVersion",),
                        "LatestPublishedVersion",
                        createable=False,
                        updateable=False,
                    ),
                    _ro("IsReadOnly", "boolean", "Is Read Only"),
                    _owner(),
                ]
            },
        ),
    ]
    from .salesforce_report_objects import report_objects  # it builds on this module's field helpers

    objects += report_objects(stages)
    from .salesforce_custom_metadata import custom_metadata_objects  # it builds on this module's FieldDef

    objects += custom_metadata_objects()
    by_name = {o.name: o for o in objects}
    for sobject, specs in config.custom_fields.items():
        if sobject not in by_name:
            raise ValueError(f"custom_fields: unknown sObject {sobject!r}")
        for spec in specs:
            fd = custom_field(spec)
            by_name[sobject].fields[fd.name] = fd
    return objects


def custom_field(spec: dict[str, Any]) -> FieldDef:
    """A custom field from a describe-style spec (`name` ending in `__c`, `type`, `label`, ...)."""
    name = str(spec.get("name", ""))
    if not name.endswith("__c"):
        raise ValueError(f"custom field names end in __c: {name!r}")
    values = tuple((str(v["value"]), str(v.get("label", v["value"]))) for v in spec.get("picklistValues", []))
    return FieldDef(
        name,
        str(spec.get("type", "string")),
        str(spec.get("label", name)),
        length=int(spec.get("length", 255 if spec.get("type", "string") == "string" else 0)),
        picklist=values,
        restricted=bool(spec.get("restricted", False)),
        custom=True,
        external_id=bool(spec.get("externalId", False)),
        unique=bool(spec.get("unique", False)),
        precision=int(spec.get("precision", 0)),
        scale=int(spec.get("scale", 0)),
    )


class Schema:
    """The org's sObject types, looked up case-insensitively like the API does."""

    def __init__(self, config: SalesforceSandboxConfig) -> None:
        self.objects = {o.name: o for o in _build(config)}
        self._configured = {name: dict(o.fields) for name, o in self.objects.items()}

    def make_read_only(self, sobject: str, names: list[str]) -> list[str]:
        """Field-level security "Read" (not "Edit") for the API user: describe shows `createable` and `updateable`
        false, and DML naming the field fails with INVALID_FIELD_FOR_INSERT_UPDATE. Returns the fields' API names."""
        obj = self.get(sobject)
        if obj is None:
            raise KeyError(sobject)
        done = []
        for name in names:
            fd = obj.field(name)
            if fd is None:
                raise KeyError(name)
            obj.fields[fd.name] = replace(fd, createable=False, updateable=False)
            done.append(fd.name)
        return done

    def reset_security(self) -> None:
        """Every field back to its configured access."""
        for name, fields in self._configured.items():
            self.objects[name].fields = dict(fields)

    def get(self, name: str) -> ObjectDef | None:
        """An sObject type by API name, any case."""
        exact = self.objects.get(name)
        if exact is not None:
            return exact
        return next((o for n, o in self.objects.items() if n.lower() == name.lower()), None)


def describe_field(fd: FieldDef) -> dict[str, Any]:
    """One entry of a describe's `fields`, with the keys clients read (Salesforce sends ~60 per field)."""
    return {
        "name": fd.name,
        "label": fd.label,
        "type": fd.type,
        "length": fd.length,
        "precision": fd.precision,
        "scale": fd.scale,
        "createable": fd.createable,
        "updateable": fd.updateable,
        "nillable": fd.nillable,
        "defaultedOnCreate": fd.default is not None or (not fd.createable and fd.name != "Id") or fd.name == "OwnerId",
        "defaultValue": fd.default if isinstance(fd.default, (str, bool)) else None,
        "custom": fd.custom,
        "externalId": fd.external_id,
        "unique": fd.unique,
        "idLookup": fd.name == "Id" or fd.external_id,
        "calculated": False,
        "filterable": fd.type != "base64" and not (fd.type == "textarea" and fd.length > 255),
        "sortable": fd.type not in {"base64", "textarea"},
        "restrictedPicklist": fd.restricted,
        "referenceTo": list(fd.reference_to),
        "relationshipName": fd.relationship,
        "polymorphicForeignKey": fd.polymorphic,
        "picklistValues": [
            {"active": True, "defaultValue": v == fd.default, "label": label, "validFor": None, "value": v}
            for v, label in fd.picklist
        ],
    }


def object_urls(obj: ObjectDef, base: str) -> dict[str, str]:
    """The `urls` block of describe and describeGlobal entries."""
    root = f"{base}/sobjects/{obj.name}"
    return {"rowTemplate": f"{root}/{{ID}}", "describe": f"{root}/describe", "sobject": root}


def global_entry(obj: ObjectDef, base: str) -> dict[str, Any]:
    """An object's entry in `GET sobjects` (describeGlobal) and `GET sobjects/{Type}`'s `objectDescribe`."""
    return {
        "name": obj.name,
        "label": obj.label,
        "labelPlural": obj.label_plural,
        "keyPrefix": obj.key_prefix,
        "custom": False,
        "createable": obj.createable,
        "updateable": obj.updateable,
        "deletable": obj.deletable,
        "queryable": True,
        "retrieveable": True,
        "searchable": True,
        "urls": object_urls(obj, base),
    }


def describe(obj: ObjectDef, base: str) -> dict[str, Any]:
    """`GET sobjects/{Type}/describe`: the object's flags and every field."""
    return {
        **global_entry(obj, base),
        "fields": [describe_field(f) for f in obj.fields.values()],
        "childRelationships": [],
        "recordTypeInfos": [],
    }
