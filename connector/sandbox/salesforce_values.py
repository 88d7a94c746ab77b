"""Field values: JSON input → stored Python values (with Salesforce's validation errors), and stored values →
REST JSON (`2025-01-15T03:04:05.000+0000`, numbers as numbers) or SOAP text (`2025-01-15T03:04:05.000Z`).

Stored forms: str for text, picklists and ids (18 characters); float/int; bool; `date`; aware UTC `datetime`;
bytes for base64 fields.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from connector import clock

from .salesforce_errors import DmlError
from .salesforce_ids import to18
from .salesforce_schema import NUMBER_TYPES, STRING_TYPES, FieldDef

_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$")


def now() -> datetime:
    """The current time in UTC at Salesforce's precision (milliseconds)."""
    t = clock.now()
    return t.replace(microsecond=t.microsecond // 1000 * 1000)


def parse_datetime(raw: str) -> datetime:
    """An ISO 8601 date-time as Salesforce accepts it (`Z`, `+09:00` or `+0900`; no zone means UTC)."""
    m = _DATETIME.match(raw.strip())
    if not m:
        raise ValueError(raw)
    y, mo, d, h, mi, s, frac, zone = m.groups()
    micro = int((frac or "0").ljust(6, "0")[:6]) // 1000 * 1000
    tz = UTC
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    value = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0), micro, tzinfo=tz)
    return value.astimezone(UTC)


def parse_date(raw: str) -> date:
    """A `YYYY-MM-DD` date."""
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", raw.strip()):
        raise ValueError(raw)
    return date.fromisoformat(raw.strip())


def format_datetime(value: datetime) -> str:
    """REST JSON form: `2025-01-15T03:04:05.000+0000` (always UTC)."""
    v = value.astimezone(UTC)
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}+0000"


def format_soap_datetime(value: datetime) -> str:
    """SOAP (outbound message) form: `2025-01-15T03:04:05.000Z`."""
    v = value.astimezone(UTC)
    return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}Z"


def _parse_error(fd: FieldDef, kind: str, raw: Any) -> DmlError:
    shown = raw if isinstance(raw, str) else repr(raw)
    return DmlError(
        "JSON_PARSER_ERROR",
        f"Cannot deserialize instance of {kind} from VALUE_STRING value {shown} or "
        f"request may be missing a required field",
        [fd.name],
    )


def coerce(fd: FieldDef, raw: Any) -> Any:
    """The stored value for a JSON input value, or the DmlError Salesforce answers for it."""
    if raw is None or (raw == "" and fd.type not in STRING_TYPES):
        return None
    t = fd.type
    if t in ("id", "reference"):
        value = to18(raw) if isinstance(raw, str) else None
        if value is None:
            raise DmlError("MALFORMED_ID", f"{fd.label}: id value of incorrect type: {raw}", [fd.name])
        return value
    if t in STRING_TYPES:
        if isinstance(raw, (dict, list)):
            raise _parse_error(fd, "string", raw)
        text = raw if isinstance(raw, str) else str(raw).lower() if isinstance(raw, bool) else str(raw)
        if text == "":
            return None
        if fd.picklist and fd.restricted and text not in fd.picklist_values():
            raise DmlError(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                f"{fd.label}: bad value for restricted picklist field: {text}",
                [fd.name],
            )
        if fd.length and len(text) > fd.length:
            raise DmlError(
                "STRING_TOO_LONG",
                f"{fd.label}: data value too large: {text[:80]}... (max length={fd.length})",
                [fd.name],
            )
        return text
    if t in NUMBER_TYPES:
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise _parse_error(fd, "double" if t != "int" else "int", raw)
        try:
            number = float(raw)
        except ValueError:
            raise _parse_error(fd, "double" if t != "int" else "int", raw) from None
        if t == "int":
            if number != int(number):
                raise _parse_error(fd, "int", raw)
            return int(number)
        return round(number, fd.scale) if fd.scale else number
    if t == "boolean":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.lower() in ("true", "false"):
            return raw.lower() == "true"
        raise _parse_error(fd, "boolean", raw)
    if t in ("date", "datetime"):
        if not isinstance(raw, str):
            raise _parse_error(fd, t, raw)
        try:
            return parse_date(raw) if t == "date" else parse_datetime(raw)
        except ValueError:
            raise _parse_error(fd, t, raw) from None
    if t == "base64":
        if not isinstance(raw, str):
            raise _parse_error(fd, "base64", raw)
        try:
            return base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise DmlError("JSON_PARSER_ERROR", f"Illegal base64 value for field {fd.name}", [fd.name]) from None
    raise _parse_error(fd, t, raw)


def to_json(fd: FieldDef, value: Any) -> Any:
    """The REST JSON value of a stored value (base64 fields are rendered as blob URLs by the caller)."""
    if value is None:
        return None
    if fd.type == "datetime" and isinstance(value, datetime):
        return format_datetime(value)
    if fd.type == "date" and isinstance(value, date):
        return value.isoformat()
    if fd.type in NUMBER_TYPES and fd.type != "int" and isinstance(value, (int, float)):
        return float(value)
    return value


def to_soap(fd: FieldDef, value: Any) -> str:
    """The text of a stored value in an outbound message's `sf:` element."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if fd.type == "datetime" and isinstance(value, datetime):
        return format_soap_datetime(value)
    if isinstance(value, date):
        return value.isoformat()
    if fd.type in NUMBER_TYPES and fd.type != "int" and isinstance(value, (int, float)):
        return repr(float(value))
    return str(value)
