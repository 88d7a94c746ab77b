"""The SDK API objects of DealCoach's HubSpot client, built through hubspot-api-client's `api_factory` hook.

The SDK builds a new API object (its own `Configuration` and `ApiClient`) each time `client.crm.deals.basic_api` and the
like are touched, and its default factory reads the package's version from `importlib.metadata` every time, for the
User-Agent: a few milliseconds of CPU per request in a worker's fresh work-horse, about a third of a logged call's CRM
time in a profile (docs/benchmarks.md). This factory builds the same object from the settings the client was given
(access token, host, base URL, retry policy; the token asked of the provider each time when there is one, so an OAuth
install always sends the current one) and reads the version once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import metadata
from typing import Any

ApiFactory = Callable[[Any, str, dict[str, Any]], Any]


@cache
def sdk_version() -> str:
    """hubspot-api-client's installed version, as its own factory puts it in the User-Agent."""
    return metadata.version("hubspot-api-client")


def api_factory(token_provider: Callable[[], str] | None = None) -> ApiFactory:
    """A factory for `HubSpot(...).config["api_factory"]`: the API named `api_name` of an SDK package, configured."""

    def build(package: Any, api_name: str, config: dict[str, Any]) -> Any:
        settings = {**config, "access_token": token_provider()} if token_provider is not None else config
        configuration = package.Configuration()
        for key, value in settings.items():
            if key == "retry":
                configuration.retries = value
            else:
                setattr(configuration, key, value)
        api_client = package.ApiClient(configuration=configuration)
        api_client.user_agent = f"hubspot-api-client-python; {sdk_version()}"
        return getattr(package, api_name)(api_client=api_client)

    return build
