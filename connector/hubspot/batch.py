"""Reading HubSpot batch write answers: which inputs were written and which were refused (a 207 multi-status).

hubspot-api-client maps a 207 to `BatchResponseSimplePublicObjectWithErrors` (`batch_api.create/update`
`response_types_map`); each error is a `StandardError` whose `context` names the refused inputs: by
`objectWriteTraceId` when the inputs carried one (developers.hubspot.com/docs/api-reference/error-handling,
"Multi-status errors"), or by `ids` for ids HubSpot could not find. DealCoach sends a trace id on every input (the
idempotency key on create, the task id on update), so every error maps back to its input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from connector.base import PartialWriteError

# Per-record categories a later retry can fix, as their HTTP statuses are for `connector.http.classify_status`
# (429, 5xx, 409); anything else (VALIDATION_ERROR, OBJECT_NOT_FOUND…) cannot.
RETRYABLE_CATEGORIES = frozenset({"RATE_LIMITS", "INTERNAL_ERROR", "CONFLICT"})
UNCONFIRMED = "UNCONFIRMED"


def read_batch(resp: Any, ref_of: Callable[[Any], str | None]) -> tuple[dict[str, str], dict[str, str]]:
    """(written: input ref → CRM id, refused: input ref → "CATEGORY: message") of one batch answer."""
    written: dict[str, str] = {}
    for obj in getattr(resp, "results", None) or []:
        ref = ref_of(obj)
        if ref:
            written[ref] = str(obj.id)
    refused: dict[str, str] = {}
    for err in getattr(resp, "errors", None) or []:
        context = err.context or {}
        refs = [*context.get("objectWriteTraceId", []), *context.get("ids", []), *context.get("id", [])]
        if getattr(err, "id", None):
            refs.append(str(err.id))
        for ref in refs:
            refused[str(ref)] = f"{err.category or 'ERROR'}: {err.message or ''}"[:300]
    return written, refused


def unconfirmed(refs: Iterable[str], written: Mapping[str, str], refused: Mapping[str, str]) -> dict[str, str]:
    """Inputs HubSpot's answer neither wrote nor refused: not counted as written."""
    return {r: f"{UNCONFIRMED}: not in HubSpot's batch answer" for r in refs if r not in written and r not in refused}


def partial_write(what: str, total: int, created: Mapping[str, str], failed: Mapping[str, str]) -> PartialWriteError:
    """The error jobs get when some records of a batch were written and others not; retryable only if every
    refusal is of a kind a retry can fix."""
    retryable = all(reason.split(":", 1)[0] in RETRYABLE_CATEGORIES for reason in failed.values())
    return PartialWriteError(
        f"HubSpot refused {len(failed)} of {total} {what}: {next(iter(failed.values()))}",
        created=created,
        failed=failed,
        retryable=retryable,
    )
