"""The sweep cache on a real redis-server: keyset pages over the cached ids, the 400-day exit of closed deals, and
a complete full read taking over from the epoch before it (never an older full read over a newer one)."""

from __future__ import annotations

import redis

from sync.sweep_cache import EpochCache, meta, promote, synced

DAY_S = 86400
NOW_S = 1_800_000_000.0


def _entry(closed: str = "") -> dict[str, object]:
    props = {"hs_is_closed": "true", "closedate": closed} if closed else {"hs_is_closed": "false"}
    return {"p": props, "r": {}, "g": 0}


def test_pages_are_keyset_reads_of_the_cached_ids(redis_conn: redis.Redis) -> None:
    cache = EpochCache(redis_conn, "hubspot:1", 7, 3600)
    cache.put({str(i): _entry() for i in (5, 30, 100, 2000, 17000000001)})
    pages, cursor = [], ""
    while True:
        ids, nxt = cache.page(cursor, 2)
        pages.append(ids)
        if nxt is None:
            break
        cursor = nxt
    assert pages == [["5", "30"], ["100", "2000"], ["17000000001"]], "numeric order, every id once"


def test_closed_deals_leave_after_400_days(redis_conn: redis.Redis) -> None:
    cache = EpochCache(redis_conn, "hubspot:1", 7, 3600)
    old = "2025-06-01T00:00:00Z"  # more than 400 days before NOW_S (2027-01-15)
    recent = "2026-12-01T00:00:00Z"
    cache.put({"1": _entry(old), "2": _entry(recent), "3": _entry()})
    assert cache.closed_before(NOW_S) == ["1"]
    cache.put({"1": _entry()})  # reopened
    assert cache.closed_before(NOW_S) == []


def test_a_complete_full_read_takes_over_and_an_older_one_does_not(redis_conn: redis.Redis) -> None:
    tenant = "hubspot:1"
    old, new = EpochCache(redis_conn, tenant, 1, 3600), EpochCache(redis_conn, tenant, 2, 3600)
    old.put({"1": _entry()})
    assert promote(redis_conn, tenant, 1, NOW_S, 3600)
    synced(redis_conn, tenant, 1, NOW_S + 900, 3600)
    assert meta(redis_conn, tenant).synced_at == NOW_S + 900
    new.put({"1": _entry(), "2": _entry()})
    assert promote(redis_conn, tenant, 2, NOW_S + DAY_S, 3600)
    m = meta(redis_conn, tenant)
    assert (m.epoch, m.full_at, m.synced_at) == (2, NOW_S + DAY_S, NOW_S + DAY_S)
    assert old.count() == 0, "the replaced epoch is unlinked"
    late = EpochCache(redis_conn, tenant, 3, 3600)
    late.put({"1": _entry()})
    assert not promote(redis_conn, tenant, 3, NOW_S + 10, 3600), "a full read that started earlier never takes over"
    assert meta(redis_conn, tenant).epoch == 2
