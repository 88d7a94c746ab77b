"""The idempotency marker written into a record body when the CRM has no key field for it."""

from __future__ import annotations

import html as html_lib
import re

_MARKER_RE = re.compile(r"\[dealcoach:key=([A-Za-z0-9_.:/\-]+)\]")


def marker(key: str) -> str:
    return f"[dealcoach:key={key}]"


def with_marker(body: str, key: str, *, html: bool) -> str:
    """Append the marker once; a body that already carries it is returned unchanged."""
    if find_marker(body) == key:
        return body
    tag = marker(key)
    if html:
        return f'{body}<p style="color:#999999;font-size:10px">{html_lib.escape(tag)}</p>'
    return f"{body}\n\n{tag}"


def find_marker(body: str) -> str | None:
    """The key in a body, tolerant of the HTML escaping and tag stripping CRMs apply."""
    m = _MARKER_RE.search(html_lib.unescape(body or ""))
    return m.group(1) if m else None
