"""One log format for the web app and the workers: a JSON object per line, with the context an operator searches by.

Every line carries `time` (UTC, ISO 8601), `level`, `event` (the slug the message starts with, e.g.
`webhooks.queued`; a library's line gets its logger name), `logger` and `message`, plus, where known, `tenant`,
`event_id`, `job_id` and `request_id`. The `key=value` pairs after the slug become fields of their own. Context comes
from two places: what the web app binds for the current request (`bind`), and the RQ job being run (its id, the
request id the webhook stored in its meta, the tenant and event id of its event), so a job's lines carry the id of
the request that queued it. Messages never hold bodies; ANSI colour codes (RQ colours some messages) are stripped.

`configure(level, fmt="json"|"text")` installs it on the root logger; `text` is for a person at a terminal.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any, TextIO

from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter
from rq import get_current_job

CONTEXT_FIELDS = ("tenant", "event_id", "job_id", "request_id")
FORMATS = ("json", "text")
REQUEST_ID_META = "request_id"

_context: ContextVar[Mapping[str, str] | None] = ContextVar("dealcoach_log_context", default=None)
_SLUG = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+\Z")
_PAIR = re.compile(r'([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)')
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RESERVED = frozenset({"time", "level", "event", "logger", "message", "exc_info", "stack_info", *CONTEXT_FIELDS})


def bind(**fields: str | None) -> Token[Mapping[str, str] | None]:
    """Add context fields to every line logged from here (this thread or greenlet) until `reset`."""
    merged = {**(_context.get() or {}), **{k: str(v) for k, v in fields.items() if v}}
    return _context.set(merged)


def reset(token: Token[Mapping[str, str] | None]) -> None:
    _context.reset(token)


@contextmanager
def bound(**fields: str | None) -> Iterator[None]:
    token = bind(**fields)
    try:
        yield
    finally:
        reset(token)


def current_context() -> dict[str, str]:
    """The bound fields, then those of the RQ job being run: the job's id, its request id and its event's ids."""
    ctx = dict(_context.get() or {})
    job = get_current_job()
    if job is not None:
        ctx.setdefault("job_id", job.id)
        request_id = (job.meta or {}).get(REQUEST_ID_META)
        if isinstance(request_id, str):
            ctx.setdefault("request_id", request_id)
        try:
            first = job.args[0] if job.args else None
        except Exception:  # a job whose payload cannot be read still logs
            first = None
        if isinstance(first, dict):
            for field in ("tenant", "event_id"):
                if isinstance(first.get(field), str):
                    ctx.setdefault(field, first[field])
    return ctx


class ContextFilter(logging.Filter):
    """Puts the current context on each record that passes through the handler (libraries' records included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in current_context().items():
            if getattr(record, key, None) is None:
                setattr(record, key, value)
        return True


def split_message(message: str) -> tuple[str | None, dict[str, Any]]:
    """(slug, fields) of a `slug key=value ...` message; (None, {}) when it does not start with a slug."""
    head, _, rest = message.partition(" ")
    if not _SLUG.match(head):
        return None, {}
    fields: dict[str, Any] = {}
    for key, raw in _PAIR.findall(rest):
        value: Any = raw
        if raw.startswith('"'):
            try:
                value = json.loads(raw)
            except ValueError:
                value = raw
        elif raw.isascii() and raw.isdigit() and len(raw) < 16:
            value = int(raw)
        fields[key] = value
    return head, fields


def _clean(message: str) -> str:
    return _ANSI.sub("", message)


class JsonFormatter(_LibraryJsonFormatter):
    """python-json-logger's formatter with DealCoach's fields: time, level, event, logger, message, context, pairs."""

    def __init__(self) -> None:
        super().__init__(reserved_attrs=[], json_ensure_ascii=False)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        message = _clean(record.message)
        slug, pairs = split_message(message)
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["event"] = slug or record.name
        log_data["logger"] = record.name
        log_data["message"] = message
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None) or pairs.get(key)
            if value is not None:
                log_data[key] = value
        for key, value in pairs.items():
            if key not in _RESERVED:
                log_data[key] = value
        if message_dict.get("exc_info"):
            log_data["exc_info"] = _clean(str(message_dict["exc_info"]))
        if message_dict.get("stack_info"):
            log_data["stack_info"] = _clean(str(message_dict["stack_info"]))


class TextFormatter(logging.Formatter):
    """One readable line for a terminal: time, level, logger, message, then the context fields that are known."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = _clean(super().format(record))
        context = " ".join(f"{k}={getattr(record, k)}" for k in CONTEXT_FIELDS if getattr(record, k, None))
        return f"{line} [{context}]" if context else line


def formatter(fmt: str = "json") -> logging.Formatter:
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r} is not one of {', '.join(FORMATS)}")
    return JsonFormatter() if fmt == "json" else TextFormatter()


def handler(fmt: str = "json", stream: TextIO | None = None) -> logging.Handler:
    """A stream handler (stderr by default) with the format and the context filter."""
    out = logging.StreamHandler(stream or sys.stderr)
    out.setFormatter(formatter(fmt))
    out.addFilter(ContextFilter())
    return out


def configure(level: int, fmt: str = "json", stream: TextIO | None = None) -> None:
    """Make the root logger write `fmt` lines at `level`; replaces any handler set before (basicConfig, a library)."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(fmt, stream))
    root.setLevel(level)


def parse_format(raw: str | None, default: str = "json") -> str:
    """`DEALCOACH_LOG_FORMAT` in any case; an unknown name is an error, not a silent default."""
    name = (raw or default).strip().lower()
    if name not in FORMATS:
        raise ValueError(f"DEALCOACH_LOG_FORMAT={raw!r} is not a log format ({', '.join(FORMATS)})")
    return name
