"""How many requests a connector sent its CRM, and how many failed: the figures each job records and /metrics shows.

Counted where the request is made (HubSpot: every SDK call and file download; Salesforce: every response on the
session, plus file downloads), so a job's cost is the difference of two snapshots.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UsageSnapshot:
    """Requests and failed requests so far."""

    requests: int = 0
    errors: int = 0

    def __sub__(self, other: UsageSnapshot) -> UsageSnapshot:
        return UsageSnapshot(self.requests - other.requests, self.errors - other.errors)


@dataclass
class RequestUsage:
    """A connector's running request count (thread-safe: a connector may serve several threads)."""

    vendor: str
    requests: int = 0
    errors: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, *, failed: bool = False) -> None:
        with self._lock:
            self.requests += 1
            self.errors += int(failed)

    def snapshot(self) -> UsageSnapshot:
        with self._lock:
            return UsageSnapshot(self.requests, self.errors)
