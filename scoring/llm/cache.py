"""Where the LLM scorer keeps model answers by content hash: a dict for tests and one-shot runs, Redis in workers."""

from __future__ import annotations

import json
import logging
from typing import Any, Protocol

log = logging.getLogger("dealcoach.scoring.llm")


class ScoreCache(Protocol):
    """Where model answers are kept by content hash; a miss or an outage only costs tokens, never correctness."""

    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...


class MemoryScoreCache:
    """A dict-backed cache for tests, the demo and one-shot CLI runs."""

    def __init__(self) -> None:
        self.data: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any] | None:
        value = self.data.get(key)
        return json.loads(json.dumps(value)) if value is not None else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self.data[key] = json.loads(json.dumps(value))


class RedisScoreCache:
    """Model answers in Redis as JSON with a TTL; Redis errors are logged and treated as a miss."""

    def __init__(self, conn: Any, ttl_s: int = 30 * 24 * 3600) -> None:
        self.conn = conn
        self.ttl_s = int(ttl_s)

    def get(self, key: str) -> dict[str, Any] | None:
        import redis

        try:
            raw = self.conn.get(key)
        except redis.RedisError as exc:
            log.warning("scoring.llm.scorer.cache_unavailable op=get error=%s", type(exc).__name__)
            return None
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        import redis

        try:
            self.conn.set(key, json.dumps(value, ensure_ascii=False), ex=self.ttl_s)
        except redis.RedisError as exc:
            log.warning("scoring.llm.scorer.cache_unavailable op=set error=%s", type(exc).__name__)
