"""A sweep page's deal locks, taken and checked in one round trip, are the very locks `deal_lock` takes: a deal held
by another job is left out (never written), a page's lock keeps a call job out, and a lock lost before the write
stops the whole page's write, as `DealLock.check()` does for one deal."""

from __future__ import annotations

import pytest
import redis

from sync.writeback import LockLostError, check_fences, deal_lock, page_locks

TENANT = "hubspot:1"


def test_free_locks_are_taken_and_a_busy_one_is_left_out(redis_conn: redis.Redis) -> None:
    with deal_lock(redis_conn, TENANT, "2"):
        with page_locks(redis_conn, TENANT, ["1", "2", "3"], wait_s=0.3) as held:
            assert sorted(held) == ["1", "3"], "the deal another job holds is not the page's"
            assert redis_conn.exists(f"dealcoach:lock:{TENANT}:1", f"dealcoach:lock:{TENANT}:3") == 2
    assert redis_conn.exists(f"dealcoach:lock:{TENANT}:1", f"dealcoach:lock:{TENANT}:3") == 0, "released after"


def test_a_page_lock_keeps_a_call_job_out_of_its_deal(redis_conn: redis.Redis) -> None:
    with page_locks(redis_conn, TENANT, ["7"]) as held:
        assert list(held) == ["7"]
        lock = redis_conn.lock(f"dealcoach:lock:{TENANT}:7", blocking_timeout=0.2)
        assert not lock.acquire(), "deal_lock's lock is the same key: a call job waits"
    with deal_lock(redis_conn, TENANT, "7"):
        pass


def test_fences_are_renewed_together_and_a_lost_one_stops_the_write(redis_conn: redis.Redis) -> None:
    with page_locks(redis_conn, TENANT, ["1", "2", "3"]) as held:
        fences = [held[d] for d in ("1", "2", "3")]
        redis_conn.pexpire(f"dealcoach:lock:{TENANT}:1", 50_000)
        check_fences(fences)
        assert redis_conn.pttl(f"dealcoach:lock:{TENANT}:1") > 60_000, "renewed to the full TTL"
        assert redis_conn.hget(f"dealcoach:deal:{TENANT}:2", "gen") == b"1", "each write counted"
        # Deal 3's lock lapsed and another job took it.
        redis_conn.set(f"dealcoach:lock:{TENANT}:3", "someone-else")
        with pytest.raises(LockLostError):
            check_fences(fences)
    assert redis_conn.get(f"dealcoach:lock:{TENANT}:3") == b"someone-else", "another job's lock is never released"
