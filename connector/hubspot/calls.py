"""Calls and their files on HubSpot: the call with its deals, transcript and recording files through signed URLs."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from connector.base import FatalCrmError
from connector.download import download, download_bytes
from connector.hubspot.client import CALL_PROPERTIES, HubSpotClient
from connector.hubspot.format import parse_time
from connector.hubspot.raw import raw_json
from connector.models import Attachment, CallRef


class HubSpotCalls(HubSpotClient):
    """Reads of a logged call and its attached files."""

    def get_call(self, call_id: str, *, object_type: str = "call") -> CallRef:
        """The call with its deals (one read; its JSON answer, not the SDK's models), and its files' names."""
        obj = self._call(
            raw_json(self._objects.basic_api.get_by_id_with_http_info),
            "calls",
            call_id,
            properties=CALL_PROPERTIES,
            associations=["deals"],
        )
        p = obj.get("properties") or {}
        deals = (obj.get("associations") or {}).get("deals")
        deal_ids = tuple(dict.fromkeys(str(a["id"]) for a in ((deals or {}).get("results") or [])))
        file_ids = [f for f in (p.get("hs_attachment_ids") or "").split(";") if f.strip()]
        return CallRef(
            id=str(obj["id"]),
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

    def _signed_url(self, file_id: str) -> SimpleNamespace:
        """The file's signed URL answer (name, extension, size, url) from its JSON, kept for a minute."""

        def load() -> SimpleNamespace:
            got = self._call(raw_json(self.client.files.files_api.get_signed_url_with_http_info), file_id)
            return SimpleNamespace(
                name=got.get("name"), extension=got.get("extension"), size=got.get("size"), url=got.get("url")
            )

        return self._signed.get(file_id, load)

    def download_attachment(self, attachment_id: str, *, max_bytes: int) -> bytes:
        """A transcript through its signed URL, with the hardened downloader (hosts, addresses, size; any content)."""
        signed = self._signed_url(attachment_id)
        if signed.size and signed.size > max_bytes:
            raise FatalCrmError(f"attachment {attachment_id} is {signed.size} bytes, over {max_bytes}")
        policy = dataclasses.replace(self.downloads, max_bytes=max_bytes, sniff=None, accept=())
        return download_bytes(signed.url or "", policy=policy)

    def stream_attachment(self, attachment_id: str, dest: Path, *, max_bytes: int) -> int:
        """A recording from Files through its signed URL, with the hardened downloader (allow-list, caps, sniffing)."""
        signed = self._signed_url(attachment_id)
        policy = dataclasses.replace(self.downloads, max_bytes=max_bytes)
        return download(signed.url or "", dest, policy=policy).size
