"""Fixtures for the sandbox tests: one sandbox server per module, reset before each test, and the real SDK."""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask, Response, request

# `--import-mode=importlib` does not put the rootdir on sys.path.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from connector.sandbox.hubspot import HubSpotSandboxConfig, start_hubspot_sandbox  # noqa: E402
from connector.sandbox.server import ServerThread  # noqa: E402

# Generous limits so functional tests never trip the rate limiter; the limit tests build their own portal.
FAST = {"burst_limit": 100_000, "search_per_second": 100_000, "webhook_retry_delays_s": (0.05,),
        "webhook_batch_window_s": 0.02}


class Sandbox:
    """A running sandbox portal plus its control API."""

    def __init__(self, server: ServerThread, app: Flask) -> None:
        self.server = server
        self.app = app
        self.url = server.url
        self.state = app.extensions["hubspot_sandbox"]
        self.http = requests.Session()

    def control(self, method: str, path: str, body: Any = None) -> Any:
        resp = self.http.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=30)
        assert resp.status_code < 300, resp.text
        return resp.json() if resp.content else None

    def seed(self, **body: Any) -> dict[str, list[str]]:
        return self.control("POST", "seed", body)

    def dump(self, object_type: str) -> list[dict[str, Any]]:
        return self.control("GET", f"objects/{object_type}")["results"]

    def client(self, **kwargs: Any) -> Any:
        from hubspot import HubSpot

        # client_side_validation makes the SDK reject responses that lack a required field or use a bad enum value.
        return HubSpot(access_token=kwargs.pop("access_token", "sandbox-token"), host=self.url, base_url=self.url,
                       client_side_validation=True, **kwargs)


def running_sandbox(**overrides: Any) -> tuple[ServerThread, Flask]:
    return start_hubspot_sandbox(HubSpotSandboxConfig(**{**FAST, **overrides}))


@pytest.fixture(scope="module")
def _server() -> Iterator[tuple[ServerThread, Flask]]:
    server, app = running_sandbox()
    yield server, app
    server.stop()


@pytest.fixture
def sandbox(_server: tuple[ServerThread, Flask]) -> Sandbox:
    sb = Sandbox(*_server)
    sb.control("POST", "reset")
    return sb


class ApiErrorInfo:
    """What an SDK `ApiException` carried: status, headers and the parsed HubSpot error body."""

    status: int
    headers: dict[str, str]
    body: dict[str, Any]


@contextmanager
def _expect_api_error(status: int) -> Iterator[ApiErrorInfo]:
    info = ApiErrorInfo()
    try:
        yield info
    except Exception as exc:  # every SDK package has its own ApiException class; they share these attributes
        if not hasattr(exc, "status") or not hasattr(exc, "body"):
            raise
        assert exc.status == status, exc.body
        info.status, info.headers, info.body = exc.status, dict(exc.headers or {}), json.loads(exc.body)
        assert info.body["status"] == "error" and info.body["correlationId"] and info.body["category"]
    else:
        raise AssertionError(f"expected an ApiException with status {status}")


@pytest.fixture
def api_error() -> Callable[[int], Any]:
    """`with api_error(400) as err: ...` then inspect `err.body`, for any SDK package's ApiException."""
    return _expect_api_error


@pytest.fixture
def make_sandbox() -> Iterator[Any]:
    """Factory for extra portals with their own config (e.g. tight rate limits); stopped after the test."""
    started: list[ServerThread] = []

    def make(**overrides: Any) -> Sandbox:
        server, app = running_sandbox(**overrides)
        started.append(server)
        return Sandbox(server, app)

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def client(sandbox: Sandbox) -> Any:
    return sandbox.client()


class Receiver:
    """A tiny webhook endpoint that records raw requests and answers with scripted statuses (then 200)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()
        app = Flask("receiver")

        @app.post("/hooks/hubspot")
        def hook() -> Response:
            with self._lock:
                self.requests.append({"body": request.get_data(), "headers": dict(request.headers),
                                      "url": request.url})
                status = self.statuses.pop(0) if self.statuses else 200
            return Response(status=status)

        self.server = ServerThread(app)

    @property
    def url(self) -> str:
        return f"{self.server.url}/hooks/hubspot?portal=62515"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.server.start()
    yield r
    r.server.stop()


@pytest.fixture(scope="module")
def _org() -> Iterator[Any]:
    """One sandbox Salesforce org per module (HTTPS, throwaway certificate)."""
    from connector.sandbox.salesforce import start_salesforce_sandbox
    from connector.sandbox.salesforce_client import SandboxOrg

    server, app = start_salesforce_sandbox()
    yield SandboxOrg(server, app)
    server.stop()


@pytest.fixture
def org(_org: Any) -> Any:
    """The module's org, reset to its configured state before each test."""
    _org.control("POST", "reset")
    return _org


@pytest.fixture
def sf(org: Any) -> Any:
    """simple-salesforce talking to the org, trusting only its certificate."""
    return org.client()
