"""DealCoach's settings as an admin keeps them in Salesforce: the `Default` record of the custom metadata type
`DealCoach_Setting__mdt` (salesforce-package/), read with one SOQL query and mapped to the settings keys that
`sync/settings_validation.py` validates.

Custom metadata records are queryable with SOQL like sObjects (Salesforce Help, "Access Custom Metadata Records
Programmatically"); they cannot be written through the data API, so DealCoach only reads them.
"""

from __future__ import annotations

import json
from typing import Any

from simple_salesforce import Salesforce

SETTING_TYPE = "DealCoach_Setting__mdt"
RECORD = "Default"

# mdt field -> (settings key, how its value becomes the setting). `sla.rules` / `sla.noise_budget` fill one `sla`
# object; `lines` is one entry per line (or comma) of a long text area; blank text fields leave the key unset.
FIELDS: dict[str, tuple[str, str]] = {
    "Language__c": ("language", "text"),
    "Scorer__c": ("scorer", "text"),
    "Rubric__c": ("rubric", "text"),
    "Time_Zone__c": ("timezone", "text"),
    "Stage_Tasks__c": ("stage_tasks", "bool"),
    "Next_Action_Tasks__c": ("next_action_tasks", "bool"),
    "SLA_Enabled__c": ("sla_enabled", "bool"),
    "SLA_Rules_JSON__c": ("sla.rules", "json"),
    "Noise_Budget__c": ("sla.noise_budget", "int"),
    "Calendar_JSON__c": ("calendar", "json"),
    "Stage_Maps_JSON__c": ("stage_maps", "json"),
    "Manager_Id__c": ("manager_id", "text"),
    "Managers_JSON__c": ("managers", "json"),
    "Team_Managers_JSON__c": ("team_managers", "json"),
    "Redact_PII__c": ("redact_pii", "bool"),
    "Restore_PII_In_Note__c": ("restore_pii_in_note", "bool"),
    "Phrase_Hints__c": ("phrase_hints", "lines"),
    "Recording_Hosts__c": ("recording_hosts", "lines"),
    "Require_Session_Id__c": ("require_session_id", "bool"),
}


class MdtSettingsError(ValueError):
    """A field of the record cannot become a setting (not JSON, not a whole number); names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def field_of(key: str) -> str:
    """The mdt field an (invalid) settings key comes from: `timezone` -> `Time_Zone__c`, `sla.rules.x` ->
    `SLA_Rules_JSON__c`; the settings key itself when no field maps to it."""
    best, found = "", key
    for name, (target, _) in FIELDS.items():
        for candidate in (target, target.split(".", 1)[0]):
            if (key == candidate or key.startswith(candidate + ".")) and len(candidate) > len(best):
                best, found = candidate, name
    return found


def read_record(sf: Salesforce) -> dict[str, Any] | None:
    """The `Default` record (one SOQL query), None when the package's record is not deployed."""
    soql = f"SELECT DeveloperName, {', '.join(FIELDS)} FROM {SETTING_TYPE} WHERE DeveloperName = '{RECORD}' LIMIT 1"
    rows = sf.query(soql).get("records") or []
    return dict(rows[0]) if rows else None


def _value(field: str, kind: str, raw: Any) -> Any:
    if kind == "bool":
        return bool(raw)
    if kind == "int":
        if not isinstance(raw, (int, float)) or isinstance(raw, bool) or raw != int(raw) or raw < 0:
            raise MdtSettingsError(field, f"must be a whole number, not {raw!r}")
        return int(raw)
    text = str(raw).strip()
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise MdtSettingsError(field, f"is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if kind == "lines":
        return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]
    return text


def to_settings(record: dict[str, Any]) -> dict[str, Any]:
    """The settings object the record holds (unvalidated: `sync/settings_validation.py` judges it)."""
    out: dict[str, Any] = {}
    for field, (key, kind) in FIELDS.items():
        raw = record.get(field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        value = _value(field, kind, raw)
        head, _, sub = key.partition(".")
        if sub:
            out.setdefault(head, {})[sub] = value
        else:
            out[key] = value
    return out
