"""The incremental HubSpot sweep: a period's pages come from the cache of each deal's sweep inputs (after reading
only what changed since the last read), or from a full read that refills the cache.

The first page job of a period chooses (`choose_source`): a full read when there is no complete cache, when its full
read is older than `full_read_hours` (`rubrics/sweep.yaml`), or when the number of deals the sweep's search counts
differs from the cache's after the delta (a deal deleted or merged away); else the delta
(`connector.hubspot.sweep_delta`: changes since the last read's start less the search-lag overlap) is applied to
the cache and the pages are keyset-read from it. Either way each page job checks every deal's write generation:
a deal whose cache entry is missing, or that another DealCoach job wrote to since it was cached, is read from the
CRM (in bulk before the page's locks, and again alone inside its lock if a job wrote to it meanwhile), never skipped.
After its writes the page stores what it now knows of each deal, its own task writes included, so they are never
read back. A full read stores its deals in a new epoch, which takes over once its last page is done.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

import redis

from connector.hubspot.crm import HubSpotCrm
from connector.hubspot.sweep import (
    DEALS_PER_CHUNK,
    RawDeal,
    deal_of,
    deal_props,
    is_swept,
    raw_page,
    read_items,
    read_rows,
    records_of,
    stage_metadata,
    swept_properties,
)
from connector.hubspot.sweep import item_of as item_from_row
from connector.hubspot.sweep_delta import changed_pages, record_deals, swept_total
from connector.models import Deal, MarkedRecord
from sync.deal_view import DealView
from sync.sweep_cache import Entry, EpochCache, meta, promote, synced
from sync.sweep_settings import SweepSettings

log = logging.getLogger("dealcoach.sync.sweep")
FULL, CACHE = "full", "cache"
_GEN = "dealcoach:deal:{}:{}"
_CHOSEN = "dealcoach:sweep:{}:source:{}"


@dataclass(frozen=True)
class Source:
    """Where a period's pages come from: a full read into epoch `epoch`, or that epoch's cache; `started` is when
    the period's reads began (a full read's epoch is synced from it)."""

    mode: str
    epoch: int
    started: float

    def encode(self) -> str:
        """`full-<epoch>-<started>` (RQ job arguments are plain strings)."""
        return f"{self.mode}-{self.epoch}-{self.started!r}"

    @classmethod
    def decode(cls, text: str) -> Source:
        mode, epoch, started = text.split("-", 2)
        return cls(mode, int(epoch), float(started))


def generations(conn: redis.Redis, tenant: str, deal_ids: Sequence[str]) -> dict[str, int]:
    """deal id -> its write generation (`sync.deal_view.generation`), in one round trip."""
    pipe = conn.pipeline(transaction=False)
    for d in deal_ids:
        pipe.hget(_GEN.format(tenant, d), "gen")
    return {d: int(g or 0) for d, g in zip(deal_ids, cast(list[bytes | None], pipe.execute()), strict=True)}


def choose_source(
    conn: redis.Redis, crm: HubSpotCrm, tenant: str, period: int, now: datetime, settings: SweepSettings
) -> Source:
    """The period's source, chosen once (a retried first page job finds the first attempt's choice)."""
    key = _CHOSEN.format(tenant, period)
    chosen = cast(bytes | None, conn.get(key))
    if chosen:
        return Source.decode(chosen.decode())
    now_s = now.timestamp()
    m = meta(conn, tenant)
    reason = (
        "no_cache" if m.epoch is None else "full_read_due" if now_s - (m.full_at or 0) > settings.full_read_s else ""
    )
    if not reason and m.epoch is not None and m.synced_at is not None:
        cache = EpochCache(conn, tenant, m.epoch, settings.ttl_s)
        apply_delta(conn, crm, tenant, cache, int((m.synced_at - settings.overlap_s) * 1000), now_s)
        total, held = swept_total(crm), cache.count()
        if total == held:
            synced(conn, tenant, m.epoch, now_s, settings.ttl_s)
            source = Source(CACHE, m.epoch, now_s)
        else:
            reason = "count_differs"
            log.info("sync.sweep.cache_count_differs tenant=%s crm=%d cache=%d", tenant, total, held)
    if reason:
        source = Source(FULL, period, now_s)
    if not conn.set(key, source.encode(), nx=True, ex=settings.ttl_s):
        return Source.decode(cast(bytes, conn.get(key)).decode())
    log.info("sync.sweep.source tenant=%s period=%d mode=%s reason=%s", tenant, period, source.mode, reason or "-")
    return source


def apply_delta(
    conn: redis.Redis, crm: HubSpotCrm, tenant: str, cache: EpochCache, since_ms: int, now_s: float
) -> dict[str, int]:
    """Read what changed since `since_ms` and bring the cache up to it, one search page at a time: changed deals'
    properties, new deals read whole, deals that left the sweep dropped, changed records on their deals. The
    counts, for the log."""
    cache.drop(cache.closed_before(now_s))
    counts: dict[str, int] = {"new": 0, "left": 0}
    for object_type, rows in changed_pages(crm, since_ms):
        counts[object_type] = counts.get(object_type, 0) + len(rows)
        if object_type == "deals":
            new, left = _deal_page(conn, crm, tenant, cache, rows, now_s)
            counts["new"], counts["left"] = counts["new"] + new, counts["left"] + left
        else:
            _record_page(crm, cache, object_type, rows)
    log.info("sync.sweep.delta tenant=%s %s", tenant, " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def _deal_page(
    conn: redis.Redis, crm: HubSpotCrm, tenant: str, cache: EpochCache, rows: list[dict[str, object]], now_s: float
) -> tuple[int, int]:
    """A page of changed deals into the cache: new properties on known deals, new deals read whole (their
    generation taken before the read), deals that left the sweep dropped; (new, left)."""
    changed = {str(r["id"]): deal_props(r) for r in rows}
    leaving = [d for d, p in changed.items() if not is_swept(p, now_s)]
    cache.drop(leaving)
    known = cache.get([d for d in changed if d not in leaving])
    entries: dict[str, Entry] = {d: {**e, "p": changed[d]} for d, e in known.items() if e is not None}
    new = [d for d, e in known.items() if e is None]
    if new:
        gens = generations(conn, tenant, new)
        read = read_items(crm, new)
        entries |= {d: {"p": changed[d], "r": read[d], "g": gens[d]} for d in new}
    cache.put(entries)
    return len(new), len(leaving)


def _record_page(crm: HubSpotCrm, cache: EpochCache, object_type: str, rows: list[dict[str, object]]) -> None:
    """A page of changed records onto the cached deals they belong to (deals not cached are not swept, or will be
    read whole when their page finds them missing)."""
    deals_of = record_deals(crm, object_type, [str(r["id"]) for r in rows])
    items: dict[str, dict[str, list[object]]] = {}
    for row in rows:
        item = item_from_row(crm, object_type, row)
        for d in deals_of.get(str(row["id"]), ()):
            items.setdefault(d, {})[f"{object_type}:{row['id']}"] = item
    entries = {d: e for d, e in cache.get(list(items)).items() if e is not None}
    for d, entry in entries.items():
        entry["r"].update(items[d])
    cache.put(entries)


@dataclass
class CachedPage:
    """A page of deals with their records, from the CRM or the cache, and what the page job must know to keep the
    cache: each deal's write generation when its records were read, and the epoch to store into."""

    raws: list[RawDeal]
    gens: dict[str, int]
    cache: EpochCache
    next_cursor: str | None
    deals: list[tuple[Deal, DealView]] = field(default_factory=list)

    def stale_now(self, conn: redis.Redis, tenant: str, deal_ids: Sequence[str]) -> set[str]:
        """Deals another job wrote to since their records were read (inside the page's locks: read them again)."""
        now = generations(conn, tenant, deal_ids)
        return {d for d in deal_ids if now[d] != self.gens.get(d)}

    def store(self, conn: redis.Redis, tenant: str, views: Sequence[tuple[Deal, DealView]], skip: set[str]) -> None:
        """After the page's writes (inside its locks): each deal's inputs as the CRM now holds them, DealCoach's
        tasks from the job's own view, stamped with the generation the writes left."""
        raws = {r.id: r for r in self.raws}
        kept = [(deal, view) for deal, view in views if deal.id not in skip and deal.id in raws]
        gens = generations(conn, tenant, [deal.id for deal, _ in kept])
        entries: dict[str, Entry] = {}
        for deal, view in kept:
            items = {k: v for k, v in raws[deal.id].items.items() if v[0] != "m"}
            items |= {f"tasks:{m.id}": _marked_item(m) for m in view.tasks() if m.id}
            entries[deal.id] = {"p": raws[deal.id].props, "r": items, "g": gens[deal.id]}
        self.cache.put(entries)


def _marked_item(m: MarkedRecord) -> list[object]:
    """A DealCoach task as `item_of` gives it after a read (HubSpot keeps its due time to the millisecond)."""
    due = m.due.astimezone(UTC).replace(microsecond=m.due.microsecond // 1000 * 1000) if m.due else None
    return ["m", m.key, m.id, m.status, due.isoformat() if due else None, m.subject]


def read_page(
    conn: redis.Redis,
    crm: HubSpotCrm,
    tenant: str,
    source: Source,
    cursor: str,
    *,
    now: datetime,
    ttl_s: int,
    chunk: int | None = None,
) -> CachedPage:
    """The page after `cursor`: read from the CRM into the full read's epoch, or from the cache (deals missing from
    it or written since read from the CRM in bulk); every deal with its Deal and DealView."""
    size = chunk or DEALS_PER_CHUNK
    cache = EpochCache(conn, tenant, source.epoch, ttl_s)
    if source.mode == FULL:
        raws, nxt = raw_page(crm, cursor, chunk=size)
        gens = generations(conn, tenant, [r.id for r in raws])
        cache.put({r.id: {"p": r.props, "r": r.items, "g": gens[r.id]} for r in raws})
    else:
        ids, nxt = cache.page(cursor, size)
        gens = generations(conn, tenant, ids)
        entries = cache.get(ids)
        fresh = {d: e for d, e in entries.items() if e is not None and e["g"] == gens[d]}
        raws_by_id = {d: RawDeal(d, e["p"], e["r"]) for d, e in fresh.items()}
        raws_by_id |= _read_again(crm, cache, [d for d in ids if d not in fresh], entries, gens)
        now_s = now.timestamp()
        raws = [raws_by_id[d] for d in ids if d in raws_by_id and is_swept(raws_by_id[d].props, now_s)]
        cache.drop([d for d in ids if d in raws_by_id and not is_swept(raws_by_id[d].props, now_s)])
    meta_ = stage_metadata(crm)
    page = CachedPage(raws, gens, cache, nxt)
    page.deals = [(deal_of(r, meta_), DealView(crm, r.id, records=records_of(r.items))) for r in raws]
    return page


def _read_again(
    crm: HubSpotCrm, cache: EpochCache, ids: list[str], entries: dict[str, Entry | None], gens: dict[str, int]
) -> dict[str, RawDeal]:
    """Deals the cache cannot answer for, read from the CRM in bulk (a deal gone from the CRM leaves the cache)."""
    if not ids:
        return {}
    props = {d: e["p"] for d in ids if (e := entries.get(d)) is not None}
    missing = [d for d in ids if d not in props]
    for start in range(0, len(missing), 100):
        rows = read_rows(crm, "deals", missing[start : start + 100], swept_properties(crm))
        props |= {d: deal_props({"properties": row}) for d, row in rows.items()}
    gone = [d for d in ids if d not in props]
    cache.drop(gone)
    alive = [d for d in ids if d in props]
    items = read_items(crm, alive)
    raws = {d: RawDeal(d, props[d], items[d]) for d in alive}
    cache.put({d: {"p": r.props, "r": r.items, "g": gens[d]} for d, r in raws.items()})
    log.info("sync.sweep.cache_reread deals=%d gone=%d", len(alive), len(gone))
    return raws


def completed(conn: redis.Redis, tenant: str, source: Source, ttl_s: int) -> None:
    """The period's last page is done: a full read's epoch becomes the cache in use."""
    if source.mode == FULL and promote(conn, tenant, source.epoch, source.started, ttl_s):
        log.info("sync.sweep.cache_full tenant=%s epoch=%d", tenant, source.epoch)
