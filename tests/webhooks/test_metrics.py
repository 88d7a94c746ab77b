"""/metrics from prometheus_client: webhook answers by route template and status, the ingest latency histogram, and
job outcomes and run times by queue and kind as `dealcoach worker` records them (a real worker, real forks)."""

from __future__ import annotations

from typing import Any

import redis
from prometheus_client.parser import text_string_to_metric_families
from rq import Queue

from sync.queue import EVENTS
from sync.worker import DealCoachWorker, job_labels
from tests.conftest import TEST_SECRET_KEY
from webhooks.app import create_app


def families(client: Any) -> dict[str, Any]:
    return {f.name: f for f in text_string_to_metric_families(client.get("/metrics").get_data(as_text=True))}


def test_webhook_answers_and_ingest_latency_by_route_template(redis_conn: redis.Redis) -> None:
    client = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                         "HUBSPOT_CLIENT_SECRETS": ["s"]}).test_client()
    for _ in range(3):
        client.post("/webhooks/hubspot", data=b"[]")  # unsigned: 401
    client.post("/webhooks/salesforce/events", data=b"{}")  # no secret configured: 401
    client.post("/webhooks/nowhere/42")  # no route: 404, labelled unknown
    found = families(client)
    answers = {(s.labels["endpoint"], s.labels["status"]): s.value
               for s in found["dealcoach_webhook_responses"].samples if s.name.endswith("_total")}
    assert answers == {("hubspot", "401"): 3.0, ("salesforce/events", "401"): 1.0, ("unknown", "404"): 1.0}
    counts = {s.labels["endpoint"]: s.value for s in found["dealcoach_webhook_ingest_seconds"].samples
              if s.name.endswith("_count")}
    assert counts == {"hubspot": 3.0, "salesforce/events": 1.0, "unknown": 1.0}
    inf = [s for s in found["dealcoach_webhook_ingest_seconds"].samples
           if s.name.endswith("_bucket") and s.labels["le"] == "+Inf" and s.labels["endpoint"] == "hubspot"]
    assert [s.value for s in inf] == [3.0]


def test_jobs_counted_by_queue_kind_and_outcome(redis_conn: redis.Redis) -> None:
    queue = Queue(EVENTS, connection=redis_conn)
    queue.enqueue("os.getpid")
    queue.enqueue("json.loads", "{not json")
    queue.enqueue("json.loads", "[1]")
    DealCoachWorker([EVENTS], connection=redis_conn).work(burst=True)
    client = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                         "HUBSPOT_CLIENT_SECRETS": ["s"]}).test_client()
    found = families(client)
    outcomes = {(s.labels["queue"], s.labels["kind"], s.labels["outcome"]): s.value
                for s in found["dealcoach_jobs"].samples if s.name.endswith("_total")}
    assert outcomes == {("events", "other", "succeeded"): 2.0, ("events", "other", "failed"): 1.0}
    count = [s.value for s in found["dealcoach_job_seconds"].samples if s.name.endswith("_count")]
    assert count == [3.0]


def test_job_labels_are_bounded() -> None:
    assert job_labels("scoring", "sync.jobs.process_call") == ("scoring", "process_call")
    assert job_labels("x\"}", "evil.func") == ("other", "other")


def test_foreign_fields_in_the_job_hashes_are_not_exported(redis_conn: redis.Redis) -> None:
    redis_conn.hset("dealcoach:metrics:jobs", 'events|x"} 1\nevil|succeeded', 5)
    client = create_app({"REDIS": redis_conn, "DEALCOACH_SECRET_KEY": TEST_SECRET_KEY,
                         "HUBSPOT_CLIENT_SECRETS": ["s"]}).test_client()
    assert "evil" not in client.get("/metrics").get_data(as_text=True)
