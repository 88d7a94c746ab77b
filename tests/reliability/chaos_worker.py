"""The processes of a chaos run: the workers (`dealcoach worker`'s loop, see `main`) and a redis-server with AOF.

`main` is `sync.worker.run_worker` on the same queues with the one runtime difference the embedded stacks have
(`sync.demo.stack.stack_runtime`): transcripts may come from the sandbox's plain-http loopback file host. Production
code never allows that from the environment, so a test entry point does.

    python -m tests.reliability.chaos_worker     (REDIS_URL and DEALCOACH_SECRET_KEY from the environment)
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from sync import runtime
from sync.queue import ALL_QUEUES
from sync.runtime import Runtime, RuntimeConfig
from sync.worker import run_worker
from tests.reliability.conftest import WorkerProcess

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "chaos-secret-key-not-for-production"


def main() -> int:
    """Install the loopback-download runtime before RQ forks any work-horse, then work until SIGTERM."""
    logging.basicConfig(level=os.environ.get("DEALCOACH_LOG_LEVEL", "WARNING").upper(), stream=sys.stderr)
    rt = Runtime(RuntimeConfig.from_env(), local_download_hosts=("127.0.0.1",))
    runtime.install(rt)
    return run_worker(redis.Redis.from_url(rt.config.redis_url), list(ALL_QUEUES))


class AofRedis:
    """A redis-server with AOF on every write (appendfsync always): a SIGKILL loses nothing it acknowledged."""

    def __init__(self, port: int) -> None:
        self.port, self.dir = port, tempfile.mkdtemp(prefix="dealcoach-chaos-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
             "--appendfsync", "always", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        probe = redis.Redis(port=self.port)
        for _ in range(500):
            try:
                probe.ping()
                return
            except (redis.ConnectionError, redis.BusyLoadingError):
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def crash(self) -> None:
        """SIGKILL: no shutdown, no final save; only the AOF brings the data back."""
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class ChaosWorker(WorkerProcess):
    """`dealcoach worker`'s loop (`tests.reliability.chaos_worker`) as a separate process, SIGKILLed at will."""

    def __init__(self, redis_url: str, log_path: Path) -> None:
        env = {**os.environ, "REDIS_URL": redis_url, "DEALCOACH_SECRET_KEY": SECRET_KEY, "PYTHONUNBUFFERED": "1"}
        self.log = log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.reliability.chaos_worker"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.log_path = log_path


if __name__ == "__main__":
    sys.exit(main())
