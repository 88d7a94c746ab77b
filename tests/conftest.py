"""Shared fixtures: a throwaway real redis-server per session (fresh database per test)."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import redis

from connector import clock

FIXTURES = Path(__file__).parent / "fixtures"
TEST_SECRET_KEY = "test-secret-key-not-for-production"
# The instant every test starts at (a Friday afternoon in Tokyo). Set DEALCOACH_TEST_NOW to run the whole suite
# at another instant (a 29 February, a year-end, a holiday week): no test may depend on the wall clock's date.
TEST_NOW = datetime.fromisoformat(os.environ.get("DEALCOACH_TEST_NOW") or "2026-11-20T15:00:00+09:00")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A redis-server child process on a free port, so tests never touch the machine's own Redis."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (.ci/run installs it with apt-get)")
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="dealcoach-redis-")
        self.proc: subprocess.Popen[bytes] | None = None
        self.binary = binary

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(200):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer()
    server.start()
    yield server
    server.stop()
    shutil.rmtree(server.dir, ignore_errors=True)


@pytest.fixture
def redis_conn(redis_server: RedisServer) -> Iterator[redis.Redis]:
    """A flushed database on the session's redis-server; restarts the server if a test stopped it."""
    if redis_server.proc is None or redis_server.proc.poll() is not None:
        redis_server.start()
    conn = redis.Redis.from_url(redis_server.url)
    conn.flushdb()
    yield conn
    conn.close()


@pytest.fixture(autouse=True)
def _secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEALCOACH_SECRET_KEY", os.environ.get("DEALCOACH_TEST_SECRET_KEY", TEST_SECRET_KEY))


@pytest.fixture(autouse=True)
def world_clock() -> Iterator[clock.AnchoredClock]:
    """Jobs, sweeps, the webhook app and the sandboxes all read this clock: it starts at TEST_NOW and ticks."""
    with clock.using(clock.AnchoredClock(TEST_NOW)) as anchored:
        yield anchored


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """A test that runs the CLI in process configures the root logger onto that test's captured stderr; take its
    handlers off afterwards, so a later test's log line never writes to the closed stream ("--- Logging error ---" in
    CI's output). pytest's own capture handlers are left to pytest."""
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    yield
    for added in [h for h in root.handlers if h not in before and not type(h).__module__.startswith("_pytest")]:
        root.removeHandler(added)
    root.setLevel(level)
