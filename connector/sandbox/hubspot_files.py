"""Files API v3 (`/files/v3/files`) plus the unauthenticated download paths HubSpot's CDN would serve.

Upload is multipart (`file`, `folderPath` or `folderId`, optional `fileName`, `options` JSON with `access`),
exactly what `client.files.files_api.upload(...)` sends.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, request

from .hubspot_errors import validation_error
from .hubspot_filestore import StoredFile, file_json
from .hubspot_state import api_origin, base_url, current

bp = Blueprint("hubspot_files", __name__)
DEFAULT_SIGNED_URL_S = 3600
MAX_SIGNED_URL_S = 6 * 3600
_DENIED = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access denied</Message></Error>'
)


@bp.post("/files/v3/files")
def upload() -> tuple[dict[str, Any], int]:
    """POST /files/v3/files (multipart), 201 with the `File`."""
    part = request.files.get("file")
    if part is None:
        raise validation_error("file is required")
    try:
        options = json.loads(request.form.get("options") or "{}")
    except json.JSONDecodeError:
        raise validation_error("options must be a JSON object") from None
    sb = current()
    f = sb.files.upload(
        filename=part.filename or "file",
        content=part.read(),
        options=options,
        folder_path=request.form.get("folderPath"),
        folder_id=request.form.get("folderId"),
        file_name=request.form.get("fileName"),
    )
    sb.store.log_write(
        api_origin(),
        "upload",
        "files",
        f.id,
        name=f.filename,
        size=len(f.content),
        access=f.access,
        folderPath=f.folder_path,
    )
    return file_json(f, base_url(), sb.config.portal_id), 201


@bp.get("/files/v3/files/<file_id>")
def get_file(file_id: str) -> dict[str, Any]:
    """GET /files/v3/files/{fileId}."""
    sb = current()
    return file_json(sb.files.get(file_id), base_url(), sb.config.portal_id)


@bp.delete("/files/v3/files/<file_id>")
def archive_file(file_id: str) -> Response:
    """DELETE /files/v3/files/{fileId} (archive), 204."""
    sb = current()
    sb.files.archive(file_id)
    sb.store.log_write(api_origin(), "archive", "files", file_id)
    return Response(status=204)


@bp.get("/files/v3/files/<file_id>/signed-url")
def signed_url(file_id: str) -> dict[str, Any]:
    """GET /files/v3/files/{fileId}/signed-url: a download link that needs no token and lives at most 6 hours.

    The default is 1 hour and the maximum 6 hours (21,600 s), per the endpoint's reference
    (developers.hubspot.com/docs/api/files/files, GET /files/v3/files/{fileId}/signed-url, quoted by pipedream's
    hubspot "get-file-public-url" action); a longer request is cut to the maximum.
    """
    sb = current()
    raw = request.args.get("expirationSeconds", str(DEFAULT_SIGNED_URL_S))
    if not raw.isdigit() or int(raw) < 1:
        raise validation_error(f"expirationSeconds must be a positive number of seconds; got {raw}")
    return sb.files.signed_url(sb.files.get(file_id), base_url(), min(int(raw), MAX_SIGNED_URL_S))


def _serve(f: StoredFile) -> Response:
    # RFC 5987 form: Japanese file names are common and headers must stay latin-1.
    disposition = f"inline; filename*=UTF-8''{quote(f.filename)}"
    return Response(
        f.content, mimetype=f.mime, headers={"Content-Disposition": disposition, "Cache-Control": "private"}
    )


@bp.get("/cdn/signed/<file_id>/<path:filename>")
def download_signed(file_id: str, filename: str) -> Response:
    """What a signed URL points to: no auth header, only a valid, unexpired signature."""
    sb = current()
    f = sb.files.files.get(file_id)
    ok = sb.files.check_signature(file_id, request.args.get("Expires", ""), request.args.get("Signature", ""))
    if f is None or f.archived or not ok:
        return Response(_DENIED, status=403, mimetype="application/xml")
    return _serve(f)


@bp.get("/hubfs/<int:portal_id>/<path:path>")
def download_public(portal_id: int, path: str) -> Response:
    """A file's `url`: served to anyone only when its access is PUBLIC_*, like HubSpot's file hosting."""
    sb = current()
    f = sb.files.by_path("/" + path)
    if f is None or portal_id != sb.config.portal_id or not f.access.startswith("PUBLIC"):
        return Response(_DENIED, status=403, mimetype="application/xml")
    return _serve(f)
