"""Traffic controls of the sandbox org: the daily API request allocation (`Sforce-Limit-Info: api-usage=used/max;
api-bursts=n/entitlement`, 403 REQUEST_LIMIT_EXCEEDED when spent) and injected faults (whole-request errors and per-record failures in
sObject Collections). Call counting reuses the HubSpot sandbox's `CallCounter`.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from dataclasses import asdict
from typing import Any

from .faults import Fault, FaultRules
from .hubspot_traffic import CallCounter
from .salesforce_errors import DmlError, SfError, concurrent_limit_exceeded, daily_limit_exceeded

__all__ = ["ApiUsage", "CallCounter", "Fault", "FaultInjector", "LongRunning"]

_VERSIONED = re.compile(r"^/services/data/v\d+\.\d+/")
_FAULT_ANSWERS = {
    400: ("INVALID_INPUT", "Injected fault (400)"),
    401: ("INVALID_SESSION_ID", "Session expired or invalid"),
    403: ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    404: ("NOT_FOUND", "The requested resource does not exist"),
    500: (
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred. Please include this ErrorId if you contact support: "
        "1838453577-117063 (-1255837917)",
    ),
    502: ("SERVER_UNAVAILABLE", "Bad gateway"),
    503: ("SERVER_UNAVAILABLE", "Server temporarily unavailable"),
}


class ApiUsage:
    """The org's daily API request allocation; every authenticated REST request counts.

    The header joins its parts with "; " as Salesforce documents it (`api-usage=10018/100000; api-bursts=1/750`, and
    `per-app-api-usage=17/250(appName=sample-connected-app)` for a connected app with its own quota):
    https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
    """

    def __init__(self, limit: int, bursts_entitlement: int | None = None) -> None:
        self.limit = limit
        self.bursts_entitlement = bursts_entitlement
        self._lock = threading.Lock()
        self.used = 0
        self.app: dict[str, Any] | None = None

    def reset(self) -> None:
        """A fresh allocation."""
        with self._lock:
            self.used = 0
            self.app = None

    def set(self, *, used: int | None = None, limit: int | None = None, app: dict[str, Any] | None = None) -> None:
        """Control API: pretend the org has already used `used` requests, change its allocation, or give the
        connected app its own quota (`{"used", "max", "name"}`)."""
        with self._lock:
            if used is not None:
                self.used = max(0, used)
            if limit is not None:
                self.limit = max(0, limit)
            if app is not None:
                self.app = {
                    "used": int(app.get("used", 0)),
                    "max": int(app["max"]),
                    "name": str(app.get("name", "DealCoach")),
                }

    def header(self) -> str:
        """`Sforce-Limit-Info` value: org usage, then the burst and per-app parts this org has, "; "-separated."""
        parts = [f"api-usage={self.used}/{self.limit}"]
        if self.bursts_entitlement is not None:
            parts.append(f"api-bursts=0/{self.bursts_entitlement}")
        if self.app is not None:
            parts.append(f"per-app-api-usage={self.app['used']}/{self.app['max']}(appName={self.app['name']})")
        return "; ".join(parts)

    def admit(self) -> None:
        """Count one request, or raise 403 REQUEST_LIMIT_EXCEEDED once the allocation is spent."""
        with self._lock:
            if self.used >= self.limit:
                raise daily_limit_exceeded({"Sforce-Limit-Info": self.header()})
            self.used += 1
            if self.app is not None:
                self.app["used"] += 1

    def snapshot(self) -> dict[str, Any]:
        """Used and maximum, for `/_sandbox/limits` and the `limits` resource."""
        with self._lock:
            out: dict[str, Any] = {"used": self.used, "max": self.limit}
            if self.app is not None:
                out["app"] = dict(self.app)
            return out


class LongRunning:
    """Requests in flight, and the org's cap on concurrent long-running ones (25 lasting 20 s or more in production,
    5 in Developer Edition and trials: API Request Limits and Allocations). A request arriving while the cap is
    reached is refused with 403 REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn Limit exceeded."."""

    def __init__(self, limit: int, threshold_s: float) -> None:
        self.limit, self.threshold_s = limit, threshold_s
        self._lock = threading.Lock()
        self._started: dict[int, float] = {}
        self._ids = itertools.count()

    def enter(self) -> int:
        """Admit a request (or raise the 403) and remember when it started; returns its ticket for `leave`."""
        now_m = time.monotonic()
        with self._lock:
            long_running = sum(1 for t in self._started.values() if now_m - t >= self.threshold_s)
            if long_running >= self.limit:
                raise concurrent_limit_exceeded()
            ticket = next(self._ids)
            self._started[ticket] = now_m
            return ticket

    def leave(self, ticket: int) -> None:
        """The request has been answered."""
        with self._lock:
            self._started.pop(ticket, None)


def fault_error(fault: Fault) -> SfError:
    """The error answer of an injected fault, in Salesforce's body shape."""
    status = fault.status or 500
    code, message = _FAULT_ANSWERS.get(status, ("UNKNOWN_EXCEPTION", f"Injected fault ({status})"))
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    return SfError(status, code, message, headers=headers)


def _invalid(message: str) -> SfError:
    return SfError(400, "INVALID_INPUT", message)


class FaultInjector(FaultRules):
    """Salesforce's fault rules, plus a budget of per-record failures for sObject Collections writes."""

    def __init__(self, seed: int | None = None) -> None:
        super().__init__(seed, invalid=_invalid)
        self.clear()

    def clear(self) -> None:
        """Disarm every fault and the per-record failures."""
        super().clear()
        with self._lock:
            self._record_failures = 0
            self._record_error = (
                "UNABLE_TO_LOCK_ROW",
                "unable to obtain exclusive access to this record or 1 records: {id}",
            )

    def add(self, body: dict[str, Any]) -> dict[str, Any]:  # type: ignore[override]
        """Arm a request fault, or `{"composite_record_failures": n, "status_code"?, "message"?}`."""
        if "composite_record_failures" not in body:
            return asdict(super().add(body))
        n = body["composite_record_failures"]
        if not isinstance(n, int) or n < 0:
            raise _invalid("composite_record_failures must be a whole number")
        with self._lock:
            self._record_failures = n
            self._record_error = (
                str(body.get("status_code") or self._record_error[0]),
                str(body.get("message") or self._record_error[1]),
            )
        return {"composite_record_failures": n, "status_code": self._record_error[0]}

    def list(self) -> dict[str, Any]:  # type: ignore[override]  # noqa: A003
        """The faults still armed and the remaining per-record failures."""
        return {"faults": super().list(), "composite_record_failures": self._record_failures}

    def path_matches(self, fault: Fault, path: str) -> bool:
        """Absolute prefixes match the full path; relative ones (`sobjects/Task`) the part after `/vNN.N/`."""
        if fault.path_prefix.startswith("/"):
            return path.startswith(fault.path_prefix)
        m = _VERSIONED.match(path)
        return m is not None and path[m.end() :].startswith(fault.path_prefix)

    def record_failure(self, record_id: str | None) -> DmlError | None:
        """The injected failure for the next sObject Collections record, if any remain."""
        with self._lock:
            if self._record_failures <= 0:
                return None
            self._record_failures -= 1
            code, message = self._record_error
        return DmlError(code, message.replace("{id}", record_id or ""), [])
