"""API traffic concerns: HubSpot's rate limits and headers, injected faults, and per-endpoint call counts.

Limits per https://developers.hubspot.com/docs/api/usage-details: a rolling 10-second burst window and a daily
budget (headers `X-HubSpot-RateLimit-*`); search is exempt from the burst window but allows 5 requests/s.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import ApiError, validation_error


def _rate_limited(message: str, policy: str, retry_after_s: float | None, headers: dict[str, str]) -> ApiError:
    """HubSpot's 429 body: category RATE_LIMITS plus `errorType`/`policyName` as HubSpot sends them."""
    if retry_after_s is not None:
        headers = dict(headers, **{"Retry-After": str(max(1, math.ceil(retry_after_s)))})
    return ApiError(429, "RATE_LIMITS", message, headers=headers,
                    extra={"errorType": "RATE_LIMIT", "policyName": policy})


class RateLimiter:
    """Counts authenticated API requests of one portal (all tokens share the portal's budget)."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Fresh burst window and daily budget."""
        with self._lock:
            self._burst: deque[float] = deque()
            self._search: deque[float] = deque()
            self._day = datetime.now(timezone.utc).date()
            self._daily_used = 0

    def _headers(self) -> dict[str, str]:
        c = self.config
        return {
            "X-HubSpot-RateLimit-Max": str(c.burst_limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, c.burst_limit - len(self._burst))),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(c.burst_interval_ms),
            "X-HubSpot-RateLimit-Daily": str(c.daily_limit),
            "X-HubSpot-RateLimit-Daily-Remaining": str(max(0, c.daily_limit - self._daily_used)),
        }

    def admit(self, *, search: bool) -> dict[str, str]:
        """Count one request and return the rate-limit headers, or raise the 429 HubSpot would send."""
        c = self.config
        now = time.monotonic()
        with self._lock:
            today = datetime.now(timezone.utc).date()
            if today != self._day:
                self._day, self._daily_used = today, 0
            window = c.burst_interval_ms / 1000
            while self._burst and self._burst[0] <= now - window:
                self._burst.popleft()
            while self._search and self._search[0] <= now - 1.0:
                self._search.popleft()
            if self._daily_used >= c.daily_limit:
                # No Retry-After: urllib3's default Retry (which the SDK uses) would sleep until midnight.
                raise _rate_limited("You have reached your daily limit.", "DAILY", None, self._headers())
            if search:
                if len(self._search) >= c.search_per_second:
                    raise _rate_limited("You have reached your secondly limit.", "SECONDLY",
                                        self._search[0] + 1.0 - now, self._headers())
                self._search.append(now)
            else:
                if len(self._burst) >= c.burst_limit:
                    raise _rate_limited("You have reached your ten_secondly_rolling limit.", "TEN_SECONDLY_ROLLING",
                                        self._burst[0] + window - now, self._headers())
                self._burst.append(now)
            self._daily_used += 1
            return self._headers()


_CATEGORY_BY_STATUS = {400: "VALIDATION_ERROR", 401: "INVALID_AUTHENTICATION", 403: "MISSING_SCOPES",
                       404: "OBJECT_NOT_FOUND", 409: "CONFLICT", 429: "RATE_LIMITS"}


@dataclass
class Fault:
    """One injected fault: answer `status` (and/or sleep `delay_s`) for matching requests, by rate or count."""

    id: int
    status: int | None = None
    rate: float | None = None
    count: int | None = None
    path_prefix: str = "/"
    method: str | None = None
    retry_after: int | None = None
    delay_s: float = 0.0

    def error(self) -> ApiError:
        """The error answer of this fault, in HubSpot's shape (429s with Retry-After)."""
        retry_after = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        if self.status == 429:
            return ApiError(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.",
                            headers=retry_after or {"Retry-After": "1"},
                            extra={"errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"})
        category = _CATEGORY_BY_STATUS.get(self.status or 500, "INTERNAL_ERROR")
        message = "internal error" if (self.status or 500) >= 500 else f"Injected fault ({self.status})"
        return ApiError(self.status or 500, category, message, headers=retry_after)


class FaultInjector:
    """Faults matched in the order added; a counted fault disappears once used up."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, body: dict[str, Any]) -> Fault:
        """Validate a control-API body and register the fault."""
        status = body.get("status")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise validation_error("status must be an HTTP error status (400-599)")
        rate = body.get("rate")
        if rate is not None and not (isinstance(rate, (int, float)) and 0 <= rate <= 1):
            raise validation_error("rate must be between 0 and 1")
        count = body.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise validation_error("count must be a positive integer")
        retry_after = body.get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise validation_error("retry_after must be a whole number of seconds (as in HubSpot's Retry-After)")
        delay = float(body.get("delay_s") or 0)
        if status is None and delay <= 0:
            raise validation_error("a fault needs a status, a delay_s, or both")
        with self._lock:
            fault = Fault(self._next_id, status, rate, count, body.get("path_prefix") or "/",
                          (body.get("method") or "").upper() or None, retry_after, delay)
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        """The armed faults as JSON-ready dicts."""
        with self._lock:
            return [asdict(f) for f in self._faults]

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault that fires for this request, if any (consuming one use of a counted fault)."""
        with self._lock:
            for fault in list(self._faults):
                if not path.startswith(fault.path_prefix) or (fault.method and fault.method != method):
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
                if fault.rate is None or self._rng.random() < fault.rate:
                    return fault
            return None


class CallCounter:
    """API calls by `METHOD /path/template` (object types filled in), for assertions on API budget use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()

    def record(self, endpoint: str, status: int) -> None:
        """Count one answered API request."""
        with self._lock:
            self._counts[endpoint] += 1
            self._statuses[str(status)] += 1

    def reset(self) -> None:
        """Zero all counts."""
        with self._lock:
            self._counts.clear()
            self._statuses.clear()

    def snapshot(self) -> dict[str, Any]:
        """Totals by endpoint template and by status code."""
        with self._lock:
            return {"total": sum(self._counts.values()), "byEndpoint": dict(sorted(self._counts.items())),
                    "byStatus": dict(sorted(self._statuses.items()))}
