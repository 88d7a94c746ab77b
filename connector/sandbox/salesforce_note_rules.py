"""What a ContentNote's Content may hold, per source:

- refused: a named entity other than `&amp; &lt; &gt; &quot;` (e.g. `&apos;`, `&nbsp;`), a bare `&`, or a tag
  outside the Notes formatting subset, with "Note can't be saved because it contains HTML tags or unescaped
  characters that are not allowed in a Note." (Salesforce Help 000232870; the entity rule from
  salesforce.stackexchange.com/q/223856 and ktema.org/articles/importing-notes-into-salesforce);
- stripped before saving: attributes and newline characters ("If the input contains unsafe HTML characters or
  newline characters, we automatically strip them out before saving the content", ContentNote, Object Reference).

The REST errorCode of the refusal is not documented; the sandbox answers FIELD_INTEGRITY_EXCEPTION on `Content`.
"""

from __future__ import annotations

import re

from .salesforce_errors import DmlError

NOTE_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "u", "s", "strike", "ul", "ol", "li"})
NOTE_ENTITIES = frozenset({"amp", "lt", "gt", "quot"})
REFUSED = "Note can't be saved because it contains HTML tags or unescaped characters that are not allowed in a Note."
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^>]*)>")
_AMP = re.compile(r"&(?:#[0-9]+;|#[xX][0-9A-Fa-f]+;|([A-Za-z][A-Za-z0-9]*);)?")


def _refused() -> DmlError:
    return DmlError("FIELD_INTEGRITY_EXCEPTION", REFUSED, ["Content"])


def saved_note_content(raw: bytes) -> bytes:
    """The Content as the org stores it, or the DmlError Salesforce answers for it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _refused() from None
    for m in _AMP.finditer(text):
        if m.group(0) == "&" or (m.group(1) is not None and m.group(1) not in NOTE_ENTITIES):
            raise _refused()
    for m in _TAG.finditer(text):
        if m.group(2).lower() not in NOTE_TAGS:
            raise _refused()
    text = _TAG.sub(lambda m: f"<{m.group(1)}{m.group(2).lower()}>", text)
    return re.sub(r"[\r\n]", "", text).encode("utf-8")
