"""Salesforce record ids: 15-character case-sensitive base-62 ids and their 18-character case-safe form.

The 18-character suffix encodes, for each 5-character chunk of the 15-character id, which characters are upper
case (bit i set for an upper-case letter at position i), as one character of `A-Z0-5`. Salesforce accepts both
forms on input and always answers with 18 characters.
"""

from __future__ import annotations

import itertools
import re
import threading

from connector.salesforce.ids import checksum

KEY_PREFIXES = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Opportunity": "006",
    "OpportunityHistory": "008",
    "Task": "00T",
    "Event": "00U",
    "EmailMessage": "02s",
    "OpportunityFieldHistory": "017",
    "OpportunityStage": "01J",
    "Organization": "00D",
    "ContentVersion": "068",
    "ContentDocument": "069",
    "ContentDocumentLink": "06A",
    "QueryLocator": "01g",
    "OutboundAction": "04k",
    "OutboundNotification": "04l",
    "DealCoach_Setting__mdt": "m00",
}
# A ContentNote is a ContentDocument of file type SNOTE: its id has the ContentDocument prefix.
KEY_PREFIXES_BY_TYPE = {**KEY_PREFIXES, "ContentNote": "069"}

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SHAPE = re.compile(r"^[0-9A-Za-z]{15}(?:[A-Za-z0-5]{3})?$")
# Ids minted by the sandbox: prefix, a pod-like "5g", then a 10-character base-62 counter.
_POD = "5g"
_FIRST_COUNTER = 4_200_000_000


def to18(raw: str) -> str | None:
    """The 18-character form of a 15- or 18-character id; None if `raw` is not an id.

    An 18-character id whose suffix does not match its first 15 characters is not an id (Salesforce answers
    MALFORMED_ID); the suffix itself is compared case-insensitively, as Salesforce does.
    """
    if not isinstance(raw, str) or not _SHAPE.match(raw):
        return None
    head = raw[:15]
    suffix = checksum(head)
    if len(raw) == 18 and raw[15:].upper() != suffix:
        return None
    return head + suffix


def same_id(a: str | None, b: str | None) -> bool:
    """Whether two ids (15 or 18 characters) name the same record."""
    if a is None or b is None:
        return False
    return (to18(a) or a) == (to18(b) or b)


def _base62(n: int, width: int) -> str:
    digits = []
    while n:
        n, r = divmod(n, 62)
        digits.append(_BASE62[r])
    return "".join(reversed(digits)).rjust(width, "0")


class IdMint:
    """Mints fresh 18-character ids per key prefix (thread-safe, never reused within one sandbox)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, itertools.count[int]] = {}

    def new(self, prefix: str) -> str:
        """A new id with the given 3-character key prefix, e.g. `0065g00004kGx1YAAS`."""
        with self._lock:
            # Each prefix starts elsewhere, so ids of different types do not share their tails.
            start = _FIRST_COUNTER + int.from_bytes(prefix.encode(), "big") % 7919 * 104_729
            counter = self._counters.setdefault(prefix, itertools.count(start))
            head = prefix + _POD + _base62(next(counter), 10)
        return head + checksum(head)

    def for_type(self, sobject: str) -> str:
        """A new id for a record of `sobject` (its key prefix)."""
        return self.new(KEY_PREFIXES_BY_TYPE[sobject])


def type_of(record_id: str) -> str | None:
    """The sObject type a key prefix names (ContentDocument for 069), or None."""
    prefix = record_id[:3]
    return next((t for t, p in KEY_PREFIXES.items() if p == prefix), None)
