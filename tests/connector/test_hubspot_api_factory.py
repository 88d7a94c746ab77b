"""DealCoach's `api_factory` for hubspot-api-client builds the API objects the SDK's own factory would: same token,
host, retry policy and User-Agent; an OAuth install's current token on each build; the version read once a process."""

from __future__ import annotations

from importlib import metadata

from hubspot import HubSpot

from connector.hubspot.api_factory import api_factory, sdk_version
from connector.hubspot.client import NO_RETRY, HubSpotClient

BASE = "http://127.0.0.1:9"


def _settings(api: object) -> tuple[object, ...]:
    client = api.api_client  # type: ignore[attr-defined]
    c = client.configuration
    return type(api).__name__, c.access_token, c.host, c.retries, client.user_agent


def test_the_factory_builds_what_the_sdks_default_factory_builds() -> None:
    ours = HubSpot(access_token="tok-1", host=BASE, base_url=BASE, retry=NO_RETRY)
    ours.config["api_factory"] = api_factory()
    sdk = HubSpot(access_token="tok-1", host=BASE, base_url=BASE, retry=NO_RETRY)
    assert sdk.config.get("api_factory") is None  # the SDK's DiscoveryBase._default_api_factory
    for touch in (lambda h: h.crm.deals.basic_api, lambda h: h.crm.objects.batch_api,
                  lambda h: h.crm.associations.v4.batch_api, lambda h: h.crm.properties.core_api):
        assert _settings(touch(ours)) == _settings(touch(sdk))
    assert ours.crm.deals.basic_api.api_client.user_agent.endswith(metadata.version("hubspot-api-client"))


def test_an_oauth_install_sends_the_token_current_when_the_api_object_is_built() -> None:
    tokens = iter(["first", "second"])
    client = HubSpotClient(access_token="unused", api_base=BASE, token_provider=lambda: next(tokens))
    assert client.client.crm.deals.basic_api.api_client.configuration.access_token == "first"
    assert client.client.crm.deals.basic_api.api_client.configuration.access_token == "second"


def test_a_private_app_token_is_the_one_given() -> None:
    client = HubSpotClient(access_token="pat-na1-xyz", api_base=BASE)
    assert client.client.crm.objects.basic_api.api_client.configuration.access_token == "pat-na1-xyz"
    assert client.client.crm.objects.basic_api.api_client.configuration.retries is NO_RETRY


def test_the_version_is_read_once_per_process() -> None:
    sdk_version.cache_clear()
    for _ in range(3):
        assert HubSpotClient(access_token="t", api_base=BASE).client.crm.deals.basic_api is not None
    assert sdk_version.cache_info().misses == 1 and sdk_version.cache_info().hits >= 2


def test_an_api_object_is_built_once_per_token_and_handed_out_again() -> None:
    same = HubSpotClient(access_token="pat-na1-xyz", api_base=BASE).client
    assert same.crm.objects.basic_api is same.crm.objects.basic_api
    assert same.crm.objects.basic_api is not same.crm.objects.batch_api
    tokens = iter(["first", "first", "second"])
    oauth = HubSpotClient(access_token="unused", api_base=BASE, token_provider=lambda: next(tokens)).client
    first, again, second = (oauth.crm.deals.basic_api for _ in range(3))
    assert first is again
    assert second is not first and second.api_client.configuration.access_token == "second"
