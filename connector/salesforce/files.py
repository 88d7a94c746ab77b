"""Calls and files on Salesforce: a call Task with its files, a file and the records it is linked to, and the
ContentVersion blob through the hardened downloader."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceExpiredSession

from connector.download import BadStatus, download
from connector.models import Attachment, CallRef
from connector.salesforce.client import (
    OPPORTUNITY,
    TASK,
    SalesforceClient,
    _date,
    _soql_ids,
    sobject,
)
from connector.salesforce.ids import key_prefix, to_18


class SalesforceFiles(SalesforceClient):
    """Calls and their files."""

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
