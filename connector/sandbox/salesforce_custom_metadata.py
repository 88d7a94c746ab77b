"""Custom metadata in the sandbox org: the `DealCoach_Setting__mdt` type DealCoach's package deploys, its records
read with SOQL like any sObject, and a control route standing in for a deploy or an admin's edit in Setup.

Salesforce (Help, "Access Custom Metadata Records Programmatically"; Metadata API, "Custom Metadata Types
(CustomObject)"): records of a `__mdt` type are queried with SOQL (`SELECT ... FROM X__mdt WHERE DeveloperName =
...`); DML on them is not allowed in the Partner or Enterprise APIs (here: REST insert, update and delete answer
INVALID_TYPE_FOR_OPERATION), they change through the Metadata API (a deploy) or Setup. Each record carries
DeveloperName, MasterLabel, Label, Language, NamespacePrefix and QualifiedApiName; long text area fields can be
selected but not filtered on. The standard-field set is **[approx]**: the object reference lists more, DealCoach
reads none of the others.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from .salesforce_errors import SfError
from .salesforce_schema import FieldDef, ObjectDef
from .salesforce_state import current
from .salesforce_store import Actor

bp = Blueprint("salesforce_custom_metadata", __name__)

SETTING_TYPE = "DealCoach_Setting__mdt"
# The custom fields of DealCoach_Setting__mdt as the package defines them (Text 255, Checkbox, Long Text Area
# 32768, Number(4, 0)); tests/admin/test_salesforce_package.py keeps this list and the package in step.
SETTING_FIELDS: tuple[tuple[str, str], ...] = (
    ("Language__c", "string"),
    ("Scorer__c", "string"),
    ("Rubric__c", "string"),
    ("Time_Zone__c", "string"),
    ("Stage_Tasks__c", "boolean"),
    ("Next_Action_Tasks__c", "boolean"),
    ("SLA_Enabled__c", "boolean"),
    ("SLA_Rules_JSON__c", "textarea"),
    ("Noise_Budget__c", "double"),
    ("Calendar_JSON__c", "textarea"),
    ("Stage_Maps_JSON__c", "textarea"),
    ("Manager_Id__c", "string"),
    ("Managers_JSON__c", "textarea"),
    ("Team_Managers_JSON__c", "textarea"),
    ("Redact_PII__c", "boolean"),
    ("Restore_PII_In_Note__c", "boolean"),
    ("Phrase_Hints__c", "textarea"),
    ("Recording_Hosts__c", "textarea"),
    ("Require_Session_Id__c", "boolean"),
)
_LENGTH = {"string": 255, "textarea": 32768, "boolean": 0, "double": 0}


def _custom(name: str, type_: str) -> FieldDef:
    label = name.removesuffix("__c").replace("_", " ")
    return FieldDef(
        name,
        type_,
        label,
        createable=False,
        updateable=False,
        nillable=type_ != "boolean",
        length=_LENGTH[type_],
        custom=True,
        default=False if type_ == "boolean" else None,
        precision=4 if type_ == "double" else 0,
    )


def custom_metadata_objects() -> list[ObjectDef]:
    """The `__mdt` types of an org with DealCoach's package: queryable, never DML-able through the data API."""
    standard = [
        FieldDef(
            "Id", "id", "Custom Metadata Record ID", createable=False, updateable=False, nillable=False, length=18
        ),
        FieldDef(
            "DeveloperName",
            "string",
            "Custom Metadata Record Name",
            createable=False,
            updateable=False,
            nillable=False,
            length=40,
        ),  # fmt: skip
        FieldDef("MasterLabel", "string", "Label", createable=False, updateable=False, nillable=False, length=40),
        FieldDef("Label", "string", "Label", createable=False, updateable=False, nillable=False, length=40),
        FieldDef("Language", "picklist", "Master Language", createable=False, updateable=False, length=40),
        FieldDef("NamespacePrefix", "string", "Namespace Prefix", createable=False, updateable=False, length=15),
        FieldDef(
            "QualifiedApiName",
            "string",
            "Qualified API Name",
            createable=False,
            updateable=False,
            nillable=False,
            length=70,
        ),  # fmt: skip
    ]
    fields = {f.name: f for f in [*standard, *(_custom(n, t) for n, t in SETTING_FIELDS)]}
    return [
        ObjectDef(SETTING_TYPE, "DealCoach Setting", "DealCoach Settings", fields, False, False, False),
    ]


def deploy_record(developer_name: str, values: dict[str, Any], label: str = "") -> dict[str, Any]:
    """Create or replace one record of DealCoach_Setting__mdt, as a deploy (or an edit in Setup) does."""
    sb = current()
    store = sb.store
    obj = store.object(SETTING_TYPE)
    unknown = sorted(k for k in values if obj.field(k) is None or not k.endswith("__c"))
    if unknown:
        raise SfError(400, "INVALID_FIELD", f"No such column '{unknown[0]}' on entity '{SETTING_TYPE}'")
    full = {
        "DeveloperName": developer_name,
        "MasterLabel": label or developer_name,
        "Label": label or developer_name,
        "Language": "en_US",
        "NamespacePrefix": None,
        "QualifiedApiName": developer_name,
        **{n: (False if t == "boolean" else None) for n, t in SETTING_FIELDS},
        **values,
    }
    with store.lock:
        existing = next((r for r in store.all(SETTING_TYPE) if r.fields.get("DeveloperName") == developer_name), None)
        if existing is not None:
            store.update(SETTING_TYPE, existing.id, full, Actor("SEED", sb.config.api_user_id), trusted=True)
            return {"id": existing.id, "created": False}
        rec = store.create(SETTING_TYPE, full, Actor("SEED", sb.config.api_user_id), trusted=True)
        return {"id": rec.id, "created": True}


@bp.put("/_sandbox/custom-metadata/DealCoach_Setting__mdt/<developer_name>")
def put_setting(developer_name: str) -> tuple[dict[str, Any], int]:
    """Control API: deploy (create or replace) a DealCoach_Setting__mdt record; the body maps field names to values."""
    body = request.get_json(silent=True) or {}
    result = deploy_record(developer_name, dict(body.get("values") or {}), str(body.get("label") or ""))
    return result, 201 if result["created"] else 200
