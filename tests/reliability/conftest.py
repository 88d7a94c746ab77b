"""Real `dealcoach worker` processes on the session's redis-server, killed for real; the jobs they run live here.

Waits poll for a condition with a generous deadline (WAIT_S) and never assert how long anything took.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from rq import get_current_job
from rq.scheduler import RQScheduler

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 45.0
QUEUES = ("events", "scoring", "sync")


def record(name: str) -> int:
    """Job: note which process ran it."""
    job = get_current_job()
    assert job is not None
    job.connection.rpush(f"test:done:{name}", os.getpid())
    return os.getpid()


def gated(name: str) -> int:
    """Job: say it started, then hold until the test opens its gate (so a test can kill the worker mid-job)."""
    job = get_current_job()
    assert job is not None
    conn = job.connection
    conn.rpush(f"test:started:{name}", os.getpid())
    while not conn.exists(f"test:gate:{name}"):
        time.sleep(0.05)
    conn.rpush(f"test:done:{name}", os.getpid())
    return os.getpid()


def wait_for(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> object:
    """Poll `condition` until it is truthy; fail naming `what` after `timeout` seconds. Redis blips count as no."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = condition()
        except redis.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (the work-horse leaves the worker's process group, so killpg would miss it)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class WorkerProcess:
    """One `dealcoach worker` process (with its scheduler and work-horse children)."""

    def __init__(self, redis_url: str, log_path: Path) -> None:
        env = {**os.environ, "REDIS_URL": redis_url, "DEALCOACH_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
        self.log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dealcoach_cli", "worker"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.log_path = log_path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def registered(self, conn: redis.Redis) -> bool:
        """RQ lists a live worker with this process id."""
        from rq import Worker

        return any(w.pid == self.pid for w in Worker.all(connection=conn))

    def crash(self) -> None:
        """SIGKILL the worker and everything it started, at once: what a lost machine or an OOM-killed pod does."""
        for pid in [self.pid, *descendants(self.pid)]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        left = descendants(self.pid)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


@pytest.fixture
def workers(redis_conn: redis.Redis, redis_server: object, tmp_path: Path) -> Iterator[Callable[[], WorkerProcess]]:
    """Start workers on demand; every one still running is stopped (and its children killed) after the test."""
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(redis_server.url, tmp_path / f"worker-{len(started)}.log")  # type: ignore[attr-defined]
        started.append(worker)
        wait_for(lambda: worker.registered(redis_conn), f"worker {worker.pid} to register")
        return worker

    yield start
    for worker in started:
        worker.stop()


def scheduler_locks_held(conn: redis.Redis) -> bool:
    """Some scheduler holds the lock of every queue."""
    return all(conn.exists(RQScheduler.get_locking_key(q)) for q in QUEUES)
