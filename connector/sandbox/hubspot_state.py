"""The state of one running sandbox portal and the small request helpers every route module shares."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, g, request

from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import validation_error
from .hubspot_filestore import FileStore
from .hubspot_oauth import TokenStore
from .hubspot_oauth_install import InstallStore
from .hubspot_property_groups import GroupStore
from .hubspot_store import HubSpotStore, Origin
from .hubspot_traffic import CallCounter, FaultInjector, RateLimiter
from .hubspot_webhooks import WebhookDispatcher
from .hubspot_workflow import WorkflowRunner

EXTENSION_KEY = "hubspot_sandbox"


class HubSpotSandbox:
    """Everything a sandbox portal holds; reachable as `app.extensions["hubspot_sandbox"]`."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self._initial = config.runtime()
        self.store = HubSpotStore(config)
        self.oauth = TokenStore(config)
        self.install = InstallStore(config)
        self.property_groups = GroupStore()
        self.workflows = WorkflowRunner(config)
        self.files = FileStore(config)
        self.limits = RateLimiter(config)
        self.faults = FaultInjector(config.fault_seed)
        self.calls = CallCounter()
        self.webhooks = WebhookDispatcher(config)
        self.store.on_change = self.webhooks.on_changes

    def reset(self) -> None:
        """As freshly created from its config: no records or files, configured owners, pipelines, properties and
        webhook settings, runtime settings as configured, no issued OAuth tokens, no faults, fresh counters."""
        for name, value in self._initial.items():
            setattr(self.config, name, value)
        self.oauth.reset()
        self.install.reset()
        self.property_groups.reset()
        self.workflows.reset()
        self.store.reset()
        self.files.reset()
        self.limits.reset()
        self.faults.clear()
        self.calls.reset()
        self.webhooks.reset()

    def close(self) -> None:
        """Stop the webhook sender thread."""
        self.webhooks.close()


def current() -> HubSpotSandbox:
    """The sandbox of the app handling this request."""
    return current_app.extensions[EXTENSION_KEY]


def api_origin() -> Origin:
    """Changes made through the API with an app's token: logged as writes; webhooks say changeSource INTEGRATION
    and sourceId that app's id as a string, as HubSpot delivers them (see hubspot_webhooks)."""
    return Origin(
        "INTEGRATION", str(getattr(g, "source_app_id", current().config.app_id)), request.method, request.path
    )


def json_body(default: Any = None, *, kind: type = dict) -> Any:
    """The parsed JSON body (an object unless `kind` says otherwise), or HubSpot's 400 for malformed input."""
    raw = request.get_data(as_text=True)
    if not raw.strip():
        if default is not None:
            return default
        raise validation_error("Invalid input JSON: the request body is empty")
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise validation_error(f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    if not isinstance(body, kind):
        raise validation_error(f"Invalid input JSON: expected a JSON {'array' if kind is list else 'object'}")
    return body


def list_arg(name: str) -> list[str]:
    """A list query parameter, repeated (`?p=a&p=b`, as the SDK sends it) or comma-separated."""
    return [p for v in request.args.getlist(name) for p in v.split(",") if p]


def int_arg(name: str, default: int, maximum: int) -> int:
    """A positive integer query parameter (400 otherwise), capped at the endpoint's maximum."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise validation_error(f"{name} must be a positive integer; got {raw}")
    return min(int(raw), maximum)


def base_url() -> str:
    """The sandbox's own URL as the client called it, for file and paging links."""
    return request.host_url.rstrip("/")
