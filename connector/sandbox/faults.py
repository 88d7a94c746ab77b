"""Injected faults, shared by both sandbox CRMs: which requests fail, how often, after what delay, for which client.

Each vendor renders the failure in its own error shape; this module only decides *whether* a request fails, counts
how often each rule fired (`hits`), and can drop the connection instead of answering (`reset`).
"""

from __future__ import annotations

import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

RESET_KEY = "dealcoach.sandbox.reset"


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
    client: str | None = None
    reset: bool = False
    hits: int = 0

    @property
    def kind(self) -> str:
        """What the client sees: `reset`, `timeout` (a delay alone), `429` / `429+retry-after`, or the status."""
        if self.reset:
            return "reset"
        if self.status is None:
            return "timeout"
        return f"{self.status}+retry-after" if self.retry_after is not None else str(self.status)


class FaultRules:
    """Faults matched in the order added; a counted fault disappears once used up; rates use a seeded RNG."""

    def __init__(self, seed: int | None, *, invalid: Callable[[str], Exception]) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._invalid = invalid
        self._faults: list[Fault] = []
        self._history: list[Fault] = []
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
        reset = body.get("reset", False)
        if not isinstance(reset, bool):
            raise self._invalid("reset must be true or false")
        if status is None and delay <= 0 and not reset:
            raise self._invalid("a fault needs a status, a delay_s, a reset, or a combination")
        client = body.get("client")
        if client is not None and (not isinstance(client, str) or not client):
            raise self._invalid("client must be the access token (session id) whose requests the fault hits")
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
                client,
                reset,
            )
            self._next_id += 1
            self._faults.append(fault)
            self._history.append(fault)
            return fault

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults = []
            self._history = []
            self._next_id = 1

    def list(self) -> list[dict[str, Any]]:  # noqa: A003 (the control API's verb)
        """The faults still armed, as JSON-ready dicts."""
        with self._lock:
            return [asdict(f) for f in self._faults]

    def hits(self) -> dict[str, Any]:
        """Every rule added since the last clear (spent counted ones too) with its hit count, and hits per kind."""
        with self._lock:
            rules = [{**asdict(f), "kind": f.kind, "armed": f in self._faults} for f in self._history]
            by_kind: Counter[str] = Counter()
            for f in self._history:
                by_kind[f.kind] += f.hits
        return {"faults": rules, "byKind": dict(sorted(by_kind.items())), "total": sum(by_kind.values())}

    def path_matches(self, fault: Fault, path: str) -> bool:
        """Prefix match on the request path (vendors may widen it)."""
        return path.startswith(fault.path_prefix)

    def pick(self, method: str, path: str, client: str | None = None) -> Fault | None:
        """The fault that fires for this request, if any (consuming one use of a counted fault, counting a hit).

        `client` is the credential the request came with (HubSpot access token, Salesforce session id): a fault
        with a `client` fires only for that client's requests, as a vendor limits one app while others go on.
        """
        with self._lock:
            for fault in list(self._faults):
                if (fault.method and fault.method != method) or not self.path_matches(fault, path):
                    continue
                if fault.client is not None and fault.client != client:
                    continue
                if fault.count is not None:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    fault.hits += 1
                    return fault
                if fault.rate is None or self._rng.random() < fault.rate:
                    fault.hits += 1
                    return fault
            return None


def mark_reset(environ: dict[str, Any]) -> None:
    """Ask `ResetOnFault` to drop this request's connection instead of answering it."""
    environ[RESET_KEY] = True


class ResetOnFault:
    """WSGI middleware: a request marked by `mark_reset` gets no response; its connection is shut and reset.

    Werkzeug's server treats the `ConnectionResetError` raised here as a dropped connection (no log, no answer);
    clients see the connection end without a response ("Connection aborted", `RemoteDisconnected`, a
    `ConnectionResetError`), as when a load balancer drops a connection.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        if not environ.get(RESET_KEY):
            return result
        close = getattr(result, "close", None)
        if close is not None:
            close()
        _drain_body(environ)
        sock = environ.get("werkzeug.socket")
        if isinstance(sock, socket.socket):
            # The handler's files still hold the socket, so close() would not close it: shutdown ends the
            # connection now (the client reads EOF with no answer) and SO_LINGER 0 makes the final close an RST.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        raise ConnectionResetError("injected connection reset")


def _drain_body(environ: dict[str, Any]) -> None:
    """Read the unread request body, so the server does not parse its bytes as a next request once reset."""
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ.get("wsgi.input")
    if stream is None or not length.isdigit() or environ.get("HTTP_TRANSFER_ENCODING"):
        return
    try:
        stream.read(int(length))
    except OSError:
        pass
