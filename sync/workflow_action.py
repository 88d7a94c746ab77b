"""The "DealCoach: coach this deal now" workflow action, after the webhook queued it: re-evaluate the deal (stage
coaching task, SLA tasks) like a stage change would, then complete HubSpot's blocked workflow step through the
callback-completion API (`POST /automation/v4/actions/callbacks/{callbackId}/complete`, hubspot-api-client
`client.automation.actions.callbacks_api.complete`) with the outcome in the action's output fields.

A fatal error completes the step with `hs_execution_state` FAIL_CONTINUE (the workflow goes on, the outcome says
`failed`); a retryable one leaves the step blocked and goes back to RQ's schedule, well inside the one-day
`hs_expiration_duration` the webhook answered with.
"""

from __future__ import annotations

import logging
from typing import Any

from hubspot import HubSpot
from hubspot.automation.actions import CallbackCompletionRequest
from urllib3.util.retry import Retry

from connector.base import FatalCrmError, RetryableCrmError
from connector.http import classify_status, is_transport_error
from connector.models import Event
from sync.job_context import JobContext, tenant_job
from sync.jobs import handle_stage_change
from sync.state import DealState

log = logging.getLogger("dealcoach.sync.workflow_action")

KIND = "workflow.action"
OUTPUT_FIELDS = ("dealcoach_outcome", "dealcoach_tasks_created", "dealcoach_score", "dealcoach_phase")
_NO_RETRY = Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False)


def complete_callback(access_token: str, api_base: str, callback_id: str, output: dict[str, str]) -> None:
    """Unblock HubSpot's workflow step with these output fields (values are strings on the wire)."""
    base = api_base.rstrip("/")
    client = HubSpot(access_token=access_token, host=base, base_url=base, retry=_NO_RETRY)
    try:
        client.automation.actions.callbacks_api.complete(
            callback_id, CallbackCompletionRequest(output_fields=output), _request_timeout=(5, 20)
        )
    except Exception as exc:
        status = getattr(exc, "status", None)
        if isinstance(status, int) and status > 0:
            raise classify_status(status, getattr(exc, "headers", None), f"callback completion {status}") from exc
        if is_transport_error(exc):
            raise RetryableCrmError("HubSpot unreachable while completing a callback") from exc
        raise


def _coach(event: Event, ctx: JobContext) -> dict[str, str]:
    deal = ctx.crm.get_deal(event.object_id)
    stage_event = Event(
        "deal.stage_changed",
        event.tenant,
        f"workflow-{event.event_id}",
        deal.id,
        event.occurred_at,
        data={"property_name": "dealstage", "property_value": deal.stage},
    )
    result = handle_stage_change.__wrapped__(stage_event, ctx)  # type: ignore[attr-defined]
    created = int(result.get("task") == "created") + int((result.get("sla") or {}).get("created", 0))
    card = DealState(ctx.conn, ctx.tenant.id, deal.id).latest_scorecard() or {}
    phase = ctx.tenant_ctx.stage_map.phase_for(deal.stage) or ""
    return {
        "hs_execution_state": "SUCCESS",
        "dealcoach_outcome": "coached" if created else "nothing_to_do",
        "dealcoach_tasks_created": str(created),
        "dealcoach_score": "" if card.get("overall") is None else str(card["overall"]),
        "dealcoach_phase": phase,
    }


@tenant_job
def run_workflow_action(event: Event, ctx: JobContext) -> dict[str, Any]:
    """Coach the enrolled deal, then complete the workflow's callback with the outcome."""
    callback_id = str(event.data["callback_id"])
    try:
        output = _coach(event, ctx)
    except RetryableCrmError:
        raise
    except FatalCrmError as exc:
        log.error("sync.workflow.failed tenant=%s deal=%s slug=%s", event.tenant, event.object_id, exc.slug)
        output = {"hs_execution_state": "FAIL_CONTINUE", "dealcoach_outcome": "failed", "dealcoach_tasks_created": "0",
                  "dealcoach_score": "", "dealcoach_phase": ""}  # fmt: skip
    token = _access_token(ctx)
    complete_callback(token, ctx.tenant.credentials.get("api_base") or "https://api.hubapi.com", callback_id, output)
    log.info("sync.workflow.completed tenant=%s deal=%s outcome=%s", event.tenant, event.object_id,
             output["dealcoach_outcome"])  # fmt: skip
    return {"status": "completed", **{k: output[k] for k in ("hs_execution_state", *OUTPUT_FIELDS)}}


def _access_token(ctx: JobContext) -> str:
    provider = ctx.runtime.token_provider(ctx.tenant)
    if provider is not None:
        return provider()
    token = ctx.tenant.credentials.get("access_token")
    if not token:
        raise FatalCrmError("the tenant has no HubSpot token")
    return token
