"""Queues, job ids and retry policy: the one place that knows which job handles which event kind.

Job ids are derived from tenant + event id and a batch is enqueued in one atomic Lua script that skips ids
Redis already knows, so a re-delivered webhook is a no-op while the first job (or its result)
is still kept. The script writes RQ's job layout itself (`sync/rq_layout.py`) when the installed RQ is one whose
layout is tested, else it runs the commands RQ's own `enqueue_many` would send.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError
from rq import Queue, Retry

from connector.models import Event
from sync import rq_layout

log = logging.getLogger("dealcoach.sync.queue")

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


@lru_cache(maxsize=4096)
def _job_id_prefix(tenant: str) -> str:
    return _UNSAFE.sub("_", f"{tenant.replace(':', '-')}-evt-")


def job_id_for(event: Event) -> str:
    """`hubspot-62515-evt-<event>`: RQ ids allow letters, digits, `_` and `-` only."""
    return _job_id_prefix(event.tenant) + _encoded_event_id(event.event_id)


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


# RQ's own path (an RQ version whose layout is not tested): one atomic server-side step per request that checks the
# required keys (tenants), then for each job whose key does not exist yet runs the commands RQ's `enqueue_many` issued
# for it. KEYS: the required keys, then one key per job. ARGV: the number of required keys, then per job its command
# count and per command its argument count and arguments. Returns what `rq_layout.ENQUEUE_LUA` returns.
_RQ_COMMANDS_LUA = """
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

# Whether jobs are written by `rq_layout` (True) or built by RQ (False); tests flip it to hold both paths.
FAST_ENQUEUE = rq_layout.layout_supported()
_SCRIPTS: dict[tuple[int, bool], Script] = {}
_SHARED_FIELDS = rq_layout.common_fields(RETRY, DEDUP_TTL_S, FAILURE_TTL_S)


def announce_enqueue_path() -> None:
    """Log, once at start-up, that jobs go through RQ's slower path when the installed RQ's layout is not tested."""
    if not FAST_ENQUEUE:
        low, high = (".".join(map(str, v)) for v in rq_layout.SUPPORTED_RQ)
        log.warning("sync.queue.rq_layout_untested rq=%s tested=>=%s,<%s path=rq_jobs", rq_layout.VERSION, low, high)


def _script(conn: redis.Redis, fast: bool) -> Script:
    """The enqueue script registered once per connection (EVALSHA; redis-py loads it again after a NOSCRIPT)."""
    script = _SCRIPTS.get((id(conn), fast))
    if script is None or script.registered_client is not conn:
        source = rq_layout.ENQUEUE_LUA if fast else _RQ_COMMANDS_LUA
        script = _SCRIPTS[(id(conn), fast)] = conn.register_script(source)
    return script


def _run(conn: redis.Redis, script: Script, keys: list[str], args: list[Any]) -> Any:
    """EVALSHA on a pooled connection directly: redis-py's client path (its retry wrapper, command lookup and
    `Script` checks) costs ~12 µs of a ~45 µs call. Anything unusual (no script loaded yet, a broken connection) goes
    through the client's own path, which loads the script and retries as configured; running the script twice is
    harmless, since it skips the jobs that exist (they are then counted as duplicates)."""
    pool = conn.connection_pool
    try:
        connection = pool.get_connection()
    except redis.RedisError:
        return script(keys=keys, args=args)
    try:
        connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        return connection.read_response()
    except (redis.ConnectionError, redis.TimeoutError, NoScriptError):
        connection.disconnect()
        return script(keys=keys, args=args)
    finally:
        pool.release(connection)


def _job_data(func: str, name: str, event: Event, job_id: str, meta: dict[str, Any] | None) -> Any:
    return Queue.prepare_data(
        func,
        args=(_job_args(event),),
        job_id=job_id,
        retry=RETRY,
        result_ttl=DEDUP_TTL_S,
        failure_ttl=FAILURE_TTL_S,
        timeout=JOB_TIMEOUT_S[name],
        description=_description(event),
        meta=meta,
    )


def _description(event: Event) -> str:
    return f"{event.kind} {event.tenant} {event.object_type} {event.object_id}"


def _layout_args(routed: dict[str, tuple[str, str, Event]], meta: dict[str, Any] | None) -> list[Any]:
    """`rq_layout.ENQUEUE_LUA`'s arguments after the required-key count: each job as RQ's `enqueue_many` writes it."""
    shared = _SHARED_FIELDS + rq_layout.request_fields(meta)
    args: list[Any] = [rq_layout.QUEUES_KEY, rq_layout.QUEUE_PREFIX, len(shared) // 2, *shared]
    for job_id, (name, func, event) in routed.items():
        data = rq_layout.job_data(func, (_job_args(event),))
        args += (job_id, name, JOB_TIMEOUT_S[name], data, _description(event))
    return args


def _rq_args(conn: redis.Redis, routed: dict[str, tuple[str, str, Event]], meta: dict[str, Any] | None) -> list[Any]:
    """`_RQ_COMMANDS_LUA`'s arguments after the required-key count: the commands RQ's `enqueue_many` issues per job,
    collected in a pipeline that is never executed."""
    args: list[Any] = []
    capture = conn.pipeline(transaction=False)
    for job_id, (name, func, event) in routed.items():
        _queue(conn, name).enqueue_many([_job_data(func, name, event, job_id, meta)], pipeline=capture)
        args.append(len(capture.command_stack))
        for command, _options in capture.command_stack:
            args.append(len(command))
            args.extend(command)
        capture.command_stack = []
    return args


def enqueue_events(
    conn: redis.Redis, events: Sequence[Event], *, request_id: str | None = None, require: Sequence[str] = ()
) -> EnqueueResult:
    """Queue each routable event once, the whole batch in one atomic Redis script; one round trip in all.

    Each job is written in RQ's own layout (`sync/rq_layout.py`, or RQ's `enqueue_many` commands on an RQ version
    whose layout is not tested); the script first checks the keys in `require` (the tenants' records, so the
    webhook's tenant check costs nothing extra) and writes each job only when its key does not exist yet. A missing
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
    if not routed and not require:
        return EnqueueResult(queued=0, duplicates=len(events) - unrouted, unrouted=unrouted)
    meta = {"request_id": request_id} if request_id else None
    fast = FAST_ENQUEUE
    args = _layout_args(routed, meta) if fast else _rq_args(conn, routed, meta)
    keys = [*require, *(rq_layout.JOB_PREFIX + job_id for job_id in routed)]
    found = _run(conn, _script(conn, fast), keys, [len(require), *args])
    unknown = tuple(name for name, hit in zip(require, found, strict=False) if not hit)
    if unknown:
        return EnqueueResult(queued=0, duplicates=0, unrouted=unrouted, unknown=unknown)
    queued = sum(found[len(require) :])
    return EnqueueResult(queued=queued, duplicates=len(events) - unrouted - queued, unrouted=unrouted)
