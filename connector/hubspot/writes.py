"""Writes to HubSpot: notes, tasks in batches (each input traced so a 207's refusals map back to it), deal fields.

Every write (note create and update, task create and update, deal fields, the deals' SLA status) sends a plain JSON
body, in the fields the SDK's request models serialise to, and reads the JSON answer (`raw_json`): the real SDK still
sends them, but building its models (each with its own `Configuration`) and parsing every answer's timestamps was
75 % of the HubSpot sweep's CPU, and a visible part of a logged call's.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from types import SimpleNamespace
from typing import Any

from connector.base import FatalCrmError
from connector.http import chunks
from connector.hubspot.batch import partial_write, read_batch, unconfirmed
from connector.hubspot.client import BATCH_LIMIT, KEY_PROPERTY, NOTE_TO_DEAL, TASK_TO_DEAL
from connector.hubspot.format import iso_ms
from connector.hubspot.raw import raw_json
from connector.hubspot.records import HubSpotDeals
from connector.marker import find_marker, with_marker
from connector.models import NoteSpec, TaskSpec

log = logging.getLogger("dealcoach.connector.hubspot")


class HubSpotWrites(HubSpotDeals):
    """Notes, tasks and deal fields (a batch create whose answer lacks trace ids reads the deal's markers back)."""

    def create_note(self, spec: NoteSpec) -> str:
        def create(existing: frozenset[str] | None) -> str:
            props = {
                "hs_timestamp": iso_ms(spec.timestamp),
                "hs_note_body": with_marker(spec.body_html, spec.key, html=True),
                **({"hubspot_owner_id": spec.owner_id} if spec.owner_id else {}),
            }
            if existing is None or KEY_PROPERTY in existing:
                props[KEY_PROPERTY] = spec.key
            body = {"properties": props, "associations": [_assoc_json(spec.deal_id, NOTE_TO_DEAL)]}
            # Only the deal link: HubSpot defines no note↔call association type (activities associate to records),
            # so a note→call link would be refused; the note names the call in its title and key instead.
            create = raw_json(self._objects.basic_api.create_with_http_info)
            return str(self._call(create, "notes", body, write=True)["id"])

        return self._with_properties("notes", create)

    def update_note(self, note_id: str, spec: NoteSpec) -> None:
        body = {"properties": {"hs_note_body": with_marker(spec.body_html, spec.key, html=True)}}
        self._call(raw_json(self._objects.basic_api.update_with_http_info), "notes", note_id, body, write=True)

    def create_tasks(self, specs: Sequence[TaskSpec]) -> list[str]:
        """Batch create (≤ 100 per request), each input traced by its key so a 207's refusals map back to it."""
        written: dict[str, str] = {}
        refused: dict[str, str] = {}
        cached = self._cache.peek("props:tasks")
        existing: frozenset[str] | None = frozenset(cached) if cached is not None else None
        for chunk in chunks(list(specs), BATCH_LIMIT):
            try:
                ok, bad = self._create_chunk(chunk, existing)
            except FatalCrmError as exc:
                if existing is not None or exc.status != 400:
                    raise
                existing = self._property_names("tasks")
                ok, bad = self._create_chunk(chunk, existing)
            if existing is None and any(KEY_PROPERTY in reason for reason in bad.values()):
                # The portal lacks DealCoach's key property (HubSpot refuses those inputs one by one, 207): read
                # the property list once and create the refused ones again without it.
                existing = self._property_names("tasks")
                again = [s for s in chunk if s.key in bad]
                bad = {k: v for k, v in bad.items() if k not in {s.key for s in again}}
                more_ok, more_bad = self._create_chunk(again, existing)
                ok, bad = {**ok, **more_ok}, {**bad, **more_bad}
            written.update(ok)
            refused.update(bad)
        missing = {s.key for s in specs} - set(written) - set(refused)
        for deal_id in dict.fromkeys(s.deal_id for s in specs if s.key in missing):
            # An answer without trace ids: read the markers back.
            written.update({m.key: m.id for m in self.list_marked(deal_id=deal_id, kind="task") if m.key in missing})
        refused.update(unconfirmed([s.key for s in specs], written, refused))
        if refused:
            raise partial_write("task(s)", len(specs), {k: v for k, v in written.items() if k not in refused}, refused)
        return [written[s.key] for s in specs]

    def _create_chunk(
        self, chunk: Sequence[TaskSpec], existing: frozenset[str] | None
    ) -> tuple[dict[str, str], dict[str, str]]:
        """One batch create (key → id written, key → reason refused); `existing` None: the key property is sent."""
        inputs = [
            {
                "properties": self._task_props(s, create=True, existing=existing),
                "associations": [_assoc_json(s.deal_id, TASK_TO_DEAL)],
                "objectWriteTraceId": s.key,
            }
            for s in chunk
        ]
        create = raw_json(self._objects.batch_api.create_with_http_info)
        resp = self._call(create, "tasks", {"inputs": inputs}, write=True)
        return read_batch(_batch_answer(resp), self._created_key)

    def _created_key(self, obj: Any) -> str | None:
        p = obj.properties or {}
        return obj.object_write_trace_id or p.get(KEY_PROPERTY) or find_marker(p.get("hs_task_body") or "")

    def _batch_update(
        self, props_by_id: Mapping[str, dict[str, str]], object_type: str = "tasks"
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Batch update records (≤ 100 per request), traced by id; (written id → id, refused id → reason)."""
        written: dict[str, str] = {}
        refused: dict[str, str] = {}
        for chunk in chunks(list(props_by_id), BATCH_LIMIT):
            inputs = [{"id": i, "properties": props_by_id[i], "objectWriteTraceId": i} for i in chunk]
            update = raw_json(self._objects.batch_api.update_with_http_info)
            resp = self._call(update, object_type, {"inputs": inputs}, write=True)
            ok, bad = read_batch(_batch_answer(resp), lambda obj: obj.object_write_trace_id or str(obj.id))
            written.update(ok)
            refused.update(bad)
        refused.update(unconfirmed(props_by_id, written, refused))
        return written, refused

    def update_tasks(self, updates: Mapping[str, TaskSpec]) -> None:
        """Update tasks by id; a task HubSpot refused raises PartialWriteError keyed by the TaskSpec key."""
        # The key was set when the task was created and never changes: an update does not send it.
        written, refused = self._batch_update(
            {i: self._task_props(s, create=False, existing=frozenset()) for i, s in updates.items()}
        )
        if refused:
            raise partial_write(
                "task update(s)",
                len(updates),
                {updates[i].key: i for i in written if i in updates and i not in refused},
                {updates[i].key if i in updates else i: r for i, r in refused.items()},
            )

    def _task_props(self, spec: TaskSpec, *, create: bool, existing: frozenset[str] | None) -> dict[str, str]:
        props = {
            "hs_timestamp": iso_ms(spec.due),
            "hs_task_subject": spec.subject[:255],
            "hs_task_body": with_marker(spec.body, spec.key, html=False),
            "hs_task_priority": spec.priority,
            "hs_task_type": "TODO",
            **({"hubspot_owner_id": spec.owner_id} if spec.owner_id else {}),
        }
        if create or spec.status == "COMPLETED":
            props["hs_task_status"] = spec.status
        if existing is None or KEY_PROPERTY in existing:
            props[KEY_PROPERTY] = spec.key
        return props

    def close_tasks(self, task_ids: Sequence[str]) -> None:
        """Complete tasks by id; one HubSpot refused (missing, archived, invalid) raises PartialWriteError by id."""
        written, refused = self._batch_update({i: {"hs_task_status": "COMPLETED"} for i in dict.fromkeys(task_ids)})
        if refused:
            raise partial_write(
                "task close(s)", len(written) + len(refused), {i: i for i in written if i not in refused}, refused
            )

    def update_deal(self, deal_id: str, fields: Mapping[str, Any]) -> list[str]:
        """Write DealCoach's deal properties that exist in the portal; return the names written."""

        def update(existing: frozenset[str] | None) -> list[str]:
            writable = {k: _property_value(v) for k, v in fields.items() if existing is None or k in existing}
            skipped = sorted(set(fields) - set(writable))
            if skipped:
                log.info("crm.hubspot.deal_properties_missing deal=%s missing=%s", deal_id, ",".join(skipped))
            if writable:
                update = raw_json(self._objects.basic_api.update_with_http_info)
                self._call(update, "deals", deal_id, {"properties": writable}, write=True)
            return sorted(writable)

        return self._with_properties("deals", update)

    def update_deals(self, updates: Mapping[str, Mapping[str, Any]]) -> list[str]:
        """DealCoach's properties on many deals, 100 per batch update (POST /crm/v3/objects/deals/batch/update);
        a deal HubSpot refuses (207) is logged and left out of the answer, to be written by a later run."""

        def update(existing: frozenset[str] | None) -> list[str]:
            props = {
                d: {k: _property_value(v) for k, v in f.items() if existing is None or k in existing}
                for d, f in updates.items()
            }
            props = {d: p for d, p in props.items() if p}
            if not props:
                return []
            written, refused = self._batch_update(props, "deals")
            if refused:
                log.warning("crm.hubspot.deal_updates_refused count=%d", len(refused))
            return sorted(d for d in written if d not in refused)

        return self._with_properties("deals", update)


def _property_value(value: Any) -> str:
    """HubSpot takes every property value as a string; checkboxes are 'true'/'false', a cleared value is ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _assoc_json(deal_id: str, type_id: int) -> dict[str, Any]:
    """A create-time association to the deal, as the SDK's `PublicAssociationsForObject` serialises."""
    return {"to": {"id": deal_id}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}]}


def _batch_answer(data: Mapping[str, Any]) -> SimpleNamespace:
    """A batch answer's JSON (200, 201 or 207) under the SDK model's attribute names, which `read_batch` reads."""
    results = [
        SimpleNamespace(
            id=o.get("id"), object_write_trace_id=o.get("objectWriteTraceId"), properties=o.get("properties")
        )
        for o in data.get("results") or []
    ]
    errors = [
        SimpleNamespace(id=e.get("id"), context=e.get("context"), category=e.get("category"), message=e.get("message"))
        for e in data.get("errors") or []
    ]
    return SimpleNamespace(results=results, errors=errors)
