"""What every command shares: the one-line error, logging set-up, the runtime and Redis with clear failures."""

from __future__ import annotations

import argparse
import logging
import os
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit


class CliError(Exception):
    """A one-line message for stderr and the exit status: what is wrong and how to fix it, never a traceback."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def log_level(raw: str | None, default: str) -> int:
    """`DEALCOACH_LOG_LEVEL` in any case (`info`, `INFO`); an unknown name is an error, not a silent default."""
    name = (raw or default).strip().upper()
    levels = logging.getLevelNamesMapping()
    if name not in levels or name == "NOTSET":
        raise ValueError(f"DEALCOACH_LOG_LEVEL={raw!r} is not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")
    return levels[name]


def configure_logging(default_level: str) -> None:
    """JSON lines on stderr (`sync.log_format`); `DEALCOACH_LOG_FORMAT=text` for a person at a terminal."""
    from sync import log_format

    try:
        level = log_level(os.environ.get("DEALCOACH_LOG_LEVEL"), default_level)
        fmt = log_format.parse_format(os.environ.get("DEALCOACH_LOG_FORMAT"))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    log_format.configure(level, fmt)


def version_text() -> str:
    try:
        return metadata.version("dealcoach")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _redacted(url: str) -> str:
    """A Redis URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def load_runtime(*, needs_secret_key: bool = False) -> Any:
    """The worker runtime from this process's environment, installed for the command's jobs."""
    from sync import runtime

    try:
        rt = runtime.Runtime.from_env()
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if needs_secret_key and not rt.config.secret_key:
        raise CliError("DEALCOACH_SECRET_KEY is not set: it encrypts and decrypts the stored CRM credentials")
    runtime.install(rt)
    return rt


def open_redis(rt: Any) -> Any:
    """The runtime's Redis connection, checked now: a command that needs Redis says so once, up front."""
    import redis

    conn = rt.connection()
    try:
        conn.ping()
    except redis.RedisError as exc:
        raise CliError(f"cannot reach Redis at {_redacted(rt.config.redis_url)} (REDIS_URL): {exc}", 1) from exc
    return conn


def positive_int(raw: str) -> int:
    """argparse type: a whole number above zero."""
    if not raw.isdigit() or int(raw) <= 0:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a positive whole number")
    return int(raw)
