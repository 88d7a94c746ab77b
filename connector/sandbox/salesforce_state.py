"""The state of one running sandbox org and the small request helpers every route module shares."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import current_app, g, request

from .salesforce_config import SalesforceSandboxConfig
from .salesforce_errors import json_error
from .salesforce_ids import KEY_PREFIXES
from .salesforce_outbound import OutboundDispatcher
from .salesforce_query import QueryCursors
from .salesforce_rules import register_rules
from .salesforce_schema import Schema
from .salesforce_store import Actor, SalesforceStore
from .salesforce_traffic import ApiUsage, CallCounter, FaultInjector, LongRunning

EXTENSION_KEY = "salesforce_sandbox"
_VERSION = re.compile(r"^v(\d+\.\d+)$")


class SalesforceSandbox:
    """Everything a sandbox org holds; reachable as `app.extensions["salesforce_sandbox"]`."""

    def __init__(self, config: SalesforceSandboxConfig) -> None:
        self.config = config
        self.schema = Schema(config)
        self.store = SalesforceStore(config, self.schema)
        register_rules(self.store)
        self.usage = ApiUsage(config.daily_api_limit, config.api_bursts_entitlement)
        self.faults = FaultInjector(config.fault_seed)
        self.in_flight = LongRunning(config.concurrent_long_running_limit, config.long_running_s)
        self.calls = CallCounter()
        self.cursors = QueryCursors(lambda: self.store.ids.new(KEY_PREFIXES["QueryLocator"]))
        # Where the server listens (set by start_salesforce_sandbox, else learnt from the first request).
        self.instance_url: str | None = config.instance_url
        self.tls_cert: Path | None = None
        self.tls_key: Path | None = None
        self.outbound = OutboundDispatcher(config, self.store, self.base_url)
        self.store.on_change = self.outbound.on_changes
        # Access token → the refresh token it was minted from (revoking a refresh token revokes them too).
        self.minted_from: dict[str, str] = {}

    def base_url(self) -> str:
        """The org's instance URL, e.g. `https://127.0.0.1:8443`."""
        return (self.instance_url or "https://127.0.0.1").rstrip("/")

    def reset(self) -> None:
        """As freshly created from its config: only the users, no faults, fresh counters, configured outbound."""
        self.schema.reset_security()
        self.store.reset()
        self.usage.reset()
        self.usage.set(limit=self.config.daily_api_limit)
        self.faults.clear()
        self.calls.reset()
        self.cursors.clear()
        self.outbound.reset()

    def close(self) -> None:
        """Stop the outbound sender thread."""
        self.outbound.close()


def current() -> SalesforceSandbox:
    """The sandbox of the app handling this request."""
    return current_app.extensions[EXTENSION_KEY]


def api_actor() -> Actor:
    """Changes through the REST API: made by the session's user, logged as writes."""
    return Actor("API", str(g.get("session_user_id") or current().config.api_user_id), request.method, request.path)


def api_version(raw: str) -> str | None:
    """`62.0` for a `v62.0` path segment, None for anything else."""
    m = _VERSION.match(raw)
    return m.group(1) if m else None


def json_body(default: Any = None, *, kind: type = dict) -> Any:
    """The parsed JSON body, or Salesforce's 400 JSON_PARSER_ERROR."""
    raw = request.get_data(as_text=True)
    if not raw.strip():
        if default is not None:
            return default
        raise json_error("No content to map due to end-of-input at [line:1, column:0]")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise json_error(
            f"Unexpected character ('{raw[exc.pos : exc.pos + 1]}') at [line:{exc.lineno}, column:{exc.colno}]"
        ) from None
    if not isinstance(body, kind):
        raise json_error(
            f"Cannot deserialize instance of {'list' if kind is list else 'object'} from "
            f"{type(body).__name__} value at [line:1, column:1]"
        )
    return body
