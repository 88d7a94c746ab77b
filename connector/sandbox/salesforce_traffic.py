"""Traffic controls of the sandbox org: the daily API request allocation (`Sforce-Limit-Info: api-usage=used/max`,
403 REQUEST_LIMIT_EXCEEDED when spent) and injected faults (whole-request errors and per-record failures in
sObject Collections). Call counting reuses the HubSpot sandbox's `CallCounter`.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import asdict, dataclass
from typing import Any

from .hubspot_traffic import CallCounter
from .salesforce_errors import DmlError, SfError

__all__ = ["ApiUsage", "CallCounter", "Fault", "FaultInjector"]

_VERSIONED = re.compile(r"^/services/data/v\d+\.\d+/")
_FAULT_ANSWERS = {
    400: ("INVALID_INPUT", "Injected fault (400)"),
    401: ("INVALID_SESSION_ID", "Session expired or invalid"),
    403: ("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
    404: ("NOT_FOUND", "The requested resource does not exist"),
    429: ("REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."),
    500: ("UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: "
                               "1838453577-117063 (-1255837917)"),
    502: ("SERVER_UNAVAILABLE", "Bad gateway"),
    503: ("SERVER_UNAVAILABLE", "Server temporarily unavailable"),
}


class ApiUsage:
    """The org's daily API request allocation; every authenticated REST request counts."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self.used = 0

    def reset(self) -> None:
        """A fresh allocation."""
        with self._lock:
            self.used = 0

    def set(self, *, used: int | None = None, limit: int | None = None) -> None:
        """Control API: pretend the org has already used `used` requests, or change its allocation."""
        with self._lock:
            if used is not None:
                self.used = max(0, used)
            if limit is not None:
                self.limit = max(0, limit)

    def header(self) -> str:
        """`Sforce-Limit-Info` value, as simple-salesforce parses it into `sf.api_usage`."""
        return f"api-usage={self.used}/{self.limit}"

    def admit(self) -> None:
        """Count one request, or raise 403 REQUEST_LIMIT_EXCEEDED once the allocation is spent."""
        with self._lock:
            if self.used >= self.limit:
                raise SfError(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.",
                              headers={"Sforce-Limit-Info": self.header()})
            self.used += 1

    def snapshot(self) -> dict[str, int]:
        """Used and maximum, for `/_sandbox/limits` and the `limits` resource."""
        with self._lock:
            return {"used": self.used, "max": self.limit}


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

    def matches(self, method: str, path: str) -> bool:
        """Absolute prefixes match the full path; relative ones (`sobjects/Task`) the part after `/vNN.N/`."""
        if self.method and self.method != method:
            return False
        if self.path_prefix.startswith("/"):
            return path.startswith(self.path_prefix)
        m = _VERSIONED.match(path)
        return m is not None and path[m.end():].startswith(self.path_prefix)

    def error(self) -> SfError:
        """The error answer, in Salesforce's body shape."""
        status = self.status or 500
        code, message = _FAULT_ANSWERS.get(status, ("UNKNOWN_EXCEPTION", f"Injected fault ({status})"))
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return SfError(status, code, message, headers=headers)


class FaultInjector:
    """Faults matched in the order added (a counted fault disappears once used up), plus a budget of per-record
    failures for sObject Collections writes."""

    def __init__(self, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self.clear()

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults: list[Fault] = []
            self._next_id = 1
            self._record_failures = 0
            self._record_error = ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record or 1 "
                                                        "records: {id}")

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        """Validate a control-API body and arm it; returns what was armed."""
        if "composite_record_failures" in body:
            n = body["composite_record_failures"]
            if not isinstance(n, int) or n < 0:
                raise SfError(400, "INVALID_INPUT", "composite_record_failures must be a whole number")
            with self._lock:
                self._record_failures = n
                self._record_error = (str(body.get("status_code") or self._record_error[0]),
                                      str(body.get("message") or self._record_error[1]))
            return {"composite_record_failures": n, "status_code": self._record_error[0]}
        status = body.get("status")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise SfError(400, "INVALID_INPUT", "status must be an HTTP error status (400-599)")
        rate = body.get("rate")
        if rate is not None and not (isinstance(rate, (int, float)) and 0 <= rate <= 1):
            raise SfError(400, "INVALID_INPUT", "rate must be between 0 and 1")
        count = body.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise SfError(400, "INVALID_INPUT", "count must be a positive integer")
        retry_after = body.get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise SfError(400, "INVALID_INPUT", "retry_after must be a whole number of seconds")
        delay = float(body.get("delay_s") or 0)
        if status is None and delay <= 0:
            raise SfError(400, "INVALID_INPUT", "a fault needs a status, a delay_s, or both")
        with self._lock:
            fault = Fault(self._next_id, status, rate, count, body.get("path_prefix") or "/",
                          (body.get("method") or "").upper() or None, retry_after, delay)
            self._next_id += 1
            self._faults.append(fault)
            return asdict(fault)

    def list(self) -> dict[str, Any]:
        """The faults still armed and the remaining per-record failures."""
        with self._lock:
            return {"faults": [asdict(f) for f in self._faults], "composite_record_failures": self._record_failures}

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault that fires for this request, if any (consuming one use of a counted fault)."""
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(method, path):
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
                if fault.rate is None or self._rng.random() < fault.rate:
                    return fault
            return None

    def record_failure(self, record_id: str | None) -> DmlError | None:
        """The injected failure for the next sObject Collections record, if any remain."""
        with self._lock:
            if self._record_failures <= 0:
                return None
            self._record_failures -= 1
            code, message = self._record_error
        return DmlError(code, message.replace("{id}", record_id or ""), [])
