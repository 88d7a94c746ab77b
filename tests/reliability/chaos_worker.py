"""`dealcoach worker` for the chaos run: the same `sync.worker.run_worker` on the same queues, with the one runtime
difference the embedded stacks have (`sync.demo.stack.stack_runtime`): transcripts may come from the sandbox's
plain-http loopback file host. Production code never allows that from the environment, so a test entry point does.

    python -m tests.reliability.chaos_worker     (REDIS_URL and DEALCOACH_SECRET_KEY from the environment)
"""

from __future__ import annotations

import logging
import os
import sys

import redis

from sync import runtime
from sync.queue import ALL_QUEUES
from sync.runtime import Runtime, RuntimeConfig
from sync.worker import run_worker


def main() -> int:
    """Install the loopback-download runtime before RQ forks any work-horse, then work until SIGTERM."""
    logging.basicConfig(level=os.environ.get("DEALCOACH_LOG_LEVEL", "WARNING").upper(), stream=sys.stderr)
    rt = Runtime(RuntimeConfig.from_env(), local_download_hosts=("127.0.0.1",))
    runtime.install(rt)
    return run_worker(redis.Redis.from_url(rt.config.redis_url), list(ALL_QUEUES))


if __name__ == "__main__":
    sys.exit(main())
