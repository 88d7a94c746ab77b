"""API traffic concerns: HubSpot's rate limits and headers, injected faults, and per-endpoint call counts.

Limits per https://developers.hubspot.com/docs/api/usage-details: a rolling 10-second burst window and a daily
budget (headers `X-HubSpot-RateLimit-*`); search is exempt from the burst window but allows 5 requests/s.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from datetime import datetime, timezone
from typing import Any

from .hubspot_config import HubSpotSandboxConfig
from .faults import Fault, FaultRules
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


def fault_error(fault: Fault) -> ApiError:
    """The error answer of an injected fault, in HubSpot's shape (429s with Retry-After)."""
    retry_after = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.status == 429:
        return ApiError(429, "RATE_LIMITS", "You have reached your ten_secondly_rolling limit.",
                        headers=retry_after or {"Retry-After": "1"},
                        extra={"errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"})
    category = _CATEGORY_BY_STATUS.get(fault.status or 500, "INTERNAL_ERROR")
    message = "internal error" if (fault.status or 500) >= 500 else f"Injected fault ({fault.status})"
    return ApiError(fault.status or 500, category, message, headers=retry_after)


class FaultInjector(FaultRules):
    """HubSpot's fault rules: invalid control-API bodies answer HubSpot's VALIDATION_ERROR."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed, invalid=validation_error)


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
