"""Custom workflow actions in the sandbox portal: a workflow step that calls the app's `actionUrl`, blocks when the
app answers BLOCK, and continues when the app completes the callback (routes in `hubspot_workflow_routes`).

HubSpot (custom workflow actions guide, developers.hubspot.com/docs/api-reference/automation-actions-v4-v4/
custom-action-guide; complete-callback reference .../callbacks/post-automation-v4-actions-callbacks-callbackId-complete):
- the action request is a POST of `callbackId`, `origin` (`portalId`, `actionDefinitionId`,
  `actionDefinitionVersion`), `context` (`source` WORKFLOWS, `workflowId`), `object` (`objectId`, `objectType`)
  and `inputFields`, signed v2 (`X-HubSpot-Signature`, version v2) with the v3 headers alongside;
- an answer whose `outputFields.hs_execution_state` is BLOCK (with an optional ISO 8601 `hs_expiration_duration`,
  default one week) blocks the step until `POST /automation/v4/actions/callbacks/{callbackId}/complete` with
  `outputFields` (`hs_execution_state` SUCCESS or FAIL_CONTINUE plus the action's output fields) → 204.
**[approx]**: the answers for an unknown or already completed callback (404 / 400 in HubSpot's error shape) and
the action request timeout (`workflow_action_timeout_s`, 20 s) are the sandbox's own.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from .hubspot_config import HubSpotSandboxConfig
from .signing import hubspot_v3_headers

ACTION_TIMEOUT_S = 20.0
FINAL_STATES = ("SUCCESS", "FAIL_CONTINUE")


@dataclass
class Execution:
    callback_id: str
    deal_id: str
    state: str  # SENT, BLOCKED, COMPLETED, FAILED
    request: dict[str, Any]
    response_status: int | None = None
    response: dict[str, Any] | None = None
    expiration: str | None = None
    output_fields: dict[str, Any] = field(default_factory=dict)


class WorkflowRunner:
    """Executions of the app's custom action, by callback id."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._executions: dict[str, Execution] = {}
            self._seq = 0

    def execute(self, action_url: str, deal_id: str, input_fields: dict[str, Any]) -> Execution:
        """Run the action once for a deal: send the signed request and record what the app answered."""
        with self._lock:
            self._seq += 1
            seq = self._seq
        callback = f"ap-{self.config.app_id}-{self.config.portal_id}-{seq}-{secrets.token_hex(4)}"
        payload = {
            "callbackId": callback,
            "origin": {"portalId": self.config.portal_id, "actionDefinitionId": 1, "actionDefinitionVersion": 1},
            "context": {"source": "WORKFLOWS", "workflowId": 1},
            "object": {"objectId": int(deal_id), "objectType": "DEAL"},
            "inputFields": input_fields,
        }
        body = json.dumps(payload).encode()
        secret = self.config.client_secret
        headers = hubspot_v3_headers(body, secret, action_url)
        headers["X-HubSpot-Signature"] = _v2(body, secret, "POST", action_url)
        headers["X-HubSpot-Signature-Version"] = "v2"
        execution = Execution(callback, deal_id, "SENT", payload)
        with self._lock:
            self._executions[callback] = execution
        try:
            resp = requests.post(action_url, data=body, headers=headers, timeout=ACTION_TIMEOUT_S)
        except requests.RequestException:
            execution.state = "FAILED"
            return execution
        execution.response_status = resp.status_code
        try:
            execution.response = resp.json()
        except ValueError:
            execution.response = None
        out = (execution.response or {}).get("outputFields") or {}
        if not resp.ok:
            execution.state = "FAILED"
        elif out.get("hs_execution_state") == "BLOCK":
            execution.state, execution.expiration = "BLOCKED", out.get("hs_expiration_duration", "P1W")
        else:
            execution.state, execution.output_fields = "COMPLETED", dict(out)
        return execution

    def complete(self, callback_id: str, output_fields: dict[str, Any]) -> str | None:
        """Unblock a step; returns why it cannot be (unknown, not blocked, bad state), None when done."""
        with self._lock:
            execution = self._executions.get(callback_id)
            if execution is None:
                return "unknown"
            if execution.state != "BLOCKED":
                return "not_blocked"
            if output_fields.get("hs_execution_state") not in FINAL_STATES:
                return "bad_state"
            execution.state, execution.output_fields = "COMPLETED", dict(output_fields)
            return None

    def all(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(e) for e in self._executions.values()]


def _v2(body: bytes, secret: str, method: str, uri: str) -> str:
    """HubSpot's v2 signature: SHA-256 hex of client secret + method + URI + body."""
    return hashlib.sha256(secret.encode() + method.encode() + uri.encode() + body).hexdigest()
