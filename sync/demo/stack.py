"""What both embedded stacks share: the worker run in-process, the webhook app on a local port, the runtime.

The web app's factory is passed in by the caller (the CLI, the tests), so `sync/` never imports `webhooks/`:
imports run one way, webhooks → sync → connector / scoring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import redis
from flask import Flask
from rq import Queue, SimpleWorker

from connector.sandbox.server import ServerThread
from sync import runtime
from sync.queue import ALL_QUEUES
from sync.runtime import Runtime, RuntimeConfig

AppFactory = Callable[[dict[str, Any]], Flask]


def run_worker(conn: redis.Redis) -> None:
    """Process every queued job in this process (RQ SimpleWorker in burst mode)."""
    queues = [Queue(name, connection=conn) for name in ALL_QUEUES]
    SimpleWorker(queues, connection=conn).work(burst=True, logging_level="WARNING")


def start_app(conn: redis.Redis, app_factory: AppFactory, secret_key: str, **config: Any) -> ServerThread:
    """The real webhook app on a free local port, on the given Redis."""
    app = ServerThread(app_factory({"REDIS": conn, "DEALCOACH_SECRET_KEY": secret_key, **config}))
    app.start()
    return app


def stack_runtime(secret_key: str, env: Mapping[str, str] | None = None, conn: redis.Redis | None = None) -> Runtime:
    """The worker runtime of an embedded stack: its own configuration, never the process environment, and the
    stack's Redis for what the runtime reads outside a job (OAuth tokens)."""
    return Runtime(
        RuntimeConfig.from_env({**(env or {}), "DEALCOACH_SECRET_KEY": secret_key}),
        local_download_hosts=("127.0.0.1",),
        conn=conn,
    )


@contextmanager
def running(
    secret_key: str, env: Mapping[str, str] | None = None, conn: redis.Redis | None = None
) -> Iterator[Runtime]:
    """Install the stack's runtime for the duration of the stack."""
    with runtime.using(stack_runtime(secret_key, env, conn)) as rt:
        yield rt


@dataclass
class Stack:
    """What a running stack of either CRM offers: the Redis, the worker, and its runtime's configuration."""

    conn: redis.Redis
    app: ServerThread
    secret_key: str = field(kw_only=True, repr=False)
    env: dict[str, str] = field(default_factory=dict, kw_only=True, repr=False)

    def run_worker(self) -> None:
        run_worker(self.conn)

    def drain(self) -> None:
        self.deliver_webhooks()
        self.run_worker()

    def deliver_webhooks(self) -> Any:
        raise NotImplementedError

    def configure(self, **env: str) -> None:
        """Rebuild the worker runtime with more settings (a fake LLM or Speech endpoint, a sweep interval)."""
        self.env = {**self.env, **env}
        runtime.install(stack_runtime(self.secret_key, self.env, self.conn))
