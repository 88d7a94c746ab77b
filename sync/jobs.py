"""RQ job functions: orchestrate connector, scoring and writeback for one normalized event (the context they run
in is `sync/job_context.py`, what a scored call writes is `sync/call_results.py`).

A job returns a small summary or raises: retryable CRM errors go back to RQ's retry schedule,
fatal ones land in the failed registry with their reason. Nothing here parses vendor JSON.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any, cast

from connector.models import (
    ActivityRef,
    Attachment,
    CallRef,
    Deal,
    Event,
    TaskSpec,
)
from scoring.render import render_stage_task
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.scorer import score_call
from scoring.transcript import TranscriptError, parse_transcript
from sync.call_results import (
    business_due,
    call_already_done,
    event_already_done,
    mark_call_done,
    settings_hash,
    write_call_results,
    write_deal_fields,
    write_problem_note,
)
from sync.deal_view import DealView, read_deal
from sync.job_context import JobContext, tenant_job, write_with_sla
from sync.recording import transcribe_call
from sync.sla.apply import known_calls, record_sla_event
from sync.state import DealState, StageEntry
from sync.writeback import deal_lock

log = logging.getLogger("dealcoach.sync.jobs")

TRANSCRIPT_EXTENSIONS = ("vtt", "srt", "json", "txt")
MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024


def _transcript_attachment(call: CallRef) -> Attachment | None:
    candidates = [a for a in call.attachments if a.extension in TRANSCRIPT_EXTENSIONS]
    return candidates[-1] if candidates else None


@tenant_job
def process_call(event: Event, ctx: JobContext) -> dict[str, Any]:
    """call.logged: fetch the transcript, score it, write note, deal fields and next-action tasks."""
    if event_already_done(ctx, event.object_id, event.object_type, event.data):
        log.info("sync.call.already_done tenant=%s call=%s", event.tenant, event.object_id)
        return {"status": "skipped", "reason": "already_done"}
    call = ctx.crm.get_call(event.object_id, object_type=event.object_type)
    if not call.deal_ids:
        log.info("sync.call.no_deal tenant=%s call=%s", event.tenant, call.id)
        return {"status": "skipped", "reason": "no_deal"}
    if call_already_done(ctx, call):
        # A call announced twice (created with its file: HubSpot's creation and attachment events; Salesforce's Task
        # and file notifications): the first job wrote everything, the second would only find it unchanged.
        log.info("sync.call.already_done tenant=%s call=%s", event.tenant, call.id)
        return {"status": "skipped", "reason": "already_done"}
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
                write_problem_note(ctx, call, outcome.note)
            return {"status": "skipped", "reason": outcome.reason}
        transcript, speech = outcome.transcript, outcome.speech
    else:
        raw = ctx.crm.download_attachment(attachment.id, max_bytes=MAX_TRANSCRIPT_BYTES)
        try:
            transcript = parse_transcript(raw, filename=attachment.name or f"transcript.{attachment.extension}")
        except TranscriptError as exc:
            log.warning("sync.call.transcript_unreadable tenant=%s call=%s reason=%s", event.tenant, call.id, exc)
            write_problem_note(
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
        # One read of the deal with its records, before scoring; re-read inside the lock only if a job wrote since.
        known = {**known_calls(ctx.conn, ctx.tenant.id, deal_id), call.id: ActivityRef("call", call_at, call.title)}
        read = read_deal(ctx.conn, ctx.crm, ctx.tenant.id, deal_id, known_calls=known)
        deal = read[0]
        scorecard = score_call(
            transcript,
            rubric=rubric,
            mode=ctx.runtime.scorer_mode(ctx.tenant),
            rep=deal.owner_name,
            stage_phase=stage_map.phase_for(deal.stage),
            llm=ctx.runtime.llm(ctx.conn, tenant=ctx.tenant.id, restore_pii=settings.restore_pii_in_note),
            redact_pii=settings.redact_pii,
            call_date=call_at.date(),
        )
        if speech is not None:
            scorecard = dataclasses.replace(scorecard, extra={**scorecard.extra, "speech": speech})
        card = scorecard.to_dict()
        # The transcript's length gives the end; a call logged as it ended cannot end in the future.
        ended = min(call_at + timedelta(seconds=float(card["metrics"].get("duration_s") or 0)), ctx.now)
        # One lock hold and one read of the deal's records for the call's writes and the SLA plan.
        with deal_lock(ctx.conn, ctx.tenant.id, deal.id) as fence:
            view = DealView.of(ctx.conn, ctx.crm, ctx.tenant.id, read, known_calls=known)
            results, tasks, wanted = write_call_results(
                ctx,
                deal,
                call,
                call_at,
                scorecard,
                rubric,
                fence=fence,
                view=view,
                transcript=transcript if speech is not None else None,
            )
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
            results["sla"], actions = write_with_sla(ctx, deal, tasks, fence=fence, view=view)
            results["tasks"] = {key.rsplit("/", 1)[-1]: action for key, action in actions.items()}
            results["deal_fields"] = write_deal_fields(ctx, deal, wanted, view=view, fence=fence)
        written["deals"][deal_id] = results
    mark_call_done(ctx, call)
    return written


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
    if _entry_already_done(ctx, event):
        log.info("sync.stage.already_done tenant=%s deal=%s", ctx.tenant.id, event.object_id)
        return {"status": "skipped", "reason": "already_done"}
    known = known_calls(ctx.conn, ctx.tenant.id, event.object_id)
    read = read_deal(ctx.conn, ctx.crm, ctx.tenant.id, event.object_id, known_calls=known)
    deal = read[0]
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
    spec = _stage_task(ctx, deal, state, entered_at)
    # One lock hold and one read of the deal's records for the SLA plan and the stage task.
    with deal_lock(ctx.conn, ctx.tenant.id, deal.id) as fence:
        view = DealView.of(ctx.conn, ctx.crm, ctx.tenant.id, read, known_calls=known)
        sla, written = write_with_sla(ctx, deal, [spec] if spec is not None else [], fence=fence, view=view)
    if entry is not None and entered_at is not None:
        ctx.conn.set(STAGE_DONE.format(ctx.tenant.id, deal.id), _entry_id(ctx, entry), ex=STAGE_DONE_TTL_S)
    result = written.get(spec.key) if spec is not None else None
    stage = named[0] if named else None
    if entered_at is None:
        log.info(
            "sync.stage.superseded tenant=%s deal=%s stage=%s current=%s", ctx.tenant.id, deal.id, stage, deal.stage
        )
        return {"status": "recorded", "stage": stage, "task": None, "sla": sla}
    if result is None:
        return {"status": "recorded", "stage": deal.stage, "task": None, "sla": sla}
    phase = ctx.tenant_ctx.stage_map.phase_for(deal.stage)
    return {"status": "done", "stage": deal.stage, "phase": phase, "task": result, "sla": sla}


STAGE_DONE = "dealcoach:deal:{}:{}:stagedone"
STAGE_DONE_TTL_S = 30 * 24 * 3600


def _entry_id(ctx: JobContext, entry: StageEntry) -> str:
    """The entry and the tenant's settings it was handled with (a settings change makes the next event act)."""
    return f"{entry.stage}|{_ms(entry.at)}|{settings_hash(ctx)}"


def _entry_already_done(ctx: JobContext, event: Event) -> bool:
    """A stage change that names an entry whose job already finished with the same settings (HubSpot sends a new
    deal's creation and its initial `dealstage` as two events): the observation is recorded, nothing is read or
    written again."""
    named = event.data.get("property_value")
    if not named:
        return False
    done = cast(bytes | None, ctx.conn.get(STAGE_DONE.format(ctx.tenant.id, event.object_id)))
    if done is None:
        return False
    entry = DealState(ctx.conn, ctx.tenant.id, event.object_id).record_stage_entry(
        str(named), event.occurred_at, event.event_id
    )
    return entry is not None and done.decode() == _entry_id(ctx, entry)


def _stage_task(ctx: JobContext, deal: Deal, state: DealState, entered_at: datetime | None) -> TaskSpec | None:
    """The coaching task for a new entry of the deal's current stage, when the stage maps to a phase and is open."""
    if entered_at is None:
        return None
    stage_map = ctx.tenant_ctx.stage_map
    phase = stage_map.phase_for(deal.stage)
    settings = ctx.tenant.settings
    if phase is None or deal.is_closed or not settings.stage_tasks:
        return None
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
    return TaskSpec(
        key=f"{ctx.tenant.id}/deal-{deal.id}/stage-{deal.stage}/entered-{_ms(entered_at)}",
        deal_id=deal.id,
        owner_id=deal.owner_id,
        subject=subject,
        body=body,
        due=business_due(ctx.tenant_ctx.calendar, entered_at, 24),
    )


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


@tenant_job
def handle_activity(event: Event, ctx: JobContext) -> dict[str, Any]:
    """activity.logged (email, meeting, completed task): re-evaluate the SLA rules of the deals it belongs to."""
    deals = ctx.crm.deals_of(event.object_type, event.object_id)
    results: dict[str, dict[str, int] | None] = {}
    for deal_id in deals:
        if event.object_type == "meeting":
            record_sla_event(
                ctx.conn,
                ctx.tenant.id,
                deal_id,
                f"meeting-{event.object_id}",
                {"kind": "activity.logged", "type": "meeting", "at": event.occurred_at.isoformat()},
            )
        if not ctx.tenant.settings.sla_enabled:
            results[deal_id] = None
            continue
        known = known_calls(ctx.conn, ctx.tenant.id, deal_id)
        read = read_deal(ctx.conn, ctx.crm, ctx.tenant.id, deal_id, known_calls=known)
        with deal_lock(ctx.conn, ctx.tenant.id, deal_id) as fence:
            view = DealView.of(ctx.conn, ctx.crm, ctx.tenant.id, read, known_calls=known)
            # No deal write here: the SLA status goes with the next call's deal write, or the sweep's batch.
            results[deal_id] = write_with_sla(ctx, read[0], [], fence=fence, view=view)[0]
    return {"status": "done", "deals": results}
