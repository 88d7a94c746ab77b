"""The sandbox org's Setup page for DealCoach's custom metadata record: the admin edits `DealCoach_Setting__mdt`'s
`Default` record in a browser and saves it, as in Setup → Custom Metadata Types → DealCoach Setting → Manage
Records → Edit (Salesforce Help, "Add or Edit Custom Metadata Records Declaratively").

The page's layout and URL are the sandbox's own (Salesforce's Lightning Setup is not modelled); what it does is
Salesforce's: each custom field of the type is one input (checkbox, text, long text area, number), Save replaces the
record's field values, and the saved record is what SOQL returns next. Saving goes through the same code as the
`PUT /_sandbox/custom-metadata/...` control route, which stands for a deploy.
"""

from __future__ import annotations

import html
from typing import Any

from flask import Blueprint, Response, redirect, request

from .salesforce_custom_metadata import SETTING_FIELDS, SETTING_TYPE, deploy_record
from .salesforce_state import current

bp = Blueprint("salesforce_setup_page", __name__)

PATH = "/_sandbox/setup/custom-metadata/DealCoach_Setting__mdt/<developer_name>"


def _record(developer_name: str) -> dict[str, Any]:
    store = current().store
    with store.lock:
        rec = next((r for r in store.all(SETTING_TYPE) if r.fields.get("DeveloperName") == developer_name), None)
        return dict(rec.fields) if rec is not None else {}


def _input(name: str, type_: str, value: Any) -> str:
    label = html.escape(name.removesuffix("__c").replace("_", " "))
    if type_ == "boolean":
        checked = " checked" if value else ""
        control = f'<input type="checkbox" id="{name}" name="{name}" value="true"{checked}>'
    elif type_ == "textarea":
        control = f'<textarea id="{name}" name="{name}" rows="3">{html.escape(str(value or ""))}</textarea>'
    else:
        shown = "" if value is None else (str(int(value)) if type_ == "double" else str(value))
        kind = "number" if type_ == "double" else "text"
        control = f'<input type="{kind}" id="{name}" name="{name}" value="{html.escape(shown)}">'
    return f'<label for="{name}">{label}</label>{control}'


@bp.get(PATH)
def edit_page(developer_name: str) -> Response:
    """The edit form of one record, with its current values."""
    values = _record(developer_name)
    saved = '<p role="status">Saved.</p>' if request.args.get("saved") else ""
    rows = "".join(_input(n, t, values.get(n)) for n, t in SETTING_FIELDS)
    doc = (
        '<!doctype html><html><head><meta charset="utf-8"><title>DealCoach Setting Edit | Salesforce</title>'
        "<style>body{font-family:sans-serif;margin:24px}form{display:grid;grid-template-columns:220px 420px;"
        "gap:8px 16px;align-items:center}textarea{font:inherit}</style></head><body>"
        f"<h1>DealCoach Setting: {html.escape(developer_name)}</h1>{saved}"
        f'<form method="post">{rows}<span></span><button type="submit">Save</button></form></body></html>'
    )
    return Response(doc, mimetype="text/html")


@bp.post(PATH)
def save(developer_name: str) -> Any:
    """Save: every custom field takes the form's value (an unticked checkbox is false, an empty field is null)."""
    form = request.form
    values: dict[str, Any] = {}
    for name, type_ in SETTING_FIELDS:
        raw = form.get(name, "")
        if type_ == "boolean":
            values[name] = raw == "true"
        elif type_ == "double":
            values[name] = float(raw) if raw.strip() else None
        else:
            values[name] = raw if raw.strip() else None
    deploy_record(developer_name, values)
    return redirect(f"{request.path}?saved=1", code=303)
