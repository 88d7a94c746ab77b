"""Routes of the sandbox's custom workflow actions (behaviour and sources in `hubspot_workflow`)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response

from .hubspot_errors import ApiError
from .hubspot_state import current, json_body

bp = Blueprint("hubspot_workflow", __name__)

_WHY = {
    "unknown": (404, "OBJECT_NOT_FOUND", "No blocked action execution with this callbackId"),
    "not_blocked": (400, "VALIDATION_ERROR", "The action execution for this callbackId is not blocked"),
    "bad_state": (400, "VALIDATION_ERROR", "outputFields.hs_execution_state must be SUCCESS or FAIL_CONTINUE"),
}


@bp.post("/automation/v4/actions/callbacks/<callback_id>/complete")
def complete(callback_id: str) -> Response:
    """Complete a blocked action execution (the app's token; 204)."""
    body = json_body()
    fields = body.get("outputFields")
    if not isinstance(fields, dict):
        raise ApiError(400, "VALIDATION_ERROR", "outputFields is required")
    why = current().workflows.complete(callback_id, fields)
    if why is not None:
        status, category, message = _WHY[why]
        raise ApiError(status, category, message)
    return Response(status=204)


@bp.post("/_sandbox/workflow/execute")
def execute() -> dict[str, Any]:
    """Control API: a workflow reaches the app's action for a deal, `{"action_url", "deal_id", "input_fields"}`."""
    body = json_body()
    execution = current().workflows.execute(
        str(body["action_url"]), str(body["deal_id"]), dict(body.get("input_fields") or {})
    )
    return asdict(execution)


@bp.get("/_sandbox/workflow/executions")
def executions() -> dict[str, Any]:
    """Control API: every execution with its state (SENT, BLOCKED, COMPLETED, FAILED) and output fields."""
    return {"results": current().workflows.all()}
