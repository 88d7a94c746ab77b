"""RQ's job layout in Redis, written without building RQ's `Job`: the webhook fast path (issue 12).

Building a `Job` per event and letting `Queue.enqueue_many` persist it cost ~44 µs of CPU per job, most of a
single-event request. For the RQ versions in `SUPPORTED_RQ` this module prepares exactly what `enqueue_many` writes
for one of DealCoach's jobs (no dependencies, no callbacks, the default serializer): `SADD rq:queues <queue key>`,
one `HSET` of the job hash with the same fields and encodings, `RPUSH` of the id on the queue list, no TTL while
queued. `tests/sync/test_fast_enqueue.py` compares the two writes key by key, field by field (job data decoded),
entry by entry and TTL by TTL, and runs fast-path jobs in RQ's `SimpleWorker` and in `DealCoachWorker`; any other
RQ version falls back to RQ's own path (`sync/queue.py`), with a warning at start-up.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from typing import Any

from rq import Queue, Retry
from rq.job import Job, JobStatus
from rq.serializers import DefaultSerializer
from rq.utils import now, utcformat
from rq.version import VERSION

# [first, past-the-end) (major, minor) of the RQ releases whose layout the test above has been run against.
SUPPORTED_RQ = ((2, 12), (2, 13))
JOB_PREFIX = Job.redis_job_namespace_prefix
QUEUE_PREFIX = Queue.redis_queue_namespace_prefix
QUEUES_KEY = Queue.redis_queues_keys


def rq_version(version: str = VERSION) -> tuple[int, int]:
    """(major, minor) of an RQ version string; (0, 0) when it cannot be read."""
    try:
        major, minor = version.split(".")[:2]
        return int(major), int(minor)
    except ValueError:
        return 0, 0


def layout_supported(version: str = VERSION) -> bool:
    """Whether the installed RQ writes jobs the way this module does (the range the layout test covers)."""
    low, high = SUPPORTED_RQ
    return low <= rq_version(version) < high


def common_fields(retry: Retry, result_ttl: int, failure_ttl: int) -> list[Any]:
    """The job-hash fields every DealCoach job shares, as HSET field/value pairs in `Job.to_dict`'s order."""
    return [
        "success_callback_name",
        "",
        "failure_callback_name",
        "",
        "stopped_callback_name",
        "",
        "started_at",
        "",
        "ended_at",
        "",
        "last_heartbeat",
        "",
        "worker_name",
        "",
        "group_id",
        "",
        "retries_left",
        retry.max,
        "retry_intervals",
        json.dumps(retry.intervals),
        "result_ttl",
        result_ttl,
        "failure_ttl",
        failure_ttl,
        "status",
        JobStatus.QUEUED.value,
    ]


def request_fields(meta: dict[str, Any] | None) -> list[Any]:
    """The fields set once per request: creation and enqueue time (RQ's format, this instant) and the meta."""
    stamp = utcformat(now())
    fields: list[Any] = ["created_at", stamp, "enqueued_at", stamp]
    if meta:
        fields += ["meta", DefaultSerializer.dumps(meta)]
    return fields


def job_data(func: str, args: Sequence[Any]) -> bytes:
    """The `data` field: RQ's default serializer over (function name, no instance, args, no kwargs), compressed."""
    return zlib.compress(DefaultSerializer.dumps((func, None, args, {})))


# One atomic server-side step per request: check the required keys (tenants), then write each job whose key does not
# exist yet as RQ would. KEYS: the required keys, then one job key per job. ARGV: the number of required keys, RQ's
# `rq:queues` key and queue-key prefix, the shared field/value pairs (count, then pairs), then per job: its id, queue
# name, timeout, data and description. Returns 1/0 per key: required key present, then job queued now (0 = it
# existed, a duplicate). A missing required key returns before anything is written.
ENQUEUE_LUA = """
local nreq, out, known = tonumber(ARGV[1]), {}, true
for i = 1, nreq do
  out[i] = redis.call('EXISTS', KEYS[i])
  if out[i] == 0 then known = false end
end
if not known then return out end
local queues_key, prefix, nshared = ARGV[2], ARGV[3], tonumber(ARGV[4])
local shared = {}
for i = 1, nshared * 2 do shared[i] = ARGV[4 + i] end
local pos = 5 + nshared * 2
for j = nreq + 1, #KEYS do
  local job_id, origin, timeout, data, description = ARGV[pos], ARGV[pos + 1], ARGV[pos + 2], ARGV[pos + 3],
    ARGV[pos + 4]
  pos = pos + 5
  if redis.call('EXISTS', KEYS[j]) == 0 then
    out[j] = 1
    local queue_key = prefix .. origin
    redis.call('SADD', queues_key, queue_key)
    redis.call('HSET', KEYS[j], 'data', data, 'origin', origin, 'description', description, 'timeout', timeout,
      unpack(shared))
    redis.call('RPUSH', queue_key, job_id)
  else
    out[j] = 0
  end
end
return out
"""
