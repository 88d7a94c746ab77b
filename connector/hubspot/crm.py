"""`HubSpotCrm`: the `Crm` protocol over hubspot-api-client (CRM v3 objects, v4 associations, Files v3).

Docs: https://developers.hubspot.com/docs/api/crm/understanding-the-crm (objects, batch, search),
https://developers.hubspot.com/docs/api/crm/associations (v4), https://developers.hubspot.com/docs/api/files/files.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import redis
from hubspot import HubSpot
from hubspot.crm.objects import (
    AssociationSpec,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchReadInputSimplePublicObjectId,
    PublicAssociationsForObject,
    PublicObjectId,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.discovery.discovery_base import DiscoveryBase
from urllib3.util.retry import Retry

from connector import clock
from connector.base import DealRecords, FatalCrmError, RetryableCrmError
from connector.download import DownloadPolicy, download, download_bytes
from connector.http import ApiBudget, TtlCache, call_with_retry, chunks, classify_status, is_transport_error
from connector.hubspot.batch import partial_write, read_batch, unconfirmed
from connector.hubspot.digest import post_digest
from connector.hubspot.format import EPOCH, iso_ms, parse_time, run_started_at
from connector.hubspot.paging import search_all_ids
from connector.hubspot.report_reads import read_report_records
from connector.marker import find_marker, with_marker
from connector.meta_cache import RedisMetaCache
from connector.models import ActivityRef, Attachment, CallRef, Deal, MarkedRecord, NoteSpec, TaskSpec
from connector.report_records import ReportRecords
from connector.usage import RequestUsage

log = logging.getLogger("dealcoach.connector.hubspot")


DEFAULT_API_BASE = "https://api.hubapi.com"
BATCH_LIMIT = 100
TIMEOUT = (5, 30)
NOTE_TO_DEAL, TASK_TO_DEAL = 214, 216
KEY_PROPERTY = "dealcoach_key"
DEAL_PROPERTIES = [
    "dealname",
    "dealstage",
    "pipeline",
    "amount",
    "hubspot_owner_id",
    "notes_last_updated",
    "hs_is_closed",
    "createdate",
]
CALL_PROPERTIES = [
    "hs_call_title",
    "hs_timestamp",
    "hubspot_owner_id",
    "hs_attachment_ids",
    "hs_call_recording_url",
    "hs_call_body",
]
_BODY_PROPERTY = {"notes": "hs_note_body", "tasks": "hs_task_body"}
CACHE_TTL_S = 300
# A signed URL read for an attachment's name and type is used again for its download within the same job.
SIGNED_URL_REUSE_S = 60
ACTIVITY_TYPES = ("tasks", "emails", "meetings", "calls", "notes")
TASK_PROPERTIES = ["hs_task_status", "hs_task_subject", "hs_task_completion_date", "hs_timestamp", "hs_task_body"]
NO_RETRY = Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False)


class HubSpotCrm:
    """One installed portal, reached with an access token (private app or OAuth)."""

    provider = "hubspot"

    def __init__(
        self,
        *,
        access_token: str,
        api_base: str = DEFAULT_API_BASE,
        portal_id: str | None = None,
        budget: ApiBudget | None = None,
        downloads: DownloadPolicy | None = None,
        token_provider: Callable[[], str] | None = None,
    ) -> None:
        self.api_base = api_base.rstrip("/")
        self.portal_id = portal_id
        # urllib3's default Retry sleeps through Retry-After on 429/503 for idempotent methods; retries belong
        # to `connector.http` alone, so the SDK must return every response as it is.
        self.client = HubSpot(access_token=access_token, host=self.api_base, base_url=self.api_base, retry=NO_RETRY)
        if token_provider is not None:
            # An OAuth install: every SDK API object is built when first touched, so it gets the current token.
            self.client.config["api_factory"] = _fresh_token_factory(token_provider)
        self.budget = budget or ApiBudget()
        self._cache = TtlCache(CACHE_TTL_S)
        self._signed = TtlCache(SIGNED_URL_REUSE_S)
        self.usage = RequestUsage("hubspot")
        # Where file downloads may come from (HubSpot's file hosts, https, public addresses), and for recordings
        # what content is taken; the caller builds it, never inferred from the API base's scheme.
        self.downloads = downloads or DownloadPolicy.for_tenant("hubspot")

    # -- plumbing -------------------------------------------------------------------------------

    def share_cache(self, conn: redis.Redis, tenant: str) -> None:
        """Keep metadata in Redis too, so the next job's process does not read it again."""
        self._cache.shared = RedisMetaCache(conn, tenant)

    def _call(self, fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Any:
        """Invoke an SDK `*_with_http_info` method, observe rate-limit headers, classify failures."""

        def once() -> Any:
            if write:
                self.budget.check()
            try:
                data, _status, headers = fn(*args, _request_timeout=TIMEOUT, **kwargs)
            except Exception as exc:  # every SDK package has its own ApiException class
                self.usage.count(failed=True)
                status = getattr(exc, "status", None)
                if isinstance(status, int) and status > 0:
                    self.budget.observe(getattr(exc, "headers", None))
                    raise classify_status(
                        status, getattr(exc, "headers", None), f"HubSpot {status}: {_reason(exc)}"
                    ) from exc
                if is_transport_error(exc):
                    raise RetryableCrmError(f"HubSpot unreachable: {type(exc).__name__}") from exc
                raise
            self.usage.count()
            self.budget.observe(headers)
            return data

        return call_with_retry(once)

    @property
    def _objects(self) -> Any:
        return self.client.crm.objects

    def _property_names(self, object_type: str) -> frozenset[str]:
        def load() -> list[str]:
            page = self._call(self.client.crm.properties.core_api.get_all_with_http_info, object_type)
            return sorted(p.name for p in page.results)

        return frozenset(self._cache.get(f"props:{object_type}", load))

    # -- reads ----------------------------------------------------------------------------------

    def get_deal(self, deal_id: str) -> Deal:
        """The deal, with when it entered its current stage from `dealstage`'s history, in the same request."""
        obj = self._call(
            self._objects.basic_api.get_by_id_with_http_info,
            "deals",
            deal_id,
            properties=DEAL_PROPERTIES,
            properties_with_history=["dealstage"],
        )
        p = obj.properties or {}
        stage, pipeline = p.get("dealstage") or "", p.get("pipeline") or "default"
        meta = self._stage_meta(pipeline).get(stage, {})
        owner_id = p.get("hubspot_owner_id") or None
        amount = p.get("amount")
        return Deal(
            id=str(obj.id),
            name=p.get("dealname") or "",
            stage=stage,
            pipeline=pipeline,
            owner_id=owner_id,
            owner_name=self._owner_name(owner_id),
            amount=float(amount) if amount else None,
            is_closed=meta.get("isClosed") == "true",
            is_won=meta.get("isClosed") == "true" and meta.get("probability") == "1.0",
            stage_label=meta.get("label"),
            last_activity_at=parse_time(p.get("notes_last_updated")),
            created_at=parse_time(p.get("createdate")),
            stage_entered_at=run_started_at((obj.properties_with_history or {}).get("dealstage"), stage),
        )

    def _stage_meta(self, pipeline_id: str) -> dict[str, dict[str, str]]:
        def load() -> dict[str, dict[str, str]]:
            pipe = self._call(self.client.crm.pipelines.pipelines_api.get_by_id_with_http_info, "deals", pipeline_id)
            return {s.id: {**(s.metadata or {}), "label": s.label} for s in pipe.stages}

        return self._cache.get(f"pipeline:{pipeline_id}", load)

    def _owner_name(self, owner_id: str | None) -> str | None:
        if not owner_id:
            return None

        def load() -> str | None:
            owner = self._call(self.client.crm.owners.owners_api.get_by_id_with_http_info, int(owner_id))
            return " ".join(x for x in (owner.last_name, owner.first_name) if x) or owner.email

        return self._cache.get(f"owner:{owner_id}", load)

    def get_call(self, call_id: str, *, object_type: str = "call") -> CallRef:
        obj = self._call(
            self._objects.basic_api.get_by_id_with_http_info,
            "calls",
            call_id,
            properties=CALL_PROPERTIES,
            associations=["deals"],
        )
        p = obj.properties or {}
        deals = (obj.associations or {}).get("deals")
        deal_ids = tuple(dict.fromkeys(str(a.id) for a in (deals.results if deals else [])))
        file_ids = [f for f in (p.get("hs_attachment_ids") or "").split(";") if f.strip()]
        return CallRef(
            id=str(obj.id),
            deal_ids=deal_ids,
            title=p.get("hs_call_title") or "",
            occurred_at=parse_time(p.get("hs_timestamp")),
            owner_id=p.get("hubspot_owner_id") or None,
            attachments=tuple(self._attachment(f.strip()) for f in file_ids),
            recording_url=p.get("hs_call_recording_url") or None,
            body=p.get("hs_call_body") or "",
        )

    def _attachment(self, file_id: str) -> Attachment:
        """Name, type and size from the file's signed URL answer (the URL is kept for the download that usually
        follows); a file's name and type do not change, so they are cached for the next job too."""

        def load() -> list[Any]:
            signed = self._signed_url(file_id)
            return [signed.name or "", (signed.extension or "").lower().lstrip("."), signed.size]

        name, ext, size = self._cache.get(f"file:{file_id}", load)
        return Attachment(id=file_id, name=name, extension=ext, size=size, url=None)

    def _signed_url(self, file_id: str) -> Any:
        return self._signed.get(
            file_id, lambda: self._call(self.client.files.files_api.get_signed_url_with_http_info, file_id)
        )

    def download_attachment(self, attachment_id: str, *, max_bytes: int) -> bytes:
        """A transcript through its signed URL, with the hardened downloader (hosts, addresses, size; any content)."""
        signed = self._signed_url(attachment_id)
        if signed.size and signed.size > max_bytes:
            raise FatalCrmError(f"attachment {attachment_id} is {signed.size} bytes, over {max_bytes}")
        policy = dataclasses.replace(self.downloads, max_bytes=max_bytes, sniff=None, accept=())
        return download_bytes(signed.url or "", policy=policy)

    def _associated(self, deal_id: str, object_type: str, properties: list[str]) -> list[dict[str, Any]]:
        """Records of a type associated to the deal, with the given properties (v4 associations, batch read)."""
        return self._read_rows(object_type, self._associated_ids(deal_id, object_type), properties)

    def _associated_ids(self, deal_id: str, object_type: str) -> list[str]:
        """Every id of a type associated to the deal, 500 per v4 page."""
        ids: list[str] = []
        after: str | None = None
        while True:
            kwargs: dict[str, Any] = {"limit": 500}
            if after:
                kwargs["after"] = after
            page = self._call(
                self.client.crm.associations.v4.basic_api.get_page_with_http_info,
                "deals",
                deal_id,
                object_type,
                **kwargs,
            )
            ids.extend(str(r.to_object_id) for r in page.results)
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                return ids

    def _read_rows(self, object_type: str, ids: Sequence[str], properties: list[str]) -> list[dict[str, Any]]:
        """Records by id with the given properties, 100 per batch read."""
        rows: list[dict[str, Any]] = []
        for chunk in chunks(list(ids), BATCH_LIMIT):
            batch = BatchReadInputSimplePublicObjectId(
                properties=properties, inputs=[SimplePublicObjectId(id=i) for i in chunk]
            )
            resp = self._call(self._objects.batch_api.read_with_http_info, object_type, batch)
            rows.extend({"id": str(obj.id), **(obj.properties or {})} for obj in resp.results)
        return rows

    def _key_of(self, object_type: str, row: dict[str, Any]) -> str | None:
        return row.get(KEY_PROPERTY) or find_marker(row.get(_BODY_PROPERTY[object_type]) or "")

    def stream_attachment(self, attachment_id: str, dest: Path, *, max_bytes: int) -> int:
        """A recording from Files through its signed URL, with the hardened downloader (allow-list, caps, sniffing)."""
        signed = self._signed_url(attachment_id)
        policy = dataclasses.replace(self.downloads, max_bytes=max_bytes)
        return download(signed.url or "", dest, policy=policy).size

    def list_marked(self, *, deal_id: str, kind: str, ids: Sequence[str] | None = None) -> list[MarkedRecord]:
        """Scan the deal's associated notes or tasks (or the given ones) for DealCoach keys (associations are
        immediate; search lags)."""
        object_type = f"{kind}s"
        has_key = KEY_PROPERTY in self._property_names(object_type)
        props = [_BODY_PROPERTY[object_type], "hs_task_status", "hs_task_subject", "hs_timestamp"] + (
            [KEY_PROPERTY] if has_key else []
        )
        found = []
        rows = (
            self._read_rows(object_type, ids, props)
            if ids is not None
            else self._associated(deal_id, object_type, props)
        )
        for row in rows:
            key = self._key_of(object_type, row)
            if key:
                found.append(self._marked(key, row))
        return found

    def list_activities(self, *, deal_id: str) -> list[ActivityRef]:
        """Emails (direction from hs_email_direction), meetings, calls and tasks the rep completed."""
        return self.deal_records(deal_id=deal_id).activities

    def deal_records(self, *, deal_id: str) -> DealRecords:
        """One read of the deal's task, email, meeting and call associations (the v3 object read takes several
        types at once), then one batch read per type that has records: DealCoach's tasks and the activities."""
        obj = self._call(
            self._objects.basic_api.get_by_id_with_http_info,
            "deals",
            deal_id,
            properties=["hs_object_id"],
            associations=list(ACTIVITY_TYPES),
        )
        block = obj.associations or {}
        ids: dict[str, list[str]] = {}
        for object_type in ACTIVITY_TYPES:
            found = block.get(object_type)
            if found is not None and found.paging and found.paging.next:
                # More than one page of associations: the paged v4 read lists them all.
                ids[object_type] = self._associated_ids(deal_id, object_type)
            else:
                ids[object_type] = list(dict.fromkeys(str(a.id) for a in (found.results if found else [])))
        task_props = TASK_PROPERTIES + ([KEY_PROPERTY] if KEY_PROPERTY in self._property_names("tasks") else [])
        tasks = self._read_rows("tasks", ids["tasks"], task_props)
        out: list[ActivityRef] = []
        for row in self._read_rows("emails", ids["emails"], ["hs_timestamp", "hs_email_subject", "hs_email_direction"]):
            direction: Literal["in", "out"] = "in" if row.get("hs_email_direction") == "INCOMING_EMAIL" else "out"
            out.append(
                ActivityRef(
                    type="email",
                    at=parse_time(row.get("hs_timestamp")) or EPOCH,
                    subject=row.get("hs_email_subject") or "",
                    direction=direction,
                )
            )
        for row in self._read_rows("meetings", ids["meetings"], ["hs_timestamp", "hs_meeting_title"]):
            out.append(
                ActivityRef(
                    type="meeting",
                    at=parse_time(row.get("hs_timestamp")) or EPOCH,
                    subject=row.get("hs_meeting_title") or "",
                )
            )
        for row in self._read_rows("calls", ids["calls"], ["hs_timestamp", "hs_call_title"]):
            out.append(
                ActivityRef(
                    type="call", at=parse_time(row.get("hs_timestamp")) or EPOCH, subject=row.get("hs_call_title") or ""
                )
            )
        marked: list[MarkedRecord] = []
        for row in tasks:
            key = self._key_of("tasks", row)
            if key:
                marked.append(self._marked(key, row))
            elif row.get("hs_task_status") == "COMPLETED":
                at = parse_time(row.get("hs_task_completion_date")) or parse_time(row.get("hs_timestamp")) or EPOCH
                out.append(ActivityRef(type="task_completed", at=at, subject=row.get("hs_task_subject") or ""))
        return DealRecords(tasks=marked, activities=sorted(out, key=lambda a: a.at), note_ids=tuple(ids["notes"]))

    @staticmethod
    def _marked(key: str, row: dict[str, Any]) -> MarkedRecord:
        return MarkedRecord(
            key=key,
            id=row["id"],
            status=row.get("hs_task_status"),
            due=parse_time(row.get("hs_timestamp")),
            subject=row.get("hs_task_subject"),
        )

    def deals_of(self, object_type: str, object_id: str) -> tuple[str, ...]:
        obj = self._call(
            self._objects.basic_api.get_by_id_with_http_info, f"{object_type}s", object_id, associations=["deals"]
        )
        deals = (obj.associations or {}).get("deals")
        return tuple(dict.fromkeys(str(a.id) for a in (deals.results if deals else [])))

    def own_user_id(self) -> str | None:
        """None: HubSpot marks an app's own changes in the webhook itself (changeSource INTEGRATION, sourceId)."""
        return None

    def list_open_deals(self) -> list[str]:
        """Open deals plus deals closed in the last 400 days, via search (two OR-ed filter groups), read past
        HubSpot's 10,000-result cap with a moving id filter (`connector.hubspot.paging`)."""
        since = str(int((clock.now().timestamp() - 400 * 86400) * 1000))
        groups = [
            [{"propertyName": "hs_is_closed", "operator": "EQ", "value": "false"}],
            [{"propertyName": "closedate", "operator": "GTE", "value": since}],
        ]

        def search(body: dict[str, Any]) -> Any:
            return self._call(
                self._objects.search_api.do_search_with_http_info, "deals", PublicObjectSearchRequest(**body)
            )

        return search_all_ids(search, groups, properties=["dealstage"])

    # -- writes ---------------------------------------------------------------------------------

    def create_note(self, spec: NoteSpec) -> str:
        props = self._with_key(
            "notes",
            spec.key,
            {
                "hs_timestamp": iso_ms(spec.timestamp),
                "hs_note_body": with_marker(spec.body_html, spec.key, html=True),
                **({"hubspot_owner_id": spec.owner_id} if spec.owner_id else {}),
            },
        )
        body = SimplePublicObjectInputForCreate(properties=props, associations=[_assoc(spec.deal_id, NOTE_TO_DEAL)])
        # Only the deal link: HubSpot defines no note↔call association type (activities associate to records), so
        # a note→call link would be refused; the note names the call in its title and key instead.
        note = self._call(self._objects.basic_api.create_with_http_info, "notes", body, write=True)
        return str(note.id)

    def update_note(self, note_id: str, spec: NoteSpec) -> None:
        body = SimplePublicObjectInput(properties={"hs_note_body": with_marker(spec.body_html, spec.key, html=True)})
        self._call(self._objects.basic_api.update_with_http_info, "notes", note_id, body, write=True)

    def create_tasks(self, specs: Sequence[TaskSpec]) -> list[str]:
        """Batch create (≤ 100 per request), each input traced by its key so a 207's refusals map back to it."""
        written: dict[str, str] = {}
        refused: dict[str, str] = {}
        for chunk in chunks(list(specs), BATCH_LIMIT):
            inputs = [
                SimplePublicObjectBatchInputForCreate(
                    properties=self._task_props(s, create=True),
                    associations=[_assoc(s.deal_id, TASK_TO_DEAL)],
                    object_write_trace_id=s.key,
                )
                for s in chunk
            ]
            resp = self._call(
                self._objects.batch_api.create_with_http_info,
                "tasks",
                BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs),
                write=True,
            )
            ok, bad = read_batch(resp, self._created_key)
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

    def _created_key(self, obj: Any) -> str | None:
        p = obj.properties or {}
        return obj.object_write_trace_id or p.get(KEY_PROPERTY) or find_marker(p.get("hs_task_body") or "")

    def _batch_update(self, props_by_id: Mapping[str, dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
        """Batch update tasks (≤ 100 per request), traced by id; (written id → id, refused id → reason)."""
        written: dict[str, str] = {}
        refused: dict[str, str] = {}
        for chunk in chunks(list(props_by_id), BATCH_LIMIT):
            inputs = [
                SimplePublicObjectBatchInput(id=i, properties=props_by_id[i], object_write_trace_id=i) for i in chunk
            ]
            resp = self._call(
                self._objects.batch_api.update_with_http_info,
                "tasks",
                BatchInputSimplePublicObjectBatchInput(inputs=inputs),
                write=True,
            )
            ok, bad = read_batch(resp, lambda obj: obj.object_write_trace_id or str(obj.id))
            written.update(ok)
            refused.update(bad)
        refused.update(unconfirmed(props_by_id, written, refused))
        return written, refused

    def update_tasks(self, updates: Mapping[str, TaskSpec]) -> None:
        """Update tasks by id; a task HubSpot refused raises PartialWriteError keyed by the TaskSpec key."""
        written, refused = self._batch_update({i: self._task_props(s, create=False) for i, s in updates.items()})
        if refused:
            raise partial_write(
                "task update(s)",
                len(updates),
                {updates[i].key: i for i in written if i in updates and i not in refused},
                {updates[i].key if i in updates else i: r for i, r in refused.items()},
            )

    def _task_props(self, spec: TaskSpec, *, create: bool) -> dict[str, str]:
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
        return self._with_key("tasks", spec.key, props)

    def _with_key(self, object_type: str, key: str, props: dict[str, str]) -> dict[str, str]:
        if KEY_PROPERTY in self._property_names(object_type):
            props[KEY_PROPERTY] = key
        return props

    def close_tasks(self, task_ids: Sequence[str]) -> None:
        """Complete tasks by id; one HubSpot refused (missing, archived, invalid) raises PartialWriteError by id."""
        written, refused = self._batch_update({i: {"hs_task_status": "COMPLETED"} for i in dict.fromkeys(task_ids)})
        if refused:
            raise partial_write(
                "task close(s)", len(written) + len(refused), {i: i for i in written if i not in refused}, refused
            )

    def report_records(self, *, since: datetime) -> ReportRecords:
        """Everything the manager report needs since `since`, read page by page (connector/hubspot/report_reads.py)."""
        return read_report_records(self._call, self.client, since=since)

    def post_digest(
        self, *, key: str, owner_id: str, subject: str, body: str, file_name: str, html: str, at: datetime
    ) -> str:
        """A manager's monthly digest task with the report attached (connector/hubspot/digest.py)."""
        return post_digest(
            self._call,
            self.client,
            key=key,
            owner_id=owner_id,
            subject=subject,
            body=body,
            file_name=file_name,
            html=html,
            at=at,
        )

    def update_deal(self, deal_id: str, fields: Mapping[str, Any]) -> list[str]:
        existing = self._property_names("deals")
        writable = {k: _property_value(v) for k, v in fields.items() if k in existing}
        skipped = sorted(set(fields) - set(writable))
        if skipped:
            log.info("crm.hubspot.deal_properties_missing deal=%s missing=%s", deal_id, ",".join(skipped))
        if writable:
            self._call(
                self._objects.basic_api.update_with_http_info,
                "deals",
                deal_id,
                SimplePublicObjectInput(properties=writable),
                write=True,
            )
        return sorted(writable)


def _property_value(value: Any) -> str:
    """HubSpot takes every property value as a string; checkboxes are 'true'/'false', a cleared value is ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _assoc(deal_id: str, type_id: int) -> PublicAssociationsForObject:
    return PublicAssociationsForObject(
        to=PublicObjectId(id=deal_id),
        types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=type_id)],
    )


def _fresh_token_factory(token_provider: Callable[[], str]) -> Callable[[Any, str, dict[str, Any]], Any]:
    """The SDK's default API factory with the access token asked for each time an API object is built."""

    def build(package: Any, api_name: str, config: dict[str, Any]) -> Any:
        return DiscoveryBase._default_api_factory(package, api_name, {**config, "access_token": token_provider()})

    return build


def _reason(exc: Exception) -> str:
    """HubSpot's error `message`, cut short; never the request body."""
    body = getattr(exc, "body", None) or ""
    m = re.search(r'"message"\s*:\s*"([^"]{0,200})', body if isinstance(body, str) else "")
    return m.group(1) if m else getattr(exc, "reason", "") or type(exc).__name__
