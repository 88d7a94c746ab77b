"""Writes to Salesforce: Tasks through sObject Collections (200 a request, every result checked), notes as one
composite request with their links, deal fields the integration user may edit."""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

from simple_salesforce import Salesforce

from connector.base import FatalCrmError, PartialWriteError, RetryableCrmError
from connector.http import chunks
from connector.models import NoteSpec, TaskSpec
from connector.salesforce.client import (
    API_VERSION,
    COLLECTION_LIMIT,
    DEAL_FIELDS,
    KEY_FIELD,
    PRIORITY,
    TIMEOUT,
    SalesforceClient,
    _composite_error,
    _note_content,
    _note_parents,
    _soql_ids,
    sobject,
)
from connector.salesforce.ids import key_prefix, to_18
from connector.salesforce.tasks import Owner, User, choose_owner, task_description

log = logging.getLogger("dealcoach.connector.salesforce")


class SalesforceWrites(SalesforceClient):
    """Tasks, notes and deal fields."""

    @staticmethod
    def _composite(sf: Salesforce, *, method: str, records: list[dict[str, Any]]) -> Any:
        return sf.restful(
            "composite/sobjects", method=method, timeout=TIMEOUT, json={"allOrNone": False, "records": records}
        )

    def _collection(self, method: str, records: list[dict[str, Any]], *, keys: Sequence[str]) -> dict[str, str]:
        """composite/sobjects in chunks of 200 with allOrNone=false; every record's result is checked."""
        created: dict[str, str] = {}
        failed: dict[str, str] = {}
        for chunk, chunk_keys in zip(
            chunks(records, COLLECTION_LIMIT), chunks(list(keys), COLLECTION_LIMIT), strict=False
        ):
            results = self._call(functools.partial(self._composite, method=method, records=chunk), write=True)
            for key, record, result in zip(chunk_keys, chunk, results or [], strict=False):
                if result.get("success"):
                    created[key] = result.get("id") or record.get("id", "")
                else:
                    errors = result.get("errors") or [{}]
                    failed[key] = f"{errors[0].get('statusCode', '')}: {errors[0].get('message', '')}"[:300]
        if failed:
            retryable = all(
                reason.split(":", 1)[0] in ("UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED", "")
                for reason in failed.values()
            )
            raise PartialWriteError(
                f"Salesforce refused {len(failed)} of {len(records)} record(s): {next(iter(failed.values()))}",
                created=created,
                failed=failed,
                retryable=retryable,
            )
        return created

    def _users(self, ids: set[str]) -> dict[str, User]:
        """Users by id (name, active, manager), each read once per cache period."""
        missing = [i for i in ids if self._cache.peek(f"owner:{i}") is None]
        if missing:
            for r in self._query(f"SELECT Id, Name, IsActive, ManagerId FROM User WHERE Id IN ({_soql_ids(missing)})"):
                row = [r["Id"], r.get("Name") or r["Id"], bool(r.get("IsActive")), r.get("ManagerId")]
                self._cache.put(f"owner:{to_18(r['Id'])}", row)
        return {i: User(*u) for i in ids if (u := self._cache.peek(f"owner:{i}")) is not None}

    def _owners(self, specs: Sequence[TaskSpec]) -> dict[str, Owner]:
        """Owner id in the specs → who actually gets the task (inactive owners go to their manager or to us)."""
        ids = {to_18(s.owner_id) for s in specs if s.owner_id and key_prefix(s.owner_id) == "005"}
        users = self._users(ids)
        managers = self._users({u.manager_id for u in users.values() if not u.active and u.manager_id})
        return {i: choose_owner(u, managers.get(u.manager_id or ""), language=self.language) for i, u in users.items()}

    def _task_record(self, spec: TaskSpec, *, create: bool, owners: Mapping[str, Owner]) -> dict[str, Any]:
        due_local = spec.due.astimezone(self.tz)
        owner = owners.get(to_18(spec.owner_id)) if spec.owner_id and key_prefix(spec.owner_id) == "005" else None
        record: dict[str, Any] = {
            "attributes": {"type": "Task"},
            "Subject": spec.subject[:255],
            "Description": task_description(spec.body, spec.key, note=owner.note if owner else ""),
            "ActivityDate": due_local.date().isoformat(),
            # ActivityDate is a date; the hour-level due time rides on the reminder.
            "ReminderDateTime": spec.due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "IsReminderSet": True,
            "Priority": PRIORITY[spec.priority],
        }
        if owner is not None and owner.id:
            record["OwnerId"] = owner.id
        if create:
            record.update(
                {"WhatId": to_18(spec.deal_id), "Status": "Completed" if spec.status == "COMPLETED" else "Not Started"}
            )
            if KEY_FIELD in self._fields("Task"):
                record[KEY_FIELD] = spec.key[:255]
        elif spec.status == "COMPLETED":
            record["Status"] = "Completed"
        return record

    def create_tasks(self, specs: Sequence[TaskSpec]) -> list[str]:
        owners = self._owners(specs)
        records = [self._writable("Task", self._task_record(s, create=True, owners=owners), create=True) for s in specs]
        created = self._collection("POST", records, keys=[s.key for s in specs])
        return [created[s.key] for s in specs]

    def update_tasks(self, updates: Mapping[str, TaskSpec]) -> None:
        owners = self._owners(list(updates.values()))
        records = [
            self._writable(
                "Task", {**self._task_record(s, create=False, owners=owners), "id": to_18(task_id)}, create=False
            )
            for task_id, s in updates.items()
        ]
        self._collection("PATCH", records, keys=[s.key for s in updates.values()])

    def create_note(self, spec: NoteSpec) -> str:
        """The ContentNote and its links in one composite request, all or none: a worker that dies or a link that is
        refused leaves no unlinked note (which the marker scan, reading the deal's links, could not find, so the retry
        would write a second note). https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
        """
        base = f"/services/data/v{API_VERSION}/sobjects"
        subrequests: list[dict[str, Any]] = [
            {
                "method": "POST",
                "url": f"{base}/ContentNote",
                "referenceId": "note",
                "body": {"Title": (spec.title or "DealCoach scorecard")[:255], "Content": _note_content(spec)},
            }
        ]
        for i, parent in enumerate(_note_parents(spec)):
            subrequests.append(
                {
                    "method": "POST",
                    "url": f"{base}/ContentDocumentLink",
                    "referenceId": f"link{i}",
                    "body": {
                        "ContentDocumentId": "@{note.id}",
                        "LinkedEntityId": parent,
                        "ShareType": "V",
                        "Visibility": "AllUsers",
                    },
                }
            )
        body = {"allOrNone": True, "compositeRequest": subrequests}
        answer = self._call(lambda sf: sf.restful("composite", method="POST", timeout=TIMEOUT, json=body), write=True)
        results = (answer or {}).get("compositeResponse") or []
        refused = [_composite_error(r) for r in results if int(r.get("httpStatusCode") or 500) >= 400]
        reasons = [r for r in refused if not r.startswith("PROCESSING_HALTED")] or refused
        if reasons or len(results) != len(subrequests):
            reason = reasons[0] if reasons else "incomplete composite answer"
            if reason.split(":", 1)[0] in ("UNABLE_TO_LOCK_ROW", "REQUEST_LIMIT_EXCEEDED"):
                raise RetryableCrmError(f"Salesforce refused the note: {reason}", retry_after=5)
            raise FatalCrmError(f"Salesforce refused the note: {reason}")
        return str(results[0]["body"]["id"])

    def _link_note(self, note_id: str, spec: NoteSpec, parents: Sequence[str]) -> None:
        """Link the note to `parents` in one composite request; a link another run made meanwhile is no failure."""
        links = [
            {
                "attributes": {"type": "ContentDocumentLink"},
                "ContentDocumentId": note_id,
                "LinkedEntityId": p,
                "ShareType": "V",
                "Visibility": "AllUsers",
            }
            for p in parents
        ]
        try:
            self._collection("POST", links, keys=[f"{spec.key}#link-{p}" for p in parents])
        except PartialWriteError as exc:
            if not all(reason.startswith("DUPLICATE_VALUE") for reason in exc.failed.values()):
                raise

    def _restore_note_links(self, note_id: str, spec: NoteSpec) -> None:
        """Re-create the links a note lacks: the ContentNote and its links are two requests, so a run that died
        between them (or a link refused) leaves a note that later runs find by its key and only update."""
        rows = self._query(
            f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{to_18(note_id)}'"
        )
        have = {to_18(r["LinkedEntityId"]) for r in rows}
        missing = [p for p in _note_parents(spec) if p not in have]
        if missing:
            log.warning(
                "connector.salesforce.note_links_restored tenant=%s note=%s links=%d",
                self.tenant,
                note_id,
                len(missing),
            )
            self._link_note(note_id, spec, missing)

    def close_tasks(self, task_ids: Sequence[str]) -> None:
        records = [{"attributes": {"type": "Task"}, "id": to_18(t), "Status": "Completed"} for t in task_ids]
        self._collection("PATCH", records, keys=list(task_ids))

    def update_note(self, note_id: str, spec: NoteSpec) -> None:
        """New content, and every link the note should have (a note found by its key may have lost one)."""
        content = _note_content(spec)
        self._call(lambda sf: sobject(sf, "ContentNote").update(to_18(note_id), {"Content": content}), write=True)
        self._restore_note_links(note_id, spec)

    def update_deals(self, updates: Mapping[str, Mapping[str, Any]]) -> list[str]:
        """DealCoach's fields on many Opportunities, 200 per composite/sobjects PATCH (allOrNone=false); a record
        Salesforce refuses is logged and left out of the answer, to be written by a later run."""
        values = {d: {DEAL_FIELDS[k]: v for k, v in f.items() if k in DEAL_FIELDS} for d, f in updates.items()}
        try:
            return self._patch_opportunities(values)
        except FatalCrmError as exc:
            if exc.status != 400:  # a field this org lacks refuses the request: write what the describe allows
                raise
        return self._patch_opportunities({d: self._writable("Opportunity", v, create=False) for d, v in values.items()})

    def _patch_opportunities(self, values: Mapping[str, Mapping[str, Any]]) -> list[str]:
        ids = [d for d, v in values.items() if v]
        records = [{"attributes": {"type": "Opportunity"}, "id": to_18(d), **values[d]} for d in ids]
        if not records:
            return []
        try:
            return sorted(self._collection("PATCH", records, keys=ids))
        except PartialWriteError as exc:
            log.warning("crm.salesforce.deal_updates_refused tenant=%s count=%d", self.tenant, len(exc.failed))
            return sorted(exc.created)

    def update_deal(self, deal_id: str, fields: Mapping[str, Any]) -> list[str]:
        """Write the DealCoach fields that exist and that this user may edit; return the names written.

        Without the Opportunity describe cached, the write goes out as is (DealCoach's package made the fields
        editable); only a refusal (400: INVALID_FIELD, INVALID_FIELD_FOR_INSERT_UPDATE) reads the describe, once per
        cache period, and writes what this user may edit."""
        values = {DEAL_FIELDS[k]: v for k, v in fields.items() if k in DEAL_FIELDS}
        if values and self._cache.peek("describe:Opportunity") is None:
            try:
                self._call(lambda sf: sobject(sf, "Opportunity").update(to_18(deal_id), values), write=True)
                return sorted(k for k in fields if k in DEAL_FIELDS)
            except FatalCrmError as exc:
                if exc.status != 400:
                    raise
                log.info("crm.salesforce.deal_fields_checked tenant=%s", self.tenant)
        writable = self._writable("Opportunity", values, create=False)
        if writable:
            self._call(lambda sf: sobject(sf, "Opportunity").update(to_18(deal_id), writable), write=True)
        return sorted(k for k in fields if DEAL_FIELDS.get(k) in writable)
