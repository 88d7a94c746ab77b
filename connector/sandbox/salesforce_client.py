"""Clients for a running sandbox org: a `requests.Session` that trusts its self-signed certificate, a real
simple-salesforce client on it (direct session-id auth; simple-salesforce always builds https URLs), and
`SandboxOrg`, a handle bundling both with the control API for tests and demos.

`trust_env` is off because requests lets `REQUESTS_CA_BUNDLE` / `CURL_CA_BUNDLE` from the environment override a
session's `verify` (psf/requests#3829); with it on, the sandbox certificate would be ignored wherever those are set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from flask import Flask
from simple_salesforce import Salesforce

from .salesforce_state import EXTENSION_KEY, SalesforceSandbox
from .server import ServerThread

DEFAULT_SESSION_ID = "sandbox-session-id"


def trusted_session(cert: Path | str) -> requests.Session:
    """A session whose only trust anchor is the sandbox certificate (and that ignores proxy/CA environment)."""
    session = requests.Session()
    session.verify = str(cert)
    session.trust_env = False
    return session


def sandbox_client(
    instance_url: str,
    cert: Path | str,
    *,
    session_id: str = DEFAULT_SESSION_ID,
    version: str = "62.0",
    session: requests.Session | None = None,
) -> Salesforce:
    """simple-salesforce talking to the sandbox at `instance_url` (e.g. `ServerThread.url`)."""
    return Salesforce(
        instance_url=instance_url, session_id=session_id, session=session or trusted_session(cert), version=version
    )


class ControlError(RuntimeError):
    """A control-API call answered with an error status."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"control API answered {status}: {body}")
        self.status = status
        self.body = body


class SandboxOrg:
    """A running sandbox org: its URL, certificate, state, control API and clients."""

    def __init__(self, server: ServerThread, app: Flask) -> None:
        self.server = server
        self.app = app
        self.url = server.url
        self.state: SalesforceSandbox = app.extensions[EXTENSION_KEY]
        assert self.state.tls_cert is not None
        self.cert = self.state.tls_cert
        self.http = trusted_session(self.cert)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call `/_sandbox/{path}`; the parsed JSON answer, ControlError on an error status."""
        resp = self.http.request(method, f"{self.url}/_sandbox/{path}", json=body, timeout=30)
        parsed = resp.json() if resp.content else None
        if resp.status_code >= 300:
            raise ControlError(resp.status_code, parsed)
        return parsed

    def seed(self, **body: Any) -> dict[str, list[str]]:
        """`POST /_sandbox/seed` with the given sections; the created ids."""
        return self.control("POST", "seed", body)

    def dump(self, sobject: str) -> list[dict[str, Any]]:
        """Every record of a type (deleted too), as the REST API renders them."""
        return self.control("GET", f"objects/{sobject}")["records"]

    def client(self, **kwargs: Any) -> Salesforce:
        """A fresh simple-salesforce client (keyword arguments as for `sandbox_client`)."""
        return sandbox_client(self.url, self.cert, **kwargs)

    def api(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """A raw authenticated request to `/services/data/v62.0/{path}` (for status codes and headers)."""
        headers = {
            "Authorization": f"Bearer {kwargs.pop('session_id', DEFAULT_SESSION_ID)}",
            **kwargs.pop("headers", {}),
        }
        return self.http.request(
            method, f"{self.url}/services/data/v62.0/{path}", headers=headers, timeout=30, **kwargs
        )
