"""`dealcoach demo`: the whole HubSpot path on the embedded stack, printed as read back from the sandbox.

No cloud account and no Redis server: Redis is fakeredis in-process, the worker is RQ's SimpleWorker in
burst mode, HubSpot is the sandbox API server on a local port reached through hubspot-api-client.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from connector import clock
from connector.sandbox.hubspot import HubSpotSandboxConfig, sales_pipeline
from scoring.render import html_to_text
from sync.demo import install
from sync.demo.hubspot_stack import EmbeddedStack, embedded_stack
from sync.demo.salesforce_stack import salesforce_stack
from sync.demo.stack import AppFactory
from sync.report.html import render_html
from sync.report.run import make_report

REP_OWNER_ID = "75000001"
JST = timezone(timedelta(hours=9))


def sample_transcript() -> Path:
    """The Japanese discovery call shipped with the package (rubrics/samples)."""
    return Path(str(resources.files("rubrics") / "samples" / "discovery_call.ja.vtt"))


def _print_readback(stack: EmbeddedStack, deal_id: str, out: TextIO) -> tuple[int, int]:
    notes, tasks = stack.notes_on(deal_id), stack.tasks_on(deal_id)
    props = stack.deal_properties(deal_id)
    print("\n== 商談プロパティ (deal properties)", file=out)
    for key in (
        "dealname",
        "dealstage",
        "dealcoach_score",
        "dealcoach_bant",
        "dealcoach_deal_state",
        "dealcoach_last_scored_at",
    ):
        print(f"  {key}: {props.get(key)}", file=out)
    print(f"\n== ノート (notes on the deal): {len(notes)}", file=out)
    for note in notes:
        print(html_to_text(note.get("hs_note_body") or ""), file=out)
    print(f"\n== タスク (tasks on the deal): {len(tasks)}", file=out)
    for task in tasks:
        due = datetime.fromisoformat(str(task.get("hs_timestamp")).replace("Z", "+00:00")).astimezone(JST)
        print(
            f"  [{task.get('hs_task_priority')}] {task.get('hs_task_subject')}  (期限 {due:%Y-%m-%d %H:%M} JST, "
            f"{task.get('hs_task_status')})",
            file=out,
        )
    if tasks:
        print(
            f"\n== 最新のステージ・コーチングタスク本文 (latest stage task body)\n{tasks[-1].get('hs_task_body')}",
            file=out,
        )
    return len(notes), len(tasks)


def _install_hubspot(stack: EmbeddedStack, out: TextIO) -> None:
    """The admin's path: install link, consent, callback (properties created, stage maps proposed), settings saved."""
    done = install.install_hubspot(stack.app.url)
    print(f"0. install: {stack.app.url}/oauth/hubspot/install → consent page → Connect app → {done}", file=out)
    created = sorted(p.name for p in stack.hubspot.crm.properties.core_api.get_all("deals").results)
    print(f"   deal properties in the dealcoach group: {', '.join(n for n in created if n.startswith('dealcoach_'))}",
          file=out)  # fmt: skip
    view = install.confirm_settings(
        stack.app.url, str(stack.config.portal_id), stack.config.client_secret, {"sla": {"noise_budget": 4}}
    )
    maps = ", ".join(f"{pid} ({len(m)} stages)" for pid, m in view["stage_maps"].items())
    print(f"   settings page: stage maps confirmed for {maps}; SLA noise budget saved as "
          f"{view['sla_rules']['noise_budget']} (in force from the next event)", file=out)  # fmt: skip


def _write_report(stack: EmbeddedStack, path: Path, out: TextIO) -> bool:
    """The manager report for this month, read back from the sandbox portal, as one HTML file."""
    now = clock.now()
    month = now.astimezone(JST).date().replace(day=1)
    report = make_report(stack.conn, stack.tenant, month=month, now=now)
    path.write_text(render_html(report), encoding="utf-8")
    scored = sum(1 for _ in report.trends)
    print(f"5. manager report for {month:%Y-%m} ({scored} rep-month(s) scored) written to {path}", file=out)
    return scored >= 1


def _hubspot_demo(
    conn: Any, secret_key: str, app_factory: AppFactory, out: TextIO, verbose: bool, report_path: Path
) -> bool:
    """Create a deal, log a call with a Japanese transcript, move the stage; print what DealCoach wrote."""
    portal = HubSpotSandboxConfig(pipelines=[sales_pipeline(japanese=True)])
    with embedded_stack(conn, secret_key=secret_key, app_factory=app_factory, config=portal, install=True) as stack:
        print(
            f"== HubSpot: sandbox portal {stack.config.portal_id} at {stack.sandbox.url}, webhook app at {stack.app.url}",
            file=out,
        )
        _install_hubspot(stack, out)
        deal_id = stack.create_deal(
            name="株式会社サンプル商事 / 営業支援SaaS導入",
            stage="appointmentscheduled",
            owner_id=REP_OWNER_ID,
            amount="1800000",
        )
        stack.drain()
        print(f"1. deal {deal_id} created (stage appointmentscheduled) → coaching task for the stage", file=out)
        call_id = stack.log_call(
            deal_id=deal_id,
            transcript=sample_transcript(),
            title="初回ヒアリング（オンライン）",
            at=_call_time(),
            owner_id=REP_OWNER_ID,
        )
        deliveries = stack.deliver_webhooks()["deliveries"]
        stack.run_worker()
        print(
            f"2. call {call_id} logged with a Japanese transcript; {len(deliveries)} signed webhook requests so far",
            file=out,
        )
        stack.move_stage(deal_id, "qualifiedtobuy")
        stack.drain()
        print("3. deal moved to qualifiedtobuy → coaching task ticks what the call already showed", file=out)
        notes, tasks = _print_readback(stack, deal_id, out)
        stack.control("POST", "webhooks/redeliver")
        stack.drain()
        again = (len(stack.notes_on(deal_id)), len(stack.tasks_on(deal_id)))
        print(
            f"\n4. webhook re-delivered: notes {notes}→{again[0]}, tasks {tasks}→{again[1]} (nothing doubled)", file=out
        )
        reported = _write_report(stack, report_path, out)
        if verbose:
            print(stack.control("GET", "calls"), file=out)
        return notes == 1 and tasks >= 3 and again == (notes, tasks) and reported


# What the demo's admin saves in the org's settings record (the checkboxes ticked, the rest as in the package).
SALESFORCE_SETTINGS = {
    "Language__c": "ja",
    "Time_Zone__c": "Asia/Tokyo",
    "Stage_Tasks__c": "true",
    "Next_Action_Tasks__c": "true",
    "SLA_Enabled__c": "true",
    "Redact_PII__c": "true",
    "Noise_Budget__c": "4",
}


def _salesforce_demo(conn: Any, secret_key: str, app_factory: AppFactory, out: TextIO, verbose: bool) -> bool:
    """The same path in Salesforce: Opportunity, call Task with the transcript file, stage change, Outbound Messages."""
    with salesforce_stack(conn, secret_key=secret_key, app_factory=app_factory, install=True) as stack:
        print(
            f"\n== Salesforce: sandbox org {stack.config.org_id} at {stack.org.url} (TLS), webhook app at {stack.app.url}",
            file=out,
        )
        done = install.install_salesforce(stack.app.url, ca_bundle=str(stack.org.cert))
        print(f'0. install: {stack.app.url}/oauth/salesforce/install → "Allow Access?" → Allow → {done}', file=out)
        saved = install.save_salesforce_settings(stack.org.url, SALESFORCE_SETTINGS, ca_bundle=str(stack.org.cert))
        print(f"   settings: DealCoach_Setting__mdt.Default edited in Setup (noise budget 4) → {saved}", file=out)
        opp = stack.create_opportunity(
            name="東和精機株式会社 / 経費精算クラウド", stage="Qualification", amount=2400000
        )
        stack.drain()
        task = stack.log_call(
            opportunity_id=opp, transcript=sample_transcript(), subject="通話: 初回ヒアリング", at=_call_time()
        )
        stack.drain()
        stack.move_stage(opp, "Needs Analysis")
        stack.drain()
        print(
            f"1. Opportunity {opp}, call Task {task} with the transcript, stage → Needs Analysis "
            "(Outbound Messages, SOAP)",
            file=out,
        )
        fields = stack.opportunity(opp)
        print("\n== Opportunity fields", file=out)
        for name in ("StageName", "DealCoach_Score__c", "DealCoach_BANT__c", "DealCoach_Deal_State__c"):
            print(f"  {name}: {fields.get(name)}", file=out)
        notes, tasks = stack.notes_on(opp), stack.tasks_on(opp)
        print(f"\n== ContentNote linked to the Opportunity: {len(notes)}", file=out)
        for note in notes:
            print(f"  {note['title']} ({len(html_to_text(note['content']))} characters)", file=out)
        print(f"\n== Tasks: {len(tasks)}", file=out)
        for t in tasks:
            print(
                f"  [{t['Priority']}] {t['Subject']}  (ActivityDate {t['ActivityDate']}, reminder {t['ReminderDateTime']}, "
                f"{t['Status']})",
                file=out,
            )
        stack.control("POST", "outbound/redeliver", {"channel": "outbound"})
        stack.drain()
        again = (len(stack.notes_on(opp)), len(stack.tasks_on(opp)))
        print(
            f"\n2. Outbound Message re-delivered: notes {len(notes)}→{again[0]}, tasks {len(tasks)}→{again[1]}",
            file=out,
        )
        if verbose:
            print(stack.control("GET", "calls"), file=out)
        return len(notes) == 1 and len(tasks) >= 3 and again == (len(notes), len(tasks))


def _call_time() -> datetime:
    return clock.now().astimezone(JST).replace(microsecond=0) - timedelta(hours=1)


def run_demo(
    *,
    app_factory: AppFactory,
    verbose: bool = False,
    out: TextIO = sys.stdout,
    conn: Any = None,
    secret_key: str | None = None,
    report_path: Path | None = None,
) -> int:
    """Both CRMs, one after the other, on one Redis (fakeredis unless a connection is given); the HubSpot part ends
    by writing the manager report (to `report_path`, default a file in the temporary directory)."""
    report_path = report_path or Path(tempfile.gettempdir()) / "dealcoach-demo-report.html"
    secret_key = secret_key or secrets.token_urlsafe(32)
    if conn is None:
        try:
            import fakeredis
        except ImportError:
            print("the demo's in-process Redis is an extra: pip install '.[demo]'", file=out)
            return 2
        conn = fakeredis.FakeRedis()
    results = {
        "HubSpot": _hubspot_demo(conn, secret_key, app_factory, out, verbose, report_path),
        "Salesforce": _salesforce_demo(conn, secret_key, app_factory, out, verbose),
    }
    failed = [name for name, ok in results.items() if not ok]
    print("\nOK" if not failed else f"\nFAILED: unexpected read-back from {', '.join(failed)}", file=out)
    return 0 if not failed else 1
