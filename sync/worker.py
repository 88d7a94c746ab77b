"""`dealcoach worker`: an RQ worker that recovers from a crashed peer or a Redis restart in seconds.

RQ 2.x recovers on its own, but slowly (docs/reliability.md, "Workers"): a surviving worker retries the scheduler
lock of a dead one only at its maintenance pass (every 10 minutes, and only between jobs or after a ~7-minute idle
BLPOP), and the lock itself lives 61 s; a started job whose worker died stays "started" until its heartbeat entry
(job monitoring interval + 60 s) expires *and* a maintenance pass cleans the registry; and any Redis error outside
the dequeue loop ends `Worker.work` ("unhandled exception, quitting"). The main loop is blocked in BLPOP or in the
wait for a work-horse for minutes at a time, so shortening RQ's maintenance interval is not enough: a supervisor
thread in each worker does the two recoveries every few seconds, with RQ's own primitives (its lock script, its
abandoned-job cleanup), and `run_worker` replaces a worker that quit on a Redis error once Redis answers again.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import math
import signal
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import cache
from types import FrameType
from typing import Any

import redis
from rq import Queue, Worker
from rq.connections import parse_connection
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.scheduler import RQScheduler

from sync.queue import ALL_QUEUES
from sync.warm import warm_caches

log = logging.getLogger("dealcoach.sync.worker")

# A running job is heartbeaten every JOB_MONITORING_INTERVAL_S; its StartedJobRegistry entry expires
# HEARTBEAT_GRACE_S after the last heartbeat (RQ: 30 s and 60 s), so a dead worker's job is abandoned after ~15 s.
JOB_MONITORING_INTERVAL_S = 5
HEARTBEAT_GRACE_S = 10
SUPERVISE_EVERY_S = 2.0
# RQ's worker scheduler refreshes its per-queue lock to interval (1 s) + 60 s on every pass, once a second. A lock
# with less than RQ_SCHEDULER_LOCK_TTL_S - SCHEDULER_STALE_S left has not been refreshed for SCHEDULER_STALE_S:
# its scheduler is dead (or stuck, in which case its next heartbeat sees the lock taken and drops the queue).
RQ_SCHEDULER_LOCK_TTL_S = 61
SCHEDULER_STALE_S = 10
SUPERVISOR_SOCKET_TIMEOUT_S = 5.0
REDIS_BACKOFF_S = (0.5, 30.0)

_RELEASE_STALE_LOCK = """
local ttl = redis.call('PTTL', KEYS[1])
if ttl == -1 or (ttl >= 0 and ttl < tonumber(ARGV[1])) then
    return redis.call('DEL', KEYS[1])
end
return 0
"""
_PR_SET_PDEATHSIG = 1

# Job outcomes and latencies, written by `dealcoach worker` (one pipelined write per job) and read by /metrics.
# Workers run on other hosts than the web app and fork a work-horse per job, so the shared store is Redis, not
# prometheus_client's per-host, per-pid files. Labels are bounded: our queues and job kinds, else "other".
JOB_COUNTS = "dealcoach:metrics:jobs"
JOB_SECONDS = "dealcoach:metrics:job_seconds"
JOB_BUCKETS_S = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 1800.0)
JOB_KINDS = frozenset({"process_call", "handle_stage_change", "handle_activity", "sweep_tenant", "enqueue_sweeps"})
JOB_OUTCOMES = ("succeeded", "failed")


def job_labels(queue: str, func_name: str | None) -> tuple[str, str]:
    """(queue, kind) as exported: a known queue and a known job function's short name, else "other"."""
    kind = (func_name or "").rsplit(".", 1)[-1]
    return (queue if queue in ALL_QUEUES else "other", kind if kind in JOB_KINDS else "other")


def record_job(conn: redis.Redis, queue: str, func_name: str | None, succeeded: bool, seconds: float) -> None:
    """Count one finished job and its duration, in one round trip (raises RedisError; the caller ignores it)."""
    name, kind = job_labels(queue, func_name)
    bucket = next((str(b) for b in JOB_BUCKETS_S if seconds <= b), "+Inf")
    pipe = conn.pipeline(transaction=False)
    pipe.hincrby(JOB_COUNTS, f"{name}|{kind}|{JOB_OUTCOMES[0] if succeeded else JOB_OUTCOMES[1]}", 1)
    pipe.hincrby(JOB_SECONDS, f"{name}|{kind}|{bucket}", 1)
    pipe.hincrbyfloat(JOB_SECONDS, f"{name}|{kind}|sum", seconds)
    pipe.execute()


def scheduler_lock_alive(ttl_ms: int) -> bool:
    """Whether a scheduler lock with `ttl_ms` left (Redis PTTL) was refreshed in the last SCHEDULER_STALE_S."""
    return ttl_ms >= (RQ_SCHEDULER_LOCK_TTL_S - SCHEDULER_STALE_S) * 1000


def release_stale_scheduler_locks(conn: redis.Redis, queue_names: Sequence[str]) -> list[str]:
    """Delete the scheduler locks of `queue_names` whose holder stopped refreshing them; returns those queues.

    The check and the delete are one Lua call, judged on Redis's own TTL, so no host clock is compared."""
    threshold_ms = (RQ_SCHEDULER_LOCK_TTL_S - SCHEDULER_STALE_S) * 1000
    script = conn.register_script(_RELEASE_STALE_LOCK)
    released = [q for q in queue_names if script(keys=[RQScheduler.get_locking_key(q)], args=[threshold_ms])]
    for name in released:
        log.warning("sync.worker.scheduler_lock_released queue=%s", name)
    return released


@cache
def _libc_prctl() -> Any:
    """libc's `prctl`, looked up once (in the parent, before the first fork) instead of in every horse; None off
    Linux."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def prepare_to_fork() -> None:
    """What the parent does once before its first fork so that every work-horse starts with less to do.

    Warm the caches and import the job modules (sync/warm.py), resolve `prctl`, then collect and freeze the heap:
    `gc.freeze()` moves every object alive now out of the collector's reach, so a collection in a horse no longer
    walks (and so writes to, page after page) the whole inherited heap, which copy-on-write turned into page copies
    and CPU in every horse."""
    warm_caches()
    _libc_prctl()
    gc.collect()
    gc.freeze()


class FastScheduler(RQScheduler):
    """RQ's scheduler, retrying the queue locks it lacks every few seconds instead of every two minutes."""

    @property
    def should_reacquire_locks(self) -> bool:
        if self._queue_names == self.acquired_locks:
            return False
        last = self.lock_acquisition_time
        return last is None or (datetime.now() - last).total_seconds() > SUPERVISE_EVERY_S


class DealCoachWorker(Worker):
    """RQ's forking worker with short job heartbeats, a supervisor thread and heartbeats that survive Redis blips."""

    def __init__(self, queues: Sequence[str], *, connection: redis.Redis, **kwargs: Any) -> None:
        super().__init__(queues, connection=connection, job_monitoring_interval=JOB_MONITORING_INTERVAL_S, **kwargs)
        self._guard = threading.Lock()
        self._supervisor: _Supervisor | None = None
        self._supervised = False
        cls, pool_cls, pool_kwargs = parse_connection(connection)
        pool_kwargs = {**pool_kwargs, "socket_timeout": SUPERVISOR_SOCKET_TIMEOUT_S}
        pool_kwargs["socket_connect_timeout"] = SUPERVISOR_SOCKET_TIMEOUT_S
        # Its own pool with short timeouts: a supervisor pass must not hang for the BLPOP-sized socket timeout.
        self.supervisor_conn = cls(connection_pool=redis.ConnectionPool(connection_class=pool_cls, **pool_kwargs))

    @property
    def stop_requested(self) -> bool:
        """Asked to stop by a signal (RQ raises StopRequested without setting `_stop_requested` when idle)."""
        return self._stop_requested or self._shutdown_requested_date is not None

    def work(self, burst: bool = False, *args: Any, **kwargs: Any) -> bool:
        self._supervised = not burst
        prepare_to_fork()
        return super().work(burst, *args, **kwargs)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        super().bootstrap(*args, **kwargs)
        if self._supervised:
            self._supervisor = _Supervisor(self)
            self._supervisor.start()

    def teardown(self) -> None:
        if self._supervisor is not None:
            self._supervisor.stop()
        if self.horse_pid:
            # Quitting mid-job (a Redis error RQ does not survive): the job is abandoned and will be retried, so its
            # horse must not finish it a second time beside the retry.
            self.kill_horse()
            self.wait_for_horse()
        try:
            super().teardown()
        except redis.RedisError:
            # RQ's teardown stops at the first Redis error; its pubsub thread would retry forever in the background.
            if self.pubsub_thread is not None:
                self.pubsub_thread.stop()

    def get_heartbeat_ttl(self, job: Job) -> int:
        """How long a running job's entry lives without a heartbeat: RQ adds 60 s, we add HEARTBEAT_GRACE_S."""
        remaining = job.timeout - self.current_job_working_time if job.timeout and job.timeout > 0 else math.inf
        return int(max(0, min(remaining, self.job_monitoring_interval))) + HEARTBEAT_GRACE_S

    def maintain_heartbeats(self, job: Job) -> None:
        """A heartbeat lost to a Redis blip is skipped, not fatal: RQ would let the error end the worker while its
        work-horse runs on, and the job would stay "started" with nobody watching it."""
        try:
            super().maintain_heartbeats(job)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("sync.worker.heartbeat_failed job=%s error=%s", job.id, type(exc).__name__)

    def set_current_job_working_time(self, current_job_working_time: float, pipeline: Any = None) -> None:
        """Bookkeeping for dashboards, written while a job runs: a Redis blip must not end the worker either."""
        try:
            super().set_current_job_working_time(current_job_working_time, pipeline=pipeline)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            log.warning("sync.worker.bookkeeping_failed error=%s", type(exc).__name__)

    def perform_job(self, job: Job, queue: Queue) -> bool:
        """RQ's `perform_job` (in the work-horse), timed and counted by queue, kind and outcome for /metrics."""
        started = time.monotonic()
        succeeded = super().perform_job(job, queue)
        try:
            record_job(self.connection, queue.name, job.func_name, succeeded, time.monotonic() - started)
        except redis.RedisError as exc:
            log.warning("sync.worker.metrics_failed error=%s", type(exc).__name__)
        return succeeded

    def main_work_horse(self, job: Job, queue: Queue) -> None:
        """The work-horse dies with its worker (Linux): a job re-queued after its worker died never runs twice."""
        prctl = _libc_prctl()
        if prctl is None or prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
            log.debug("sync.worker.no_pdeathsig")
        super().main_work_horse(job, queue)

    def run_maintenance_tasks(self) -> None:
        with self._guard:
            super().run_maintenance_tasks()

    def _start_scheduler(
        self, burst: bool = False, logging_level: str | None = "INFO", *args: Any, **kwargs: Any
    ) -> None:
        """RQ's `_start_scheduler` with `FastScheduler`: take the free locks, schedule (burst) or start a process."""
        self.scheduler = FastScheduler(
            self.queues,
            connection=self.connection,
            logging_level=logging_level if logging_level is not None else self.log.level,
            serializer=self.serializer,
        )
        self.scheduler.acquire_locks()
        if not self.scheduler.acquired_locks:
            return
        if not burst:
            self.scheduler.start()
            return
        try:
            self.scheduler.register_birth()
            self.scheduler.enqueue_scheduled_jobs()
        finally:
            self.scheduler.release_locks()
            self.scheduler.register_death()

    def supervise(self) -> None:
        """One pass: take over the queues of a dead scheduler, send the jobs of dead workers back to their retries."""
        conn = self.supervisor_conn
        with self._guard:
            release_stale_scheduler_locks(conn, self.queue_names())
            scheduler = self.scheduler
            process = scheduler._process if scheduler is not None else None
            if scheduler is not None and (process is None or not process.is_alive()):
                # A live scheduler process picks free locks up itself (FastScheduler); a dead or never-started one
                # is (re)started here once it holds a lock.
                if scheduler.acquire_locks(auto_start=True):
                    log.info("sync.worker.scheduler_started queues=%s", ",".join(sorted(scheduler.acquired_locks)))
        for name in self.queue_names():
            # RQ's own abandoned-job handling: retried on the job's schedule while it has retries, else failed.
            StartedJobRegistry(name, connection=conn, job_class=self.job_class, serializer=self.serializer).cleanup()


class _Supervisor(threading.Thread):
    """Runs `DealCoachWorker.supervise` every SUPERVISE_EVERY_S while the worker works; never lets an error out."""

    def __init__(self, worker: DealCoachWorker) -> None:
        super().__init__(name=f"dealcoach-supervisor-{worker.name}", daemon=True)
        self.worker = worker
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(SUPERVISE_EVERY_S):
            try:
                self.worker.supervise()
            except redis.RedisError as exc:
                log.warning("sync.worker.supervise_failed error=%s", type(exc).__name__)
            except Exception:
                log.exception("sync.worker.supervise_crashed")

    def stop(self) -> None:
        self.stopping.set()
        if self is not threading.current_thread():
            self.join(timeout=SUPERVISOR_SOCKET_TIMEOUT_S * 3)


def wait_for_redis(conn: redis.Redis, *, stopped: Callable[[], bool]) -> bool:
    """PING with exponential backoff until Redis answers (True) or `stopped()` turns true (False)."""
    delay, cap = REDIS_BACKOFF_S
    while not stopped():
        try:
            conn.ping()
            return True
        except redis.RedisError as exc:
            log.warning("sync.worker.redis_unavailable retry_in_s=%.1f error=%s", delay, type(exc).__name__)
        deadline = time.monotonic() + delay
        while not stopped() and time.monotonic() < deadline:
            time.sleep(0.1)
        delay = min(delay * 2, cap)
    return False


def run_worker(conn: redis.Redis, queues: Sequence[str], *, burst: bool = False) -> int:
    """Work until SIGTERM/SIGINT (or, in burst mode, until the queues are empty); a worker that quits on a Redis
    error is replaced by a fresh one (new name, new scheduler) as soon as Redis answers again."""
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    while True:
        worker: DealCoachWorker | None = None
        try:
            worker = DealCoachWorker(list(queues), connection=conn)
            worker.work(burst=burst, with_scheduler=True)
        except redis.RedisError as exc:
            log.warning("sync.worker.redis_lost error=%s", type(exc).__name__)
        if burst or (worker is not None and worker.stop_requested) or stop.is_set():
            return 0
        log.warning("sync.worker.restarting")
        # RQ's handlers would talk to Redis from the signal handler; while waiting, a signal only sets our flag.
        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        if not wait_for_redis(conn, stopped=stop.is_set):
            return 0
