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
    sf.observe({"Sforce-Limit-Info": "api-usage=80/100, per-app-api-usage=2/50(appName=x)"})
    with pytest.raises(RetryableCrmError):
        sf.check()


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
