"""The LLM answer cache of one tenant: its own Redis namespace, so no tenant is served another's cached answer
(evidence quotes come from the transcript) and `dealcoach tenants remove` can delete it (`sync.forget`)."""

from __future__ import annotations

from typing import Any

import redis

from scoring.llm.scorer import RedisScoreCache

PREFIX = "dealcoach:llm-score:"


def tenant_prefix(tenant: str) -> str:
    """`dealcoach:llm-score:<tenant>:`: the scorer's own key (`v1:<hash>`) goes after it."""
    return f"{PREFIX}{tenant}:"


class TenantScoreCache:
    """`ScoreCache` over Redis with every key inside the tenant's namespace; the TTL and error handling are the
    scorer's own `RedisScoreCache`."""

    def __init__(self, conn: redis.Redis, tenant: str) -> None:
        self.inner, self.prefix = RedisScoreCache(conn), tenant_prefix(tenant)

    def _key(self, key: str) -> str:
        return self.prefix + key.removeprefix(PREFIX)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.inner.get(self._key(key))

    def set(self, key: str, value: dict[str, Any]) -> None:
        self.inner.set(self._key(key), value)
