"""The one clock seam: jobs, sweeps, the webhook fallback and the sandbox CRMs read "now" here, never the wall clock.

Production uses `system_clock`. Tests, the demo and replays install an `AnchoredClock` that starts at a
chosen instant and ticks with real time, so business-day arithmetic never depends on the day the suite runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TypeVar

Clock = Callable[[], datetime]
C = TypeVar("C", bound=Clock)


def system_clock() -> datetime:
    """The wall clock, in UTC."""
    return datetime.now(UTC)


class AnchoredClock:
    """Starts at `start` and advances with real elapsed time (search lag and TTLs still see time pass)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("AnchoredClock needs a timezone-aware start")
        self._start = start.astimezone(UTC)
        self._t0 = time.monotonic()
        self._offset = timedelta()

    def __call__(self) -> datetime:
        return self._start + self._offset + timedelta(seconds=time.monotonic() - self._t0)

    def advance(self, delta: timedelta) -> None:
        """Jump forward (or back) by `delta`, e.g. to let an SLA fall due."""
        self._offset += delta


_current: Clock = system_clock


def now() -> datetime:
    """The current time according to the installed clock (UTC, timezone-aware)."""
    return _current()


def install(clock: Clock) -> Clock:
    """Make `clock` this process's clock; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def using(clock: C) -> Iterator[C]:
    """Run a block (an embedded stack, a test) on `clock`, restoring the previous clock afterwards."""
    previous = install(clock)
    try:
        yield clock
    finally:
        install(previous)
