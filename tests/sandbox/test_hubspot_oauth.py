"""OAuth through the real SDK: refreshing access tokens, their expiry, and the rate-limit headers OAuth calls get."""

from __future__ import annotations

import time
from typing import Any

from urllib3.util.retry import Retry

DAILY = ("X-HubSpot-RateLimit-Daily", "X-HubSpot-RateLimit-Daily-Remaining")
NO_RETRY = Retry(0, respect_retry_after_header=False)


def _refresh(sandbox: Any, refresh_token: str = "sandbox-refresh-token") -> Any:
    return sandbox.client(access_token=None).oauth.tokens_api.create(
        grant_type="refresh_token", client_id="sandbox-client-id", client_secret="sandbox-client-secret",
        refresh_token=refresh_token)


def test_refresh_token_grant_gives_a_30_minute_access_token(sandbox: Any) -> None:
    tokens = _refresh(sandbox)
    assert (tokens.token_type, tokens.expires_in, tokens.refresh_token) == ("bearer", 1800, "sandbox-refresh-token")
    page = sandbox.client(access_token=tokens.access_token).crm.deals.basic_api.get_page()
    assert page.results == []
    assert _refresh(sandbox).access_token != tokens.access_token


def test_bad_refresh_token_is_hubspots_400(sandbox: Any) -> None:
    resp = sandbox.http.post(f"{sandbox.url}/oauth/v1/token", timeout=5, data={
        "grant_type": "refresh_token", "client_id": "sandbox-client-id", "client_secret": "sandbox-client-secret",
        "refresh_token": "revoked"})
    assert resp.status_code == 400
    assert resp.json()["status"] == "BAD_REFRESH_TOKEN" and resp.json()["message"] == "missing or invalid refresh token"


def test_expired_access_token_gets_hubspots_401(sandbox: Any, api_error: Any) -> None:
    token = _refresh(sandbox).access_token
    assert sandbox.control("POST", "oauth/expire", {"tokens": [token]}) == {"expired": 1}
    with api_error(401) as err:
        sandbox.client(access_token=token).crm.deals.basic_api.get_page()
    assert err.body["category"] == "EXPIRED_AUTHENTICATION"
    assert err.body["message"].startswith("The OAuth token used to make this call expired ")
    assert err.body["message"].endswith("second(s) ago.") and list(err.body["context"]) == ["expire time"]
    fresh = _refresh(sandbox).access_token
    assert sandbox.client(access_token=fresh).crm.deals.basic_api.get_page().results == []


def test_token_lifetime_can_be_shortened(sandbox: Any, api_error: Any) -> None:
    assert sandbox.control("POST", "settings", {"access_token_ttl_s": 1})["access_token_ttl_s"] == 1
    tokens = _refresh(sandbox)
    assert tokens.expires_in == 1
    time.sleep(1.1)
    with api_error(401) as err:
        sandbox.client(access_token=tokens.access_token).crm.deals.basic_api.get_page()
    assert err.body["category"] == "EXPIRED_AUTHENTICATION"
    sandbox.control("POST", "reset")
    assert _refresh(sandbox).expires_in == 1800


def test_oauth_calls_get_no_daily_headers_and_have_no_daily_limit(make_sandbox: Any) -> None:
    sb = make_sandbox(daily_limit=1)
    oauth = sb.client(access_token=_refresh(sb).access_token, retry=NO_RETRY)
    for _ in range(3):
        _, _, headers = oauth.crm.deals.basic_api.get_page_with_http_info()
        assert "X-HubSpot-RateLimit-Max" in headers and "X-HubSpot-RateLimit-Remaining" in headers
        assert not any(h in headers for h in DAILY)
    _, _, private = sb.client(retry=NO_RETRY).crm.deals.basic_api.get_page_with_http_info()
    assert private["X-HubSpot-RateLimit-Daily"] == "1" and private["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
