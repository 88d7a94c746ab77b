"""`dealcoach` console script: thin commands over library functions (docs/architecture.md §4)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class CliError(Exception):
    """A one-line message for stderr and the exit status: what is wrong and how to fix it, never a traceback."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = status


def log_level(raw: str | None, default: str) -> int:
    """`DEALCOACH_LOG_LEVEL` in any case (`info`, `INFO`); an unknown name is an error, not a silent default."""
    name = (raw or default).strip().upper()
    levels = logging.getLevelNamesMapping()
    if name not in levels or name == "NOTSET":
        raise ValueError(f"DEALCOACH_LOG_LEVEL={raw!r} is not a log level (DEBUG, INFO, WARNING, ERROR, CRITICAL)")
    return levels[name]


def configure_logging(default_level: str) -> None:
    """JSON lines on stderr (`sync.log_format`); `DEALCOACH_LOG_FORMAT=text` for a person at a terminal."""
    from sync import log_format

    try:
        level = log_level(os.environ.get("DEALCOACH_LOG_LEVEL"), default_level)
        fmt = log_format.parse_format(os.environ.get("DEALCOACH_LOG_FORMAT"))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    log_format.configure(level, fmt)


def _version() -> str:
    try:
        return metadata.version("dealcoach")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _redacted(url: str) -> str:
    """A Redis URL without its password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def _runtime(*, needs_secret_key: bool = False) -> Any:
    """The worker runtime from this process's environment, installed for the command's jobs."""
    from sync import runtime

    try:
        rt = runtime.Runtime.from_env()
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if needs_secret_key and not rt.config.secret_key:
        raise CliError("DEALCOACH_SECRET_KEY is not set: it encrypts and decrypts the stored CRM credentials")
    runtime.install(rt)
    return rt


def _redis(rt: Any) -> Any:
    """The runtime's Redis connection, checked now: a command that needs Redis says so once, up front."""
    import redis

    conn = rt.connection()
    try:
        conn.ping()
    except redis.RedisError as exc:
        raise CliError(f"cannot reach Redis at {_redacted(rt.config.redis_url)} (REDIS_URL): {exc}", 1) from exc
    return conn


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
    return run_worker(_redis(_runtime(needs_secret_key=True)), args.queues or list(ALL_QUEUES), burst=args.burst)


def cmd_cron(args: argparse.Namespace) -> int:
    from rq.cron import CronScheduler

    from sync.queue import SYNC
    from sync.report.digest import DIGEST_CRON, enqueue_digests
    from sync.sweep import enqueue_sweeps

    rt = _runtime()
    scheduler = CronScheduler(connection=_redis(rt))
    scheduler.register(enqueue_sweeps, queue_name=SYNC, interval=args.interval or rt.config.sweep_interval_s)
    scheduler.register(enqueue_digests, queue_name=SYNC, cron=DIGEST_CRON)
    scheduler.start()
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from connector import clock
    from connector.tenants import TenantError
    from sync.sweep import sweep

    rt = _runtime(needs_secret_key=True)
    conn = _redis(rt)
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
    rt = _runtime(needs_secret_key=True)
    conn = _redis(rt)
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


def _positive(raw: str) -> int:
    """argparse type: a whole number above zero."""
    if not raw.isdigit() or int(raw) <= 0:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a positive whole number")
    return int(raw)


def _sandbox_delivery(args: argparse.Namespace) -> dict[str, Any]:
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
    delivery = _sandbox_delivery(args)
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


def _audio_transcript(path: Path, lang: str | None) -> Any:
    """Transcribe a recording with Google Speech (GOOGLE_APPLICATION_CREDENTIALS or DEALCOACH_SPEECH_ENDPOINT)."""
    from scoring.speech.errors import SpeechNotConfigured
    from scoring.speech.recognize import (
        SpeechSettings,
        audio_store_from_env,
        speech_client_from_env,
        transcribe_recording,
    )

    client = speech_client_from_env(os.environ)
    if client is None:
        raise SpeechNotConfigured(
            "audio needs Google Speech: set GOOGLE_APPLICATION_CREDENTIALS or DEALCOACH_SPEECH_ENDPOINT"
        )
    settings = SpeechSettings.for_tenant(lang or "ja", long_audio_store=audio_store_from_env(os.environ))
    return transcribe_recording(path, client=client, settings=settings).transcript


def _stage_phase(stage: str | None, rubric: Any) -> str | None:
    """The rubric phase for `--stage` (a HubSpot stage id or a phase id); an unknown one is a CliError."""
    from scoring.rubric import load_stage_map

    if stage is None:
        return None
    if stage in rubric.phase_ids:
        return str(stage)
    stages = load_stage_map("hubspot")
    phase = stages.phase_for(stage)
    if phase is None:
        known = ", ".join([s.id for s in stages.stages] + list(rubric.phase_ids))
        raise CliError(f"unknown stage {stage!r}; known stages and phases: {known}")
    return phase


def cmd_score(args: argparse.Namespace) -> int:
    from scoring.llm.config import llm_from_env
    from scoring.metrics import speaker_named
    from scoring.render import html_to_text, render_note_html
    from scoring.rubric import load_rubric_or_reference
    from scoring.scorer import LlmNotConfigured, score_call
    from scoring.speech.audio import RECORDING_EXTENSIONS, AudioError
    from scoring.speech.errors import SpeechError
    from scoring.transcript import TranscriptError, detect_language, parse_transcript

    path = Path(args.file)
    try:
        transcript = (
            _audio_transcript(path, args.lang)
            if path.suffix.lower().lstrip(".") in RECORDING_EXTENSIONS
            else parse_transcript(path.read_bytes(), filename=path.name, language=args.lang)
        )
    except (OSError, TranscriptError, AudioError, SpeechError) as exc:
        print(f"cannot read transcript {path}: {exc}", file=sys.stderr)
        return 2
    spoken = detect_language(transcript.text)
    if args.lang and args.lang != spoken:
        # The rubric's markers are per language: scoring a Japanese call with the English ones finds nothing.
        print(
            f"dealcoach score: warning: --lang {args.lang} but the call is in {spoken}; "
            f"scored in {spoken}, the note is written in {args.lang}",
            file=sys.stderr,
        )
        transcript = type(transcript)(segments=transcript.segments, language=spoken)
    rubric = load_rubric_or_reference(args.rubric, transcript.language)
    phase = _stage_phase(args.stage, rubric)
    if args.rep and speaker_named(transcript, args.rep) is None:
        speakers = ", ".join(dict.fromkeys(s.speaker for s in transcript.segments))
        raise CliError(f"--rep {args.rep!r} is not a speaker of this call; speakers: {speakers}")
    try:
        card = score_call(
            transcript,
            rubric=rubric,
            mode=args.scorer,
            rep=args.rep,
            stage_phase=phase,
            llm=llm_from_env(os.environ) if args.scorer != "offline" else None,
        )
    except LlmNotConfigured as exc:
        print(str(exc), file=sys.stderr)
        return 2
    lang = args.lang or transcript.language
    if args.json:
        print(json.dumps(card_json(card, rubric, lang), ensure_ascii=False, indent=2))
    else:
        print(html_to_text(render_note_html(card, lang=lang, rubric=rubric, call_title=path.name)))
    return 0


def card_json(card: Any, rubric: Any, lang: str) -> dict[str, Any]:
    """The scorecard JSON with each phase and criterion labelled in the reader's language."""
    from scoring.reader import labelled
    from scoring.rubric import load_rubric_or_reference

    reader = rubric if rubric.language == lang else load_rubric_or_reference(rubric.id, lang)
    return labelled(card.to_dict(), reader)


def cmd_eval(args: argparse.Namespace) -> int:
    from scoring.evaluation import LabelsError, evaluate, load_labelled, report
    from scoring.llm.config import llm_from_env
    from scoring.rubric import load_rubric_or_reference
    from scoring.scorer import LlmNotConfigured, score_call
    from scoring.transcript import Transcript, TranscriptError

    try:
        calls = load_labelled(Path(args.labels_dir))
    except LabelsError as exc:
        raise CliError(str(exc)) from exc
    llm = llm_from_env(os.environ) if args.scorer != "offline" else None

    def score(transcript: Transcript, labels: dict[str, Any]) -> Any:
        rubric = load_rubric_or_reference(args.rubric, transcript.language)
        return score_call(
            transcript,
            rubric=rubric,
            mode=args.scorer,
            stage_phase=labels.get("stage_phase"),
            rep=labels.get("rep_hint"),
            llm=llm,
        )

    try:
        ev = evaluate(calls, score)
    except LlmNotConfigured as exc:
        raise CliError(str(exc)) from exc
    except TranscriptError as exc:
        raise CliError(f"cannot read a transcript: {exc}") from exc
    if args.json:
        print(json.dumps(ev.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report(ev, f"{args.labels_dir} (scorer {args.scorer})"))
    return 0


def _credentials(args: argparse.Namespace) -> dict[str, str]:
    """The stored credentials for `tenants add`; incomplete ones are an error naming what is missing."""
    if args.provider == "hubspot":
        token = args.access_token or os.environ.get("HUBSPOT_ACCESS_TOKEN", "")
        if not token:
            raise CliError("an access token is required (--access-token or HUBSPOT_ACCESS_TOKEN)")
        return {"access_token": token, **({"api_base": args.api_base} if args.api_base else {})}
    if args.username or args.private_key:
        return _jwt_credentials(args)
    creds = {
        k: v
        for k, v in {
            "instance_url": args.instance_url,
            "session_id": args.session_id,
            "refresh_token": args.refresh_token,
            "consumer_key": args.consumer_key or os.environ.get("SALESFORCE_CONSUMER_KEY", ""),
            "consumer_secret": args.consumer_secret or os.environ.get("SALESFORCE_CONSUMER_SECRET", ""),
            "token_url": args.token_url,
            "ca_bundle": args.ca_bundle,
        }.items()
        if v
    }
    if not creds.get("instance_url") or not (creds.get("session_id") or creds.get("refresh_token")):
        raise CliError("Salesforce needs --instance-url and --session-id or --refresh-token")
    return creds


def _jwt_credentials(args: argparse.Namespace) -> dict[str, str]:
    """JWT bearer set-up (connector/salesforce/jwt_bearer.py): one grant now; its org id rides along as `org_id`."""
    from connector.base import CrmError
    from connector.salesforce.jwt_bearer import setup_credentials

    consumer_key = args.consumer_key or os.environ.get("SALESFORCE_CONSUMER_KEY", "")
    if not (args.username and args.private_key and consumer_key):
        raise CliError(
            "JWT bearer set-up needs --username, --private-key and --consumer-key (or SALESFORCE_CONSUMER_KEY)"
        )
    try:
        key = Path(args.private_key).read_text(encoding="utf-8")
        org, creds = setup_credentials(username=args.username, private_key=key, consumer_key=consumer_key,
                                       login_url=args.login_url or "", ca_bundle=args.ca_bundle or "")  # fmt: skip
    except OSError as exc:
        raise CliError(f"--private-key {args.private_key!r}: {exc.strerror}") from exc
    except CrmError as exc:
        raise CliError(f"Salesforce refused the JWT bearer grant: {exc}", 1) from exc
    return {**creds, "org_id": org}


def _external_id(provider: str, raw: str) -> str:
    """The account id as tenants are keyed: a HubSpot portal number, or a Salesforce org id in its 18-char form."""
    from connector.salesforce.ids import SalesforceIdError, key_prefix, to_18

    if provider == "hubspot":
        if not raw.strip().isdigit():
            raise CliError(f"--id {raw!r} is not a HubSpot portal id (a number, e.g. 62515)")
        return raw.strip()
    try:
        org = to_18(raw)
    except SalesforceIdError as exc:
        raise CliError(f"--id {raw!r} is not a Salesforce org id (15 or 18 characters, 00D…): {exc}") from exc
    if key_prefix(org) != "00D":
        raise CliError(f"--id {raw!r} is a Salesforce id but not an org id (org ids start with 00D)")
    return org


def cmd_tenants(args: argparse.Namespace) -> int:
    from connector.models import TenantSettings
    from connector.tenants import Tenant, tenant_id
    from sync.settings_validation import SettingsError, parse_tenant_settings

    # Arguments first, so a typo is reported without waiting on Redis.
    jwt_setup = args.action == "add" and args.provider == "salesforce" and bool(args.username or args.private_key)
    keyed = args.action not in ("list", "rotate-key")
    external_id = _external_id(args.provider, args.id) if keyed and (args.id or not jwt_setup) else ""
    extra: dict[str, Any] = {}
    if args.action == "add" and args.settings:
        try:
            extra = parse_tenant_settings(args.settings)
        except SettingsError as exc:
            raise CliError(f"--settings: {exc}") from exc
    creds = _credentials(args) if args.action == "add" else {}
    if jwt_setup:
        org = creds.pop("org_id")
        if external_id and external_id != org:
            raise CliError(f"--id {args.id!r} is not the org of {args.username!r} (Salesforce says {org})")
        external_id = org
    rt = _runtime(needs_secret_key=True)
    registry = rt.tenants(_redis(rt))
    if args.action == "list":
        for tid in registry.list_ids():
            print(tid)
        return 0
    if args.action == "rotate-key":
        return _rotate_key(registry)
    if args.action == "remove":
        tid = tenant_id(args.provider, external_id)
        from sync.forget import forget_tenant

        if not forget_tenant(registry.conn, registry, tid):
            raise CliError(f"unknown tenant {tid!r}: `dealcoach tenants list` shows the registered ones", 1)
        return 0
    settings = TenantSettings.from_dict(
        {"language": args.language, **({"manager_id": args.manager_id} if args.manager_id else {}), **extra}
    )
    registry.add(
        Tenant(
            provider=args.provider, external_id=external_id, credentials=creds, settings=settings, name=args.name or ""
        )
    )
    print(f"registered {tenant_id(args.provider, external_id)}")
    return 0


def _rotate_key(registry: Any) -> int:
    """Re-encrypt every stored secret under DEALCOACH_SECRET_KEY; a tenant no key opens is named, with exit status 1."""
    from sync.rekey import rekey_all

    result = rekey_all(registry.conn, registry)
    print(f"re-encrypted {result.tenants} tenant(s) and {result.sealed} cached token(s) under DEALCOACH_SECRET_KEY")
    if result.failed:
        raise CliError(
            f"no configured key decrypts {', '.join(result.failed)}: add the key they were stored with to "
            "DEALCOACH_SECRET_KEY_PREVIOUS and run again",
            1,
        )
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


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dealcoach", description="Sales-call coaching inside Salesforce and HubSpot.")
    p.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
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
        "--webhook-max-attempts", type=_positive, help="deliveries of one webhook batch / Outbound Message in all"
    )
    sandbox.add_argument(
        "--webhook-retry-delays",
        help="seconds between delivery attempts, comma-separated (HubSpot: the schedule; Salesforce: first,cap)",
    )
    sandbox.add_argument("--daily-limit", type=_positive, help="API requests allowed per day")
    sandbox.add_argument("--burst-limit", type=_positive, help="HubSpot: API requests allowed per 10 seconds")
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
    evaluate.add_argument("labels_dir", metavar="LABELS_DIR", help="transcripts with labels.json or sidecar labels")
    evaluate.add_argument("--scorer", choices=["offline", "llm", "auto"], default="offline", help="default offline")
    evaluate.add_argument("--rubric", default="sales-7-phase", help="rubric id or YAML file (default sales-7-phase)")
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


def _quiet_broken_pipe() -> int:
    """The reader went away (`dealcoach score x.vtt | head -1`): stop quietly, as a killed-by-SIGPIPE tool would."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())  # so the flush at exit does not complain again
    return 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; configuration and environment problems end with one line on stderr and a non-zero status."""
    args = build_parser().parse_args(argv)
    try:
        configure_logging("INFO" if args.command in ("serve", "worker", "cron") else "WARNING")
        jwt_setup = args.command == "tenants" and args.provider == "salesforce" and bool(args.username)
        if args.command == "tenants" and args.action not in ("list", "rotate-key") and not args.id and not jwt_setup:
            raise CliError("--id is required (Salesforce JWT bearer set-up: the org id comes from the grant)")
        if args.command == "serve" and args.port is None:
            port = os.environ.get("PORT") or "8080"
            if not port.isdigit():
                raise CliError(f"PORT={port!r} is not a port number")
            args.port = int(port)
        status = int(args.func(args) or 0)
        sys.stdout.flush()
        return status
    except CliError as exc:
        print(f"dealcoach {args.command}: {exc}", file=sys.stderr)
        return exc.status
    except BrokenPipeError:
        return _quiet_broken_pipe()


if __name__ == "__main__":
    raise SystemExit(main())
