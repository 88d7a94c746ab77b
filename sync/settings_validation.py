"""The one check of tenant settings (`TenantSettings`) for every way in: `dealcoach tenants add --settings`, the
HubSpot settings page and Salesforce's DealCoach_Setting__mdt.

`TenantSettings.from_dict` drops unknown keys and trusts value types, which suits records already in Redis; what an
admin or operator sends must instead be refused with the key and why (`"sla_enable": false`, `"redact_pii": "no"`,
`"timezone": "Mars/Olympus"`, an SLA threshold the rule does not have), and then nothing of it is stored.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from connector.models import TenantSettings
from scoring.rubric import RubricError, load_rubric
from scoring.scorer import MODES
from sync.report.settings import report_settings
from sync.sla.business_calendar import BusinessCalendar, CalendarError
from sync.sla.rules import default_sla_rules

LANGUAGES = ("ja", "en")
CALENDAR_KEYS = frozenset(
    {"business_hours", "weekend", "country", "extra_holidays", "extra_workdays", "year_end_holidays"}
)
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_PATH_IN_MESSAGE = re.compile(r"tenant_settings: ([\w.\[\]-]+): ")


class SettingsError(ValueError):
    """Settings that cannot be stored: `key` is the dotted path of the offending value, the message says why."""

    def __init__(self, key: str, why: str, message: str | None = None) -> None:
        super().__init__(message or (why if key == "settings" else f"{key}: {why}"))
        self.key = key
        self.why = why


def _type_name(expected: Any) -> str:
    """`bool`, `str | None`, `list[str]`: the field's annotation as written, in JSON's words where they differ."""
    name = expected.__name__ if isinstance(expected, type) else str(expected).replace("typing.", "")
    return name.replace("NoneType", "null").replace("bool", "true/false")


def _matches(value: Any, expected: Any) -> bool:
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, arm) for arm in typing.get_args(expected))
    if expected is type(None):
        return value is None
    if expected is bool:
        return isinstance(value, bool)
    if origin is list:
        (item,) = typing.get_args(expected) or (Any,)
        return isinstance(value, list) and (item is Any or all(_matches(v, item) for v in value))
    if origin is dict:
        _, item = typing.get_args(expected) or (str, Any)
        return isinstance(value, dict) and (item is Any or all(_matches(v, item) for v in value.values()))
    if expected is Any:
        return True
    # bool is an int in Python, but `"rubric": true` is a mistake, not a name.
    return isinstance(value, expected) and not isinstance(value, bool)


def check_types(data: Any) -> dict[str, Any]:
    """`data` as a settings object: each key a `TenantSettings` field holding a value of that field's type."""
    if not isinstance(data, dict):
        raise SettingsError("settings", f"must be a JSON object, not {type(data).__name__}")
    hints = typing.get_type_hints(TenantSettings)
    unknown = sorted(set(data) - set(hints))
    if unknown:
        known = f"(known: {', '.join(sorted(hints))})"
        raise SettingsError(unknown[0], f"unknown key {known}", f"unknown key {unknown[0]!r} {known}")
    for key, value in data.items():
        if not _matches(value, hints[key]):
            why = f"must be {_type_name(hints[key])}, not {json.dumps(value)[:40]}"
            raise SettingsError(key, why, f"{key!r} {why}")
    return data


def _check_sla(sla: Mapping[str, Any]) -> None:
    """Against rubrics/sla-rules.yaml: rule ids, their thresholds, due shapes, noise budget (engine's own parser)."""
    try:
        default_sla_rules().with_settings({"sla": sla})
    except RubricError as exc:
        found = _PATH_IN_MESSAGE.search(str(exc))
        key = found.group(1) if found else "sla"
        raise SettingsError(key, str(exc).split(f"{key}: ", 1)[-1]) from None


def _check_calendar(calendar: Mapping[str, Any], timezone: str) -> None:
    unknown = sorted(set(calendar) - CALENDAR_KEYS)
    if unknown:
        raise SettingsError(f"calendar.{unknown[0]}", f"unknown key (known: {', '.join(sorted(CALENDAR_KEYS))})")
    hours = calendar.get("business_hours")
    if hours is not None and (not isinstance(hours, dict) or set(hours) - {"start", "end"}):
        raise SettingsError("calendar.business_hours", 'must be {"start": "HH:MM", "end": "HH:MM"}')
    for key in ("extra_holidays", "extra_workdays", "weekend"):
        if key in calendar and not isinstance(calendar[key], list):
            raise SettingsError(f"calendar.{key}", "must be a list")
    if "year_end_holidays" in calendar and not isinstance(calendar["year_end_holidays"], bool):
        raise SettingsError("calendar.year_end_holidays", "must be true/false")
    try:
        BusinessCalendar.from_settings({"timezone": timezone, "calendar": calendar})
    except (CalendarError, TypeError, ValueError) as exc:
        where = str(exc).split(":", 1)[0]
        named = {"start": "business_hours", "end": "business_hours", "business hours": "business_hours"}.get(where)
        fallback = next((k for k in ("extra_holidays", "extra_workdays") if k in calendar), "calendar")
        found = named or (where if where in CALENDAR_KEYS else fallback)
        raise SettingsError(f"calendar.{found}" if found != "calendar" else found, str(exc)) from None


def check_values(data: Mapping[str, Any], current: TenantSettings | None = None) -> None:
    """Every value of `data` (already type-checked) makes sense, read against the settings it will be merged into."""
    base = current or TenantSettings()
    if "language" in data and data["language"] not in LANGUAGES:
        raise SettingsError("language", f"must be one of {', '.join(LANGUAGES)}")
    if data.get("scorer") is not None and data["scorer"] not in MODES:
        raise SettingsError("scorer", f"must be one of {', '.join(MODES)} (or null for the deployment's default)")
    timezone = data.get("timezone", base.timezone)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError("timezone", f"{timezone!r} is not an IANA time zone") from None
    rubric_id = data.get("rubric", base.rubric)
    try:
        phases = set(load_rubric(rubric_id).phase_ids)
    except RubricError:
        raise SettingsError("rubric", f"{rubric_id!r} is not a rubric DealCoach has") from None
    if "sla" in data:
        _check_sla(data["sla"])
    if "calendar" in data or "timezone" in data:
        _check_calendar(data.get("calendar", base.calendar), timezone)
    for owner, manager in (data.get("managers") or {}).items():
        if not owner.strip() or not manager.strip():
            raise SettingsError(f"managers.{owner}", "must map an owner id to the owner id of their manager")
    for team, manager in (data.get("team_managers") or {}).items():
        if not team.strip() or not manager.strip():
            raise SettingsError(f"team_managers.{team}", "must map a team id to the owner id of its manager")
    for i, host in enumerate(data.get("recording_hosts") or []):
        if not _HOST.fullmatch(host.lower()):
            raise SettingsError(f"recording_hosts[{i}]", f"{host!r} is not a host name (no scheme, port or path)")
    for i, hint in enumerate(data.get("phrase_hints") or []):
        if not hint.strip() or len(hint) > 100:
            raise SettingsError(f"phrase_hints[{i}]", "must be a word or phrase of 1 to 100 characters")
    if "report" in data:
        try:
            report_settings(TenantSettings(report=data["report"]))
        except ValueError as exc:
            raise SettingsError("report", str(exc)) from None
    for pid, stages in (data.get("stage_maps") or {}).items():
        if not isinstance(stages, dict):
            raise SettingsError(f"stage_maps.{pid}", "must map stage ids to phases")
        for stage, phase in stages.items():
            if not isinstance(phase, str) or phase not in phases:
                raise SettingsError(f"stage_maps.{pid}.{stage}", f"{phase!r} is not a phase of {rubric_id}")


def validate_settings(data: Any, current: TenantSettings | None = None) -> dict[str, Any]:
    """Keys, types and values of a settings object; `SettingsError` names the first bad key."""
    checked = check_types(data)
    check_values(checked, current)
    return checked


def parse_tenant_settings(raw: str) -> dict[str, Any]:
    """The settings object from JSON text (`dealcoach tenants add --settings`), validated like the settings page."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingsError("settings", f"not JSON: {exc}") from exc
    return validate_settings(data)
