"""Run any WSGI app on a real socket in a background thread, so real HTTP clients can talk to it.

Used by the sandbox CRMs (HubSpot over http, Salesforce over https) and by tests that need a
tiny receiver, e.g. for webhook deliveries.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (tests and demos would drown in them); errors are still logged."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class ServerThread:
    """A werkzeug threaded server on `host:port` (0 = any free port), served from a daemon thread."""

    def __init__(
        self,
        app: Callable[..., Any],
        host: str = "127.0.0.1",
        port: int = 0,
        ssl_context: ssl.SSLContext | tuple[str, str] | None = None,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._on_stop = on_stop
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. `http://127.0.0.1:54321`."""
        if self._server is None:
            raise RuntimeError("server not started")
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self._server.server_port}"

    def start(self) -> None:
        """Bind the socket (so `url` is valid on return) and serve until `stop()`."""
        if self._server is not None:
            return
        self._server = make_server(
            self.host, self.port, self.app, threaded=True, request_handler=_QuietHandler, ssl_context=self.ssl_context
        )
        self.port = self._server.server_port
        # A short poll interval keeps stop() fast (tests start and stop many servers).
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ServerThread:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving, close the socket and run the `on_stop` hook; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._on_stop is not None:
            self._on_stop()

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
