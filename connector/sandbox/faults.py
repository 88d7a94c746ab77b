"""Injected faults, shared by both sandbox CRMs: which requests fail, how often, and after what delay.

Each vendor renders the failure in its own error shape; this module only decides *whether* a request fails.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


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


class FaultRules:
    """Faults matched in the order added; a counted fault disappears once used up; rates use a seeded RNG."""

    def __init__(self, seed: int | None, *, invalid: Callable[[str], Exception]) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._invalid = invalid
        self._faults: list[Fault] = []
        self._next_id = 1

    def add(self, body: dict[str, Any]) -> Fault:
        """Validate a control-API body (errors in the vendor's shape) and arm the fault."""
        status = body.get("status")
        if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
            raise self._invalid("status must be an HTTP error status (400-599)")
        rate = body.get("rate")
        if rate is not None and not (isinstance(rate, (int, float)) and 0 <= rate <= 1):
            raise self._invalid("rate must be between 0 and 1")
        count = body.get("count")
        if count is not None and (not isinstance(count, int) or count < 1):
            raise self._invalid("count must be a positive integer")
        retry_after = body.get("retry_after")
        if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
            raise self._invalid("retry_after must be a whole number of seconds (as in a Retry-After header)")
        delay = float(body.get("delay_s") or 0)
        if status is None and delay <= 0:
            raise self._invalid("a fault needs a status, a delay_s, or both")
        with self._lock:
            fault = Fault(
                self._next_id,
                status,
                rate,
                count,
                body.get("path_prefix") or "/",
                (body.get("method") or "").upper() or None,
                retry_after,
                delay,
            )
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults = []
            self._next_id = 1

    def list(self) -> list[dict[str, Any]]:  # noqa: A003 (the control API's verb)
        """The faults still armed, as JSON-ready dicts."""
        with self._lock:
            return [asdict(f) for f in self._faults]

    def path_matches(self, fault: Fault, path: str) -> bool:
        """Prefix match on the request path (vendors may widen it)."""
        return path.startswith(fault.path_prefix)

    def pick(self, method: str, path: str) -> Fault | None:
        """The fault that fires for this request, if any (consuming one use of a counted fault)."""
        with self._lock:
            for fault in list(self._faults):
                if (fault.method and fault.method != method) or not self.path_matches(fault, path):
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
                if fault.rate is None or self._rng.random() < fault.rate:
                    return fault
            return None
