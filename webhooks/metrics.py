"""GET /metrics: Prometheus text for what operators watch: webhook outcomes and ingest latency, job outcomes and
latency, queue depths, failed and retrying jobs, the workers' recovery figures.

Webhook answers are counted in-process with prometheus_client (`WebhookMetrics`, one registry per app): no Redis
round trip on the hot path. Under gunicorn, `dealcoach serve` runs prometheus_client's multiprocess mode
(`PROMETHEUS_MULTIPROC_DIR`, wiped at start), so a scrape of an instance sums its worker processes; each instance is
scraped on its own, as Prometheus does. The choice was measured against the Redis-shared counters it replaces
(docs/reliability.md, "Operator's view"). Job figures come from Redis (`sync.worker_health.job_figures`): workers run
elsewhere and fork a work-horse per job. At scrape time a collector reads Redis once.

Cardinality is bounded and labels are ours, never the caller's: the endpoint label is the matched route template
(`hubspot`, `salesforce/outbound`, `salesforce/events`), every path that matches no route is `unknown`, and the status
is an HTTP status code; job labels are our queues and job kinds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from rq import Queue

from sync.crm_usage import CrmUsageCollector
from sync.queue import ALL_QUEUES
from sync.worker_health import JobFigures, job_figures, worker_health

bp = Blueprint("metrics", __name__)

# Before prometheus_client, answers were Redis hash fields (and before route templates, one field per raw path).
LEGACY_COUNTERS = ("dealcoach:metrics:webhooks", "dealcoach:metrics:webhook_responses")
PREFIX = "/webhooks/"
UNKNOWN_ENDPOINT = "unknown"
INGEST_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


def endpoint_label(rule: str | None) -> str:
    """The label for a request: its route template without the `/webhooks/` prefix, or `unknown` for no route."""
    if rule is None or not rule.startswith(PREFIX):
        return UNKNOWN_ENDPOINT
    return rule.removeprefix(PREFIX)


class WebhookMetrics:
    """One app's webhook answers by route and status, and its ingest latency by route (in-process, or multiprocess
    files when the process runs under `dealcoach serve`)."""

    def __init__(self, multiprocess_dir: str | None = None) -> None:
        self.multiprocess_dir = multiprocess_dir
        self.registry = CollectorRegistry(auto_describe=False)
        self.responses = Counter(
            "dealcoach_webhook_responses",
            "Webhook answers by endpoint and status.",
            ["endpoint", "status"],
            registry=self.registry,
        )
        self.ingest = Histogram(
            "dealcoach_webhook_ingest_seconds",
            "Time from a webhook request's start to its answer, by endpoint.",
            ["endpoint"],
            buckets=INGEST_BUCKETS_S,
            registry=self.registry,
        )
        # (route template, status) -> its two children: `labels()` takes a lock and builds a key on every call.
        self._children: dict[tuple[str | None, int], tuple[Any, Any]] = {}

    def observe(self, rule: str | None, status: int, seconds: float) -> None:
        children = self._children.get((rule, status))
        if children is None:
            endpoint = endpoint_label(rule)
            children = self.responses.labels(endpoint, str(int(status))), self.ingest.labels(endpoint)
            self._children[(rule, status)] = children
        children[0].inc()
        children[1].observe(seconds)

    def exposition(self) -> bytes:
        """This process's figures, or, in multiprocess mode, every worker process's summed."""
        if not self.multiprocess_dir:
            return generate_latest(self.registry)
        merged = CollectorRegistry(auto_describe=False)
        MultiProcessCollector(merged, path=self.multiprocess_dir)
        return generate_latest(merged)


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
        depths: dict[str, tuple[int, int, int]],
        health: Mapping[str, Mapping[str, Any]] | None = None,
        jobs: JobFigures | None = None,
    ):
        self.up, self.depths, self.health, self.jobs = up, depths, health or {}, jobs

    def collect(self) -> Iterator[Metric]:
        yield GaugeMetricFamily("dealcoach_up", "1 when Redis answers.", value=1 if self.up else 0)
        if not self.up:
            return
        if self.jobs is not None:
            yield from _job_metrics(self.jobs)
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


def _job_metrics(jobs: JobFigures) -> Iterator[Metric]:
    outcomes = CounterMetricFamily(
        "dealcoach_jobs",
        "Jobs run by `dealcoach worker`, by queue, kind and outcome.",
        labels=["queue", "kind", "outcome"],
    )
    for (queue, kind, outcome), value in sorted(jobs["outcomes"].items()):
        outcomes.add_metric([queue, kind, outcome], value)
    yield outcomes
    latency = HistogramMetricFamily(
        "dealcoach_job_seconds", "Job run time in the work-horse, by queue and kind.", labels=["queue", "kind"]
    )
    for (queue, kind), buckets in sorted(jobs["buckets"].items()):
        latency.add_metric([queue, kind], [(b, float(v)) for b, v in buckets], sum_value=jobs["sums"][(queue, kind)])
    yield latency


@bp.get("/metrics")
def metrics() -> Response:
    conn = current_app.extensions["dealcoach.redis"]
    try:
        pipe = conn.pipeline(transaction=False)
        pipe.unlink(*LEGACY_COUNTERS)
        queues = [Queue(name, connection=conn) for name in ALL_QUEUES]
        for q in queues:
            pipe.llen(q.key)
            pipe.zcard(q.failed_job_registry.key)
            pipe.zcard(q.scheduled_job_registry.key)
        counts = pipe.execute()[1:]
        depths = {q.name: (counts[i * 3], counts[i * 3 + 1], counts[i * 3 + 2]) for i, q in enumerate(queues)}
        snapshot = _Snapshot(True, depths, worker_health(conn), job_figures(conn))
        crm_usage: list[Collector] = [CrmUsageCollector(conn)]
    except RedisError:
        snapshot, crm_usage = _Snapshot(False, {}), []
    registry = CollectorRegistry(auto_describe=False)
    registry.register(snapshot)
    for collector in crm_usage:
        registry.register(collector)
    webhooks: WebhookMetrics = current_app.extensions["dealcoach.metrics"]
    return Response(webhooks.exposition() + generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
