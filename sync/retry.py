"""The one retry decision for every job: wait when told to, spend a retry only on a failure.

A vendor's Retry-After, an exhausted API budget, a busy deal lock or a recording another job is transcribing are
not failures: the job is re-queued for that moment (a new job id, `-w<n>`) without spending one of its five RQ
retries, so a Salesforce daily-limit wait of hours does not burn the whole schedule. Everything else that is
retryable (a 5xx, a timeout with no hint) goes back to RQ's schedule; nothing waits forever (`MAX_WAITS`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from rq import Queue, Retry
from rq.job import Job

from connector.base import RetryableCrmError
from scoring.speech.errors import SpeechError

log = logging.getLogger("dealcoach.sync.retry")

MAX_WAITS = 24
MAX_WAIT_S = 24 * 3600.0


def wait_asked(exc: BaseException) -> float | None:
    """Seconds the vendor (or DealCoach's own guard) asked us to wait before trying again, or None."""
    if isinstance(exc, RetryableCrmError) and exc.retry_after:
        return float(exc.retry_after)
    if isinstance(exc, SpeechError) and exc.retryable and exc.retry_after:
        return float(exc.retry_after)
    return None


def reschedule(job: Job, wait_s: float, *, reason: str) -> bool:
    """Queue the same work again after `wait_s` (capped at a day) without spending a retry; False once the job has
    waited `MAX_WAITS` times, so it then fails through RQ's schedule like any other error."""
    waits = int(job.meta.get("waits", 0))
    if waits >= MAX_WAITS:
        return False
    root = str(job.meta.get("root_id") or job.id)
    wait_s = min(max(wait_s, 1.0), MAX_WAIT_S)
    Queue(job.origin, connection=job.connection).enqueue_in(
        timedelta(seconds=wait_s),
        str(job.func_name),
        *job.args,
        job_id=f"{root}-w{waits + 1}",
        meta={"waits": waits + 1, "root_id": root},
        retry=_retries_left(job),
        result_ttl=job.result_ttl,
        failure_ttl=job.failure_ttl,
        job_timeout=job.timeout,
    )
    log.info("sync.job.rescheduled job=%s wait_s=%.0f waits=%d reason=%s", root, wait_s, waits + 1, reason)
    return True


def _retries_left(job: Job) -> Retry | None:
    """The retries this job had not spent yet, on the same schedule: a wait neither spends nor refills them."""
    left = int(job.retries_left or 0)
    intervals = list(job.retry_intervals or [])
    return Retry(max=left, interval=intervals[len(intervals) - left :] or intervals) if left > 0 else None
