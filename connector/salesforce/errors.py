"""Salesforce failures as DealCoach errors: error bodies read tolerantly, request limits told apart.

REST error bodies are `[{"message", "errorCode", "fields"}]`, but `fields` is left out of many (401 INVALID_SESSION_ID,
404 NOT_FOUND, 403 REQUEST_LIMIT_EXCEEDED: "The response body contains the message and errorCode",
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), and a proxy may answer
with text. 403 REQUEST_LIMIT_EXCEEDED is two different limits, told apart by the message: the rolling 24-hour
allocation ("TotalRequests Limit exceeded.") and concurrent long-running requests ("ConcurrentPerOrgLongTxn Limit
exceeded." / "ConcurrentRequests (Concurrent API Requests) Limit exceeded", Salesforce Help 000389067). Neither is
an auth problem: both are retried later.
"""

from __future__ import annotations

from typing import Any

from simple_salesforce.exceptions import SalesforceError

from connector.base import CrmAuthError, CrmError, RetryableCrmError
from connector.http import classify_status

# A long-running request holds its slot for 20 s or more (API Request Limits and Allocations); try again after that.
CONCURRENCY_RETRY_S = 30.0
MIN_DAILY_RETRY_S = 3600.0
WINDOW_S = 24 * 3600.0


def first_error(content: Any) -> tuple[str, str]:
    """(errorCode, message) of a REST error body, whatever its shape; ("", "") when it has none."""
    first = content[0] if isinstance(content, list) and content else content
    if not isinstance(first, dict):
        return "", str(first or "")[:200]
    return str(first.get("errorCode") or first.get("statusCode") or ""), str(first.get("message") or "")


def daily_retry_after(reserve_fraction: float) -> float:
    """When the rolling 24-hour window has probably freed enough calls to write again.

    Salesforce does not say when calls leave the window. Assuming the day's calls were spread evenly, the window
    frees 1/24 of the allocation per hour, and DealCoach writes again only once the reserve is free as well: that
    takes `reserve_fraction` of 24 hours (2.4 h for the default 10 %), and never less than an hour.
    """
    return max(MIN_DAILY_RETRY_S, WINDOW_S * reserve_fraction)


def classify_salesforce(exc: SalesforceError, *, tenant: str, reserve_fraction: float) -> CrmError:
    """The DealCoach error for a simple-salesforce exception (the session was already refreshed if it could be)."""
    code, text = first_error(exc.content)
    message = f"Salesforce {exc.status} {code}".strip()
    if code == "REQUEST_LIMIT_EXCEEDED":
        if "TotalRequests" in text:
            return RetryableCrmError(
                f"{message}: daily API limit reached",
                status=exc.status,
                retry_after=daily_retry_after(reserve_fraction),
            )
        return RetryableCrmError(
            f"{message}: too many concurrent long-running requests ({text[:80]})",
            status=exc.status,
            retry_after=CONCURRENCY_RETRY_S,
        )
    if exc.status == 401:
        return CrmAuthError(
            f"{message}: session expired or revoked for {tenant or 'this org'}; "
            "reconnect the org (no refresh token for this auth type)",
            status=401,
        )
    return classify_status(exc.status, {}, message)
