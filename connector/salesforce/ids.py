"""Salesforce record ids: 15-character (case-sensitive) and 18-character (case-safe) forms are the same record."""

from __future__ import annotations

import re

_ID_RE = re.compile(r"^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


class SalesforceIdError(ValueError):
    """Not a Salesforce id."""


def to_18(record_id: str) -> str:
    """The 18-character form: each 5-character chunk's uppercase letters become one suffix character."""
    rid = record_id.strip()
    if not _ID_RE.match(rid):
        raise SalesforceIdError(f"not a Salesforce id: {rid[:40]!r}")
    suffix = checksum(rid[:15])
    if len(rid) == 18 and rid[15:].upper() != suffix:
        raise SalesforceIdError(f"checksum mismatch in {rid!r}")
    return rid[:15] + suffix


def checksum(id15: str) -> str:
    """The 3-character case-safe suffix of a 15-character id."""
    out = []
    for chunk in (id15[0:5], id15[5:10], id15[10:15]):
        bits = sum(1 << i for i, ch in enumerate(chunk) if "A" <= ch <= "Z")
        out.append(_SUFFIX[bits])
    return "".join(out)


def same_id(a: str, b: str) -> bool:
    """True when two ids name the same record, whatever their length."""
    try:
        return to_18(a) == to_18(b)
    except SalesforceIdError:
        return False


def key_prefix(record_id: str) -> str:
    """The object's key prefix: 006 Opportunity, 00T Task, 068 ContentVersion, 069 ContentDocument, 00D org."""
    return record_id[:3]
