"""What a scored call writes back: the scorecard note, the transcript or problem note, next-action tasks (the deal's
obligations keyed by the deal, the call's own actions keyed by the call) and the deal fields, under the deal lock."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import json
import logging
from datetime import UTC, datetime
from typing import Any, cast

from connector.check_code_field import CHECKS_CODE
from connector.models import CallRef, Deal, NoteSpec, TaskSpec
from scoring.followup import DEAL_OBLIGATIONS
from scoring.render import render_next_action_task, render_note_html
from scoring.rubric import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from sync.check_code import checks_code
from sync.coaching_fields import coaching_fields
from sync.deal_view import DealView
from sync.job_context import JobContext
from sync.sla.business_calendar import BusinessCalendar
from sync.sla.status import remember_written, sla_status, status_update
from sync.state import DealState
from sync.writeback import DealLock, Writeback, deal_lock

log = logging.getLogger("dealcoach.sync.jobs")

NOTE_BUDGET = 60_000


BANT_LETTERS = (("budget", "B"), ("authority", "A"), ("need", "N"), ("timeline", "T"))


CALL_DONE = "dealcoach:calldone:{}:{}"
CALL_FILE = "dealcoach:callfile:{}:{}"
CALL_DONE_TTL_S = 30 * 24 * 3600


def settings_hash(ctx: JobContext) -> str:
    parts = [dataclasses.asdict(ctx.tenant.settings), ctx.runtime.scorer_mode(ctx.tenant)]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _files(ids: Any) -> list[str]:
    return sorted(i.strip() for i in str(ids or "").split(";") if i.strip())


def _call_done_record(ctx: JobContext, call: CallRef) -> dict[str, Any]:
    """What a call's results depend on besides its words: its files, recording, deals and the tenant's settings."""
    return {
        "files": sorted(a.id for a in call.attachments),
        "recording": call.recording_url or "",
        "deals": sorted(call.deal_ids),
        "settings": settings_hash(ctx),
    }


def _done(ctx: JobContext, call_id: str) -> dict[str, Any] | None:
    raw = cast(bytes | None, ctx.conn.get(CALL_DONE.format(ctx.tenant.id, call_id)))
    try:
        return dict(json.loads(raw)) if raw else None
    except (ValueError, TypeError):
        return None


def call_already_done(ctx: JobContext, call: CallRef) -> bool:
    """True when this call, with the same files, recording, deals and settings, was fully written back already."""
    return _done(ctx, call.id) == _call_done_record(ctx, call)


def event_already_done(ctx: JobContext, call_id: str, object_type: str, data: dict[str, Any]) -> bool:
    """A change of a call's files or recording (HubSpot names the new value in the event), or a file (Salesforce
    announces a call's file apart from its Task), that the call's last full write-back already had: known without
    reading the call."""
    if object_type == "file":
        owner = cast(bytes | None, ctx.conn.get(CALL_FILE.format(ctx.tenant.id, call_id)))
        done = _done(ctx, owner.decode()) if owner else None
        return done is not None and done.get("settings") == settings_hash(ctx) and call_id in done.get("files", [])
    done = _done(ctx, call_id)
    if done is None or done.get("settings") != settings_hash(ctx):
        return False
    name, value = data.get("property_name"), data.get("property_value")
    if name == "hs_attachment_ids":
        return bool(done.get("files")) and done.get("files") == _files(value)
    if name == "hs_call_recording_url":
        return bool(value) and done.get("recording") == value
    return False


def mark_call_done(ctx: JobContext, call: CallRef) -> None:
    """Remember that every deal of this call was written back (only after the last write succeeded)."""
    record = json.dumps(_call_done_record(ctx, call), sort_keys=True)
    pipe = ctx.conn.pipeline(transaction=True)
    pipe.set(CALL_DONE.format(ctx.tenant.id, call.id), record, ex=CALL_DONE_TTL_S)
    for attachment in call.attachments:
        pipe.set(CALL_FILE.format(ctx.tenant.id, attachment.id), call.id, ex=CALL_DONE_TTL_S)
    pipe.execute()


def write_problem_note(ctx: JobContext, call: CallRef, message: str) -> None:
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


def transcript_note(ctx: JobContext, deal: Deal, call: CallRef, transcript: Transcript) -> NoteSpec:
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


def write_call_results(
    ctx: JobContext,
    deal: Deal,
    call: CallRef,
    call_at: datetime,
    scorecard: Scorecard,
    rubric: Rubric,
    *,
    fence: DealLock,
    view: DealView,
    transcript: Transcript | None = None,
) -> tuple[dict[str, Any], list[TaskSpec], dict[str, Any]]:
    """Note and obligations settled of one scored call, inside the deal lock the caller holds; returns the results,
    the next-action tasks (the caller writes them in the SLA plan's batch) and the deal fields to write (none when
    unchanged or when a newer call already spoke for the deal), which the caller writes after the plan
    (`write_deal_fields`)."""
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
    wb = Writeback(ctx.conn, ctx.crm, tenant.id, deal.id, fence=fence, view=view)
    note_result = wb.upsert_note(note)
    if transcript is not None:
        wb.upsert_note(transcript_note(ctx, deal, call, transcript))
    # Only the deal's newest call speaks for the deal's obligations; a call scored late leaves them alone.
    newest = state.save_scorecard_if_newer(scorecard.to_dict(), call_at, call.id)
    tasks = call_tasks + (deal_tasks if newest else [])
    if newest and settings.next_action_tasks:
        asked = {spec.key for spec in deal_tasks}
        done = [_obligation_key(tenant.id, deal.id, a) for a in sorted(DEAL_OBLIGATIONS)]
        # Only obligations DealCoach wrote (its Redis map knows them) can be open: no CRM read otherwise.
        closed = wb.close_tasks([key for key in wb.written(done) if key not in asked])
    wanted = deal_fields(scorecard, call_at)
    if ctx.crm.provider != "salesforce":
        wanted.pop(CHECKS_CODE)  # HubSpot keeps long-text history: the compact code is for Salesforce's report only
    if not newest or state.fields_unchanged(wanted):
        wanted = {}
    if not newest:
        log.info("sync.deal.fields_kept_newer tenant=%s deal=%s call=%s", tenant.id, deal.id, call.id)
    return (
        {
            "note": note_result.action,
            "obligations_closed": closed,
            "deal_fields": [],
            "overall": scorecard.overall,
        },
        tasks,
        wanted,
    )


def write_deal_fields(
    ctx: JobContext, deal: Deal, wanted: dict[str, Any], *, view: DealView, fence: DealLock
) -> list[str]:
    """The scored call's deal fields and the SLA status (when it changed), in the one deal write the job makes
    after its SLA plan: the status costs no request of its own. Nothing to write, no request."""
    tenant = ctx.tenant.id
    update = dict(wanted)
    if ctx.tenant.settings.sla_enabled:
        update.update(status_update(ctx.conn, tenant, deal.id, sla_status(view.tasks(), ctx.now)))
    if not update:
        return []
    fence.check()
    written = ctx.crm.update_deal(deal.id, update)
    if wanted:
        DealState(ctx.conn, tenant, deal.id).remember_fields(wanted)
    remember_written(ctx.conn, tenant, deal.id, update)
    return written


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
        **coaching_fields(scorecard),
        CHECKS_CODE: checks_code(scorecard),
    }


def _sla_owned(action_id: str) -> bool:
    """Next actions that follow-up SLA rules already turn into tasks (with business-hour due times)."""
    return action_id == "send_minutes_email" or action_id.startswith("commitment_")
