"""The delivery loop both sandbox CRMs share, as their vendors behave: asynchronous, batched, retried.

Changes wait a short window, are cut into messages (HubSpot webhook batches, Salesforce Outbound Messages),
and one background thread sends them, retrying on the subclass's schedule; `flush` lets tests wait for it.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import requests

log = logging.getLogger("dealcoach.sandbox.outbox")


class Outbox:
    """Subclasses keep `_pending` (truthy while changes wait) and implement the four hooks below."""

    thread_name = "sandbox-outbox"

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._session = requests.Session()
        self._pending: Any = None
        self._pending_since = 0.0
        self._scheduled: list[Any] = []
        self._in_flight = 0

    # -- hooks ----------------------------------------------------------------------------------

    def _window_s(self) -> float:
        """How long changes wait to be batched together."""
        raise NotImplementedError

    def _cut(self, now: float) -> None:
        """Turn `_pending` into scheduled messages (each with `.due` and `.record`) and empty it."""
        raise NotImplementedError

    def _attempt(self, item: Any) -> bool:
        """Send one message; True when the receiver acknowledged it."""
        raise NotImplementedError

    def _next_try(self, item: Any) -> float | None:
        """Seconds before the next attempt of a failed message, or None when it has used its attempts."""
        raise NotImplementedError

    def _crashed(self, item: Any, exc: Exception) -> None:
        """Record a sandbox bug while sending (the attempt counts as failed)."""

    # -- the loop ---------------------------------------------------------------------------------

    def _queue_started(self) -> None:
        """Call (under the lock) before adding to an empty `_pending`: the batching window starts now."""
        if not self._pending:
            self._pending_since = time.monotonic()

    def _wake(self) -> None:
        """Call (under the lock) after queueing: start the sender if needed and let it look."""
        if self._thread is None or not self._thread.is_alive():
            self._closed = False
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
            self._thread.start()
        self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                now = time.monotonic()
                window_end = self._pending_since + self._window_s()
                if self._pending and now >= window_end:
                    self._cut(now)
                due = sorted((m for m in self._scheduled if m.due <= now), key=lambda m: m.due)
                if not due:
                    wakeups = [m.due for m in self._scheduled] + ([window_end] if self._pending else [])
                    self._cond.wait(timeout=max(0.005, min(wakeups) - now) if wakeups else 1.0)
                    continue
                item = due[0]
                self._scheduled.remove(item)
                self._in_flight += 1
            try:
                ok = self._attempt(item)
            except Exception as exc:  # a sandbox bug must not stop delivery of the other messages
                log.exception("sandbox.outbox.attempt_failed")
                self._crashed(item, exc)
                ok = False
            with self._cond:
                self._in_flight -= 1
                delay = None if ok else self._next_try(item)
                if delay is None:
                    item.record["done"] = True
                else:
                    item.due = time.monotonic() + delay
                    self._scheduled.append(item)
                self._cond.notify_all()

    def flush(self, timeout_s: float = 10.0) -> bool:
        """Block until every queued message was delivered or given up on; False on timeout."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._pending or self._scheduled or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.notify_all()
                self._cond.wait(timeout=min(left, 0.02))
            return True

    def close(self) -> None:
        """Stop the sender thread (queued messages are dropped)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self._session.close()
