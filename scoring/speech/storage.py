"""Where long recordings wait for Speech: a Cloud Storage object, uploaded, recognized from gs:// and deleted.

`AudioStore` is the seam `scoring.speech.recognize.transcribe` uses. `GcsJsonStore` implements it with two calls of the
Cloud Storage JSON API (media upload, object delete) over any requests session: a google-auth
`AuthorizedSession` in production, a plain session against the local fake in tests. That avoids a
google-cloud-storage dependency for two requests. The upload streams the file from disk; a bucket lifecycle
rule (delete after 1 day) is the backstop if a delete ever fails.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Protocol, runtime_checkable
from urllib.parse import quote

import requests

from scoring.speech.errors import SpeechRetryableError, classify_status

log = logging.getLogger("dealcoach.scoring.speech")

STORAGE_ENDPOINT = "https://storage.googleapis.com"
STORAGE_SCOPE = "https://www.googleapis.com/auth/devstorage.read_write"


@runtime_checkable
class AudioStore(Protocol):
    """Holds an audio file where Speech can read it for the length of one recognition."""

    def upload(self, path: Path) -> str:
        """Store the file; return its gs:// URI."""
        ...

    def delete(self, uri: str) -> None:
        """Remove the object behind `uri`."""
        ...


class GcsJsonStore:
    """Cloud Storage through the JSON API: `POST /upload/storage/v1/b/{bucket}/o?uploadType=media`, `DELETE .../o/{name}`.

    https://cloud.google.com/storage/docs/uploading-objects#uploading-an-object (JSON API, single-request upload).
    """

    def __init__(
        self,
        bucket: str,
        *,
        session: requests.Session,
        endpoint: str = STORAGE_ENDPOINT,
        prefix: str = "dealcoach-audio/",
        timeout_s: float = 600.0,
    ) -> None:
        self.bucket, self.session, self.prefix, self.timeout_s = bucket, session, prefix, timeout_s
        self.endpoint = endpoint.rstrip("/")

    def upload(self, path: Path) -> str:
        """Stream the file in one media upload under a random name (no tenant or call ids in object names)."""
        name = f"{self.prefix}{uuid.uuid4().hex}{path.suffix}"
        url = f"{self.endpoint}/upload/storage/v1/b/{quote(self.bucket, safe='')}/o"
        with path.open("rb") as body:
            resp = self._send(
                "POST",
                url,
                params={"uploadType": "media", "name": name},
                data=body,
                headers={"Content-Type": "audio/flac" if path.suffix == ".flac" else "audio/wav"},
            )
        if resp.status_code != 200:
            # Cloud Storage documents no Retry-After: its guidance for 429/5xx is exponential backoff, which is
            # what the job's retry schedule does.
            raise classify_status(resp.status_code, "storage upload")
        log.info("speech.store.uploaded bytes=%d", path.stat().st_size)
        return f"gs://{self.bucket}/{name}"

    def delete(self, uri: str) -> None:
        bucket, _, name = uri.removeprefix("gs://").partition("/")
        url = f"{self.endpoint}/storage/v1/b/{quote(bucket, safe='')}/o/{quote(name, safe='')}"
        resp = self._send("DELETE", url)
        if resp.status_code not in (200, 204, 404):
            raise classify_status(resp.status_code, "storage delete")

    def _send(self, method: str, url: str, **kwargs: object) -> requests.Response:
        try:
            return self.session.request(method, url, timeout=self.timeout_s, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as exc:
            raise SpeechRetryableError(f"storage {method.lower()} failed: {type(exc).__name__}") from None
