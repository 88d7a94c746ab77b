"""DealCoach's note HTML rewritten into what a Salesforce ContentNote accepts.

ContentNote.Content is "properly formatted HTML or plain text"; special characters in text must be escaped, and
unsafe HTML and newline characters are stripped before saving (ContentNote, Object Reference). Content the note
tool does not allow is refused: "Note can't be saved because it contains HTML tags or unescaped characters that are
not allowed in a Note" (Salesforce Help 000232870). Named entities other than the XML basics are among them:
`&apos;` fails, `&#39;` works, Unicode goes in as bare characters (salesforce.stackexchange.com/q/223856;
ktema.org/articles/importing-notes-into-salesforce). So: a small whitelist of formatting tags without attributes,
table rows as paragraphs, every other tag dropped (its text kept), text re-escaped with `&amp; &lt; &gt; &quot;
&#39;` only, line breaks as `<br>`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Formatting the Notes editor offers (bold, italic, underline, strikethrough, lists, paragraphs, line breaks).
ALLOWED_TAGS = frozenset({"p", "br", "b", "strong", "i", "em", "u", "s", "strike", "ul", "ol", "li"})
VOID_TAGS = frozenset({"br"})
_DROP_CONTENT = frozenset({"script", "style", "head", "title"})
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_NEWLINE = re.compile(r"\r\n|\r|\n")


def escape_note_text(text: str) -> str:
    """Text escaped the way notes accept it; line breaks become `<br>`."""
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in text)
    return _NEWLINE.sub("<br>", escaped)


class _Rewriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._skip = 0
        self._cells = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP_CONTENT:
            self._skip += 1
        elif self._skip:
            return
        elif tag == "tr":
            self.out.append("<p>")
            self._cells = 0
        elif tag in ("td", "th"):
            if self._cells:
                self.out.append(escape_note_text(" | "))
            self._cells += 1
        elif tag in ALLOWED_TAGS:
            self.out.append(f"<{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS and not self._skip:
            self.out.append(f"<{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP_CONTENT:
            self._skip = max(0, self._skip - 1)
        elif self._skip:
            return
        elif tag == "tr":
            self.out.append("</p>")
        elif tag in ALLOWED_TAGS and tag not in VOID_TAGS:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.out.append(escape_note_text(data))


def to_note_html(markup: str) -> str:
    """`markup` with only whitelisted tags, no attributes, and entities a ContentNote accepts."""
    rewriter = _Rewriter()
    rewriter.feed(markup)
    rewriter.close()
    return "".join(rewriter.out)
