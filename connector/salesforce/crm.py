"""`SalesforceCrm`: the `Crm` protocol over simple-salesforce (REST: sObjects, SOQL, composite/sobjects).

Docs: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/ (sObject Collections,
ContentVersion blob retrieval, ContentNote). Opportunity = deal; a call is a Task or a file linked to one.
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import logging
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import redis
import requests
from simple_salesforce import Salesforce, SFType
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from connector.base import DealRecords, FatalCrmError, PartialWriteError, RetryableCrmError
from connector.check_code_field import CHECKS_CODE
from connector.check_code_field import SALESFORCE_FIELD as CHECKS_CODE_FIELD
from connector.coaching_fields import COACHING_FIELDS, salesforce_name
from connector.download import BadStatus, DownloadPolicy, download
from connector.http import ApiBudget, TtlCache, call_with_retry, chunks, is_transport_error
from connector.marker import find_marker, with_marker
from connector.meta_cache import RedisMetaCache
from connector.models import ActivityRef, ActivityType, Attachment, CallRef, Deal, MarkedRecord, NoteSpec, TaskSpec
from connector.report_records import ReportRecords
from connector.salesforce.auth import SalesforceAuth
from connector.salesforce.errors import classify_salesforce
from connector.salesforce.ids import SalesforceIdError, key_prefix, to_18
from connector.salesforce.note_html import to_note_html
from connector.salesforce.report_reads import post_digest, read_report_records
from connector.salesforce.tasks import Owner, User, choose_owner, task_description
from connector.usage import RequestUsage

log = logging.getLogger("dealcoach.connector.salesforce")

API_VERSION = "62.0"
COLLECTION_LIMIT = 200
TIMEOUT = (5, 60)
KEY_FIELD = "DealCoach_Key__c"
DEAL_FIELDS = {
    "dealcoach_score": "DealCoach_Score__c",
    "dealcoach_bant": "DealCoach_BANT__c",
    "dealcoach_deal_state": "DealCoach_Deal_State__c",
    "dealcoach_last_scored_at": "DealCoach_Last_Scored_At__c",
    **{f: salesforce_name(f) for f in COACHING_FIELDS},
    CHECKS_CODE: CHECKS_CODE_FIELD,  # Text(255) with tracked history: the report's per-call checks (issue 15)
}
PRIORITY = {"HIGH": "High", "MEDIUM": "Normal", "LOW": "Low"}
CACHE_TTL_S = 300
OPPORTUNITY, TASK = "006", "00T"


def _soql_ids(ids: Sequence[str]) -> str:
    """An IN list of validated ids (alphanumeric only, so nothing can be injected)."""
    return ", ".join(f"'{to_18(i)}'" for i in ids)


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00"))


def sobject(sf: Salesforce, name: str) -> SFType:
    """`sf.<Name>` with its real type (simple-salesforce resolves the attribute at run time)."""
    return cast(SFType, getattr(sf, name))


def _note_content(spec: NoteSpec) -> str:
    """The note body with its marker, in the HTML subset a ContentNote accepts, base64-encoded."""
    return base64.b64encode(to_note_html(with_marker(spec.body_html, spec.key, html=True)).encode()).decode()


def _note_parents(spec: NoteSpec) -> list[str]:
    """What a scorecard note is linked to: its Opportunity and, when the call is a Task, that Task (18-char ids)."""
    call = [to_18(spec.call_id)] if spec.call_id and key_prefix(spec.call_id) == TASK else []
    return [to_18(spec.deal_id), *call]


def stage_run_start(history: Sequence[dict[str, Any]], stage: str | None) -> datetime | None:
    """The start of the current run of `stage` in OpportunityHistory rows, newest first."""
    entered = None
    for row in history:
        if row.get("StageName") != stage:
            break
        entered = _date(row.get("CreatedDate"))
    return entered


def _composite_error(result: dict[str, Any]) -> str:
    """`CODE: message` of a failed composite subrequest (its body is Salesforce's error list)."""
    body = result.get("body")
    first = body[0] if isinstance(body, list) and body and isinstance(body[0], dict) else {}
    return f"{first.get('errorCode', '')}: {first.get('message', '')}"[:300]


class SalesforceCrm:
    """One org, reached with a session (direct, OAuth refresh token or JWT bearer, see `SalesforceAuth`)."""

    provider = "salesforce"

    def __init__(
        self,
        *,
        auth: SalesforceAuth,
        tenant: str = "",
        tz: str = "Asia/Tokyo",
        language: str = "ja",
        session: requests.Session | None = None,
        budget: ApiBudget | None = None,
        downloads: DownloadPolicy | None = None,
    ) -> None:
        self.auth, self.tenant, self.tz, self.language = auth, tenant, ZoneInfo(tz), language
        # Files come from the org's own hosts over https to public addresses; the caller may widen it (tests).
        self.downloads = downloads or DownloadPolicy.for_tenant("salesforce")
        self.session = session or requests.Session()
        self.budget = budget or ApiBudget()
        self.usage = RequestUsage("salesforce")
        self.session.hooks["response"].append(self._observe)
        self._sf: Salesforce | None = None
        self._cache = TtlCache(CACHE_TTL_S)

    # -- plumbing -------------------------------------------------------------------------------

    def _observe(self, resp: requests.Response, *args: Any, **kwargs: Any) -> None:
        """Every response on the session: one request counted, the org's API usage header read."""
        self.usage.count(failed=resp.status_code >= 400)
        self.budget.observe(resp.headers)

    def share_cache(self, conn: redis.Redis, tenant: str) -> None:
        """Keep describes and users in Redis too, so the next job's process does not read them again."""
        self._cache.shared = RedisMetaCache(conn, tenant)

    @property
    def sf(self) -> Salesforce:
        if self._sf is None:
            self._sf = self.auth.connect(self.session, API_VERSION)
        return self._sf

    def _call(self, fn: Callable[[Salesforce], Any], *, write: bool = False) -> Any:
        """Run one simple-salesforce operation: budget guard, session refresh once, classified errors."""

        def once() -> Any:
            if write:
                self.budget.check()
            try:
                return fn(self.sf)
            except SalesforceError as exc:
                if exc.status == 401 and self.auth.can_refresh:
                    self._sf = self.auth.refresh(self.session, API_VERSION)
                    try:
                        return fn(self.sf)
                    except SalesforceError as again:
                        raise self._classified(again) from again
                raise self._classified(exc) from exc
            except SalesforceIdError as exc:
                raise FatalCrmError(str(exc)) from exc
            except requests.RequestException as exc:
                if is_transport_error(exc):
                    raise RetryableCrmError(f"Salesforce unreachable: {type(exc).__name__}") from exc
                raise

        return call_with_retry(once)

    def _classified(self, exc: SalesforceError) -> Exception:
        return classify_salesforce(exc, tenant=self.tenant, reserve_fraction=self.budget.reserve_fraction)

    def _describe(self, sobject: str) -> dict[str, tuple[bool, bool]]:
        """Field name → (createable, updateable) for the integration user (describe once, cached).

        Describe reflects field-level security: a field the user may read but not edit is `createable: false,
        updateable: false`, and writing it fails the whole record with INVALID_FIELD_FOR_INSERT_UPDATE.
        https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
        """
        described = self._cache.get(
            f"describe:{sobject}",
            lambda: {
                f["name"]: [bool(f.get("createable")), bool(f.get("updateable"))]
                for f in self._call(lambda sf: getattr(sf, sobject).describe())["fields"]
            },
        )
        return {name: (bool(flags[0]), bool(flags[1])) for name, flags in described.items()}

    def _fields(self, sobject: str) -> frozenset[str]:
        """Field names of an sObject: custom fields are read only if they exist."""
        return frozenset(self._describe(sobject))

    def _writable(self, sobject: str, record: dict[str, Any], *, create: bool) -> dict[str, Any]:
        """`record` without the fields this user may not set (createable for inserts, updateable for updates)."""
        access = self._describe(sobject)
        kept = {
            k: v
            for k, v in record.items()
            if k in ("attributes", "id") or access.get(k, (False, False))[0 if create else 1]
        }
        dropped = sorted(set(record) - set(kept))
        if dropped:
            log.info(
                "crm.salesforce.fields_not_writable tenant=%s sobject=%s fields=%s",
                self.tenant,
                sobject,
                ",".join(dropped),
            )
        return kept

    def _query(self, soql: str) -> list[dict[str, Any]]:
        return list(self._call(lambda sf: sf.query_all(soql))["records"])

    # -- reads ----------------------------------------------------------------------------------

    def get_deal(self, deal_id: str) -> Deal:
        opp = self._call(lambda sf: sobject(sf, "Opportunity").get(to_18(deal_id)))
        return self.deal_from(opp, self._stage_entered_at(opp["Id"], opp.get("StageName")), with_owner_name=True)

    def deal_from(self, opp: dict[str, Any], entered: datetime | None, *, with_owner_name: bool) -> Deal:
        """A Deal from an Opportunity row (the owner's name is read only when asked: the SLA sweep needs none)."""
        owner = opp.get("OwnerId")
        return Deal(
            id=opp["Id"],
            name=opp.get("Name") or "",
            stage=opp.get("StageName") or "",
            pipeline=None,
            owner_id=owner,
            owner_name=self._user_name(owner) if with_owner_name else None,
            amount=opp.get("Amount"),
            is_closed=bool(opp.get("IsClosed")),
            is_won=bool(opp.get("IsWon")),
            stage_label=opp.get("StageName"),
            last_activity_at=_date(opp.get("LastActivityDate") and f"{opp['LastActivityDate']}T00:00:00+00:00"),
            created_at=_date(opp.get("CreatedDate")),
            stage_entered_at=entered,
        )

    def _stage_entered_at(self, opp_id: str, stage: str | None) -> datetime | None:
        """The start of the current run of `stage` in OpportunityHistory (a move back and forth starts a new run)."""
        rows = self._query(
            f"SELECT StageName, CreatedDate FROM OpportunityHistory WHERE OpportunityId = '{to_18(opp_id)}' "
            "ORDER BY CreatedDate DESC"
        )
        return stage_run_start(rows, stage)

    def _user_name(self, user_id: str | None) -> str | None:
        if not user_id or key_prefix(user_id) != "005":
            return None
        return self._cache.get(
            f"user:{user_id}", lambda: self._call(lambda sf: sobject(sf, "User").get(user_id)).get("Name")
        )

    def get_call(self, call_id: str, *, object_type: str = "task") -> CallRef:
        """A call Task with its files; or a file (version or document) and the deals it is linked to."""
        if object_type in ("task", "call"):
            task = self._call(lambda sf: sobject(sf, "Task").get(to_18(call_id)))
            what = task.get("WhatId") or ""
            deals = (what,) if key_prefix(what) == OPPORTUNITY else ()
            logged = _date(task.get("CompletedDateTime") or task.get("CreatedDate"))
            duration = float(task.get("CallDurationInSeconds") or 0)
            # A call Task is logged when the call ends: its start is that moment minus the call's duration.
            started = logged - timedelta(seconds=duration) if logged else None
            return CallRef(
                id=task["Id"],
                deal_ids=deals,
                title=task.get("Subject") or "",
                owner_id=task.get("OwnerId"),
                occurred_at=started,
                attachments=tuple(self._files_on(task["Id"])),
                body=task.get("Description") or "",
            )
        document_id = call_id
        if key_prefix(call_id) == "068":
            document_id = self._call(lambda sf: sobject(sf, "ContentVersion").get(to_18(call_id)))["ContentDocumentId"]
        links = self._query(
            f"SELECT LinkedEntityId FROM ContentDocumentLink WHERE ContentDocumentId = '{to_18(document_id)}'"
        )
        linked: list[str] = [r["LinkedEntityId"] for r in links]
        tasks = [e for e in linked if key_prefix(e) == TASK]
        if tasks:
            # A file on a call Task belongs to that call: the same call, whichever notification came first.
            return self.get_call(tasks[0], object_type="task")
        linked_deals = [e for e in linked if key_prefix(e) == OPPORTUNITY]
        versions = self._latest_versions([document_id])
        return CallRef(
            id=to_18(document_id),
            deal_ids=tuple(dict.fromkeys(linked_deals)),
            title=versions[0].name if versions else "",
            attachments=tuple(versions),
        )

    def _files_on(self, record_id: str) -> list[Attachment]:
        """The latest versions of the files linked to a record, in one query (a semi-join on its links)."""
        links = f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{to_18(record_id)}'"
        return self._versions(f"ContentDocumentId IN ({links})")

    def _latest_versions(self, document_ids: Sequence[str]) -> list[Attachment]:
        if not document_ids:
            return []
        return self._versions(f"ContentDocumentId IN ({_soql_ids(document_ids)})")

    def _versions(self, where: str) -> list[Attachment]:
        rows = self._query(
            "SELECT Id, Title, PathOnClient, FileExtension, ContentSize, ContentDocumentId FROM ContentVersion "
            f"WHERE {where} AND IsLatest = true"
        )
        return [
            Attachment(
                id=r["Id"],
                name=r.get("PathOnClient") or r.get("Title") or "",
                extension=(r.get("FileExtension") or "").lower(),
                size=r.get("ContentSize"),
            )
            for r in rows
        ]

    def stream_attachment(self, attachment_id: str, dest: Path, *, max_bytes: int) -> int:
        """Stream a recording's VersionData to `dest` (never whole in memory, audio only); return the byte count."""
        return self._fetch_file(attachment_id, dest, max_bytes=max_bytes, content_checked=True)

    def _fetch_file(self, attachment_id: str, dest: Path, *, max_bytes: int, content_checked: bool) -> int:
        """A ContentVersion's VersionData through the hardened downloader (the org's host, size cap, deadline).

        The blob is not a simple-salesforce call, but it goes through `_call` like every other request: budget,
        one session refresh on 401, classified errors. https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_blob_retrieve.htm
        """

        def fetch(sf: Salesforce) -> int:
            url = f"{sf.base_url}sobjects/ContentVersion/{to_18(attachment_id)}/VersionData"
            host = urlsplit(url).hostname or ""
            verify = self.session.verify
            policy = dataclasses.replace(
                self.downloads,
                allowed_hosts=(*self.downloads.allowed_hosts, host),
                max_bytes=max_bytes,
                ca_file=verify if isinstance(verify, str) else self.downloads.ca_file,
            )
            if not content_checked:
                policy = dataclasses.replace(policy, sniff=None, accept=())
            try:
                size = download(url, dest, policy=policy, headers={"Authorization": f"Bearer {sf.session_id}"}).size
            except BadStatus as exc:
                # The download is not on the session: counted here, like the session's responses.
                self.usage.count(failed=True)
                if exc.status == 401:
                    # What simple-salesforce raises, so `_call` renews an expired session here too.
                    raise SalesforceExpiredSession(url, 401, "ContentVersion", str(exc).encode()) from exc
                raise
            self.usage.count()
            return size

        return self._call(fetch)

    def download_attachment(self, attachment_id: str, *, max_bytes: int) -> bytes:
        with tempfile.TemporaryDirectory(prefix="dealcoach-") as tmp:
            path = Path(tmp) / "file"
            self._fetch_file(attachment_id, path, max_bytes=max_bytes, content_checked=False)
            return path.read_bytes()

    def _tasks_on(self, deal_id: str) -> list[dict[str, Any]]:
        return self._query(f"{self.task_select()} WHERE WhatId = '{to_18(deal_id)}'")

    def task_select(self) -> str:
        """`SELECT … FROM Task` with what DealCoach reads of a Task (its key field when the org has it)."""
        has_key = KEY_FIELD in self._fields("Task")
        return (
            "SELECT Id, WhatId, Status, Subject, Description, ActivityDate, ReminderDateTime, TaskSubtype, "
            f"CompletedDateTime, LastModifiedDate{', ' + KEY_FIELD if has_key else ''} FROM Task"
        )

    def list_marked(self, *, deal_id: str, kind: str, ids: Sequence[str] | None = None) -> list[MarkedRecord]:
        """Tasks on the deal by key field or Description marker; notes by the marker in their content."""
        if kind == "task":
            return self.deal_records(deal_id=deal_id).tasks
        links = f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{to_18(deal_id)}'"
        rows = self._query(
            f"SELECT Id, ContentDocumentId FROM ContentVersion WHERE ContentDocumentId IN ({links}) "
            "AND IsLatest = true AND FileType = 'SNOTE'"
        )
        marked = []
        for row in rows:
            key = find_marker(self.download_attachment(row["Id"], max_bytes=2 * 1024 * 1024).decode("utf-8", "replace"))
            if key:
                marked.append(MarkedRecord(key=key, id=row["ContentDocumentId"]))
        return marked

    def _due(self, task: dict[str, Any]) -> datetime | None:
        """The exact due time (the reminder) or, without one, the end of the due date in the tenant's zone."""
        reminder = _date(task.get("ReminderDateTime"))
        if reminder or not task.get("ActivityDate"):
            return reminder
        return datetime.combine(date.fromisoformat(task["ActivityDate"]), dtime(18), tzinfo=self.tz)

    def list_activities(self, *, deal_id: str) -> list[ActivityRef]:
        """Closed Tasks on the Opportunity that are not DealCoach's: email, call or other completed work.

        Salesforce does not record an email Task's direction, so every email counts as ours (outbound).
        """
        return self.deal_records(deal_id=deal_id).activities

    def deal_records(self, *, deal_id: str) -> DealRecords:
        """One SOQL query of the Opportunity's Tasks: DealCoach's by key field or Description marker, the rest (when
        closed) as activities."""
        return self.records_from(self._tasks_on(deal_id))

    def records_from(self, task_rows: Sequence[dict[str, Any]]) -> DealRecords:
        """DealCoach's tasks (by key field or Description marker) and the activities among one deal's Task rows."""
        kinds: dict[str, ActivityType] = {"Email": "email", "Call": "call"}
        marked: list[MarkedRecord] = []
        out: list[ActivityRef] = []
        for row in task_rows:
            key = row.get(KEY_FIELD) or find_marker(row.get("Description") or "")
            if key:
                marked.append(
                    MarkedRecord(
                        key=key, id=row["Id"], status=row.get("Status"), subject=row.get("Subject"), due=self._due(row)
                    )
                )
                continue
            if row.get("Status") != "Completed":
                continue
            at = _date(row.get("CompletedDateTime")) or _date(row.get("LastModifiedDate"))
            if at is not None:
                out.append(
                    ActivityRef(
                        type=kinds.get(row.get("TaskSubtype") or "", "task_completed"),
                        at=at,
                        subject=row.get("Subject") or "",
                        direction="out" if row.get("TaskSubtype") == "Email" else None,
                    )
                )
        return DealRecords(tasks=marked, activities=sorted(out, key=lambda a: a.at))

    def deals_of(self, object_type: str, object_id: str) -> tuple[str, ...]:
        if key_prefix(object_id) == OPPORTUNITY:
            return (to_18(object_id),)
        what = self._call(lambda sf: sobject(sf, "Task").get(to_18(object_id))).get("WhatId") or ""
        return (what,) if key_prefix(what) == OPPORTUNITY else ()

    def own_user_id(self) -> str | None:
        return to_18(self.auth.user_id) if self.auth.user_id else None

    def report_records(self, *, since: datetime) -> ReportRecords:
        """Everything the manager report needs since `since` (connector/salesforce/report_reads.py)."""
        return read_report_records(self._query, since=since, field_names=DEAL_FIELDS, due=self._due)

    def post_digest(
        self, *, key: str, owner_id: str, subject: str, body: str, file_name: str, html: str, at: datetime
    ) -> str:
        """A manager's monthly digest Task with the report attached."""

        def create(name: str, record: dict[str, Any]) -> str:
            return str(self._call(lambda sf: sobject(sf, name).create(record), write=True)["id"])

        return post_digest(
            self._query,
            create,
            key=key,
            owner_id=owner_id,
            subject=subject,
            body=body,
            file_name=file_name,
            html=html,
            day=at.astimezone(self.tz).date(),
        )

    def list_open_deals(self) -> list[str]:
        rows = self._query(
            "SELECT Id FROM Opportunity WHERE IsClosed = false OR CloseDate = LAST_N_DAYS:400 ORDER BY Id"
        )
        return [r["Id"] for r in rows]

    # -- writes ---------------------------------------------------------------------------------

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

    def update_deal(self, deal_id: str, fields: Mapping[str, Any]) -> list[str]:
        """Write the DealCoach fields that exist and that this user may edit; return the names written."""
        values = {DEAL_FIELDS[k]: v for k, v in fields.items() if k in DEAL_FIELDS}
        writable = self._writable("Opportunity", values, create=False)
        if writable:
            self._call(lambda sf: sobject(sf, "Opportunity").update(to_18(deal_id), writable), write=True)
        return sorted(k for k in fields if DEAL_FIELDS.get(k) in writable)
