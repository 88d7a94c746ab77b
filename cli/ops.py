"""Commands that run or drive the service: demo, serve, worker, cron, sweep, report, sandbox, sla evaluate."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from cli.common import CliError, load_runtime, open_redis


def cmd_demo(args: argparse.Namespace) -> int:
    from sync.demo.run import run_demo
    from webhooks.app import create_app

    return run_demo(
        app_factory=create_app, verbose=args.verbose, report_path=Path(args.report) if args.report else None
    )


def cmd_serve(args: argparse.Namespace) -> int:
    from webhooks.server import prepare_metrics_dir

    # prometheus_client picks its multiprocess mode at import, so the directory is set before the app is imported.
    given, master = os.environ.get("PROMETHEUS_MULTIPROC_DIR"), os.getpid()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir = prepare_metrics_dir(given)
    try:
        return _serve(args, metrics_dir)
    finally:
        if not given and os.getpid() == master:  # gunicorn's workers leave through here too: only the master cleans
            import shutil

            shutil.rmtree(metrics_dir, ignore_errors=True)


def _serve(args: argparse.Namespace, metrics_dir: str) -> int:
    """Check the configuration, then run gunicorn (`webhooks.server`) until it is stopped."""
    from webhooks.app import config_from_env, create_app, required_config_problems
    from webhooks.server import ServeOptions, serve

    try:
        config = config_from_env()
    except ValueError as exc:
        raise CliError(f"bad configuration: {exc}") from exc
    problems = required_config_problems(config)
    if problems:
        raise CliError(f"cannot start: {'; '.join(problems)}")
    options = ServeOptions(
        host=args.host,
        port=args.port,
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        metrics_dir=metrics_dir,
    )
    return serve(lambda: create_app(config), options)


def cmd_worker(args: argparse.Namespace) -> int:
    from sync.queue import ALL_QUEUES
    from sync.worker import run_worker

    # The runtime is built here, before RQ forks a work-horse per job: each job inherits it.
    return run_worker(
        open_redis(load_runtime(needs_secret_key=True)), args.queues or list(ALL_QUEUES), burst=args.burst
    )


def cmd_cron(args: argparse.Namespace) -> int:
    from rq.cron import CronScheduler

    from sync.queue import SYNC
    from sync.report.digest import DIGEST_CRON, enqueue_digests
    from sync.sweep import enqueue_sweeps

    rt = load_runtime()
    scheduler = CronScheduler(connection=open_redis(rt))
    scheduler.register(enqueue_sweeps, queue_name=SYNC, interval=args.interval or rt.config.sweep_interval_s)
    scheduler.register(enqueue_digests, queue_name=SYNC, cron=DIGEST_CRON)
    scheduler.start()
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from connector import clock
    from connector.tenants import TenantError
    from sync.sweep import sweep

    rt = load_runtime(needs_secret_key=True)
    conn = open_redis(rt)
    registered = rt.tenants(conn).list_ids()
    if args.tenant and args.tenant not in registered:
        raise CliError(f"unknown tenant {args.tenant!r}: `dealcoach tenants list` shows the registered ones")
    tenants = [args.tenant] if args.tenant else registered
    try:
        results = [sweep(conn, t, now=clock.now(), dry_run=args.dry_run) for t in tenants]
    except TenantError as exc:  # stored with another DEALCOACH_SECRET_KEY
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2, default=str))
        return 0
    for r in results:
        print(f"{r['tenant']}: {r['status']}{' (dry run)' if args.dry_run else ''}")
        for d in r.get("deals", []):
            for action in ("create", "update", "close"):
                for task in d["plan"][action]:
                    print(f"  {action:6} deal {d['deal']}  {task['due']}  {task['subject']}")
        if r.get("applied"):
            print(f"  applied: {r['applied']}")
    return 0 if all(r["status"] != "done" or not r.get("failed") for r in results) else 1


def cmd_report(args: argparse.Namespace) -> int:
    from connector import clock
    from connector.tenants import TenantError
    from sync.report import months
    from sync.report.html import render_html
    from sync.report.run import ReportError, make_report, to_csv

    try:
        month = months.parse_month(args.month)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    rt = load_runtime(needs_secret_key=True)
    conn = open_redis(rt)
    try:
        report = make_report(conn, args.tenant, month=month, now=clock.now(), team=args.team, rep=args.rep)
    except (ReportError, TenantError) as exc:
        raise CliError(str(exc)) from exc
    if args.html:
        Path(args.html).write_text(render_html(report), encoding="utf-8")
        print(f"report written to {args.html}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    elif args.csv:
        sys.stdout.write(to_csv(report))
    elif not args.html:
        sys.stdout.write(to_csv(report))
    return 0


def sandbox_delivery(args: argparse.Namespace) -> dict[str, Any]:
    """Config overrides from the sandbox's delivery and rate-limit options (unset options keep the defaults)."""
    try:
        delays = tuple(float(d) for d in args.webhook_retry_delays.split(",")) if args.webhook_retry_delays else ()
    except ValueError:
        delays = (-1.0,)
    if any(not d >= 0 for d in delays):
        raise CliError("--webhook-retry-delays takes non-negative seconds, comma-separated")
    if args.provider == "hubspot":
        names = {"webhook_max_attempts": args.webhook_max_attempts, "daily_limit": args.daily_limit}
        names |= {"burst_limit": args.burst_limit, "webhook_retry_delays_s": delays or None}
    else:
        if args.burst_limit is not None:
            raise CliError("--burst-limit is HubSpot's; a Salesforce org has a daily allocation (--daily-limit)")
        names = {"outbound_max_attempts": args.webhook_max_attempts, "daily_api_limit": args.daily_limit}
        if delays:
            names |= {"outbound_retry_initial_s": delays[0], "outbound_retry_max_s": delays[-1]}
    return {k: v for k, v in names.items() if v is not None}


def cmd_sandbox(args: argparse.Namespace) -> int:
    delivery = sandbox_delivery(args)
    if args.provider == "hubspot":
        from connector.sandbox.hubspot import (
            HubSpotSandboxConfig,
            create_hubspot_sandbox,
        )

        config = HubSpotSandboxConfig(target_url=args.webhook_url, **delivery)
        app = create_hubspot_sandbox(config)
        print(
            f"HubSpot sandbox for portal {config.portal_id} on http://{args.host}:{args.port} "
            f"(token: {config.access_tokens[0]})",
            flush=True,
        )
        app.run(host=args.host, port=args.port, threaded=True)
        return 0
    import time

    from connector.sandbox.salesforce import (
        SalesforceSandboxConfig,
        start_salesforce_sandbox,
    )

    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    sf_config = SalesforceSandboxConfig(outbound_url=args.webhook_url, **delivery)
    tls = (Path(args.tls_cert), Path(args.tls_key)) if args.tls_cert else None
    server, app = start_salesforce_sandbox(sf_config, host=args.host, port=args.port, tls=tls)
    cert = app.extensions["salesforce_sandbox"].tls_cert
    print(
        f"Salesforce sandbox org {sf_config.org_id} on {server.url} (session id: {sf_config.access_tokens[0]}, "
        f"certificate: {cert})",
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


def cmd_sla_evaluate(args: argparse.Namespace) -> int:
    from sync.sla.engine import cli_evaluate

    try:
        plan = cli_evaluate(Path(args.state), Path(args.rules) if args.rules else None)
    except (OSError, ValueError) as exc:
        print(f"cannot evaluate {args.state}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(plan, ensure_ascii=False, indent=2))
        return 0
    for action in ("create", "update", "close"):
        print(f"{action}: {len(plan[action])}")
        for task in plan[action]:
            print(f"  [{task['priority']}] {task['due']}  {task['subject']}  ({task['rule']}, deal {task['deal']})")
    return 0
