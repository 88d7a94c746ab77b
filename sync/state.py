"""What DealCoach remembers about a deal between events: stage history and the latest scorecard.

Events arrive late and out of order, so every update compares `occurred_at` and never moves the
recorded state backwards. Stage history feeds time-in-stage (SLA and reporting issues).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import redis

_DEAL = "dealcoach:deal:{}:{}"
_STAGES = "dealcoach:stages:{}:{}"


@dataclass(frozen=True)
class StageEntry:
    stage: str
    at: datetime
    event_id: str


class DealState:
    """Redis-backed memory of one deal of one tenant."""

    def __init__(self, conn: redis.Redis, tenant: str, deal_id: str) -> None:
        self.conn = conn
        self.key = _DEAL.format(tenant, deal_id)
        self.stages_key = _STAGES.format(tenant, deal_id)

    def record_stage_entry(self, stage: str, at: datetime, event_id: str) -> StageEntry | None:
        """Add an observation (idempotent per event); the entry it belongs to when that entry is the deal's latest.

        Observations of one stage with no other stage between them are one entry, dated by its first
        observation: a creation event and a property change a few ms apart, or Salesforce Outbound Messages
        fired by any Opportunity edit, all report the same entry. Every job that sees an observation of the
        latest entry gets the same answer, so a job retried after a failure still writes that entry's task.
        """
        member = json.dumps({"stage": stage, "at": at.isoformat(), "event_id": event_id}, sort_keys=True)
        pipe = self.conn.pipeline(transaction=True)
        pipe.zadd(self.stages_key, {member: at.timestamp()})
        pipe.zrange(self.stages_key, 0, -1)
        _, rows = pipe.execute()
        run = _latest_run(rows)
        if member not in (_text(r) for r in run):
            return None
        return _entry(run[0])

    def current_entry(self, stage: str) -> StageEntry | None:
        """The entry of the latest stage run, if that run is of `stage` (None when unobserved or moved on)."""
        run = _latest_run(self._observations())
        entry = _entry(run[0]) if run else None
        return entry if entry is not None and entry.stage == stage else None

    def stage_history(self) -> list[StageEntry]:
        return [_entry(m) for m in self._observations()]

    def _observations(self) -> list[bytes]:
        return cast(list[bytes], self.conn.zrange(self.stages_key, 0, -1))

    def save_scorecard_if_newer(self, scorecard: dict[str, Any], call_at: datetime, call_id: str) -> bool:
        """Keep the scorecard of the most recent call only; an older call scored late does not win."""
        lua = """
        local cur = redis.call('HGET', KEYS[1], 'scored_call_ts')
        if cur and tonumber(cur) > tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'scored_call_ts', ARGV[1], 'scored_call_id', ARGV[2], 'scorecard', ARGV[3])
        return 1
        """
        return bool(
            self.conn.eval(
                lua, 1, self.key, repr(call_at.timestamp()), call_id, json.dumps(scorecard, ensure_ascii=False)
            )
        )

    def fields_unchanged(self, fields: dict[str, Any]) -> bool:
        """True when these deal fields are exactly the last ones written (a re-run then costs no API call)."""
        return self.conn.hget(self.key, "fields") == _fields_blob(fields).encode()

    def remember_fields(self, fields: dict[str, Any]) -> None:
        self.conn.hset(self.key, "fields", _fields_blob(fields))

    def latest_scorecard(self) -> dict[str, Any] | None:
        raw = cast(bytes | None, self.conn.hget(self.key, "scorecard"))
        return json.loads(raw) if raw else None


def _fields_blob(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _latest_run(rows: list[bytes]) -> list[bytes]:
    """The observations (oldest first) since the stage last changed."""
    run: list[bytes] = []
    for raw in rows:
        run = run + [raw] if run and json.loads(_text(run[-1]))["stage"] == json.loads(_text(raw))["stage"] else [raw]
    return run


def _entry(raw: bytes | str) -> StageEntry:
    row = json.loads(_text(raw))
    return StageEntry(stage=row["stage"], at=datetime.fromisoformat(row["at"]), event_id=row["event_id"])
