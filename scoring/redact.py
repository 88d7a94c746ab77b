"""PII redaction before a transcript leaves for the LLM: phones, e-mails, card numbers, My Number and postal addresses become stable placeholders.

Placeholders are numbered per kind in order of first appearance (`[電話番号1]` / `[PHONE_1]`); the same value
always gets the same placeholder, so the model can still reason about "the number they gave". `Redactions`
maps placeholders back to the original text for quotes and, where the tenant allows, for notes. It holds
PII in memory only: it has no serialised form on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from scoring.transcript import Transcript

_LABELS = {
    "ja": {
        "card": "カード番号",
        "my_number": "マイナンバー",
        "email": "メール",
        "phone": "電話番号",
        "postal_code": "郵便番号",
        "address": "住所",
    },
    "en": {
        "card": "CARD",
        "my_number": "MY_NUMBER",
        "email": "EMAIL",
        "phone": "PHONE",
        "postal_code": "POSTAL_CODE",
        "address": "ADDRESS",
    },
}
_DASHES = "‐‑‒–—―−－﹣ｰ"

# Digit groups joined by single spaces or hyphens: card numbers and My Numbers are found inside these runs.
_DIGIT_RUN_RE = re.compile(r"(?<![0-9])[0-9]+(?:[ -][0-9]+)*(?![0-9])")
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![A-Za-z0-9])"
)
_PHONE_RE = re.compile(
    r"(?<![0-9A-Za-z+])(?:"
    r"\+81[ -]?(?:\(0\)[ -]?)?[0-9]{1,4}[ -]?[0-9]{1,4}[ -]?[0-9]{3,4}"
    r"|\(0[0-9]{1,4}\)[ -]?[0-9]{1,4}[ -]?[0-9]{3,4}"
    r"|0[0-9]{1,4}(?:[ -]|\(|\)[ -]?)?[0-9]{1,4}(?:[ -]|\)[ -]?)?[0-9]{3,4}"
    r")(?![0-9])"
)
_POSTAL_RE = re.compile(r"〒 ?[0-9]{3}-?[0-9]{4}(?![0-9])|(?<=郵便番号)(?:は|が|:|：)? ?[0-9]{3}-[0-9]{4}(?![0-9])")
_PREFECTURES = (
    "北海道|東京都|大阪府|京都府|(?:青森|岩手|宮城|秋田|山形|福島|茨城|栃木|群馬|埼玉|千葉|神奈川|新潟|富山|石川|福井|山梨|長野|"
    "岐阜|静岡|愛知|三重|滋賀|兵庫|奈良|和歌山|鳥取|島根|岡山|広島|山口|徳島|香川|愛媛|高知|福岡|佐賀|長崎|熊本|大分|宮崎|"
    "鹿児島|沖縄)県"
)
_PLACE = r"[^\s0-9、。，,.!?！？「」『』()（）の]"
_STREET = r"[^\s0-9、。，,.!?！？「」『』()（）]"
_BLOCK = r"(?:[0-9]+|[一二三四五六七八九十]+)(?:丁目|番地|番|号|-|の)(?:[0-9]+(?:丁目|番地|番|号|-|の)?)*"
_ADDRESS_RE = re.compile(
    rf"(?:{_PREFECTURES}){_PLACE}{{1,8}}?(?:市|区|町|村|郡)(?:{_STREET}{{0,12}}?{_BLOCK})?"
    rf"|{_PLACE}{{1,5}}[市区]{_STREET}{{1,10}}?{_BLOCK}"
)


@dataclass(frozen=True)
class Redaction:
    """One redacted value: its placeholder, the original text and what kind of PII it is."""

    placeholder: str
    original: str
    kind: str


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    placeholder: str
    red_start: int
    red_end: int


@dataclass(frozen=True)
class Redactions:
    """The placeholder table of one redacted transcript, plus where each placeholder sits, for mapping text back."""

    enabled: bool = False
    items: tuple[Redaction, ...] = ()
    _spans: tuple[tuple[_Span, ...], ...] = ()

    def __len__(self) -> int:
        return len(self.items)

    def counts(self) -> dict[str, int]:
        """How many distinct values of each kind were redacted (no values: safe to log and store)."""
        out: dict[str, int] = {}
        for item in self.items:
            out[item.kind] = out.get(item.kind, 0) + 1
        return out

    def restore(self, text: str) -> str:
        """The text with every known placeholder replaced by its original value (for quotes, and notes where allowed)."""
        if not self.items or not text:
            return text
        table = {i.placeholder: i.original for i in self.items}
        pattern = re.compile("|".join(re.escape(p) for p in sorted(table, key=len, reverse=True)))
        return pattern.sub(lambda m: table[m.group(0)], text)

    def redact_excerpt(self, segment: int, start: int, end: int, original_text: str) -> str:
        """The redacted form of `original_text[start:end]` of one segment; a value cut at an edge is masked whole."""
        spans = self._spans[segment] if self.enabled and 0 <= segment < len(self._spans) else ()
        out: list[str] = []
        pos = start
        for span in spans:
            if span.end <= start or span.start >= end:
                continue
            out.append(original_text[pos : max(pos, span.start)])
            out.append(span.placeholder)
            pos = max(pos, span.end)
        out.append(original_text[pos:end] if pos < end else "")
        return "".join(out)


def _fold(text: str) -> str:
    """Full-width ASCII to half-width and dash variants to '-', one character for one, so offsets stay valid."""
    chars = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            ch = chr(code - 0xFEE0)
        elif ch == "\u3000":
            ch = " "
        if ch in _DASHES or (
            ch == "ー" and 0 < i < len(text) - 1 and _is_digit(text[i - 1]) and _is_digit(text[i + 1])
        ):
            ch = "-"
        chars.append(ch)
    return "".join(chars)


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def my_number_ok(digits: str) -> bool:
    """The check digit of a 12-digit 個人番号 (My Number), as the 総務省令 defines it."""
    if len(digits) != 12:
        return False
    body, check = digits[:11], int(digits[11])
    total = 0
    for n in range(1, 12):
        p = int(body[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return check == (0 if remainder <= 1 else 11 - remainder)


def _phone_ok(text: str) -> bool:
    digits = _digits(text)
    if text.startswith("+81"):
        rest = digits[2:]
        rest = rest[1:] if rest.startswith("0") else rest
        return 9 <= len(rest) <= 10
    return digits.startswith("0") and 10 <= len(digits) <= 11


def _numbers_in_run(run: re.Match[str]) -> list[tuple[int, int, str]]:
    """Card numbers (13-19 digits, Luhn) and My Numbers (the whole run: 12 digits, 4-4-4 or unbroken, check digit).

    Every contiguous range of groups is tried for a card, longest first, so "4111 1111 1111 1111 2枚" still yields it.
    """
    groups = [(g.start() + run.start(), g.end() + run.start()) for g in re.finditer(r"[0-9]+", run.group(0))]
    out: list[tuple[int, int, str]] = []
    ranges = []
    for i in range(len(groups)):
        total = 0
        for j in range(i, len(groups)):
            total += groups[j][1] - groups[j][0]
            if total > 19:
                break
            ranges.append((i, j))
    ranges.sort(key=lambda r: (r[0] - r[1], r[0]))
    for i, j in ranges:
        start, end = groups[i][0], groups[j][1]
        if any(not (end <= s or start >= e) for s, e, _ in out):
            continue
        digits = "".join(run.string[a:b] for a, b in groups[i : j + 1])
        lengths = [b - a for a, b in groups[i : j + 1]]
        if 13 <= len(digits) <= 19 and luhn_ok(digits):
            out.append((start, end, "card"))
        elif (i, j) == (0, len(groups) - 1) and lengths in ([12], [4, 4, 4]) and my_number_ok(digits):
            out.append((start, end, "my_number"))
    return out


def _find(folded: str) -> list[tuple[int, int, str]]:
    """Non-overlapping PII spans (start, end, kind), the more specific kinds claiming text first."""
    found: list[tuple[int, int, str]] = []

    def take(start: int, end: int, kind: str) -> None:
        if end > start and all(end <= s or start >= e for s, e, _ in found):
            found.append((start, end, kind))

    for m in _DIGIT_RUN_RE.finditer(folded):
        for start, end, kind in _numbers_in_run(m):
            take(start, end, kind)
    for m in _EMAIL_RE.finditer(folded):
        take(m.start(), m.end(), "email")
    for m in _PHONE_RE.finditer(folded):
        if _phone_ok(m.group(0)):
            take(m.start(), m.end(), "phone")
    for m in _POSTAL_RE.finditer(folded):
        value = m.group(0)
        lead = len(value) - len(value.lstrip("はが:： "))
        take(m.start() + lead, m.end(), "postal_code")
    for m in _ADDRESS_RE.finditer(folded):
        take(m.start(), m.end(), "address")
    return sorted(found)


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """PII spans (start, end, kind) in one text, offsets into the text as given."""
    return _find(_fold(text))


def redact(transcript: Transcript, *, enabled: bool = True) -> tuple[Transcript, Redactions]:
    """The transcript with PII replaced by stable placeholders, and the table that maps them back."""
    if not enabled:
        return transcript, Redactions(enabled=False, _spans=tuple(() for _ in transcript.segments))
    labels = _LABELS["en" if transcript.language.startswith("en") else "ja"]
    source_text = "\n".join(s.text for s in transcript.segments)
    placeholders: dict[tuple[str, str], str] = {}
    next_n: dict[str, int] = {}
    items: list[Redaction] = []
    segments = []
    all_spans: list[tuple[_Span, ...]] = []
    for seg in transcript.segments:
        out: list[str] = []
        spans: list[_Span] = []
        pos = 0
        for start, end, kind in find_pii(seg.text):
            value = seg.text[start:end]
            placeholder = placeholders.get((kind, value))
            if placeholder is None:
                placeholder = _new_placeholder(kind, labels, next_n, source_text)
                placeholders[(kind, value)] = placeholder
                items.append(Redaction(placeholder=placeholder, original=value, kind=kind))
            out.append(seg.text[pos:start])
            red_start = sum(len(p) for p in out)
            out.append(placeholder)
            spans.append(_Span(start, end, placeholder, red_start, red_start + len(placeholder)))
            pos = end
        out.append(seg.text[pos:])
        segments.append(replace(seg, text="".join(out)) if spans else seg)
        all_spans.append(tuple(spans))
    redacted = Transcript(segments=tuple(segments), language=transcript.language)
    return redacted, Redactions(enabled=True, items=tuple(items), _spans=tuple(all_spans))


def _new_placeholder(kind: str, labels: dict[str, str], next_n: dict[str, int], source_text: str) -> str:
    """The next free placeholder of a kind; one that already occurs in the transcript is skipped, so restore stays exact."""
    while True:
        next_n[kind] = next_n.get(kind, 0) + 1
        n = next_n[kind]
        placeholder = f"[{labels[kind]}_{n}]" if labels is _LABELS["en"] else f"[{labels[kind]}{n}]"
        if placeholder not in source_text:
            return placeholder
