"""The chaos run of issue 11: load across both sandbox CRMs through the real webhook app, with duplicate deliveries,
SIGKILLed workers, a Redis restart and injected CRM faults; then the invariants (`chaos_checks`) once it settles.

    python -m tests.reliability.chaos_harness            smoke size (what tests/reliability/test_chaos.py runs)
    python -m tests.reliability.chaos_harness --full     2,000+ events, 20+ SIGKILLs; prints the figures
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import redis
from hubspot import HubSpot
from rq import Queue

from connector import clock
from connector.sandbox.hubspot import HubSpotSandboxConfig
from connector.sandbox.salesforce import SalesforceSandboxConfig
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.demo.salesforce_stack import SalesforceStack, salesforce_stack
from sync.queue import ALL_QUEUES
from tests.reliability.chaos_checks import Figures, check
from tests.reliability.chaos_worker import SECRET_KEY, AofRedis, ChaosWorker
from tests.reliability.conftest import descendants

ROOT = Path(__file__).resolve().parents[2]
TRANSCRIPTS = (ROOT / "tests/fixtures/transcripts/discovery_good.ja.vtt", ROOT / "tests/fixtures/transcripts/weak_call.ja.txt")
REP_HUB = "75000001"
HUB_STAGES = ("qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin")
SF_STAGES = ("Qualification", "Needs Analysis", "Value Proposition")
SENDERS = 8


@dataclass(frozen=True)
class Plan:
    """The size of a run: deals per CRM, calls, kills, the fault mix (rates of DealCoach's own API requests)."""

    deals_per_crm: int
    second_call_every: int  # every n-th deal gets a second call
    workers: int
    kills: int
    kill_every_s: float
    timeouts: int  # requests held past the client's read timeout (GET only, see docs/reliability.md "Chaos")
    duplicate_share: float = 0.30
    fault_rates: dict[str, float] = field(
        default_factory=lambda: {"429+retry-after": 0.045, "429": 0.045, "500": 0.045, "503": 0.045, "reset": 0.045}
    )
    settle_s: float = 600.0
    seed: int = 11


# The smoke size: every fault kind, at half the rate (each injected fault costs a backoff sleep inside a job).
SMOKE = Plan(deals_per_crm=5, second_call_every=3, workers=3, kills=3, kill_every_s=4.0, timeouts=0, settle_s=400,
             fault_rates={"429+retry-after": 0.02, "429": 0.02, "500": 0.02, "503": 0.02, "reset": 0.02})
FULL = Plan(deals_per_crm=130, second_call_every=3, workers=3, kills=24, kill_every_s=15.0, timeouts=3, settle_s=3600)


@dataclass
class Run:
    """Everything running, and the counters the run reports."""

    plan: Plan
    server: AofRedis
    conn: redis.Redis
    hub: EmbeddedStack
    sf: SalesforceStack
    logs: Path
    rng: random.Random
    workers: list[ChaosWorker] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)
    calls: list[tuple[str, str, str]] = field(default_factory=list)  # (crm, deal, call)
    deals: dict[tuple[str, str], str] = field(default_factory=dict)  # (crm, deal) -> last stage moved to
    lock: threading.Lock = field(default_factory=threading.Lock)
    load_done: threading.Event = field(default_factory=threading.Event)

    @property
    def redis_url(self) -> str:
        return self.server.url

    def start_worker(self) -> ChaosWorker:
        worker = ChaosWorker(self.redis_url, self.logs / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker

    def live_workers(self) -> list[ChaosWorker]:
        return [w for w in self.workers if w.proc.poll() is None]


def scheduler_holder(run: Run) -> ChaosWorker | None:
    """The live worker whose scheduler process holds the `events` queue's lock, if one does."""
    try:
        name = cast(bytes | None, run.conn.get("rq:scheduler-lock:events"))
        pid = cast(bytes | None, run.conn.hget(f"rq:scheduler:{name.decode()}", "pid") if name else None)
    except redis.RedisError:
        return None
    if not pid:
        return None
    return next((w for w in run.live_workers() if int(pid) in descendants(w.pid)), None)


def arm_faults(run: Run) -> None:
    """The fault mix on DealCoach's own credentials only (the reps' tools and the checks go unharmed)."""
    hub_token, sf_session = run.hub.config.access_tokens[0], run.sf.config.access_tokens[0]
    for kind, rate in run.plan.fault_rates.items():
        body: dict[str, Any] = {"reset": True} if kind == "reset" else {"status": int(kind[:3])}
        if kind.endswith("+retry-after"):
            body["retry_after"] = 1
        run.hub.control("POST", "faults", json={**body, "rate": rate, "client": hub_token})
        run.sf.control("POST", "faults", {**body, "rate": rate, "client": sf_session})
    if run.plan.timeouts:
        # Held past the SDK's read timeout (HubSpot 30 s, Salesforce 60 s); GET only, see the module docstring.
        hub_n = (run.plan.timeouts + 1) // 2
        run.hub.control("POST", "faults", json={"delay_s": 31, "count": hub_n, "method": "GET", "client": hub_token})
        if run.plan.timeouts - hub_n:
            run.sf.control("POST", "faults", {"delay_s": 61, "count": run.plan.timeouts - hub_n, "method": "GET",
                                              "client": sf_session})


def _rep_actions(run: Run) -> list[Callable[[], None]]:
    """Per deal: created in its first stage, then a call (two for every n-th deal) and a stage move in random order.
    Deals are shuffled across both CRMs; the senders run eight deals at a time, each deal's steps in order (a call
    cannot be logged on a deal not created yet)."""
    scripts: list[Callable[[], None]] = []
    base = datetime.now(UTC) - timedelta(days=2)
    for crm in ("hubspot", "salesforce"):
        for i in range(run.plan.deals_per_crm):
            calls = 2 if i % run.plan.second_call_every == 0 else 1
            stages = HUB_STAGES if crm == "hubspot" else SF_STAGES
            scripts.append(_in_order(_deal_script(run, crm, i, calls, stages[i % len(stages)], base)))
    run.rng.shuffle(scripts)
    return scripts


def _in_order(steps: list[Callable[[], None]]) -> Callable[[], None]:
    def run_all() -> None:
        for step in steps:
            step()

    return run_all


def _deal_script(run: Run, crm: str, i: int, calls: int, stage: str, base: datetime) -> list[Callable[[], None]]:
    box: dict[str, str] = {}
    local = threading.local()

    def hub() -> EmbeddedStack:
        if not hasattr(local, "hub"):
            token = next(iter(run.hub.config.other_app_tokens))
            client = HubSpot(access_token=token, host=run.hub.sandbox.url, base_url=run.hub.sandbox.url)
            local.hub = dataclasses.replace(run.hub, hubspot=client)
        hub_stack: EmbeddedStack = local.hub
        return hub_stack

    def create() -> None:
        if crm == "hubspot":
            box["deal"] = hub().create_deal(name=f"カオス商談 {i}", stage="appointmentscheduled", owner_id=REP_HUB)
        else:
            box["deal"] = run.sf.create_opportunity(name=f"カオス商談 {i}", stage="Prospecting", amount=1000 * i)
        with run.lock:
            run.deals[(crm, box["deal"])] = "appointmentscheduled" if crm == "hubspot" else "Prospecting"

    def log_call(n: int) -> Callable[[], None]:
        def act() -> None:
            at, title = base + timedelta(hours=n, minutes=i), f"通話 {i}-{n}"
            # Every other group of deals gets only weak calls: two of them on one deal raise the same obligations.
            weak_only = (i // run.plan.second_call_every) % 2 == 0
            transcript = TRANSCRIPTS[1] if weak_only else TRANSCRIPTS[(i + n) % 2]
            if crm == "hubspot":
                call = hub().log_call(deal_id=box["deal"], transcript=transcript, title=title, at=at, owner_id=REP_HUB)
            else:
                call = run.sf.log_call(opportunity_id=box["deal"], transcript=transcript, subject=title, at=at)
            with run.lock:
                run.calls.append((crm, box["deal"], call))

        return act

    def move() -> None:
        (hub().move_stage if crm == "hubspot" else run.sf.move_stage)(box["deal"], stage)
        with run.lock:
            run.deals[(crm, box["deal"])] = stage

    steps: list[Callable[[], None]] = [log_call(n) for n in range(calls)] + [move]
    run.rng.shuffle(steps)
    return [create, *steps]


def _delivered(run: Run) -> list[tuple[str, int, int]]:
    """(crm, delivery id, events) of every original delivery the app acknowledged so far."""
    out = [("hubspot", d["batchId"], len(d["eventIds"]))
           for d in run.hub.control("GET", "webhooks/deliveries")["deliveries"] if d["delivered"] and not d.get("redelivery")]
    out += [("salesforce", d["deliveryId"], len(d["notificationIds"]))
            for d in run.sf.control("GET", "outbound/deliveries")["deliveries"] if d["delivered"] and not d.get("redeliveryOf")]
    return out


def duplicate(run: Run, pool: ThreadPoolExecutor, seen: set[tuple[str, int]]) -> None:
    """Redeliver deliveries not looked at yet, in shuffled order, from the pool's senders, until the duplicated events
    make up the plan's share of the events delivered so far."""
    fresh = [d for d in _delivered(run) if (d[0], d[1]) not in seen]
    run.rng.shuffle(fresh)
    chosen: list[tuple[str, int, int]] = []
    for crm, did, n in fresh:
        seen.add((crm, did))
        run.figures.delivered += n
        if run.figures.duplicates + sum(c[2] for c in chosen) < run.plan.duplicate_share * run.figures.delivered:
            chosen.append((crm, did, n))

    def send(crm: str, did: int, n: int) -> None:
        if crm == "hubspot":
            rec = run.hub.control("POST", "webhooks/redeliver", json={"batchId": did})
        else:
            rec = run.sf.control("POST", "outbound/redeliver", {"deliveryId": did})
        with run.lock:
            run.figures.duplicates += n
            run.figures.duplicates_acked += n if rec["delivered"] else 0

    for future in [pool.submit(send, *c) for c in chosen]:
        future.result()


def busy(run: Run) -> bool:
    """Some job is running now (a kill then hits a job mid-flight, not an idle worker)."""
    try:
        return any(Queue(n, connection=run.conn).started_job_registry.count for n in ALL_QUEUES)
    except redis.RedisError:
        return False


def drained(run: Run) -> bool:
    """Every queued job has been taken and none is running (retries may still be scheduled)."""
    try:
        return not any(Queue(n, connection=run.conn).count or Queue(n, connection=run.conn).started_job_registry.count
                       for n in ALL_QUEUES)
    except redis.RedisError:
        return False


def chaos(run: Run) -> None:
    """SIGKILL a worker every few seconds, preferably mid-job (every other one the scheduler's), restart Redis once
    after a third of the kills; a fresh worker replaces each victim, so two or more always run."""
    restart_at = max(1, run.plan.kills // 3)
    for n in range(run.plan.kills):
        time.sleep(run.plan.kill_every_s)
        deadline = time.monotonic() + 10
        while not busy(run) and time.monotonic() < deadline:
            time.sleep(0.1)
        holder = scheduler_holder(run)
        while n % 2 == 0 and holder is None and time.monotonic() < deadline + 30:  # a survivor takes it over
            time.sleep(0.2)
            holder = scheduler_holder(run)
        victim = (holder if n % 2 == 0 else None) or run.rng.choice(run.live_workers())
        run.figures.scheduler_kills += victim is holder
        victim.crash()
        run.figures.kills += 1
        run.start_worker()
        if n + 1 == restart_at:
            run.server.crash()
            time.sleep(2.0)
            run.server.start()
            run.figures.redis_restarts += 1


def settled(run: Run) -> bool:
    """Nothing queued, scheduled or started in any queue, and both CRMs have delivered everything."""
    for name in ALL_QUEUES:
        q = Queue(name, connection=run.conn)
        if q.count or q.scheduled_job_registry.count or q.started_job_registry.count:
            return False
    hub = run.hub.control("POST", "webhooks/flush", json={"timeout_s": 0.1})["settled"]
    return bool(hub and run.sf.control("POST", "outbound/flush", {"timeout_s": 0.1})["settled"])


def run_chaos(plan: Plan, logs: Path, port: int) -> Figures:
    """One whole run; returns its figures (the checks fill `lost`, `doubled`, `duplicate_open_tasks`...)."""
    started = time.monotonic()
    with _stack(plan, logs, port) as run:
        arm_faults(run)
        for _ in range(plan.workers):
            run.start_worker()
        chaos_thread = threading.Thread(target=chaos, args=(run,), name="chaos", daemon=True)
        seen: set[tuple[str, int]] = set()
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="rep") as reps, \
                ThreadPoolExecutor(SENDERS, thread_name_prefix="dup") as dups:
            chaos_thread.start()
            pending = [reps.submit(a) for a in _rep_actions(run)]
            while not all(f.done() for f in pending):
                duplicate(run, dups, seen)
                time.sleep(0.5)
            for f in pending:
                f.result()
            run.hub.control("POST", "webhooks/flush", json={"timeout_s": 120})
            run.sf.control("POST", "outbound/flush", {"timeout_s": 120})
            duplicate(run, dups, seen)
        chaos_thread.join()
        # Faults stay armed until the work has been through the workers once; then the retries run unharmed.
        deadline = time.monotonic() + plan.settle_s
        while not drained(run) and time.monotonic() < deadline:
            time.sleep(0.5)
        with ThreadPoolExecutor(SENDERS, thread_name_prefix="dup") as dups:
            duplicate(run, dups, seen)  # what DealCoach's own writes set off is delivered too, and duplicated
        run.figures.phases_s["load"] = round(time.monotonic() - started, 1)
        run.figures.api_statuses = {
            "hubspot": run.hub.control("GET", "calls")["byStatus"],
            "salesforce": run.sf.control("GET", "calls")["byStatus"],
        }
        run.figures.faults = {
            "hubspot": run.hub.control("GET", "faults/hits")["byKind"],
            "salesforce": run.sf.control("GET", "faults/hits")["byKind"],
        }
        run.hub.control("DELETE", "faults")
        run.sf.control("DELETE", "faults")
        deadline = time.monotonic() + plan.settle_s
        while not (calm := _settled_twice(run)) and time.monotonic() < deadline:
            time.sleep(1.0)
        run.figures.settled = calm
        run.figures.phases_s["settle"] = round(time.monotonic() - started - run.figures.phases_s["load"], 1)
        run.figures.events = _events(run)
        check(run.conn, run.hub, run.sf, run.calls, run.deals, run.figures)
    run.figures.wall_s = round(time.monotonic() - started, 1)
    return run.figures


# A worker pops a job off its queue and only then marks it started: for that instant the job is in neither, so one
# look can see an empty system that is not. Settled means seen so twice, this far apart.
SETTLED_RECHECK_S = 1.0


def _settled_twice(run: Run) -> bool:
    """Settled, and still settled on a second look a moment later (no job caught between queue and started)."""
    if not _settled_safely(run):
        return False
    time.sleep(SETTLED_RECHECK_S)
    return _settled_safely(run)


def _settled_safely(run: Run) -> bool:
    try:
        return settled(run)
    except redis.RedisError:
        return False


def _events(run: Run) -> int:
    """Webhook events HubSpot generated plus Outbound Message notifications Salesforce fired."""
    hub = run.hub.control("GET", "webhooks/events")["events"]
    return len(hub) + len(run.sf.control("GET", "outbound/events")["events"])


@contextmanager
def _stack(plan: Plan, logs: Path, port: int) -> Iterator[Run]:
    """Redis (AOF), both sandboxes with a delivery budget that outlasts the Redis restart, the app, the tenants."""
    from webhooks.app import create_app

    server = AofRedis(port)
    server.start()
    conn = redis.Redis.from_url(server.url)
    hub_config = HubSpotSandboxConfig(webhook_batch_size=10, webhook_max_attempts=60, burst_limit=1_000_000,
                                      search_per_second=1_000, webhook_retry_delays_s=(0.5, 1.0, 2.0),
                                      fault_seed=plan.seed)
    sf_config = SalesforceSandboxConfig(outbound_max_attempts=60, outbound_retry_initial_s=0.5,
                                        outbound_retry_max_s=2.0, fault_seed=plan.seed)
    workers: list[ChaosWorker] = []
    try:
        with clock.using(clock.system_clock), ExitStack() as stack:
            hub = stack.enter_context(embedded_stack(conn, secret_key=SECRET_KEY, app_factory=create_app,
                                                     config=hub_config))
            sf = stack.enter_context(salesforce_stack(conn, secret_key=SECRET_KEY, app_factory=create_app,
                                                      config=sf_config))
            run = Run(plan, server, conn, hub, sf, logs, random.Random(plan.seed), workers)
            yield run
    finally:
        for w in workers:
            w.stop()
        conn.close()
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="2,000+ events and 20+ SIGKILLs (many minutes)")
    parser.add_argument("--logs", default=None, help="directory for the workers' logs (default: a temporary one)")
    args = parser.parse_args(argv)
    from tests.conftest import free_port

    logs = Path(args.logs or tempfile.mkdtemp(prefix="dealcoach-chaos-"))
    logs.mkdir(parents=True, exist_ok=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    figures = run_chaos(FULL if args.full else SMOKE, logs, free_port())
    print(json.dumps(dataclasses.asdict(figures), ensure_ascii=False, indent=1))
    return 0 if figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())
