"""Queues, job ids and retry policy: the one place that knows which job handles which event kind.

Job ids are derived from tenant + event id and a batch is enqueued in one atomic Lua script that skips ids
Redis already knows, so a re-delivered webhook is a no-op while the first job (or its result)
is still kept.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import redis
from redis.commands.core import Script
from rq import Queue, Retry
from rq.job import Job

from connector.models import Event

EVENTS, SCORING, SYNC = "events", "scoring", "sync"
ALL_QUEUES = (EVENTS, SCORING, SYNC)

# kind -> (queue, job function). Kinds without an entry are acknowledged and dropped with a log line.
JOB_BY_KIND: dict[str, tuple[str, str]] = {
    "call.logged": (SCORING, "sync.jobs.process_call"),
    "deal.stage_changed": (EVENTS, "sync.jobs.handle_stage_change"),
    "deal.created": (EVENTS, "sync.jobs.handle_stage_change"),
    "activity.logged": (EVENTS, "sync.jobs.handle_activity"),
    "workflow.action": (EVENTS, "sync.workflow_action.run_workflow_action"),
}

# Job hashes (and so the duplicate guard) outlive the CRMs' redelivery windows (HubSpot 24 h, Salesforce 24 h).
DEDUP_TTL_S = 3 * 24 * 3600
# An event older than this may be a replay the duplicate guard has forgotten (a job hash lives from its first delivery
# until DEDUP_TTL_S after it finished, so at least DEDUP_TTL_S after the event occurred); an hour less covers clock
# skew between the CRM and us. Webhooks acknowledge such events without queueing them.
MAX_EVENT_AGE_S = DEDUP_TTL_S - 3600
FAILURE_TTL_S = 14 * 24 * 3600
RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])
JOB_TIMEOUT_S = {EVENTS: 120, SCORING: 1800, SYNC: 300}

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")
# What `_encoded_event_id` appends; a safe id that happens to end like this is encoded too, so the two forms never meet.
_DIGEST_SUFFIX = re.compile(r"_h[0-9a-f]{16}\Z")


def _encoded_event_id(event_id: str) -> str:
    """The event id in RQ's alphabet, injectively: a safe id is kept as it is (so ids queued before stay the same and
    redeliveries across an upgrade still dedupe); any other id gets its unsafe runs replaced and a digest of the raw id
    appended (`collide:42` and `collide/42` stay two jobs), its readable part cut to 64 characters."""
    if _SAFE_ID.fullmatch(event_id) and not _DIGEST_SUFFIX.search(event_id):
        return event_id
    digest = hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{_UNSAFE.sub('_', event_id)[:64]}_h{digest}"


def job_id_for(event: Event) -> str:
    """`hubspot-62515-evt-<event>`: RQ ids allow letters, digits, `_` and `-` only."""
    return _UNSAFE.sub("_", f"{event.tenant.replace(':', '-')}-evt-") + _encoded_event_id(event.event_id)


@dataclass(frozen=True)
class EnqueueResult:
    queued: int
    duplicates: int
    unrouted: int
    # Tenants the caller required (`require`) that are not registered; when any, nothing was queued.
    unknown: tuple[str, ...] = ()


_QUEUES: dict[tuple[int, str], Queue] = {}


def _queue(conn: redis.Redis, name: str) -> Queue:
    """One `Queue` per connection and name for the life of the process, not one per request."""
    key = (id(conn), name)
    queue = _QUEUES.get(key)
    if queue is None or queue.connection is not conn:
        queue = _QUEUES[key] = Queue(name, connection=conn)
    return queue


def _job_args(event: Event) -> dict[str, Any]:
    """`Event.to_dict()` without `asdict`'s deep copy (the event is frozen and its data is ours)."""
    return {
        "kind": event.kind,
        "tenant": event.tenant,
        "event_id": event.event_id,
        "object_id": event.object_id,
        "occurred_at": event.occurred_at.isoformat(),
        "object_type": event.object_type,
        "data": dict(event.data),
    }


# One atomic server-side step per request: check the required keys (tenants), then for each job whose key does not
# exist yet run the commands RQ's `enqueue_many` issued for it. KEYS: the required keys, then one key per job. ARGV:
# the number of required keys, then per job its command count and per command its argument count and arguments.
# Returns 1/0 per key: required key present, then job queued now (0 = it existed, a duplicate). A missing required
# key returns before anything is written.
_ENQUEUE_LUA = """
local nreq, pos, out, known = tonumber(ARGV[1]), 2, {}, true
for i = 1, nreq do
  out[i] = redis.call('EXISTS', KEYS[i])
  if out[i] == 0 then known = false end
end
if not known then return out end
for j = nreq + 1, #KEYS do
  local fresh = redis.call('EXISTS', KEYS[j]) == 0
  out[j] = fresh and 1 or 0
  local ncmd = tonumber(ARGV[pos])
  pos = pos + 1
  for _ = 1, ncmd do
    local nargs = tonumber(ARGV[pos])
    if fresh then redis.call(unpack(ARGV, pos + 1, pos + nargs)) end
    pos = pos + nargs + 1
  end
end
return out
"""

_SCRIPTS: dict[int, Script] = {}


def _script(conn: redis.Redis) -> Script:
    """The enqueue script registered once per connection (EVALSHA; redis-py loads it again after a NOSCRIPT)."""
    script = _SCRIPTS.get(id(conn))
    if script is None or script.registered_client is not conn:
        script = _SCRIPTS[id(conn)] = conn.register_script(_ENQUEUE_LUA)
    return script


def _job_data(func: str, name: str, event: Event, job_id: str, meta: dict[str, Any] | None) -> Any:
    return Queue.prepare_data(
        func,
        args=(_job_args(event),),
        job_id=job_id,
        retry=RETRY,
        result_ttl=DEDUP_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        timeout=JOB_TIMEOUT_S[name],
        description=f"{event.kind} {event.tenant} {event.object_type} {event.object_id}",
        meta=meta,
    )


def enqueue_events(
    conn: redis.Redis, events: Sequence[Event], *, request_id: str | None = None, require: Sequence[str] = ()
) -> EnqueueResult:
    """Queue each routable event once, the whole batch in one atomic Redis script; one round trip in all.

    RQ builds every job as usual (`Queue.enqueue_many` into a pipeline that is never executed, so the job hash and
    queue layout stay RQ's own); the script then checks the keys in `require` (the tenants' records, so the webhook's
    tenant check costs nothing extra) and runs each job's commands only when its key does not exist yet. A missing
    required key queues nothing and is reported in `unknown`. A Lua script runs atomically, so "skip the ids that
    exist, enqueue the rest" holds against a concurrent delivery of the same batch. `request_id` (the webhook
    request's) goes into each job's meta, so the job's log lines carry it. Raises `redis.RedisError` if Redis is
    unavailable (the caller answers 503).
    """
    routed: dict[str, tuple[str, str, Event]] = {}
    unrouted = 0
    for event in events:
        route = JOB_BY_KIND.get(event.kind)
        if route is None:
            unrouted += 1
        else:
            routed.setdefault(job_id_for(event), (*route, event))
    ids = list(routed)
    if not ids and not require:
        return EnqueueResult(queued=0, duplicates=len(events) - unrouted, unrouted=unrouted)
    meta = {"request_id": request_id} if request_id else None
    args: list[Any] = [len(require)]
    capture = conn.pipeline(transaction=False)
    for job_id in ids:
        name, func, event = routed[job_id]
        _queue(conn, name).enqueue_many([_job_data(func, name, event, job_id, meta)], pipeline=capture)
        args.append(len(capture.command_stack))
        for command, _options in capture.command_stack:
            args.append(len(command))
            args.extend(command)
        capture.command_stack = []
    found = _script(conn)(keys=[*require, *(Job.key_for(job_id) for job_id in ids)], args=args)
    unknown = tuple(name for name, hit in zip(require, found, strict=False) if not hit)
    if unknown:
        return EnqueueResult(queued=0, duplicates=0, unrouted=unrouted, unknown=unknown)
    queued = sum(found[len(require) :])
    return EnqueueResult(queued=queued, duplicates=len(events) - unrouted - queued, unrouted=unrouted)
