"""Salesforce Files and Notes: ContentVersion (uploads, versions), ContentDocument (the file), ContentDocumentLink
(sharing with records and users) and ContentNote (a ContentDocument of type SNOTE whose id is the note id).

Creating a ContentVersion without ContentDocumentId creates its ContentDocument, a link to the owner and, with
FirstPublishLocationId, a link to that record. `file_attached` fires on that ContentVersion insert when it is
published to an Opportunity or Task: workflow outbound messages and record-triggered flows run on ContentVersion
(flows on ContentDocument and ContentVersion since Spring '26), and none can be defined on ContentDocumentLink, so a
file linked to a record later fires nothing (salesforcetime.com/?p=7148, firmworks.github.io/files/file-events.html).
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import PurePosixPath
from typing import Any

from .salesforce_errors import DmlError, required_missing
from .salesforce_note_rules import saved_note_content
from .salesforce_store import Actor, Change, Record, SalesforceStore
from .salesforce_values import now

NOTE_TYPE = "SNOTE"
ATTACH_TARGET_PREFIXES = ("006", "00T")
_FILE_TYPES = {
    "txt": "TEXT",
    "pdf": "PDF",
    "csv": "CSV",
    "mp3": "MP3",
    "mp4": "MP4",
    "m4a": "M4A",
    "wav": "WAV",
    "png": "PNG",
    "jpg": "JPG",
    "jpeg": "JPG",
    "docx": "WORD_X",
    "xlsx": "EXCEL_X",
    "json": "JSON",
    "snote": NOTE_TYPE,
}


def file_facts(path_on_client: str, data: bytes) -> dict[str, Any]:
    """FileExtension, FileType, ContentSize and Checksum Salesforce derives from an upload."""
    ext = PurePosixPath(path_on_client.replace("\\", "/")).suffix.lstrip(".").lower()
    return {
        "FileExtension": ext or None,
        "FileType": _FILE_TYPES.get(ext, "UNKNOWN"),
        "ContentSize": len(data),
        "Checksum": hashlib.md5(data).hexdigest(),
    }


def _put_record(store: SalesforceStore, sobject: str, rid: str, values: dict[str, Any], actor: Actor) -> Record:
    obj = store.object(sobject)
    stamp = now()
    fields: dict[str, Any] = {n: None for n in obj.fields}
    fields.update(
        {
            k: v
            for k, v in {
                "Id": rid,
                "IsDeleted": False,
                "CreatedDate": stamp,
                "CreatedById": actor.user_id,
                "LastModifiedDate": stamp,
                "LastModifiedById": actor.user_id,
                "SystemModstamp": stamp,
            }.items()
            if k in obj.fields
        }
    )
    fields.update(values)
    return store.put(Record(sobject, rid, fields))


def link(store: SalesforceStore, doc_id: str, entity_id: str, actor: Actor, share_type: str = "I") -> Record:
    """A ContentDocumentLink made by Salesforce itself (owner and first-publish-location links)."""
    rec = _put_record(
        store,
        "ContentDocumentLink",
        store.ids.for_type("ContentDocumentLink"),
        {"ContentDocumentId": doc_id, "LinkedEntityId": entity_id, "ShareType": share_type, "Visibility": "AllUsers"},
        actor,
    )
    linked(store, rec, actor)
    return rec


def linked(store: SalesforceStore, rec: Record, actor: Actor) -> None:
    """After a link exists: notes count as activity on opportunities (links fire no outbound message)."""
    from .salesforce_rules import bump_last_activity

    doc = store.get("ContentDocument", rec.fields["ContentDocumentId"])
    entity = rec.fields["LinkedEntityId"] or ""
    if doc is not None and entity.startswith(ATTACH_TARGET_PREFIXES) and doc.fields.get("FileType") == NOTE_TYPE:
        bump_last_activity(store, entity, store.today())


class ContentVersionRules:
    """Uploads: blob storage, derived file facts, new documents or new versions of existing ones."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Store the body and create or advance the ContentDocument."""
        f = rec.fields
        data = f.get("VersionData")
        missing = [n for n, v in (("PathOnClient", f.get("PathOnClient")), ("VersionData", data)) if v is None]
        if missing:
            raise required_missing(missing)
        assert isinstance(data, bytes), "VersionData is stored as bytes (base64-decoded on input)"
        store.put_blob(rec.id, data)
        f["VersionData"] = None
        f.update(file_facts(f["PathOnClient"], data), IsLatest=True)
        f["Title"] = f.get("Title") or PurePosixPath(f["PathOnClient"].replace("\\", "/")).stem
        doc_id = f.get("ContentDocumentId")
        if doc_id:
            versions = [
                v for v in store.all("ContentVersion") if v.fields.get("ContentDocumentId") == doc_id and v.id != rec.id
            ]
            for v in versions:
                store.touch(v).fields["IsLatest"] = False
            f["VersionNumber"] = str(len(versions) + 1)
            f["FirstPublishLocationId"] = None
            doc = store.touch(store.get("ContentDocument", doc_id))  # type: ignore[arg-type]
            doc.fields.update(
                {k: f[k] for k in ("Title", "FileType", "FileExtension", "ContentSize")},
                LatestPublishedVersionId=rec.id,
                LastModifiedDate=f["CreatedDate"],
            )
            return
        f["VersionNumber"] = "1"
        where = f.get("FirstPublishLocationId") or f["OwnerId"]
        f["FirstPublishLocationId"] = where
        doc = _put_record(
            store,
            "ContentDocument",
            store.ids.for_type("ContentDocument"),
            {
                "Title": f["Title"],
                "OwnerId": f["OwnerId"],
                "LatestPublishedVersionId": rec.id,
                **{k: f[k] for k in ("FileType", "FileExtension", "ContentSize", "Description")},
            },
            actor,
        )
        f["ContentDocumentId"] = doc.id
        link(store, doc.id, f["OwnerId"], actor)
        if where != f["OwnerId"]:
            link(store, doc.id, where, actor)
        if where.startswith(ATTACH_TARGET_PREFIXES):
            store.emit(
                Change(
                    "file_attached",
                    "ContentVersion",
                    rec.id,
                    f["CreatedDate"],
                    actor.source,
                    {"LinkedEntityId": where, "ContentDocumentId": doc.id},
                )
            )

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """A new title on the latest version renames the document."""
        if "Title" in changed and rec.fields.get("IsLatest"):
            doc = store.get("ContentDocument", rec.fields["ContentDocumentId"])
            if doc is not None:
                store.touch(doc).fields["Title"] = rec.fields["Title"]

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Versions go with their document (the API cannot delete them directly)."""


class ContentDocumentRules:
    """Deleting a file deletes its versions, its links and (for notes) the note."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Documents are only created by Salesforce itself."""

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """A renamed note document renames the note."""
        note = store.get("ContentNote", rec.id)
        if note is not None and "Title" in changed:
            store.touch(note).fields["Title"] = rec.fields["Title"]

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Cascade to versions, links and the note."""
        for v in store.all("ContentVersion"):
            if v.fields.get("ContentDocumentId") == rec.id:
                store.touch(v).deleted = True
        for lk in store.all("ContentDocumentLink"):
            if lk.fields.get("ContentDocumentId") == rec.id:
                store.touch(lk).deleted = True
        note = store.get("ContentNote", rec.id)
        if note is not None:
            store.touch(note).deleted = True


class ContentDocumentLinkRules:
    """A document is linked to an entity at most once."""

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Reject duplicates, then apply the effects of linking."""
        doc_id, entity = rec.fields["ContentDocumentId"], rec.fields["LinkedEntityId"]
        if any(
            lk.id != rec.id
            and lk.fields.get("ContentDocumentId") == doc_id
            and lk.fields.get("LinkedEntityId") == entity
            for lk in store.all("ContentDocumentLink")
        ):
            raise DmlError(
                "DUPLICATE_VALUE", f"Document with ID: {doc_id} is already linked with the entity with ID: {entity}", []
            )
        linked(store, rec, actor)

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """ShareType and Visibility have no side effects."""

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Unlinking has no side effects."""


def text_preview(html_bytes: bytes) -> str:
    """The note's plain-text preview: tags stripped, entities unescaped, whitespace collapsed, ≤ 255 chars."""
    text = re.sub(r"<[^>]+>", " ", html_bytes.decode("utf-8", errors="replace"))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()[:255]


class ContentNoteRules:
    """A note is a ContentDocument (same id) of type SNOTE with one ContentVersion holding the HTML."""

    def _sync(self, store: SalesforceStore, rec: Record, content: bytes, actor: Actor) -> None:
        f = rec.fields
        f.update(
            FileType=NOTE_TYPE,
            FileExtension="snote",
            ContentSize=len(content),
            TextPreview=text_preview(content),
            Content=None,
            IsReadOnly=False,
        )
        version = store.get("ContentVersion", f.get("LatestPublishedVersionId") or "")
        if version is None:
            vid = store.ids.for_type("ContentVersion")
            version = _put_record(
                store,
                "ContentVersion",
                vid,
                {
                    "ContentDocumentId": rec.id,
                    "Title": f["Title"],
                    "PathOnClient": f"{f['Title']}.snote",
                    "VersionNumber": "1",
                    "IsLatest": True,
                    "OwnerId": f["OwnerId"],
                    "FirstPublishLocationId": f["OwnerId"],
                },
                actor,
            )
            f["LatestPublishedVersionId"] = vid
        store.touch(version).fields.update(Title=f["Title"], **file_facts("note.snote", content))
        store.put_blob(version.id, content)
        doc = store.get("ContentDocument", rec.id)
        values = {
            "Title": f["Title"],
            "OwnerId": f["OwnerId"],
            "LatestPublishedVersionId": version.id,
            "FileType": NOTE_TYPE,
            "FileExtension": "snote",
            "ContentSize": len(content),
        }
        if doc is None:
            _put_record(store, "ContentDocument", rec.id, values, actor)
            link(store, rec.id, f["OwnerId"], actor)
        else:
            store.touch(doc).fields.update(values)

    def on_insert(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Create the note's document, version and owner link (Content checked and cleaned like Salesforce does)."""
        self._sync(store, rec, saved_note_content(rec.fields.get("Content") or b""), actor)

    def on_update(
        self, store: SalesforceStore, rec: Record, old: dict[str, Any], changed: set[str], actor: Actor
    ) -> None:
        """New title or content: update the document and the version's body."""
        content = rec.fields.get("Content")
        if content is None:
            content = store.blobs.get(rec.fields.get("LatestPublishedVersionId") or "", b"")
        else:
            content = saved_note_content(content)
        self._sync(store, rec, content, actor)

    def on_delete(self, store: SalesforceStore, rec: Record, actor: Actor) -> None:
        """Deleting a note deletes its document."""
        doc = store.get("ContentDocument", rec.id)
        if doc is not None:
            store.remove(doc, actor)
