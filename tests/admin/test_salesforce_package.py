"""The SFDX package (salesforce-package/) checked offline, in place of `sf project convert source` (the Salesforce
CLI from npm crashes on this machine's Node 20 and takes over two minutes to install: docs/admin.md).

Checked: every file is well-formed XML in the Metadata API namespace with the root element its folder and suffix
call for; the documented required elements per type (CustomField by field type, CustomObject for a `__mdt`,
CustomMetadata values, PermissionSet, Flow, WorkflowOutboundMessage); API names; and the references between
files (flow -> outbound message on the same object, outbound message fields -> the org's fields, permission set ->
the package's fields). And the package against the code: the Opportunity/Task fields DealCoach writes, the mdt fields
the settings reader maps, the sandbox org's model of the deployed package, and a default record that validates.
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from connector.models import TenantSettings
from connector.salesforce.crm import DEAL_FIELDS, KEY_FIELD
from connector.salesforce.settings_mdt import FIELDS as MDT_FIELDS
from connector.salesforce.settings_mdt import to_settings
from connector.sandbox.salesforce_config import SalesforceSandboxConfig, dealcoach_fields, default_outbound_fields
from connector.sandbox.salesforce_custom_metadata import SETTING_FIELDS
from connector.sandbox.salesforce_schema import Schema
from sync.settings_validation import parse_tenant_settings

PACKAGE = Path(__file__).resolve().parents[2] / "salesforce-package"
SOURCE = PACKAGE / "force-app" / "main" / "default"
NS = "http://soap.sforce.com/2006/04/metadata"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
Q = f"{{{NS}}}"
API_NAME = re.compile(r"^[A-Za-z](?!.*__.*__c$)[A-Za-z0-9_]*[A-Za-z0-9](__c|__mdt)?$")
# (folder glob, suffix) -> root element, per the Metadata API's file suffix and directory table.
ROOTS = {
    ".field-meta.xml": "CustomField",
    ".object-meta.xml": "CustomObject",
    ".md-meta.xml": "CustomMetadata",
    ".permissionset-meta.xml": "PermissionSet",
    ".flow-meta.xml": "Flow",
    ".workflow-meta.xml": "Workflow",
}
# Required elements of a CustomField per type (Metadata API "CustomField"; Checkbox needs a defaultValue, Number a
# precision and scale, LongTextArea a length and visibleLines, Text a length, Picklist a valueSet).
FIELD_REQUIRED = {
    "Checkbox": {"defaultValue"},
    "Number": {"precision", "scale"},
    "LongTextArea": {"length", "visibleLines"},
    "Text": {"length"},
    "Picklist": {"valueSet"},
    "DateTime": set(),
}
SF_TYPE = {"double": "Number", "boolean": "Checkbox", "textarea": "LongTextArea", "string": "Text",
           "picklist": "Picklist", "datetime": "DateTime"}  # fmt: skip
OUTBOUND_REQUIRED = ("fullName", "apiVersion", "endpointUrl", "fields", "includeSessionId", "integrationUser",
                     "name", "protected")  # fmt: skip


def _files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*") if p.is_file())


def _root(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def _text(el: ET.Element, tag: str) -> str | None:
    child = el.find(Q + tag)
    return child.text if child is not None else None


def _fields(obj: str) -> dict[str, ET.Element]:
    return {
        p.name.removesuffix(".field-meta.xml"): _root(p) for p in (SOURCE / "objects" / obj / "fields").glob("*.xml")
    }


def check_package() -> list[str]:
    """Every problem found in the package, as `file: what is wrong` (empty: the package is sound)."""
    problems: list[str] = []
    for path in _files():
        rel = path.relative_to(SOURCE)
        suffix = next((s for s in ROOTS if path.name.endswith(s)), None)
        if suffix is None:
            problems.append(f"{rel}: not a metadata source file")
            continue
        try:
            root = _root(path)
        except ET.ParseError as exc:
            problems.append(f"{rel}: not well-formed XML ({exc})")
            continue
        if root.tag != Q + ROOTS[suffix]:
            problems.append(f"{rel}: root is {root.tag}, expected {{{NS}}}{ROOTS[suffix]}")
            continue
        name = path.name.removesuffix(suffix)
        if suffix == ".field-meta.xml":
            problems += _check_field(rel, name, root, mdt=rel.parts[1].endswith("__mdt"))
        elif suffix == ".md-meta.xml":
            problems += _check_record(rel, name, root)
        elif suffix == ".flow-meta.xml":
            problems += _check_flow(rel, root)
        elif suffix == ".workflow-meta.xml":
            problems += _check_workflow(rel, name, root)
        elif suffix == ".permissionset-meta.xml":
            problems += _check_permission_set(rel, root)
        elif suffix == ".object-meta.xml":
            problems += [f"{rel}: missing <{t}>" for t in ("label", "pluralLabel") if _text(root, t) is None]
    return problems


def _check_field(rel: Path, name: str, root: ET.Element, *, mdt: bool) -> list[str]:
    out = []
    if _text(root, "fullName") != name or not API_NAME.match(name) or not name.endswith("__c"):
        out.append(f"{rel}: fullName {_text(root, 'fullName')!r} is not the file's API name")
    kind = _text(root, "type") or ""
    if kind not in FIELD_REQUIRED:
        out.append(f"{rel}: unknown or missing <type> {kind!r}")
    out += [f"{rel}: {kind} needs <{t}>" for t in sorted(FIELD_REQUIRED.get(kind, ())) if root.find(Q + t) is None]
    if _text(root, "label") is None:
        out.append(f"{rel}: missing <label>")
    if mdt and _text(root, "fieldManageability") not in ("DeveloperControlled", "SubscriberControlled", "Locked"):
        out.append(f"{rel}: a custom metadata field needs <fieldManageability>")
    return out


def _check_record(rel: Path, name: str, root: ET.Element) -> list[str]:
    type_name, _, record = name.partition(".")
    fields = _fields(f"{type_name}__mdt")
    out = [] if fields and record else [f"{rel}: no custom metadata type {type_name}__mdt in the package"]
    for value in root.findall(Q + "values"):
        field = _text(value, "field") or ""
        if field not in fields:
            out.append(f"{rel}: value for unknown field {field!r}")
        v = value.find(Q + "value")
        if v is None or (v.get(f"{{{XSI}}}nil") != "true" and v.get(f"{{{XSI}}}type") is None):
            out.append(f"{rel}: {field} needs <value xsi:type=…> or xsi:nil")
    return out


def _outbound(obj: str) -> dict[str, ET.Element]:
    path = SOURCE / "workflows" / f"{obj}.workflow-meta.xml"
    if not path.exists():
        return {}
    return {_text(m, "fullName") or "": m for m in _root(path).findall(Q + "outboundMessages")}


def _check_flow(rel: Path, root: ET.Element) -> list[str]:
    out = [f"{rel}: missing <{t}>" for t in ("apiVersion", "label", "processType", "status", "start")
           if root.find(Q + t) is None]  # fmt: skip
    start = root.find(Q + "start")
    obj = _text(start, "object") if start is not None else None
    if start is None or _text(start, "triggerType") != "RecordAfterSave" or obj is None:
        return [*out, f"{rel}: not a record-triggered after-save flow (outbound messages need one)"]
    names = {_text(el, "name") for el in root}
    target = start.find(f"{Q}connector/{Q}targetReference")
    if target is None or target.text not in names:
        out.append(f"{rel}: start connects to nothing the flow defines")
    for call in root.findall(Q + "actionCalls"):
        if _text(call, "actionType") != "outboundMessage":
            continue
        action = _text(call, "actionName") or ""
        owner, _, message = action.partition(".")
        if owner != obj or message not in _outbound(obj):
            out.append(f"{rel}: action {action!r} is not an outbound message on {obj} in workflows/")
    return out


def _check_workflow(rel: Path, obj: str, root: ET.Element) -> list[str]:
    schema = Schema(SalesforceSandboxConfig())
    described = schema.get(obj)
    out = []
    for message in root.findall(Q + "outboundMessages"):
        out += [f"{rel}: outbound message needs <{t}>" for t in OUTBOUND_REQUIRED if message.find(Q + t) is None]
        for field in message.findall(Q + "fields"):
            if described is None or described.field(field.text or "") is None:
                out.append(f"{rel}: {obj} has no field {field.text!r}")
    return out


def _check_permission_set(rel: Path, root: ET.Element) -> list[str]:
    out = [] if _text(root, "label") else [f"{rel}: missing <label>"]
    granted = {_text(p, "field") for p in root.findall(Q + "fieldPermissions") if _text(p, "editable") == "true"}
    for obj in ("Opportunity", "Task"):
        out += [f"{rel}: no edit access to {obj}.{f}" for f in sorted(_fields(obj)) if f"{obj}.{f}" not in granted]
    perms = {_text(p, "name") for p in root.findall(Q + "userPermissions") if _text(p, "enabled") == "true"}
    if "ApiEnabled" not in perms:
        out.append(f"{rel}: the integration user needs ApiEnabled")
    return out


def test_the_package_is_well_formed_and_its_references_hold() -> None:
    assert json.loads((PACKAGE / "sfdx-project.json").read_text())["packageDirectories"][0]["path"] == "force-app"
    assert len(_files()) > 30
    assert check_package() == []


def test_a_broken_file_fails_the_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: a flow pointing at a missing message, an unclosed tag, a Number without scale."""
    import shutil

    copy = tmp_path / "default"
    shutil.copytree(SOURCE, copy)
    monkeypatch.setattr(sys.modules[__name__], "SOURCE", copy)
    flow = copy / "flows" / "DealCoach_Task_Outbound.flow-meta.xml"
    flow.write_text(flow.read_text().replace("Task.DealCoach_Call_Logged</actionName>", "Task.Nope</actionName>"))
    score = copy / "objects" / "Opportunity" / "fields" / "DealCoach_Score__c.field-meta.xml"
    score.write_text(score.read_text().replace("<scale>0</scale>", ""))
    perm = copy / "permissionsets" / "DealCoach_Integration.permissionset-meta.xml"
    perm.write_text(perm.read_text().replace("</PermissionSet>", ""))
    problems = check_package()
    assert any("Task.Nope" in p for p in problems)
    assert any("DealCoach_Score__c" in p and "scale" in p for p in problems)
    assert any("permissionset" in p and "well-formed" in p for p in problems)


def test_the_package_has_exactly_the_fields_dealcoach_writes() -> None:
    spec = {o: {f["name"]: f for f in fs} for o, fs in dealcoach_fields().items()}
    assert set(_fields("Opportunity")) == set(DEAL_FIELDS.values()) == set(spec["Opportunity"])
    assert set(_fields("Task")) == {KEY_FIELD} == set(spec["Task"])
    for obj, fields in spec.items():
        for name, field in fields.items():
            assert _text(_fields(obj)[name], "type") == SF_TYPE[field["type"]], name
    key = _fields("Task")[KEY_FIELD]
    assert (_text(key, "externalId"), _text(key, "unique")) == ("true", "true"), "tasks are upserted on the key"


def test_the_settings_type_matches_the_reader_and_the_sandbox_org() -> None:
    package = {n: _text(f, "type") for n, f in _fields("DealCoach_Setting__mdt").items()}
    assert set(package) == set(MDT_FIELDS) == {n for n, _ in SETTING_FIELDS}
    assert package == {n: SF_TYPE[t] for n, t in SETTING_FIELDS}


def test_the_default_record_holds_valid_default_settings() -> None:
    root = _root(SOURCE / "customMetadata" / "DealCoach_Setting.Default.md-meta.xml")
    record: dict[str, object] = {}
    for value in root.findall(Q + "values"):
        v = value.find(Q + "value")
        assert v is not None
        raw = None if v.get(f"{{{XSI}}}nil") == "true" else v.text
        record[_text(value, "field") or ""] = (raw == "true") if v.get(f"{{{XSI}}}type") == "xsd:boolean" else raw
    settings = parse_tenant_settings(json.dumps(to_settings(record)))
    defaults = TenantSettings()
    assert settings and all(getattr(defaults, k) == v for k, v in settings.items()), settings


def test_flows_send_the_outbound_messages_the_org_is_set_up_with() -> None:
    for obj, fields in default_outbound_fields().items():
        (message,) = _outbound(obj).values()
        assert [f.text for f in message.findall(Q + "fields")] == ["Id", *fields]
        assert (_text(message, "endpointUrl") or "").endswith("/webhooks/salesforce/outbound")
        assert (SOURCE / "flows" / f"DealCoach_{obj}_Outbound.flow-meta.xml").exists()
