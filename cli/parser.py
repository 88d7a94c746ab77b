"""The `dealcoach` argument parser: every command, option and help text."""

from __future__ import annotations

import argparse
import os

from cli.common import positive_int, version_text
from cli.ops import (
    cmd_cron,
    cmd_demo,
    cmd_report,
    cmd_sandbox,
    cmd_serve,
    cmd_sla_evaluate,
    cmd_sweep,
    cmd_worker,
)
from cli.score_cmds import cmd_eval, cmd_score
from cli.tenant_cmds import cmd_tenants


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealcoach", description="Sales-call coaching inside Salesforce and HubSpot.")
    p.add_argument("--version", action="version", version=f"%(prog)s {version_text()}")
    sub = p.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole path on sandbox CRMs, no cloud and no Redis server")
    demo.add_argument("--verbose", action="store_true", help="print each step of the path")
    demo.add_argument("--report", metavar="OUT", help="where to write the manager report (default: the temp directory)")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="webhook HTTP app under gunicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port to listen on (default $PORT or 8080)")
    serve.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    serve.add_argument(
        "--worker-class",
        choices=["gthread", "gevent", "sync"],
        default="gthread",
        help="gunicorn worker model (default gthread: slow clients hold a thread only while they send)",
    )
    serve.add_argument("--threads", type=int, default=8, help="threads per gthread worker (default 8)")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker", help="RQ worker with scheduler; takes over dead peers' schedulers and jobs, survives Redis restarts"
    )
    worker.add_argument("--burst", action="store_true", help="quit once the queues are empty")
    worker.add_argument("--queues", nargs="*", help="queues to work, in priority order (default: all)")
    worker.set_defaults(func=cmd_worker)

    sandbox = sub.add_parser("sandbox", help="a sandbox CRM API server")
    sandbox.add_argument("provider", choices=["hubspot", "salesforce"], help="which CRM to imitate")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, required=True, help="port to listen on")
    sandbox.add_argument("--webhook-url", help="where the sandbox sends signed webhooks / Outbound Messages")
    sandbox.add_argument("--tls-cert", help="Salesforce: PEM certificate (default: a generated self-signed one)")
    sandbox.add_argument("--tls-key", help="Salesforce: PEM private key")
    sandbox.add_argument(
        "--webhook-max-attempts", type=positive_int, help="deliveries of one webhook batch / Outbound Message in all"
    )
    sandbox.add_argument(
        "--webhook-retry-delays",
        help="seconds between delivery attempts, comma-separated (HubSpot: the schedule; Salesforce: first,cap)",
    )
    sandbox.add_argument("--daily-limit", type=positive_int, help="API requests allowed per day")
    sandbox.add_argument("--burst-limit", type=positive_int, help="HubSpot: API requests allowed per 10 seconds")
    sandbox.set_defaults(func=cmd_sandbox)

    score = sub.add_parser("score", help="score one transcript file")
    score.add_argument("file", help="transcript (.vtt, .srt, .txt, .json…) or recording")
    score.add_argument("--lang", choices=["ja", "en"], help="the call's language (default: detected)")
    score.add_argument("--rubric", default="sales-7-phase", help="rubric id or YAML file (default sales-7-phase)")
    score.add_argument(
        "--scorer",
        choices=["offline", "llm", "auto"],
        default=os.environ.get("DEALCOACH_SCORER", "auto"),
        help="auto = the LLM when OPENAI_API_KEY or OPENAI_BASE_URL is set, else offline",
    )
    score.add_argument("--stage", help="HubSpot stage id, to focus on the phase it maps to")
    score.add_argument("--rep", help="the rep's speaker name")
    score.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    score.set_defaults(func=cmd_score)

    evaluate = sub.add_parser(
        "eval", help="measure a scorer on labelled calls: precision and recall per field (docs/scoring.md)"
    )
    evaluate.add_argument(
        "labels_dir",
        metavar="LABELS_DIR",
        help="transcripts with labels.json or sidecar labels, or a battery .json file",
    )
    evaluate.add_argument("--scorer", choices=["offline", "llm", "auto"], default="offline", help="default offline")
    evaluate.add_argument("--rubric", default="sales-7-phase", help="rubric id or YAML file (default sales-7-phase)")
    evaluate.add_argument(
        "--labels",
        action="append",
        metavar="FILE",
        help="labels file to measure against instead of the folder's; given twice or more, only what they agree on",
    )
    evaluate.add_argument(
        "--labeller", metavar="FILE", help="measure a second labeller's labels file instead of a scorer"
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(func=cmd_eval)

    cron = sub.add_parser("cron", help="RQ cron scheduler: queues the periodic SLA sweeps (run one beside the workers)")
    cron.add_argument("--interval", type=int, help="seconds between sweeps (default DEALCOACH_SWEEP_INTERVAL_S or 900)")
    cron.set_defaults(func=cmd_cron)

    sweep = sub.add_parser("sweep", help="run the SLA sweep now")
    sweep.add_argument("--tenant", help="one tenant, e.g. hubspot:62515 (default: all)")
    sweep.add_argument("--dry-run", action="store_true", help="list the tasks it would create, update or close")
    sweep.add_argument("--json", action="store_true", help="print the results as JSON")
    sweep.set_defaults(func=cmd_sweep)

    report = sub.add_parser("report", help="the manager report for one month, read from the tenant's CRM")
    report.add_argument("--tenant", required=True, help="tenant id, e.g. hubspot:62515")
    report.add_argument("--month", required=True, help="the last month shown, YYYY-MM (the fiscal year up to it)")
    report.add_argument("--team", help="only this team (HubSpot team id)")
    report.add_argument("--rep", help="only this rep (CRM owner id)")
    report.add_argument("--html", metavar="OUT", help="write the self-contained HTML report to this file")
    fmt = report.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print every section as JSON")
    fmt.add_argument("--csv", action="store_true", help="print the monthly tables as CSV (the default without --html)")
    report.set_defaults(func=cmd_report)

    sla = sub.add_parser("sla", help="follow-up SLA rules")
    sla_sub = sla.add_subparsers(dest="sla_command", required=True)
    evaluate = sla_sub.add_parser("evaluate", help="evaluate the rules on a state file (pure, no CRM)")
    evaluate.add_argument("state", help="STATE.json: now, deals, events, activities, open_tasks")
    evaluate.add_argument("--rules", help="rules YAML (default: the packaged rubrics/sla-rules.yaml)")
    evaluate.add_argument("--json", action="store_true", help="print the plan as JSON")
    evaluate.set_defaults(func=cmd_sla_evaluate)

    tenants = sub.add_parser("tenants", help="register CRM accounts for self-hosted or sandbox use")
    tenants.add_argument(
        "action",
        choices=["add", "list", "remove", "rotate-key"],
        help="what to do (rotate-key: re-encrypt stored secrets under DEALCOACH_SECRET_KEY)",
    )
    tenants.add_argument("--provider", choices=["hubspot", "salesforce"], default="hubspot", help="the tenant's CRM")
    tenants.add_argument("--id", help="HubSpot portal id or Salesforce org id")
    tenants.add_argument("--access-token", help="HubSpot private-app or OAuth access token")
    tenants.add_argument("--api-base", help="HubSpot API base URL (default: the real HubSpot API)")
    tenants.add_argument("--instance-url", help="Salesforce instance URL")
    tenants.add_argument("--session-id", help="Salesforce session id (not renewable)")
    tenants.add_argument("--refresh-token", help="Salesforce OAuth refresh token")
    tenants.add_argument("--consumer-key", help="Salesforce connected app key (default SALESFORCE_CONSUMER_KEY)")
    tenants.add_argument("--consumer-secret", help="its secret (default SALESFORCE_CONSUMER_SECRET)")
    tenants.add_argument("--token-url", help="Salesforce OAuth token URL (default login.salesforce.com)")
    tenants.add_argument("--username", help="Salesforce JWT bearer: the integration user's username")
    tenants.add_argument(
        "--private-key", help="Salesforce JWT bearer: PEM private key of the connected app's certificate"
    )
    tenants.add_argument(
        "--login-url",
        help="Salesforce JWT bearer: login host, the JWT's audience (default https://login.salesforce.com)",
    )
    tenants.add_argument("--ca-bundle", help="Salesforce: PEM CA file to trust instead of the system's (a test org)")
    tenants.add_argument("--language", choices=["ja", "en"], default="ja", help="language of notes and tasks")
    tenants.add_argument("--name", help="a display name for the account")
    tenants.add_argument("--manager-id", help="CRM owner/user id of the manager who receives stale-deal alerts")
    tenants.add_argument(
        "--settings", help='tenant settings as JSON, e.g. {"sla": {"rules": {"nurture_30d": {"enabled": false}}}}'
    )
    tenants.set_defaults(func=cmd_tenants)
    return p
