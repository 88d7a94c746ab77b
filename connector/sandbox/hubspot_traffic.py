"""API traffic concerns: HubSpot's rate limits and headers, injected faults, and per-endpoint call counts.

Limits per https://developers.hubspot.com/docs/api/usage-details: a rolling 10-second burst window and a daily
budget (headers `X-HubSpot-RateLimit-*`); search is exempt from the burst window but allows 5 requests/s.
OAuth-authenticated calls get no `-Daily`/`-Daily-Remaining` headers and have no daily limit
(https://developers.hubspot.com/changelog/rate-limit-headers-will-now-appear-for-oauth-authenticated-calls).
429 bodies carry `errorType` RATE_LIMIT, `policyName`, `groupName` and `requestId`, as in bodies HubSpot sent
(quoted in github.com/HGData/mk-node-hubspot issue #89 and pull #84).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from .faults import Fault, FaultRules
from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import ApiError, validation_error


def rate_limited(
    message: str, policy: str, group: str, retry_after_s: float | None, headers: dict[str, str] | None = None
) -> ApiError:
    """HubSpot's 429 body (`errorType`, `policyName`, `groupName`, `requestId`); Retry-After only when known."""
    headers = dict(headers or {})
    if retry_after_s is not None:
        headers["Retry-After"] = str(max(1, math.ceil(retry_after_s)))
    return ApiError(
        429,
        "RATE_LIMITS",
        message,
        headers=headers,
        extra={"errorType": "RATE_LIMIT", "policyName": policy, "groupName": group, "requestId": uuid.uuid4().hex},
    )


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
            self._day = datetime.now(UTC).date()
            self._daily_used = 0

    def _headers(self, *, oauth: bool) -> dict[str, str]:
        c = self.config
        headers = {
            "X-HubSpot-RateLimit-Max": str(c.burst_limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, c.burst_limit - len(self._burst))),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(c.burst_interval_ms),
        }
        if not oauth:
            headers["X-HubSpot-RateLimit-Daily"] = str(c.daily_limit)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(0, c.daily_limit - self._daily_used))
        return headers

    def admit(self, *, search: bool, oauth: bool = False) -> dict[str, str]:
        """Count one request and return the rate-limit headers, or raise the 429 HubSpot would send.

        `oauth` requests (a public app's access token) have no daily limit and get no daily headers.
        """
        c = self.config
        now = time.monotonic()
        group = f"publicapi:{'oauth' if oauth else 'private-app'}:{c.portal_id}"
        with self._lock:
            today = datetime.now(UTC).date()
            if today != self._day:
                self._day, self._daily_used = today, 0
            window = c.burst_interval_ms / 1000
            while self._burst and self._burst[0] <= now - window:
                self._burst.popleft()
            while self._search and self._search[0] <= now - 1.0:
                self._search.popleft()
            if not oauth and self._daily_used >= c.daily_limit:
                # No Retry-After: urllib3's default Retry (which the SDK uses) would sleep until midnight.
                raise rate_limited(
                    "You have reached your daily limit.", "DAILY", f"{group}:daily", None, self._headers(oauth=oauth)
                )
            if search:
                if len(self._search) >= c.search_per_second:
                    raise rate_limited(
                        "You have reached your secondly limit.",
                        "SECONDLY",
                        f"{group}:search",
                        self._search[0] + 1.0 - now,
                        self._headers(oauth=oauth),
                    )
                self._search.append(now)
            else:
                if len(self._burst) >= c.burst_limit:
                    raise rate_limited(
                        "You have reached your ten_secondly_rolling limit.",
                        "TEN_SECONDLY_ROLLING",
                        f"{group}:ten-secondly",
                        self._burst[0] + window - now,
                        self._headers(oauth=oauth),
                    )
                self._burst.append(now)
            if not oauth:
                self._daily_used += 1
            return self._headers(oauth=oauth)


_CATEGORY_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "INVALID_AUTHENTICATION",
    403: "MISSING_SCOPES",
    404: "OBJECT_NOT_FOUND",
    409: "CONFLICT",
    429: "RATE_LIMITS",
}


def fault_error(fault: Fault, portal_id: int) -> ApiError:
    """The error answer of an injected fault, in HubSpot's shape (429s with Retry-After only if one was given)."""
    retry_after = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.status == 429:
        return rate_limited(
            "You have reached your ten_secondly_rolling limit.",
            "TEN_SECONDLY_ROLLING",
            f"publicapi:private-app:{portal_id}:ten-secondly",
            None,
            retry_after,
        )
    category = _CATEGORY_BY_STATUS.get(fault.status or 500, "INTERNAL_ERROR")
    message = "internal error" if (fault.status or 500) >= 500 else f"Injected fault ({fault.status})"
    return ApiError(fault.status or 500, category, message, headers=retry_after)


class FaultInjector(FaultRules):
    """HubSpot's fault rules (invalid bodies answer VALIDATION_ERROR), plus per-record failures of batch writes.

    `{"batch_record_failures": n, "category"?, "message"?}` makes the next n records of batch create/update
    fail inside a 207, like a record HubSpot refused while writing the others.
    """

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed, invalid=validation_error)
        self.clear()

    def clear(self) -> None:
        """Disarm every fault and the per-record failures."""
        super().clear()
        with self._lock:
            self._record_failures = 0
            self._record_error = ("INTERNAL_ERROR", "internal error")

    def add(self, body: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        """Arm a request fault or a number of per-record batch failures; returns what was armed."""
        if "batch_record_failures" not in body:
            fault = super().add(body)
            return {"id": fault.id, "faults": self.list()["faults"]}
        n = body["batch_record_failures"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise validation_error("batch_record_failures must be a whole number")
        with self._lock:
            self._record_failures = n
            self._record_error = (
                str(body.get("category") or "INTERNAL_ERROR"),
                str(body.get("message") or "internal error"),
            )
        return {"batch_record_failures": n, "category": self._record_error[0]}

    def list(self) -> dict[str, Any]:  # type: ignore[override]  # noqa: A003
        """The request faults still armed and the per-record failures left."""
        with self._lock:
            return {"faults": [asdict(f) for f in self._faults], "batch_record_failures": self._record_failures}

    def record_failure(self) -> tuple[str, str] | None:
        """(category, message) for the next batch record if a per-record failure is armed."""
        with self._lock:
            if self._record_failures <= 0:
                return None
            self._record_failures -= 1
            return self._record_error


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
            return {
                "total": sum(self._counts.values()),
                "byEndpoint": dict(sorted(self._counts.items())),
                "byStatus": dict(sorted(self._statuses.items())),
            }
