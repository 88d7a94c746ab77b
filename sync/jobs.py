"""RQ job functions: orchestrate connector, scoring and writeback for one normalized event.

A job returns a small summary or raises: retryable CRM errors go back to RQ's retry schedule,
fatal ones land in the failed registry with their reason. Nothing here parses vendor JSON.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
from rq import get_current_job

from connector import clock
from connector.base import Crm, FatalCrmError, PartialWriteError, RetryableCrmError
from connector.models import (
    Attachment,
    CallRef,
    Deal,
    Event,
    NoteSpec,
    TaskSpec,
)
from connector.tenants import Tenant
from scoring.followup import DEAL_OBLIGATIONS
from scoring.render import render_next_action_task, render_note_html, render_stage_task
from scoring.rubric import Rubric, load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.scorer import score_call
from scoring.speech.errors import SpeechError
from scoring.transcript import Transcript, TranscriptError, parse_transcript
from sync import runtime
from sync.recording import transcribe_call
from sync.retry import reschedule, wait_asked
from sync.runtime import Runtime
from sync.sla.apply import SlaContext, record_sla_event, run_sla
from sync.sla.business_calendar import BusinessCalendar
from sync.state import DealState
from sync.tenant_context import TenantContext
from sync.writeback import Writeback, deal_lock

log = logging.getLogger("dealcoach.sync.jobs")

TRANSCRIPT_EXTENSIONS = ("vtt", "srt", "json", "txt")
MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
NOTE_BUDGET = 60_000
BANT_LETTERS = (("budget", "B"), ("authority", "A"), ("need", "N"), ("timeline", "T"))


@dataclass(frozen=True)
class JobContext:
    """What a job needs besides its event: the runtime, Redis, the tenant, its CRM, and the job's `now`."""

    runtime: Runtime
    conn: redis.Redis
    tenant: Tenant
    crm: Crm
    now: datetime
    tenant_ctx: TenantContext


def _context(event: Event) -> JobContext | None:
    job = get_current_job()
    if job is None:
        raise RuntimeError("DealCoach jobs run inside an RQ worker")
    rt, conn = runtime.current(), job.connection
    tenant = rt.tenants(conn).get(event.tenant)
    if tenant is None:
        log.warning("sync.tenant.gone tenant=%s event=%s", event.tenant, event.event_id)
        return None
    return JobContext(
        runtime=rt, conn=conn, tenant=tenant, crm=rt.crm(tenant), now=clock.now(), tenant_ctx=TenantContext.of(tenant)
    )


def _transcript_attachment(call: CallRef) -> Attachment | None:
    candidates = [a for a in call.attachments if a.extension in TRANSCRIPT_EXTENSIONS]
    return candidates[-1] if candidates else None


def _own_change(event: Event, ctx: JobContext) -> bool:
    """An event DealCoach caused itself (its task completed, its deal fields written): reacting would be wasted work
    or a loop. HubSpot's are dropped at the webhook; Salesforce names the user who made the change."""
    own, by = ctx.crm.own_user_id(), event.data.get("changed_by")
    return bool(own and by and own == by)


def tenant_job(fn: Callable[[Event, JobContext], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An RQ job on one event: its tenant's context loaded (a tenant removed since is a clean skip, and so is a change
    DealCoach made itself); a wait the vendor asked for re-queues the job for then without spending a retry
    (`sync.retry`); a fatal error fails it at once; any other error goes back to RQ's retry schedule."""

    @functools.wraps(fn)
    def run(event_dict: dict[str, Any]) -> dict[str, Any]:
        event = Event.from_dict(event_dict)
        ctx = _context(event)
        if ctx is None:
            return {"status": "skipped", "reason": "unknown_tenant"}
        if _own_change(event, ctx):
            log.info("sync.event.own_change tenant=%s event=%s kind=%s", event.tenant, event.event_id, event.kind)
            return {"status": "skipped", "reason": "own_change"}
        try:
            return fn(event, ctx)
        except (RetryableCrmError, SpeechError) as exc:
            wait, job = wait_asked(exc), get_current_job()
            if wait is not None and job is not None and reschedule(job, wait, reason=exc.slug):
                return {"status": "rescheduled", "after_s": wait, "reason": exc.slug}
            _fail_fast_if_fatal(fn.__name__, exc)
            raise
        except (FatalCrmError, PartialWriteError) as exc:
            _fail_fast_if_fatal(fn.__name__, exc)
            raise

    return run


def _fail_fast_if_fatal(name: str, exc: Exception) -> None:
    """A fatal error (a 4xx other than 429/409, unusable input) fails the job at once: retrying cannot fix it."""
    if isinstance(exc, FatalCrmError) or not getattr(exc, "retryable", True):
        job = get_current_job()
        if job is not None:
            job.retries_left = 0
        log.error(
            "sync.job.fatal job=%s slug=%s status=%s", name, getattr(exc, "slug", "error"), getattr(exc, "status", None)
        )


@tenant_job
def process_call(event: Event, ctx: JobContext) -> dict[str, Any]:
    """call.logged: fetch the transcript, score it, write note, deal fields and next-action tasks."""
    call = ctx.crm.get_call(event.object_id, object_type=event.object_type)
    if not call.deal_ids:
        log.info("sync.call.no_deal tenant=%s call=%s", event.tenant, call.id)
        return {"status": "skipped", "reason": "no_deal"}
    settings = ctx.tenant.settings
    attachment = _transcript_attachment(call)
    speech: dict[str, Any] | None = None
    if attachment is None:
        outcome = transcribe_call(
            ctx.conn,
            ctx.crm,
            call,
            tenant=ctx.tenant.id,
            settings=settings,
            downloads=ctx.runtime.downloads(ctx.tenant),
            speech_client=ctx.runtime.speech_client(),
            audio_store=ctx.runtime.audio_store(),
        )
        if outcome.transcript is None:
            log.info("sync.call.not_transcribed tenant=%s call=%s reason=%s", event.tenant, call.id, outcome.reason)
            if outcome.note:
                _write_problem_note(ctx, call, outcome.note)
            return {"status": "skipped", "reason": outcome.reason}
        transcript, speech = outcome.transcript, outcome.speech
    else:
        raw = ctx.crm.download_attachment(attachment.id, max_bytes=MAX_TRANSCRIPT_BYTES)
        try:
            transcript = parse_transcript(raw, filename=attachment.name or f"transcript.{attachment.extension}")
        except TranscriptError as exc:
            log.warning("sync.call.transcript_unreadable tenant=%s call=%s reason=%s", event.tenant, call.id, exc)
            _write_problem_note(
                ctx,
                call,
                f"文字起こしファイルを読み取れませんでした: {exc}"
                if settings.language == "ja"
                else f"The transcript file could not be read: {exc}",
            )
            return {"status": "skipped", "reason": "transcript_unreadable"}
    rubric = load_rubric_or_reference(settings.rubric, transcript.language)
    stage_map = ctx.tenant_ctx.stage_map
    call_at = call.occurred_at or event.occurred_at
    written: dict[str, Any] = {"status": "done", "call": call.id, "deals": {}}
    for deal_id in call.deal_ids:
        deal = ctx.crm.get_deal(deal_id)
        scorecard = score_call(
            transcript,
            rubric=rubric,
            mode=ctx.runtime.config.scorer_mode,
            rep=deal.owner_name,
            stage_phase=stage_map.phase_for(deal.stage),
            llm=ctx.runtime.llm(ctx.conn, restore_pii=settings.restore_pii_in_note),
            redact_pii=settings.redact_pii,
            call_date=call_at.date(),
        )
        if speech is not None:
            scorecard = dataclasses.replace(scorecard, extra={**scorecard.extra, "speech": speech})
        written["deals"][deal_id] = _write_call_results(
            ctx, deal, call, call_at, scorecard, rubric, transcript=transcript if speech is not None else None
        )
        card = scorecard.to_dict()
        # The transcript's length gives the end; a call logged as it ended cannot end in the future.
        ended = min(call_at + timedelta(seconds=float(card["metrics"].get("duration_s") or 0)), ctx.now)
        record_sla_event(
            ctx.conn,
            ctx.tenant.id,
            deal.id,
            f"call-{call.id}",
            {
                "kind": "call.logged",
                "at": call_at.isoformat(),
                "ended_at": ended.isoformat(),
                "title": call.title,
                "commitments": card["commitments"],
                "bant": card["bant"],
                "email_draft": card["email_draft"],
            },
        )
        written["deals"][deal_id]["sla"] = _sla(ctx, deal)
    return written


def _write_problem_note(ctx: JobContext, call: CallRef, message: str) -> None:
    """Tell the rep, on the deal, why a call could not be coached (once per call: the key makes it idempotent)."""
    title = (
        "DealCoach：通話を処理できませんでした"
        if ctx.tenant.settings.language == "ja"
        else "DealCoach: the call could not be processed"
    )
    for deal_id in call.deal_ids:
        spec = NoteSpec(
            key=f"{ctx.tenant.id}/deal-{deal_id}/call-{call.id}/problem",
            deal_id=deal_id,
            call_id=call.id,
            title=title,
            body_html=f"<p><b>{html.escape(title)}</b></p><p>{html.escape(message)}</p>",
        )
        with deal_lock(ctx.conn, ctx.tenant.id, deal_id) as fence:
            Writeback(ctx.conn, ctx.crm, ctx.tenant.id, deal_id, fence=fence).upsert_note(spec)


def _transcript_note(ctx: JobContext, deal: Deal, call: CallRef, transcript: Transcript) -> NoteSpec:
    """The speech-to-text transcript stored back on the deal so reps can read what the scorecard quotes."""
    ja = ctx.tenant.settings.language == "ja"
    title = "DealCoach 文字起こし" if ja else "DealCoach transcript"
    lines, size = [], 0
    for seg in transcript.segments:
        stamp = f"[{int(seg.start // 60):02d}:{int(seg.start % 60):02d}] " if seg.start is not None else ""
        line = f"{stamp}<b>{html.escape(seg.speaker)}</b>: {html.escape(seg.text)}<br>"
        size += len(line)
        if size > NOTE_BUDGET:
            lines.append("…（以下省略）" if ja else "… (truncated)")
            break
        lines.append(line)
    return NoteSpec(
        key=f"{ctx.tenant.id}/deal-{deal.id}/call-{call.id}/transcript",
        deal_id=deal.id,
        call_id=call.id,
        title=f"{title}｜{call.title}" if call.title else title,
        body_html=f"<p><b>{html.escape(title)}</b></p><p>{''.join(lines)}</p>",
    )


def _write_call_results(
    ctx: JobContext,
    deal: Deal,
    call: CallRef,
    call_at: datetime,
    scorecard: Scorecard,
    rubric: Rubric,
    *,
    transcript: Transcript | None = None,
) -> dict[str, Any]:
    tenant, settings = ctx.tenant, ctx.tenant.settings
    base_key = f"{tenant.id}/deal-{deal.id}/call-{call.id}"
    owner = call.owner_id or deal.owner_id
    label = "DealCoach スコアカード" if settings.language == "ja" else "DealCoach scorecard"
    note = NoteSpec(
        key=f"{base_key}/scorecard",
        deal_id=deal.id,
        call_id=call.id,
        owner_id=owner,
        timestamp=call_at,
        title=f"{label}｜{call.title}" if call.title else label,
        body_html=render_note_html(
            scorecard, lang=settings.language, rubric=rubric, deal_name=deal.name, call_title=call.title
        ),
    )
    call_tasks: list[TaskSpec] = []
    deal_tasks: list[TaskSpec] = []
    actions = scorecard.to_dict()["next_actions"] if settings.next_action_tasks else []
    for action in actions:
        if settings.sla_enabled and _sla_owned(action["id"]):
            continue
        subject, body = render_next_action_task(action, lang=settings.language)
        obligation = action["id"] in DEAL_OBLIGATIONS
        (deal_tasks if obligation else call_tasks).append(
            TaskSpec(
                key=_obligation_key(tenant.id, deal.id, action["id"])
                if obligation
                else f"{base_key}/next-{action['id']}",
                deal_id=deal.id,
                call_id=call.id,
                owner_id=owner,
                subject=subject,
                body=body,
                due=business_due(ctx.tenant_ctx.calendar, call_at, float(action.get("due_in_hours") or 24)),
                priority="HIGH" if float(action.get("due_in_hours") or 24) <= 24 else "MEDIUM",
            )
        )
    state = DealState(ctx.conn, tenant.id, deal.id)
    closed = 0
    with deal_lock(ctx.conn, tenant.id, deal.id) as fence:
        wb = Writeback(ctx.conn, ctx.crm, tenant.id, deal.id, fence=fence)
        note_result = wb.upsert_note(note)
        if transcript is not None:
            wb.upsert_note(_transcript_note(ctx, deal, call, transcript))
        # Only the deal's newest call speaks for the deal's obligations; a call scored late leaves them alone.
        newest = state.save_scorecard_if_newer(scorecard.to_dict(), call_at, call.id)
        task_results = wb.upsert_tasks(call_tasks + (deal_tasks if newest else []))
        if newest and settings.next_action_tasks:
            asked = {spec.key for spec in deal_tasks}
            done = [_obligation_key(tenant.id, deal.id, a) for a in sorted(DEAL_OBLIGATIONS)]
            # Only obligations DealCoach wrote (its Redis map knows them) can be open: no CRM read otherwise.
            closed = wb.close_tasks([key for key in wb.written(done) if key not in asked])
        wanted = deal_fields(scorecard, call_at)
        fields: list[str] = []
        if newest and not state.fields_unchanged(wanted):
            fence.check()
            fields = ctx.crm.update_deal(deal.id, wanted)
            state.remember_fields(wanted)
    if not newest:
        log.info("sync.deal.fields_kept_newer tenant=%s deal=%s call=%s", tenant.id, deal.id, call.id)
    return {
        "note": note_result.action,
        "tasks": {r.key.rsplit("/", 1)[-1]: r.action for r in task_results},
        "obligations_closed": closed,
        "deal_fields": fields,
        "overall": scorecard.overall,
    }


def _obligation_key(tenant: str, deal_id: str, action_id: str) -> str:
    """One key per obligation of the deal (confirm the budget, book the next meeting…), whichever call raised it."""
    return f"{tenant}/deal-{deal_id}/obligation-{action_id}"


def business_due(calendar: BusinessCalendar, start: datetime, hours: float) -> datetime:
    """Due times on the tenant's business calendar: under a day counts business hours, longer counts business days."""
    if hours < 24:
        return calendar.add_business_hours(start, hours)
    return calendar.add_business_days(start, int(hours // 24))


def deal_fields(scorecard: Scorecard, scored_at: datetime) -> dict[str, Any]:
    """The deal properties DealCoach maintains (written only where the CRM has them)."""
    card = scorecard.to_dict()
    bant = card.get("bant") or {}
    return {
        "dealcoach_score": card.get("overall"),
        "dealcoach_bant": " ".join(
            f"{letter}{'○' if (bant.get(k) or {}).get('found') else '×'}" for k, letter in BANT_LETTERS
        ),
        "dealcoach_deal_state": card.get("deal_state"),
        "dealcoach_last_scored_at": scored_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
    }


def _stage_entry_named(event: Event, deal: Deal) -> tuple[str, datetime] | None:
    """The stage entry an event reports: the stage it names at the time it gives.

    A creation event names no stage. It then stands for the current stage's entry only where the CRM itself dates
    that entry (Salesforce OpportunityHistory, HubSpot's date-entered property); otherwise the deal may have moved
    on before the worker ran, and pairing today's stage with the creation time would invent an entry (HubSpot also
    sends the initial `dealstage` as a property change, which reports the real one).
    """
    named = event.data.get("property_value")
    if named:
        return str(named), event.occurred_at
    if deal.stage and deal.stage_entered_at is not None:
        return deal.stage, deal.stage_entered_at
    return None


@tenant_job
def handle_stage_change(event: Event, ctx: JobContext) -> dict[str, Any]:
    """deal.stage_changed / deal.created: record the stage entry, then one coaching task per entry of the current stage."""
    deal = ctx.crm.get_deal(event.object_id)
    named = _stage_entry_named(event, deal)
    state = DealState(ctx.conn, ctx.tenant.id, deal.id)
    entry = state.record_stage_entry(named[0], named[1], event.event_id) if named else None
    # The CRM's own entry time names the entry whichever event reports it; Redis's first observation otherwise.
    entered_at = (deal.stage_entered_at or entry.at) if entry is not None and entry.stage == deal.stage else None
    if entered_at is not None:
        kind = ("deal.closed_won" if deal.is_won else "deal.closed_lost") if deal.is_closed else "deal.stage_changed"
        record_sla_event(
            ctx.conn,
            ctx.tenant.id,
            deal.id,
            f"stage-{deal.stage}-{_ms(entered_at)}",
            {"kind": kind, "at": entered_at.isoformat(), "stage": deal.stage},
        )
    sla = _sla(ctx, deal)
    stage = named[0] if named else None
    if entered_at is None:
        log.info(
            "sync.stage.superseded tenant=%s deal=%s stage=%s current=%s", ctx.tenant.id, deal.id, stage, deal.stage
        )
        return {"status": "recorded", "stage": stage, "task": None, "sla": sla}
    stage_map = ctx.tenant_ctx.stage_map
    phase = stage_map.phase_for(deal.stage)
    settings = ctx.tenant.settings
    if phase is None or deal.is_closed or not settings.stage_tasks:
        return {"status": "recorded", "stage": deal.stage, "task": None, "sla": sla}
    rubric = load_rubric_or_reference(settings.rubric, settings.language)
    latest = state.latest_scorecard()
    scorecard = Scorecard.from_dict(latest) if latest else None
    subject, body = render_stage_task(
        phase,
        rubric=rubric,
        scorecard=scorecard,
        lang=settings.language,
        stage_label=deal.stage_label or stage_map.label(deal.stage, settings.language) or deal.stage,
    )
    spec = TaskSpec(
        key=f"{ctx.tenant.id}/deal-{deal.id}/stage-{deal.stage}/entered-{_ms(entered_at)}",
        deal_id=deal.id,
        owner_id=deal.owner_id,
        subject=subject,
        body=body,
        due=business_due(ctx.tenant_ctx.calendar, entered_at, 24),
    )
    with deal_lock(ctx.conn, ctx.tenant.id, deal.id) as fence:
        result = Writeback(ctx.conn, ctx.crm, ctx.tenant.id, deal.id, fence=fence).upsert_tasks([spec])[0]
    return {"status": "done", "stage": deal.stage, "phase": phase, "task": result.action, "sla": sla}


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@tenant_job
def handle_activity(event: Event, ctx: JobContext) -> dict[str, Any]:
    """activity.logged (email, meeting, completed task): re-evaluate the SLA rules of the deals it belongs to."""
    deals = ctx.crm.deals_of(event.object_type, event.object_id)
    results = {}
    for deal_id in deals:
        if event.object_type == "meeting":
            record_sla_event(
                ctx.conn,
                ctx.tenant.id,
                deal_id,
                f"meeting-{event.object_id}",
                {"kind": "activity.logged", "type": "meeting", "at": event.occurred_at.isoformat()},
            )
        results[deal_id] = _sla(ctx, ctx.crm.get_deal(deal_id))
    return {"status": "done", "deals": results}


def _sla_owned(action_id: str) -> bool:
    """Next actions that follow-up SLA rules already turn into tasks (with business-hour due times)."""
    return action_id == "send_minutes_email" or action_id.startswith("commitment_")


def sla_context(conn: redis.Redis, tenant: Tenant, crm: Crm) -> SlaContext:
    return SlaContext(conn=conn, crm=crm, tenant_ctx=TenantContext.of(tenant))


def _sla(ctx: JobContext, deal: Deal) -> dict[str, int] | None:
    """Apply the SLA rules to one deal at the job's `now` (read once from the clock seam), when the tenant has them on."""
    if not ctx.tenant.settings.sla_enabled:
        return None
    return run_sla(SlaContext(conn=ctx.conn, crm=ctx.crm, tenant_ctx=ctx.tenant_ctx), deal, now=ctx.now)["applied"]
