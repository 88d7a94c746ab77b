"""Classify CRM responses in one place and guard the API budget.

429, 5xx and transport timeouts are retryable (honouring Retry-After); 401/403 are auth errors;
every other 4xx is fatal. Nothing else in the code base decides whether to retry a CRM call.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

from tenacity import Retrying, retry_if_exception, stop_after_attempt

from connector.base import CrmAuthError, CrmError, FatalCrmError, RetryableCrmError

log = logging.getLogger("dealcoach.connector")

T = TypeVar("T")

# A Retry-After longer than this is not slept through inside a job: the job is re-queued instead.
MAX_INLINE_WAIT_S = 10.0
INLINE_ATTEMPTS = 3


class SharedCache(Protocol):
    """A store every worker process sees (Redis): RQ's forking worker gives each job a fresh process, so metadata
    cached only in-process would be read again by every job."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl_s: float) -> None: ...


class TtlCache:
    """Settings-like CRM metadata (properties, pipelines, owners, describes) kept a few minutes per connector, and in
    the `shared` store when the job gave one (values must be JSON: they cross processes)."""

    def __init__(self, ttl_s: float = 300.0, shared: SharedCache | None = None) -> None:
        self.ttl_s = ttl_s
        self.shared = shared
        self._items: dict[str, tuple[float, Any]] = {}

    def get(self, key: str, load: Callable[[], T]) -> T:
        local = self._items.get(key)
        if local and local[0] > time.monotonic():
            return cast(T, local[1])
        hit = self.peek(key)
        if hit is not None:
            return cast(T, hit[0] if isinstance(hit, _Boxed) else hit)
        value = load()
        self.put(key, value)
        return value

    def peek(self, key: str) -> Any:
        """The live value under `key`, or None (for batch loads that fill several keys at once)."""
        hit = self._items.get(key)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        raw = self._shared_get(key)
        if raw is None:
            return None
        value = json.loads(raw)["v"]
        self._items[key] = (time.monotonic() + self.ttl_s, value)
        return _Boxed((value,)) if value is None else value

    def put(self, key: str, value: Any) -> None:
        self._items[key] = (time.monotonic() + self.ttl_s, value)
        if self.shared is not None:
            try:
                self.shared.set(key, json.dumps({"v": value}, ensure_ascii=False), self.ttl_s)
            except Exception as exc:  # a cache that cannot be written is only a cache miss next time
                log.warning("crm.cache.write_failed key=%s error=%s", key.split(":", 1)[0], type(exc).__name__)

    def _shared_get(self, key: str) -> str | None:
        if self.shared is None:
            return None
        try:
            return self.shared.get(key)
        except Exception as exc:  # Redis away: read from the CRM as if nothing were cached
            log.warning("crm.cache.read_failed key=%s error=%s", key.split(":", 1)[0], type(exc).__name__)
            return None


class _Boxed(tuple[Any, ...]):
    """A cached None (an owner without a name) told apart from a miss."""


def chunks(items: list[T], size: int) -> list[list[T]]:
    """Batches of at most `size` (HubSpot batch APIs take 100, Salesforce collections 200)."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds only; HTTP dates are rare from CRMs)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def classify_status(status: int, headers: Mapping[str, str] | None, message: str) -> CrmError:
    """Map an HTTP failure to the error a job knows how to handle."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    if status == 429 or status >= 500:
        return RetryableCrmError(message, status=status, retry_after=parse_retry_after(headers.get("retry-after")))
    if status in (401, 403):
        return CrmAuthError(message, status=status)
    if status == 409:
        return RetryableCrmError(message, status=status, retry_after=1.0)
    return FatalCrmError(message, status=status)


def is_transport_error(exc: BaseException) -> bool:
    """Timeouts, refused and reset connections from urllib3 or requests."""
    import requests
    import urllib3.exceptions as u3

    return isinstance(exc, (u3.HTTPError, requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError))


def _inline_wait(retry_state: Any) -> float:
    exc = retry_state.outcome.exception()
    hinted = getattr(exc, "retry_after", None)
    if hinted is not None:
        return min(hinted, MAX_INLINE_WAIT_S)
    return min(0.5 * 2 ** (retry_state.attempt_number - 1), MAX_INLINE_WAIT_S)


def _short_enough(exc: BaseException) -> bool:
    wait = getattr(exc, "retry_after", None)
    return isinstance(exc, RetryableCrmError) and (wait is None or wait <= MAX_INLINE_WAIT_S)


def call_with_retry(fn: Callable[[], T], *, attempts: int = INLINE_ATTEMPTS) -> T:
    """Run a connector call, retrying briefly in-process; longer waits surface to the job's retry."""
    retrying = Retrying(
        retry=retry_if_exception(_short_enough),
        wait=_inline_wait,
        stop=stop_after_attempt(attempts),
        reraise=True,
    )
    return retrying(fn)


# `Sforce-Limit-Info: api-usage=10018/100000; api-bursts=1/750` or `...; per-app-api-usage=17/250(appName=x)`:
# parts separated by ";" (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm).
_SF_USAGE = re.compile(r"(?:^|[;,])\s*(api-usage|per-app-api-usage)=(\d+)/(\d+)")


DEFAULT_RESERVE = 0.10


@dataclass
class ApiBudget:
    """Tracks the daily API allowance a CRM reports, and refuses writes inside the reserve.

    HubSpot: X-HubSpot-RateLimit-Daily / -Daily-Remaining. Salesforce: Sforce-Limit-Info `api-usage=used/max` (the
    org-wide allowance every integration shares: the reserve guards it) and, where the admin gave DealCoach's
    connected app its own quota, `per-app-api-usage=used/max(appName=…)`: only DealCoach draws on that one, so it
    needs no reserve for others, but writes stop once it is spent rather than being refused one by one.
    """

    # Share of the daily allowance left for the customer's other integrations (the runtime passes
    # DEALCOACH_API_RESERVE; default 10 %).
    reserve_fraction: float = DEFAULT_RESERVE
    daily_max: int | None = None
    daily_remaining: int | None = None
    app_max: int | None = None
    app_remaining: int | None = None
    # HubSpot's rolling burst window (X-HubSpot-RateLimit-Max / -Remaining): reported for operators, never guarded
    # here (a 429 with Retry-After is how the window is honoured).
    burst_max: int | None = None
    burst_remaining: int | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def observe(self, headers: Mapping[str, str] | None) -> None:
        if not headers:
            return
        h = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            burst, left = h.get("x-hubspot-ratelimit-max", ""), h.get("x-hubspot-ratelimit-remaining", "")
            if burst.isdigit() and left.isdigit():
                self.burst_max, self.burst_remaining = int(burst), int(left)
            if "x-hubspot-ratelimit-daily" in h and "x-hubspot-ratelimit-daily-remaining" in h:
                self._set(h["x-hubspot-ratelimit-daily"], h["x-hubspot-ratelimit-daily-remaining"])
            for name, used, cap in _SF_USAGE.findall(h.get("sforce-limit-info", "")):
                if name == "api-usage":
                    self.daily_max, self.daily_remaining = int(cap), int(cap) - int(used)
                else:
                    self.app_max, self.app_remaining = int(cap), int(cap) - int(used)

    def _set(self, cap: str, remaining: str) -> None:
        if cap.isdigit() and remaining.lstrip("-").isdigit():
            self.daily_max, self.daily_remaining = int(cap), int(remaining)

    def check(self) -> None:
        """Raise a retryable error when a write would eat into the reserved share of the daily budget."""
        if self.app_remaining is not None and self.app_remaining <= 0:
            log.warning("crm.budget.app_quota_spent max=%s", self.app_max)
            raise RetryableCrmError(
                "API budget: the connected app's own quota is spent", retry_after=_seconds_to_next_hour()
            )
        if self.daily_max is None or self.daily_remaining is None:
            return
        if self.daily_remaining <= self.daily_max * self.reserve_fraction:
            log.warning(
                "crm.budget.reserve_reached remaining=%s max=%s reserve=%.0f%%",
                self.daily_remaining,
                self.daily_max,
                self.reserve_fraction * 100,
            )
            raise RetryableCrmError("API budget reserve reached", retry_after=_seconds_to_next_hour())


def _seconds_to_next_hour() -> float:
    return 3600 - time.time() % 3600
