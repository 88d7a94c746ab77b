"""Speech and storage failures, classified once: quota and server trouble are retryable, bad requests fatal.

google-api-core raises one exception class per status for both transports (REST: from the HTTP status and
Google's JSON error body; gRPC: from the status code). A 429/RESOURCE_EXHAUSTED may carry RetryInfo; its delay
becomes `retry_after`, as a CRM's Retry-After does.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
import urllib3
from google.api_core import exceptions as gexc


class SpeechError(Exception):
    """Base of transcription failures; `slug` is what gets logged, `retryable` what the job does next."""

    slug = "speech.error"
    retryable = False

    def __init__(self, message: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


class SpeechRetryableError(SpeechError):
    """Quota (429), 5xx, timeouts, an unreachable endpoint: try again later, after `retry_after` if known."""

    slug = "speech.retryable"
    retryable = True


class SpeechTimeout(SpeechRetryableError):
    """The recognition did not finish within the job's deadline."""

    slug = "speech.deadline"


class SpeechFatalError(SpeechError):
    """Invalid argument, permission, missing object: retrying the same request cannot succeed."""

    slug = "speech.fatal"


class SpeechNotConfigured(SpeechFatalError):
    """A deployment gap (no client, or long audio without a bucket), not a property of the call."""

    slug = "speech.not_configured"


_RETRYABLE = (
    gexc.TooManyRequests,
    gexc.ResourceExhausted,
    gexc.ServerError,
    gexc.DeadlineExceeded,
    gexc.ServiceUnavailable,
    gexc.Aborted,
)


def retry_delay(exc: gexc.GoogleAPICallError) -> float | None:
    """Seconds from a RetryInfo detail, in REST (dict) or gRPC (message) form."""
    for detail in getattr(exc, "details", None) or ():
        if isinstance(detail, dict):
            if detail.get("@type", "").endswith("google.rpc.RetryInfo"):
                text = str(detail.get("retryDelay") or "").rstrip("s")
                try:
                    return float(text)
                except ValueError:
                    return None
        elif type(detail).__name__ == "RetryInfo":
            delay: Any = getattr(detail, "retry_delay", None)
            if isinstance(delay, timedelta):
                return delay.total_seconds()
            return float(getattr(delay, "seconds", 0)) + float(getattr(delay, "nanos", 0)) / 1e9
    return None


def classify(exc: BaseException, what: str) -> SpeechError | None:
    """Map a google-api-core or transport exception to a retryable or fatal SpeechError; None for anything else
    (a bug is not a transient failure: it must surface as itself, not be retried five times)."""
    if isinstance(exc, SpeechError):
        return exc
    if isinstance(exc, gexc.GoogleAPICallError):
        status = getattr(exc, "code", None)
        status = int(status) if isinstance(status, int) else None
        message = f"{what}: {type(exc).__name__} {exc.message}"[:500]
        if isinstance(exc, _RETRYABLE):
            return SpeechRetryableError(message, status=status, retry_after=retry_delay(exc))
        return SpeechFatalError(message, status=status)
    if isinstance(exc, gexc.RetryError):
        return SpeechRetryableError(f"{what}: retries exhausted")
    if isinstance(exc, (OSError, requests.RequestException, urllib3.exceptions.HTTPError)):
        return SpeechRetryableError(f"{what}: {type(exc).__name__}")
    return None


def classify_status(status: int, what: str, retry_after: float | None = None) -> SpeechError:
    """The same rule for plain HTTP answers (the Cloud Storage upload): 429/5xx retryable, other 4xx fatal."""
    if status == 429 or status >= 500 or status == 408:
        return SpeechRetryableError(f"{what}: HTTP {status}", status=status, retry_after=retry_after)
    return SpeechFatalError(f"{what}: HTTP {status}", status=status)
