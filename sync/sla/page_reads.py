"""What the SLA evaluation reads from Redis for each deal of a sweep page, read for the whole page in one round trip.

Per deal the evaluation reads the stage observations (`DealState.current_entry`), the latest scorecard and the
trigger events; the sweep reads them for every deal of a page at once, after the page's locks are taken (as the
per-deal path reads them inside its lock), with the same keys and the same parsing as `sync.state.DealState`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis

# The parsing of DealState itself (module-private there), so the two reads never disagree.
from sync.state import DealState, StageEntry, _entry, _latest_run


@dataclass(frozen=True)
class DealReads:
    """One deal's Redis state for its evaluation."""

    observations: list[bytes]
    scorecard: dict[str, Any] | None
    events: list[dict[str, Any]]

    def current_entry(self, stage: str) -> StageEntry | None:
        """As `DealState.current_entry`: the latest run's entry when it is of `stage`."""
        run = _latest_run(self.observations)
        entry = _entry(run[0]) if run else None
        return entry if entry is not None and entry.stage == stage else None


def read_page(conn: redis.Redis, tenant: str, deal_ids: Sequence[str], events_key: str) -> dict[str, DealReads]:
    """deal id → its reads, for every deal of the page, in one pipeline (`events_key` formats tenant and deal)."""
    pipe = conn.pipeline(transaction=False)
    for deal_id in deal_ids:
        state = DealState(conn, tenant, deal_id)
        pipe.zrange(state.stages_key, 0, -1)
        pipe.hget(state.key, "scorecard")
        pipe.hvals(events_key.format(tenant, deal_id))
    rows: list[Any] = pipe.execute()
    out: dict[str, DealReads] = {}
    for i, deal_id in enumerate(deal_ids):
        stages, card, events = rows[3 * i : 3 * i + 3]
        out[deal_id] = DealReads(
            observations=list(stages),
            scorecard=json.loads(card) if card else None,
            events=[json.loads(v) for v in events],
        )
    return out
