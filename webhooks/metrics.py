"""GET /metrics: Prometheus text for what operators watch: webhook outcomes, queue depths, failed and retrying jobs."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app
from redis.exceptions import RedisError
from rq import Queue

from sync.queue import ALL_QUEUES

bp = Blueprint("metrics", __name__)

COUNTERS = "dealcoach:metrics:webhooks"


def count_webhook(app_extensions: dict[str, Any], endpoint: str, status: int) -> None:
    """Count one webhook answer by endpoint and status; metrics never break a webhook (Redis errors are ignored)."""
    try:
        app_extensions["dealcoach.redis"].hincrby(COUNTERS, f"{endpoint}|{status}", 1)
    except RedisError:
        return


@bp.get("/metrics")
def metrics() -> Response:
    conn = current_app.extensions["dealcoach.redis"]
    lines = ["# HELP dealcoach_up 1 when Redis answers.", "# TYPE dealcoach_up gauge"]
    try:
        counters = conn.hgetall(COUNTERS)
        queues = [Queue(name, connection=conn) for name in ALL_QUEUES]
        depth = {q.name: (len(q), q.failed_job_registry.count, q.scheduled_job_registry.count) for q in queues}
    except RedisError:
        lines.append("dealcoach_up 0")
        return Response("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
    lines.append("dealcoach_up 1")
    lines += [
        "# HELP dealcoach_webhook_responses_total Webhook answers by endpoint and status.",
        "# TYPE dealcoach_webhook_responses_total counter",
    ]
    for raw, value in sorted(counters.items()):
        endpoint, _, status = (raw.decode() if isinstance(raw, bytes) else raw).partition("|")
        lines.append(f'dealcoach_webhook_responses_total{{endpoint="{endpoint}",status="{status}"}} {int(value)}')
    for metric, index, help_text in (
        ("dealcoach_queue_jobs", 0, "Jobs waiting in a queue."),
        ("dealcoach_failed_jobs", 1, "Jobs in the failed registry (kept 14 days)."),
        ("dealcoach_scheduled_jobs", 2, "Jobs waiting for a retry."),
    ):
        lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} gauge"]
        lines += [f'{metric}{{queue="{name}"}} {values[index]}' for name, values in depth.items()]
    return Response("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
