"""Locks never outlive the retry schedule: a crashed worker's lock frees itself before the job's retries run out."""

from __future__ import annotations

import time

import redis

from sync.queue import RETRY
from sync.recording import LOCK_RENEW_S, LOCK_TTL_S, renewed
from sync.writeback import LOCK_TIMEOUT_S


def test_locks_expire_inside_the_retry_schedule() -> None:
    schedule = sum(RETRY.intervals)
    assert LOCK_TTL_S < schedule and LOCK_TIMEOUT_S < schedule
    assert LOCK_RENEW_S * 3 <= LOCK_TTL_S, "a renewal can be missed twice before the lock lapses"


def test_a_held_recording_lock_is_renewed_past_its_ttl_and_freed_after(redis_conn: redis.Redis) -> None:
    lock = redis_conn.lock("dealcoach:test:lock", timeout=1, blocking_timeout=0, thread_local=False)
    assert lock.acquire()
    with renewed(lock, every_s=0.1):
        time.sleep(1.6)  # longer than the TTL: only the heartbeat keeps it
        assert lock.owned()
    ttl = redis_conn.pttl("dealcoach:test:lock")
    assert 0 < ttl <= 1000, "after the block, the lock lapses on its own TTL (a crash frees it)"
