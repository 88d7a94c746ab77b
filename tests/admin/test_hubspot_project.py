"""The HubSpot project folder (hubspot-project/) against HubSpot's documented configuration schema.

The HubSpot CLI from npm (`hs project validate`, @hubspot/cli 8.14) cannot validate offline: it needs an account
and fetches the schemas from HubSpot (`project-components-external/project-schemas/v3/<platformVersion>` in
@hubspot/project-parsing-lib), so this test checks the files against the fields HubSpot documents:
- app: developers.hubspot.com/docs/apps/developer-platform/build-apps/app-configuration
- card: .../add-features/ui-extensibility/app-cards/reference   - settings: .../create-a-settings-component
- webhooks: .../add-features/configure-webhooks   - workflow action: .../add-features/custom-workflow-actions
Component types and folders as in @hubspot/project-parsing-lib `Components` (card→cards, settings→settings,
webhooks→webhooks, workflow-action→workflow-actions). It also ties the files to the code: the scopes are the ones
the install asks for, every webhook subscription is one the parser acts on, every backend URL is permitted.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from connector.hubspot.oauth import SCOPES
from connector.models import TenantSettings
from sync.workflow_action import OUTPUT_FIELDS
from webhooks.hubspot import EVENT_KIND_BY_TYPE

ROOT = Path(__file__).resolve().parents[2] / "hubspot-project"
APP = ROOT / "src" / "app"
FOLDER = {"app": "app", "card": "cards", "settings": "settings", "webhooks": "webhooks",
          "workflow-action": "workflow-actions"}  # fmt: skip
UID = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
OBJECT_TYPE_IDS = {"call": "0-48", "email": "0-49", "meeting": "0-47", "task": "0-27", "deal": "0-3"}
# (path in config, type, required)
SCHEMA: dict[str, list[tuple[str, type, bool]]] = {
    "app": [("name", str, True), ("description", str, True), ("distribution", str, True), ("auth", dict, True),
            ("auth.type", str, True), ("auth.redirectUrls", list, True), ("auth.requiredScopes", list, True),
            ("auth.optionalScopes", list, False), ("auth.conditionallyRequiredScopes", list, False),
            ("permittedUrls", dict, False), ("permittedUrls.fetch", list, False), ("support", dict, False)],
    "card": [("name", str, True), ("description", str, False), ("entrypoint", str, True), ("location", str, True),
             ("objectTypes", list, True)],
    "settings": [("entrypoint", str, True)],
    "webhooks": [("settings", dict, True), ("settings.targetUrl", str, True),
                 ("settings.maxConcurrentRequests", int, False), ("subscriptions", dict, True)],
    "workflow-action": [("actionUrl", str, True), ("isPublished", bool, False), ("supportedClients", list, True),
                        ("inputFields", list, False), ("outputFields", list, False), ("labels", dict, True),
                        ("objectTypes", list, True)],
}  # fmt: skip
ENUMS = {
    ("app", "distribution"): {"marketplace", "private"},
    ("app", "auth.type"): {"oauth", "static"},
    ("card", "location"): {"crm.record.tab", "crm.record.sidebar", "crm.preview", "helpdesk.sidebar"},
}


def _get(config: dict[str, Any], dotted: str) -> Any:
    node: Any = config
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def components() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, json.loads(p.read_text(encoding="utf-8"))) for p in sorted(APP.rglob("*-hsmeta.json"))]


def schema_problems(path: Path, doc: dict[str, Any]) -> list[str]:
    """What HubSpot's documented schema says is wrong with one `*-hsmeta.json` file."""
    kind, config = doc.get("type"), doc.get("config")
    if kind not in SCHEMA:
        return [f"{path.name}: unknown type {kind!r}"]
    problems = []
    if not isinstance(doc.get("uid"), str) or not UID.fullmatch(doc["uid"]):
        problems.append(f"{path.name}: uid must be 1-64 of [A-Za-z0-9_.-]")
    if path.parent.name != FOLDER[kind]:
        problems.append(f"{path.name}: a {kind} lives in {FOLDER[kind]}/, not {path.parent.name}/")
    if not isinstance(config, dict):
        return [*problems, f"{path.name}: config must be an object"]
    for dotted, typ, required in SCHEMA[kind]:
        value = _get(config, dotted)
        if value is None:
            problems += [f"{path.name}: {dotted} is required"] if required else []
        elif not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            problems.append(f"{path.name}: {dotted} must be {typ.__name__}")
        elif (kind, dotted) in ENUMS and value not in ENUMS[(kind, dotted)]:
            problems.append(f"{path.name}: {dotted} {value!r} not in {sorted(ENUMS[(kind, dotted)])}")
    if kind == "app" and len(str(config.get("name", ""))) > 200:
        problems.append(f"{path.name}: name is at most 200 characters")
    if kind == "workflow-action":
        for field in config.get("inputFields", []) + config.get("outputFields", []):
            if not isinstance(field.get("typeDefinition", {}).get("name"), str):
                problems.append(f"{path.name}: every field needs typeDefinition.name")
        for lang, labels in config.get("labels", {}).items():
            if not labels.get("actionName"):
                problems.append(f"{path.name}: labels.{lang}.actionName is required")
    if kind in ("card", "settings"):
        entry = str(config.get("entrypoint", ""))
        if not (ROOT / "src" / entry.lstrip("/")).is_file():
            problems.append(f"{path.name}: entrypoint {entry} does not exist")
    return problems


def test_project_config_and_components_follow_the_documented_schema() -> None:
    project = json.loads((ROOT / "hsproject.json").read_text())
    assert project["srcDir"] == "src" and project["platformVersion"] in ("2025.2", "2026.03")
    docs = components()
    assert sorted(d["type"] for _, d in docs) == ["app", "card", "settings", "webhooks", "workflow-action"]
    assert len({d["uid"] for _, d in docs}) == len(docs), "uids are unique within the project"
    assert [p for path, doc in docs for p in schema_problems(path, doc)] == []


@pytest.mark.parametrize(
    ("kind", "mutate", "expected"),
    [
        ("app", lambda c: c["auth"].pop("redirectUrls"), "auth.redirectUrls is required"),
        ("card", lambda c: c.update(location="crm.record.sidebarr"), "location 'crm.record.sidebarr' not in"),
        ("settings", lambda c: c.update(entrypoint="/app/settings/Missing.jsx"), "does not exist"),
        ("webhooks", lambda c: c["settings"].update(maxConcurrentRequests="10"), "must be int"),
        ("workflow-action", lambda c: c["labels"]["en"].pop("actionName"), "actionName is required"),
    ],
)
def test_the_schema_check_catches_a_malformed_file(kind: str, mutate: Any, expected: str) -> None:
    path, doc = next((p, d) for p, d in components() if d["type"] == kind)
    mutate(doc["config"])
    assert any(expected in p for p in schema_problems(path, doc))


def test_the_files_match_what_the_backend_does() -> None:
    by_type = {d["type"]: d["config"] for _, d in components()}
    app = by_type["app"]
    assert app["auth"]["requiredScopes"] == list(SCOPES), "the install asks for exactly the declared scopes"
    assert all(u.endswith("/oauth/hubspot/callback") for u in app["auth"]["redirectUrls"])
    fetch = app["permittedUrls"]["fetch"]
    assert all(u.startswith("https://") for u in fetch)
    for jsx in APP.rglob("*.jsx"):
        backend = re.search(r"const BACKEND = '([^']+)'", jsx.read_text()).group(1)  # type: ignore[union-attr]
        assert any(backend.startswith(u) for u in fetch), f"{jsx.name} calls {backend}, not a permitted URL"
    hooks = by_type["webhooks"]
    assert hooks["settings"]["targetUrl"].endswith("/webhooks/hubspot")
    subs = hooks["subscriptions"]
    keys = [
        (s["subscriptionType"], OBJECT_TYPE_IDS[s["objectType"]], s.get("propertyName")) for s in subs["crmObjects"]
    ]
    keys += [(s["subscriptionType"], None, s.get("propertyName")) for s in subs["legacyCrmObjects"]]
    assert all(k in EVENT_KIND_BY_TYPE for k in keys), "every subscription is an event DealCoach acts on"
    assert set(EVENT_KIND_BY_TYPE) <= set(keys) | {
        ("object.creation", "0-3", None),
        ("object.propertyChange", "0-3", "dealstage"),
    }, "nothing acted on is missed"
    action = by_type["workflow-action"]
    assert action["actionUrl"].endswith("/webhooks/hubspot/workflow") and action["objectTypes"] == ["DEAL"]
    outputs = {f["typeDefinition"]["name"] for f in action["outputFields"]}
    assert outputs == set(OUTPUT_FIELDS), "the job completes the callback with exactly the declared output fields"


# Settings the page does not edit: only one rubric ships; `report` is the manager report's (docs/reporting.md);
# `require_session_id` concerns Salesforce's Outbound Messages only (DealCoach_Setting__mdt, docs/admin.md).
NOT_ON_THE_PAGE = {"rubric", "report", "require_session_id"}


def test_the_settings_page_has_a_control_for_every_setting() -> None:
    source = (APP / "settings" / "Settings.jsx").read_text()
    names = re.findall(r'name="([^"]+)"', source) + re.findall(r"name=\{`([^$`]+)", source)
    fields = set(TenantSettings.__dataclass_fields__) - NOT_ON_THE_PAGE
    missing = sorted(f for f in fields if not any(n == f or n.startswith(f"{f}.") for n in names))
    assert missing == [], f"Settings.jsx has no control for {missing}"
    assert "data.sla_rules.rules.map" in source, "every SLA rule and threshold comes from the backend's catalogue"
