"""GET /metrics: Prometheus text for what operators watch: webhook outcomes, queue depths, failed and retrying jobs.

The webhook counts live in Redis, not in prometheus_client's in-process counters: production runs `gunicorn main:app`
with several worker processes (and App Engine several instances), so a per-process counter would show whichever
process the scrape reached. prometheus_client's multiprocess mode shares counts between the processes of one host
only and needs a directory wiped at every start; Redis is already shared by every process and instance. At scrape
time a collector reads Redis and prometheus_client writes the exposition text (escaping, types, HELP lines).

Cardinality is bounded and labels are ours, never the caller's: the endpoint label is the matched route template
(`hubspot`, `salesforce/outbound`, `salesforce/events`), every path that matches no route is `unknown`, and the status
is an HTTP status code; the scrape reads only those fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from rq import Queue

from sync.crm_usage import CrmUsageCollector
from sync.queue import ALL_QUEUES
from sync.worker_health import worker_health

bp = Blueprint("metrics", __name__)

COUNTERS = "dealcoach:metrics:webhook_responses"
# Before route templates, the raw path was the label: one field per path anyone posted. Dropped at the next scrape.
LEGACY_COUNTERS = "dealcoach:metrics:webhooks"
PREFIX = "/webhooks/"
UNKNOWN_ENDPOINT = "unknown"


def endpoint_label(rule: str | None) -> str:
    """The label for a request: its route template without the `/webhooks/` prefix, or `unknown` for no route."""
    if rule is None or not rule.startswith(PREFIX):
        return UNKNOWN_ENDPOINT
    return rule.removeprefix(PREFIX)


def count_webhook(app_extensions: dict[str, Any], rule: str | None, status: int) -> None:
    """Count one webhook answer by route and status; metrics never break a webhook (Redis errors are ignored)."""
    try:
        app_extensions["dealcoach.redis"].hincrby(COUNTERS, f"{endpoint_label(rule)}|{int(status)}", 1)
    except RedisError:
        return


# Worker recovery, from `sync.worker_health` (alert: scheduler_alive 0 for 30 s; oldest overdue retry over 60 s).
WORKER_GAUGES = (
    ("dealcoach_scheduler_alive", "scheduler_alive", "1 when a scheduler holds the queue's lock."),
    ("dealcoach_retry_oldest_overdue_seconds", "oldest_overdue_s", "Age of the oldest retry whose time has passed."),
    ("dealcoach_retry_overdue_jobs", "overdue", "Retries whose time has passed and that no scheduler queued yet."),
    ("dealcoach_jobs_started", "started", "Jobs a worker has started."),
    ("dealcoach_jobs_started_orphaned", "started_orphaned", "Started jobs whose worker is gone."),
)


class _Snapshot(Collector):
    """The metrics as read from Redis once per scrape; `up` is False when Redis did not answer."""

    def __init__(
        self,
        up: bool,
        responses: dict[tuple[str, str], int],
        depths: dict[str, tuple[int, int, int]],
        health: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        self.up, self.responses, self.depths, self.health = up, responses, depths, health or {}

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("dealcoach_up", "1 when Redis answers.", value=1 if self.up else 0)
        if not self.up:
            return
        answers = CounterMetricFamily(
            "dealcoach_webhook_responses", "Webhook answers by endpoint and status.", labels=["endpoint", "status"]
        )
        for (endpoint, status), value in sorted(self.responses.items()):
            answers.add_metric([endpoint, status], value)
        yield answers
        for metric, index, help_text in (
            ("dealcoach_queue_jobs", 0, "Jobs waiting in a queue."),
            ("dealcoach_failed_jobs", 1, "Jobs in the failed registry (kept 14 days)."),
            ("dealcoach_scheduled_jobs", 2, "Jobs waiting for a retry."),
        ):
            gauge = GaugeMetricFamily(metric, help_text, labels=["queue"])
            for name, values in self.depths.items():
                gauge.add_metric([name], values[index])
            yield gauge
        for metric, key, help_text in WORKER_GAUGES:
            gauge = GaugeMetricFamily(metric, help_text, labels=["queue"])
            for name, figures in self.health.items():
                gauge.add_metric([name], float(figures[key] or 0))
            yield gauge


def _known_responses(raw: dict[Any, Any], endpoints: Iterable[str]) -> dict[tuple[str, str], int]:
    """Only the fields `count_webhook` writes: a known endpoint label and a three-digit status."""
    allowed = set(endpoints) | {UNKNOWN_ENDPOINT}
    out: dict[tuple[str, str], int] = {}
    for field, value in raw.items():
        text = field.decode(errors="replace") if isinstance(field, bytes) else str(field)
        endpoint, _, status = text.partition("|")
        if endpoint in allowed and status.isascii() and status.isdigit() and 100 <= int(status) <= 599:
            out[(endpoint, status)] = int(value)
    return out


@bp.get("/metrics")
def metrics() -> Response:
    conn = current_app.extensions["dealcoach.redis"]
    endpoints = [endpoint_label(r.rule) for r in current_app.url_map.iter_rules() if r.rule.startswith(PREFIX)]
    try:
        conn.unlink(LEGACY_COUNTERS)
        responses = _known_responses(conn.hgetall(COUNTERS), endpoints)
        queues = [Queue(name, connection=conn) for name in ALL_QUEUES]
        depths = {q.name: (len(q), q.failed_job_registry.count, q.scheduled_job_registry.count) for q in queues}
        snapshot = _Snapshot(True, responses, depths, worker_health(conn))
        crm_usage: list[Collector] = [CrmUsageCollector(conn)]
    except RedisError:
        snapshot, crm_usage = _Snapshot(False, {}, {}), []
    registry = CollectorRegistry(auto_describe=False)
    registry.register(snapshot)
    for collector in crm_usage:
        registry.register(collector)
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
