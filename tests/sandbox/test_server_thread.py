"""ServerThread: a real socket in a background thread, usable as a context manager."""

from __future__ import annotations

import requests
from flask import Flask

from connector.sandbox.server import ServerThread


def _app() -> Flask:
    app = Flask(__name__)

    @app.get("/ping")
    def ping() -> dict[str, str]:
        return {"pong": "yes"}

    return app


def test_serves_until_stopped() -> None:
    stopped: list[bool] = []
    server = ServerThread(_app(), on_stop=lambda: stopped.append(True))
    server.start()
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert requests.get(f"{server.url}/ping", timeout=5).json() == {"pong": "yes"}
    finally:
        server.stop()
    server.stop()
    assert stopped == [True]
    try:
        requests.get(f"http://127.0.0.1:{server.port}/ping", timeout=1)
    except requests.ConnectionError:
        pass
    else:
        raise AssertionError("server still answering after stop()")


def test_context_manager() -> None:
    with ServerThread(_app()) as server:
        assert requests.get(f"{server.url}/ping", timeout=5).status_code == 200
