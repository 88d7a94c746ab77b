"""Parse call transcripts (normalized JSON, WebVTT, SRT, plain text) into one `Transcript`, so scoring never cares where a call came from."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Literal

MAX_BYTES = 20 * 1024 * 1024
UNKNOWN_SPEAKER = "unknown"

_TIMING_RE = re.compile(
    r"^\s*(?P<start>(?:(?P<sh>\d+):)?(?P<sm>\d{1,2}):(?P<ss>\d{2}[.,]\d{1,3}))\s*-->"
    r"\s*(?P<end>(?:(?P<eh>\d+):)?(?P<em>\d{1,2}):(?P<es>\d{2}[.,]\d{1,3}))(?:\s+.*)?$"
)
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>(.*?)(?:</v>|(?=<v[\s.])|$)", re.S)
# The usual cue payload: one line, one voice span, no tags or entities inside (what `_cue_turns` reads the same way).
_ONE_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>([^<&\n]*)</v>")
_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>")
# A name may end with its company in brackets, as meeting tools show it: 佐々木（オーダーメイクス）, Ana Ito (Acme).
_SPEAKER_RE = re.compile(
    r"^(?P<name>[^:：。、！？!?「」『』()（）\[\]]{1,40}?(?:\s*[（(][^()（）:：。、！？!?]{1,30}[)）])?)\s*[:：]\s*(?P<text>.*)$",
    re.S,
)
_TEXT_TIME_RE = re.compile(r"^\[?(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)\]?\s+(?P<rest>.*)$")
# A turn's header on its own line, its text on the lines below: `Name  0:01` (Otter's text export) or
# `Name (00:01):` (Rev's); the name holds no sentence punctuation, so a spoken line ending in a time is not one. An
# Otter label is free text: it may end with a company in round brackets or a tag in square ones (`三宅 [営業]`).
_HEADER_RE = re.compile(
    r"^(?P<name>[^:：。、！？!?「」『』()（）\[\]]{1,40}?(?:\s*(?:[（(][^()（）:：。、！？!?\d]{1,30}[)）]|\[[^\[\]:：。、！？!?\d]{1,20}\]))?)"
    r"\s*(?:\s(?P<ts>(?:\d{1,2}:)?\d{1,2}:\d{2})"
    r"|\((?P<paren>(?:\d{1,2}:)?\d{1,2}:\d{2})\)\s*[:：]?)$"
)
_JA_CHAR_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_CJK_EDGE_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class Segment:
    """One speaker turn; times in seconds from the start of the call when known."""

    speaker: str
    text: str
    role: Literal["rep", "customer"] | None = None
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Transcript:
    """A speaker-attributed conversation in one language."""

    segments: tuple[Segment, ...]
    language: str = "ja"

    @property
    def text(self) -> str:
        return "\n".join(s.text for s in self.segments)


class TranscriptError(ValueError):
    """A transcript that cannot be read; the message says what is wrong and where."""


def parse_transcript(data: bytes | str, *, filename: str = "", language: str | None = None) -> Transcript:
    """Parse any supported transcript format; raises TranscriptError (never anything else) on bad input."""
    try:
        return _parse(data, filename=filename, language=language)
    except TranscriptError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise TranscriptError(f"unreadable transcript: {exc}") from None


def detect_language(text: str) -> str:
    """Japanese when the text has kana or kanji, else English: the only two languages the rubrics cover."""
    return "ja" if _JA_CHAR_RE.search(text) else "en"


def _parse(data: bytes | str, *, filename: str, language: str | None) -> Transcript:
    text = _decode(data)
    if not text.strip():
        raise TranscriptError("transcript is empty")
    named = _format_from_name(filename)
    fmt = _sniff(text) if named in (None, "text") else named
    json_language: str | None = None
    if fmt == "json":
        segments, json_language = _parse_json(text)
    elif fmt == "vtt":
        segments = _parse_cues(text, vtt=True)
    elif fmt == "srt":
        segments = _parse_cues(text, vtt=False)
    else:
        segments = _parse_text(text)
    segments = [s for s in segments if s.text]
    if not segments:
        raise TranscriptError(f"no spoken text found in the {fmt} transcript")
    lang = language or json_language or detect_language("".join(s.text for s in segments))
    return Transcript(segments=tuple(segments), language=lang)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        text = data
    elif isinstance(data, (bytes, bytearray)):
        if len(data) > MAX_BYTES:
            raise TranscriptError(f"transcript is larger than {MAX_BYTES // (1024 * 1024)} MB")
        raw = bytes(data)
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = _try_decode(raw, "utf-16")
        else:
            text = _try_decode(raw, "utf-8-sig") if _is_utf8(raw) else _try_decode(raw, "cp932")
    else:
        raise TranscriptError(f"transcript must be bytes or str, not {type(data).__name__}")
    if len(text) > MAX_BYTES:
        raise TranscriptError(f"transcript is larger than {MAX_BYTES // (1024 * 1024)} MB")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _try_decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        raise TranscriptError(f"transcript is not valid UTF-8 (or {encoding})") from None


def _format_from_name(filename: str) -> str | None:
    suffix = PurePath(filename).suffix.lower() if filename else ""
    return {".json": "json", ".vtt": "vtt", ".webvtt": "vtt", ".srt": "srt", ".txt": "text", ".text": "text"}.get(
        suffix
    )


def _sniff(text: str) -> str:
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        return "vtt"
    if head.startswith("{") or re.match(r"\[\s*(\{|\]|$)", head):
        return "json"
    first_block = head.split("\n\n", 1)[0].split("\n")
    if len(first_block) >= 2 and first_block[0].strip().isdigit() and _TIMING_RE.match(first_block[1]):
        return "srt"
    return "text"


def _parse_json(text: str) -> tuple[list[Segment], str | None]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TranscriptError(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if isinstance(doc, list):
        doc = {"segments": doc}
    if not isinstance(doc, dict):
        raise TranscriptError("JSON transcript must be an object with a 'segments' list")
    raw_segments = doc.get("segments")
    if not isinstance(raw_segments, list):
        raise TranscriptError("JSON transcript has no 'segments' list")
    lang = doc.get("language")
    if lang is not None and (not isinstance(lang, str) or not lang.strip()):
        raise TranscriptError("JSON 'language' must be a language code such as 'ja'")
    return [_json_segment(raw, i) for i, raw in enumerate(raw_segments)], (lang.strip() if lang else None)


def _json_segment(raw: Any, i: int) -> Segment:
    where = f"segments[{i}]"
    if not isinstance(raw, dict):
        raise TranscriptError(f"{where}: must be an object")
    text = raw.get("text")
    if not isinstance(text, str):
        raise TranscriptError(f"{where}.text: missing or not a string")
    speaker = raw.get("speaker")
    if speaker is None:
        speaker = UNKNOWN_SPEAKER
    if not isinstance(speaker, (str, int)) or isinstance(speaker, bool):
        raise TranscriptError(f"{where}.speaker: must be a string")
    role = raw.get("role")
    if role not in (None, "rep", "customer"):
        raise TranscriptError(f"{where}.role: must be 'rep', 'customer' or null, not {role!r}")
    start = _json_time(raw.get("start"), f"{where}.start")
    end = _json_time(raw.get("end"), f"{where}.end")
    if start is not None and end is not None and end < start:
        raise TranscriptError(f"{where}: end ({end}) is before start ({start})")
    return Segment(speaker=str(speaker).strip() or UNKNOWN_SPEAKER, text=text.strip(), role=role, start=start, end=end)


def _json_time(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or value != value
        or value < 0
        or value == float("inf")
    ):
        raise TranscriptError(f"{where}: must be a non-negative number of seconds")
    return float(value)


def _timestamp(value: str) -> float:
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[-3]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def _clock(hours: str | None, minutes: str, seconds: str) -> float:
    """`_timestamp` of a time already split by `_TIMING_RE` (the same arithmetic, so the same float)."""
    return (int(hours) if hours else 0) * 3600 + int(minutes) * 60 + float(seconds.replace(",", "."))


def _parse_cues(text: str, *, vtt: bool) -> list[Segment]:
    kind = "WebVTT" if vtt else "SRT"
    blocks = [b for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]
    if vtt:
        if not blocks or not blocks[0].lstrip().startswith("WEBVTT"):
            raise TranscriptError("WebVTT must start with 'WEBVTT'")
        header_lines = blocks[0].split("\n")
        blocks = blocks[1:]
        timing_in_header = next((i for i, line in enumerate(header_lines) if "-->" in line), None)
        if timing_in_header is not None:
            blocks.insert(0, "\n".join(header_lines[max(timing_in_header - 1, 1) :]))
    segments: list[Segment] = []
    previous = UNKNOWN_SPEAKER
    for n, block in enumerate(blocks, start=1):
        lines = block.split("\n")
        if vtt and lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        if "-->" in lines[0]:
            timing_index = 0
        elif len(lines) > 1 and "-->" in lines[1]:
            timing_index = 1
        else:
            raise TranscriptError(f"{kind} cue {n}: no timing line ('00:00:01.000 --> 00:00:04.000')")
        match = _TIMING_RE.match(lines[timing_index])
        if not match:
            raise TranscriptError(f"{kind} cue {n}: malformed timing line {lines[timing_index].strip()[:60]!r}")
        start = _clock(match["sh"], match["sm"], match["ss"])
        end = _clock(match["eh"], match["em"], match["es"])
        if end < start:
            raise TranscriptError(f"{kind} cue {n}: end is before start")
        for speaker, words in _cue_turns(lines[timing_index + 1 :], previous):
            segments.append(Segment(speaker=speaker, text=words, start=start, end=end))
            previous = speaker
    if not segments:
        raise TranscriptError(f"{kind} transcript has no cues")
    return segments


def _cue_turns(payload: list[str], previous: str) -> list[tuple[str, str]]:
    """Speaker turns in one cue: `<v Name>` voice spans, else a `Name: text` prefix, else the previous speaker."""
    if len(payload) == 1:
        one = _one_line_turns(payload[0].strip(), previous)
        if one is not None:
            return one
    return _any_turns(payload, previous)


def _any_turns(payload: list[str], previous: str) -> list[tuple[str, str]]:
    """`_cue_turns` of any payload: voice spans, tags and entities, wrapped lines."""
    body = "\n".join(payload).strip()
    if not body:
        return []
    if _VOICE_RE.search(body):
        turns = []
        for m in _VOICE_RE.finditer(body):
            words = _join_lines([_clean_cue_text(line) for line in m.group(2).split("\n")])
            if words:
                turns.append((m.group(1).strip() or previous, words))
        return turns
    lines = [_clean_cue_text(line) for line in payload]
    lines = [line for line in lines if line]
    if not lines:
        return []
    found = _split_speaker(lines[0])
    if found:
        return [(found[0], _join_lines([found[1], *lines[1:]]))]
    return [(previous, _join_lines(lines))]


def _one_line_turns(line: str, previous: str) -> list[tuple[str, str]] | None:
    """`_cue_turns` of a one-line payload without tags or entities other than one whole voice span, read without
    the general path's regexes and joins; None for any other line (the general path reads it)."""
    if not line:
        return []
    if "<" in line or "&" in line:
        voice = _ONE_VOICE_RE.fullmatch(line)
        if voice is None:
            return None
        words = voice[2].strip()
        return [(voice[1].strip() or previous, words)] if words else []
    found = _split_speaker(line)
    return [found] if found else [(previous, line)]


def _clean_cue_text(text: str) -> str:
    return html.unescape(_TAG_RE.sub("", text)).strip()


# A dialer's role tag before the words (`[Agent] …`, `【お客様】…`, `【話者2】…`); a tag of digits and clock marks only
# (`[00:12]`, `[12.5]`) is a time, not a name.
_TAG_SPEAKER_RE = re.compile(
    r"^(?P<name>\[(?=[^\]]*[^\]\d\s:：.,])[^\]:：]{1,20}\]|【(?=[^】]*[^】\d\s:：.,])[^】:：]{1,20}】)\s*(?P<text>\S.*)$",
    re.S,
)


def _split_speaker(line: str) -> tuple[str, str] | None:
    """`Name: text` (ASCII or full-width colon) or `[Role] text`; rejects clock times like `10:30` and URLs."""
    tagged = _TAG_SPEAKER_RE.match(line)
    if tagged:
        # A display name that starts with a role tag (`【営業】松永 健太: …`, Zoom) is the whole name before the colon.
        # The name follows the tag with no space; a tag then words (`[Customer] Sure: go ahead.`) is the dialer's.
        named = _SPEAKER_RE.match(tagged["text"])
        if named and not line[len(tagged["name"])].isspace() and named["name"].strip():
            return f"{tagged['name']}{named['name'].strip()}", named["text"].strip()
        return tagged["name"], tagged["text"].strip()
    m = _SPEAKER_RE.match(line)
    if not m:
        return None
    name, rest = m["name"].strip(), m["text"]
    if not name or (name[-1].isdigit() and rest[:1].isdigit()) or name.lower().endswith(("http", "https")):
        return None
    return name, rest.strip()


def _join_lines(lines: list[str]) -> str:
    """Join wrapped caption lines: no space between Japanese characters, one space otherwise."""
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if out and not (_CJK_EDGE_RE.match(out[-1]) or _CJK_EDGE_RE.match(line[0])):
            out += " "
        out += line
    return out


def _parse_text(text: str) -> list[Segment]:
    lines = [line.strip() for line in text.split("\n")]
    headers = sum(1 for i, line in enumerate(lines[:-1]) if lines[i + 1] and _HEADER_RE.match(line))
    if headers >= 2 and headers > sum(1 for line in lines if _split_speaker(line)):
        return _parse_blocks(lines)
    return _parse_prefixed(lines)


def _parse_blocks(lines: list[str]) -> list[Segment]:
    """Each turn a header line (`Name  0:01`, `Name (00:01):`) over its text lines."""
    turns: list[tuple[str, float | None, list[str]]] = []
    for i, line in enumerate(lines):
        header = _HEADER_RE.match(line) if i + 1 < len(lines) and lines[i + 1] else None
        if header:
            turns.append((header["name"].strip(), _timestamp(header["ts"] or header["paren"]), []))
        elif line and turns:
            turns[-1][2].append(line)
        elif line:
            turns.append((UNKNOWN_SPEAKER, None, [line]))
    return [Segment(speaker=speaker, text=_join_lines(body), start=start) for speaker, start, body in turns]


def _parse_prefixed(lines: list[str]) -> list[Segment]:
    """Each turn `Name: text`, optionally after a time (`[00:01] Name: text`); unprefixed lines continue the turn."""
    turns: list[tuple[str, float | None, list[str]]] = []
    for line in lines:
        if not line:
            continue
        start: float | None = None
        stamped = _TEXT_TIME_RE.match(line)
        if stamped and _split_speaker(stamped["rest"]):
            start, line = _timestamp(stamped["ts"]), stamped["rest"]
        found = _split_speaker(line)
        if found:
            turns.append((found[0], start, [found[1]]))
        elif turns:
            turns[-1][2].append(line)
        else:
            turns.append((UNKNOWN_SPEAKER, None, [line]))
    if not any(speaker != UNKNOWN_SPEAKER for speaker, _, _ in turns):
        raise TranscriptError("plain-text transcript has no 'Speaker: text' lines nor 'Speaker  0:01' headers")
    return [Segment(speaker=speaker, text=_join_lines(body), start=start) for speaker, start, body in turns]
