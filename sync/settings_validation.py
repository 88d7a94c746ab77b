"""`--settings` of `dealcoach tenants add`, checked against `TenantSettings` before it is stored.

`TenantSettings.from_dict` drops unknown keys and trusts value types, which suits records already in Redis; an
operator's typo (`"sla_enable": false`) or a wrong type (`"redact_pii": "no"`) must instead be refused with a message.
"""

from __future__ import annotations

import json
import types
import typing
from typing import Any

from connector.models import TenantSettings


class SettingsError(ValueError):
    """The settings JSON cannot become `TenantSettings`; the message names the key."""


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
        return isinstance(value, dict)
    if expected is Any:
        return True
    # bool is an int in Python, but `"rubric": true` is a mistake, not a name.
    return isinstance(value, expected) and not isinstance(value, bool)


def parse_tenant_settings(raw: str) -> dict[str, Any]:
    """The settings object from JSON text, each key a `TenantSettings` field holding a value of that field's type."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SettingsError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"must be a JSON object, not {type(data).__name__}")
    hints = typing.get_type_hints(TenantSettings)
    unknown = sorted(set(data) - set(hints))
    if unknown:
        raise SettingsError(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(hints))})")
    for key, value in data.items():
        if not _matches(value, hints[key]):
            raise SettingsError(f"{key!r} must be {_type_name(hints[key])}, not {json.dumps(value)[:40]}")
    return data
