"""`dealcoach serve`: the webhook app under gunicorn, with a worker model that slow clients cannot starve.

Flask's development server and gunicorn's `sync` workers give each connection a whole thread or process while its
request is read, so two clients that trickle their uploads (or just open a connection and wait) took both sync
workers and `/healthz` stopped answering (issue 11). The default here is `gthread`: connections wait in the
worker's poller until they are readable, and a thread is held only while a request is read and answered, so a few
slow uploads hold a few of the threads, never the service; with `gevent` each connection is a greenlet (thousands
per worker). The choice and its figures are in docs/reliability.md, "Operator's view".

Logging: gunicorn's own lines go through the root logger, so they come out in DealCoach's format too.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

WORKER_CLASSES = ("gthread", "gevent", "sync")
DEFAULT_WORKER_CLASS = "gthread"


@dataclass(frozen=True)
class ServeOptions:
    """What `dealcoach serve` passes to gunicorn."""

    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 2
    worker_class: str = DEFAULT_WORKER_CLASS
    threads: int = 8
    timeout_s: int = 30
    # prometheus_client multiprocess mode: wiped at start, a worker's files marked dead when it exits.
    metrics_dir: str | None = None

    def gunicorn_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = {
            "bind": f"{self.host}:{self.port}",
            "workers": self.workers,
            "worker_class": self.worker_class,
            "timeout": self.timeout_s,
            "graceful_timeout": self.timeout_s,
            "logger_class": RootLogger,
            "accesslog": None,
        }
        if self.worker_class == "gthread":
            settings["threads"] = self.threads
        if self.worker_class == "gevent":
            settings["worker_connections"] = 1000
        if self.metrics_dir:
            settings["child_exit"] = _mark_dead
        return settings


class RootLogger(Logger):
    """gunicorn's logger, writing through the root logger's handler (DealCoach's format) instead of its own."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True


def _mark_dead(server: Any, worker: Any) -> None:
    """A gunicorn worker exited: its live gauges leave the multiprocess files (counters and histograms stay)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def prepare_metrics_dir(path: str | None) -> str:
    """A directory for prometheus_client's multiprocess files, emptied of old ones (they would resurrect old counts);
    only its `*.db` files are removed, so pointing it at a shared directory deletes nothing else."""
    target = Path(path) if path else Path(tempfile.mkdtemp(prefix="dealcoach-metrics-"))
    target.mkdir(parents=True, exist_ok=True)
    for stale in target.glob("*.db"):
        stale.unlink()
    return str(target)


class DealCoachServer(BaseApplication):
    """gunicorn run in-process, loading the app built by `build_app` in each worker."""

    def __init__(self, build_app: Callable[[], Flask], options: ServeOptions) -> None:
        self.build_app, self.options = build_app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.gunicorn_settings().items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.build_app()


def serve(build_app: Callable[[], Flask], options: ServeOptions) -> int:
    """Run gunicorn until it is stopped (SIGTERM, SIGINT); returns its exit status."""
    if options.worker_class not in WORKER_CLASSES:
        raise ValueError(f"worker class {options.worker_class!r} is not one of {', '.join(WORKER_CLASSES)}")
    logging.getLogger("dealcoach.webhooks").info(
        "webhooks.serve.starting bind=%s:%d workers=%d worker_class=%s",
        options.host,
        options.port,
        options.workers,
        options.worker_class,
    )
    DealCoachServer(build_app, options).run()
    return 0
