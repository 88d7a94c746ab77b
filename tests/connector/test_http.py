"""Response classification and the API budget: one table, no server."""

from __future__ import annotations

import pytest

from connector.base import CrmAuthError, FatalCrmError, RetryableCrmError
from connector.http import ApiBudget, call_with_retry, classify_status


@pytest.mark.parametrize(
    ("status", "headers", "kind", "retry_after"),
    [
        (429, {"Retry-After": "7"}, RetryableCrmError, 7.0),
        (500, {}, RetryableCrmError, None),
        (503, {"retry-after": "x"}, RetryableCrmError, None),
        (409, {}, RetryableCrmError, 1.0),
        (401, {}, CrmAuthError, None),
        (403, {}, CrmAuthError, None),
        (400, {}, FatalCrmError, None),
        (404, {}, FatalCrmError, None),
    ],
)
def test_classify_status(status: int, headers: dict[str, str], kind: type, retry_after: float | None) -> None:
    err = classify_status(status, headers, "m")
    assert type(err) is kind
    assert getattr(err, "retry_after", None) == retry_after


def test_budget_reads_hubspot_and_salesforce_headers() -> None:
    budget = ApiBudget()
    budget.observe({"X-HubSpot-RateLimit-Daily": "1000", "X-HubSpot-RateLimit-Daily-Remaining": "101"})
    budget.check()
    budget.observe({"X-HubSpot-RateLimit-Daily": "1000", "X-HubSpot-RateLimit-Daily-Remaining": "100"})
    with pytest.raises(RetryableCrmError):
        budget.check()
    sf = ApiBudget(reserve_fraction=0.2)
    sf.observe({"Sforce-Limit-Info": "api-usage=79/100"})
    sf.check()
    sf.observe({"Sforce-Limit-Info": "api-usage=80/100"})
    with pytest.raises(RetryableCrmError):
        sf.check()


@pytest.mark.parametrize(
    ("header", "remaining", "app_remaining"),
    [
        ("api-usage=10018/100000", 89_982, None),
        ("api-usage=10018/100000; api-bursts=1/750", 89_982, None),
        ("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)", 4975, 233),
        ("api-usage=110018/100000; api-bursts=1/750", -10_018, None),
    ],
    ids=["plain", "bursts", "per_app", "over_the_limit"],
)
def test_budget_reads_salesforce_limit_info_forms(header: str, remaining: int, app_remaining: int | None) -> None:
    """The forms of the Limit Info Header page of the REST API guide (parts separated by ";")."""
    budget = ApiBudget()
    budget.observe({"Sforce-Limit-Info": header})
    assert (budget.daily_max is not None, budget.daily_remaining, budget.app_remaining) == (True, remaining, app_remaining)


def test_spent_per_app_quota_stops_writes_without_a_reserve() -> None:
    budget = ApiBudget(reserve_fraction=0.1)
    budget.observe({"Sforce-Limit-Info": "api-usage=10/100000; per-app-api-usage=249/250(appName=DealCoach)"})
    budget.check()
    budget.observe({"Sforce-Limit-Info": "api-usage=11/100000; per-app-api-usage=250/250(appName=DealCoach)"})
    with pytest.raises(RetryableCrmError, match="quota"):
        budget.check()


def test_call_with_retry_retries_short_waits_only() -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RetryableCrmError("busy", retry_after=0)
        return "ok"

    assert call_with_retry(flaky) == "ok" and len(calls) == 3

    def long_wait() -> None:
        calls.append(1)
        raise RetryableCrmError("later", retry_after=3600)

    calls.clear()
    with pytest.raises(RetryableCrmError):
        call_with_retry(long_wait)
    assert len(calls) == 1

    def fatal() -> None:
        calls.append(1)
        raise FatalCrmError("no")

    calls.clear()
    with pytest.raises(FatalCrmError):
        call_with_retry(fatal)
    assert len(calls) == 1
