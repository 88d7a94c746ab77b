"""In-memory File Manager of the sandbox portal: uploads, folders, and CDN-style signed download URLs.

File JSON follows the SDK's `hubspot.files.models.File` (name without extension, `extension`, `type`, `size`,
`access`, `path`, `parentFolderId`, `url`, ...); signed URLs carry `Expires`, `Signature` and `Key-Pair-Id` like
HubSpot's CDN links and stop working after `expiresAt`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import mimetypes
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .hubspot_config import HubSpotSandboxConfig
from .hubspot_errors import not_found, validation_error
from .hubspot_values import iso_ms, now_ms

ACCESS_LEVELS = (
    "PUBLIC_INDEXABLE",
    "PUBLIC_NOT_INDEXABLE",
    "HIDDEN_INDEXABLE",
    "HIDDEN_NOT_INDEXABLE",
    "HIDDEN_PRIVATE",
    "PRIVATE",
    "HIDDEN_SENSITIVE",
    "SENSITIVE",
)
_TYPE_BY_EXTENSION = {
    **dict.fromkeys(("mp3", "wav", "m4a", "flac", "ogg", "aac", "wma"), "AUDIO"),
    **dict.fromkeys(("mp4", "webm", "mov", "avi", "mkv"), "MOVIE"),
    **dict.fromkeys(("png", "jpg", "jpeg", "gif", "svg", "webp"), "IMG"),
    **dict.fromkeys(("pdf", "doc", "docx", "txt", "vtt", "srt", "json", "csv", "xlsx", "pptx"), "DOCUMENT"),
}


@dataclass
class StoredFile:
    """One uploaded file; HubSpot splits the name from the extension."""

    id: str
    name: str
    extension: str
    content: bytes
    mime: str
    access: str
    folder_id: str
    folder_path: str
    created_ms: int
    archived: bool = False

    @property
    def path(self) -> str:
        """Folder path plus file name, as in the File object's `path`."""
        filename = f"{self.name}.{self.extension}" if self.extension else self.name
        return f"{self.folder_path.rstrip('/')}/{filename}"

    @property
    def filename(self) -> str:
        """Name with extension, for downloads."""
        return self.path.rsplit("/", 1)[-1]


class FileStore:
    """Files and folders by id; bytes stay in memory."""

    def __init__(self, config: HubSpotSandboxConfig) -> None:
        self.config = config
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """No files and no folders."""
        with self._lock:
            self.files: dict[str, StoredFile] = {}
            self.folders: dict[str, str] = {}
            self._file_ids = itertools.count(self.config.first_file_id)
            self._folder_ids = itertools.count(self.config.first_file_id - 10_000_000)

    def _folder(self, folder_path: str | None, folder_id: str | None) -> tuple[str, str]:
        if folder_id:
            if folder_id not in self.folders:
                raise validation_error(f"Folder with id {folder_id} does not exist")
            return folder_id, self.folders[folder_id]
        if not folder_path:
            raise validation_error("Either folderPath or folderId is required")
        path = "/" + folder_path.strip("/")
        for fid, p in self.folders.items():
            if p == path:
                return fid, p
        fid = str(next(self._folder_ids))
        self.folders[fid] = path
        return fid, path

    def upload(
        self,
        *,
        filename: str,
        content: bytes,
        options: dict[str, Any],
        folder_path: str | None,
        folder_id: str | None,
        file_name: str | None = None,
    ) -> StoredFile:
        """`POST /files/v3/files`: `options.access` is required, as in HubSpot."""
        access = options.get("access")
        if access not in ACCESS_LEVELS:
            raise validation_error(f"options.access must be one of {', '.join(ACCESS_LEVELS)}; got {access}")
        full = file_name or filename
        stem, dot, ext = full.rpartition(".")
        name, extension = (stem, ext.lower()) if dot and stem else (full, "")
        mime = mimetypes.guess_type(full)[0] or "application/octet-stream"
        with self._lock:
            fid, fpath = self._folder(folder_path, folder_id)
            f = StoredFile(str(next(self._file_ids)), name, extension, content, mime, access, fid, fpath, now_ms())
            self.files[f.id] = f
            return f

    def get(self, file_id: str) -> StoredFile:
        """The live file, or 404 like the Files API."""
        with self._lock:
            f = self.files.get(str(file_id))
            if f is None or f.archived:
                raise not_found(f"File with id {file_id} not found", str(file_id))
            return f

    def by_path(self, path: str) -> StoredFile | None:
        """The live file hosted at `path`, for the public `url`."""
        with self._lock:
            return next((f for f in self.files.values() if f.path == path and not f.archived), None)

    def archive(self, file_id: str) -> None:
        """Archive a file; its links stop working."""
        self.get(file_id).archived = True

    def _signature(self, file_id: str, expires: int) -> str:
        msg = f"{file_id}:{expires}".encode()
        return hmac.new(self.config.signing_key.encode(), msg, hashlib.sha256).hexdigest()

    def signed_url(self, f: StoredFile, base_url: str, expiration_s: int) -> dict[str, Any]:
        """The `SignedUrl` body: an unauthenticated download link that expires like HubSpot's CDN links."""
        expires = int(time.time()) + expiration_s
        url = (
            f"{base_url}/cdn/signed/{f.id}/{quote(f.filename)}?Expires={expires}"
            f"&Signature={self._signature(f.id, expires)}&Key-Pair-Id=SANDBOX"
        )
        return {
            "url": url,
            "expiresAt": iso_ms(expires * 1000),
            "name": f.name,
            "extension": f.extension,
            "type": file_type(f),
            "size": len(f.content),
        }

    def check_signature(self, file_id: str, expires: str, signature: str) -> bool:
        """Whether a signed download link is genuine and not yet expired."""
        if not expires.isdigit() or int(expires) < time.time():
            return False
        return hmac.compare_digest(signature, self._signature(file_id, int(expires)))


def file_type(f: StoredFile) -> str:
    """HubSpot's coarse file `type` (AUDIO, MOVIE, IMG, DOCUMENT, OTHER), from the extension."""
    return _TYPE_BY_EXTENSION.get(f.extension, "OTHER")


def file_json(f: StoredFile, base_url: str, portal_id: int) -> dict[str, Any]:
    """A File Manager `File` object."""
    url = f"{base_url}/hubfs/{portal_id}{quote(f.path)}"
    return {
        "id": f.id,
        "createdAt": iso_ms(f.created_ms),
        "updatedAt": iso_ms(f.created_ms),
        "archived": f.archived,
        "parentFolderId": f.folder_id,
        "name": f.name,
        "path": f.path,
        "size": len(f.content),
        "type": file_type(f),
        "extension": f.extension,
        "encoding": None,
        "access": f.access,
        "isUsableInContent": f.access.startswith("PUBLIC"),
        "url": url,
        "defaultHostingUrl": url,
        "fileMd5": hashlib.md5(f.content).hexdigest(),  # noqa: S324 - a checksum, as HubSpot reports it
    }
