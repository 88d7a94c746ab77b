"""Files API through the real SDK: multipart upload, File objects, expiring signed URLs served without auth."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import requests


def _upload(client: Any, path: Path, access: str = "PRIVATE", **kw: Any) -> Any:
    return client.files.files_api.upload(file=str(path), folder_path="/dealcoach/recordings",
                                         options=json.dumps({"access": access}), **kw)


def test_upload_get_and_signed_url(client: Any, tmp_path: Path) -> None:
    vtt = tmp_path / "商談_2025-03-01.vtt"
    vtt.write_text("WEBVTT\n\n00:00.000 --> 00:02.000\n<v 山田>本日はよろしくお願いします。\n", encoding="utf-8")
    f = _upload(client, vtt)
    assert (f.name, f.extension, f.type, f.access) == ("商談_2025-03-01", "vtt", "DOCUMENT", "PRIVATE")
    assert f.size == len(vtt.read_bytes()) and f.path == "/dealcoach/recordings/商談_2025-03-01.vtt"
    got = client.files.files_api.get_by_id(f.id)
    assert got.id == f.id and got.parent_folder_id == f.parent_folder_id and got.created_at
    signed = client.files.files_api.get_signed_url(f.id, expiration_seconds=60)
    assert (signed.name, signed.extension, signed.size) == (f.name, "vtt", f.size) and signed.expires_at
    download = requests.get(signed.url, timeout=5)  # no Authorization header, like HubSpot's CDN
    assert download.status_code == 200 and download.content == vtt.read_bytes()
    assert requests.get(f.url, timeout=5).status_code == 403  # private files are not publicly hosted
    tampered = signed.url.replace("Signature=", "Signature=0")
    assert requests.get(tampered, timeout=5).status_code == 403


def test_signed_url_expires(client: Any, tmp_path: Path) -> None:
    audio = tmp_path / "call.mp3"
    audio.write_bytes(b"ID3\x03" + bytes(range(256)))
    f = _upload(client, audio, file_name="recording.mp3")
    assert (f.name, f.type) == ("recording", "AUDIO")
    signed = client.files.files_api.get_signed_url(f.id, expiration_seconds=1)
    time.sleep(1.1)
    assert requests.get(signed.url, timeout=5).status_code == 403


def test_public_files_and_errors(client: Any, tmp_path: Path, api_error: Any) -> None:
    doc = tmp_path / "proposal.pdf"
    doc.write_bytes(b"%PDF-1.4 sandbox")
    f = _upload(client, doc, access="PUBLIC_NOT_INDEXABLE")
    assert requests.get(f.url, timeout=5).content == b"%PDF-1.4 sandbox"
    with api_error(404):
        client.files.files_api.get_by_id("1")
    with api_error(400) as err:
        client.files.files_api.upload(file=str(doc), folder_path="/x", options=json.dumps({}))
    assert "access" in err.body["message"]
    with api_error(400):
        client.files.files_api.upload(file=str(doc), options=json.dumps({"access": "PRIVATE"}))
    again = client.files.files_api.upload(file=str(doc), folder_id=f.parent_folder_id,
                                          options=json.dumps({"access": "PRIVATE"}))
    assert again.parent_folder_id == f.parent_folder_id
    client.files.files_api.archive(f.id)
    with api_error(404):
        client.files.files_api.get_by_id(f.id)


def test_signed_urls_live_at_most_six_hours(client: Any, tmp_path: Path) -> None:
    from datetime import datetime, timezone

    path = tmp_path / "call.vtt"
    path.write_text("WEBVTT\n", encoding="utf-8")
    f = _upload(client, path)
    before = datetime.now(timezone.utc)
    week = client.files.files_api.get_signed_url(f.id, expiration_seconds=7 * 86_400)
    hours = (week.expires_at - before).total_seconds() / 3600
    assert 5.9 < hours <= 6.01
    default = client.files.files_api.get_signed_url(f.id)
    assert 0.9 < (default.expires_at - before).total_seconds() / 3600 <= 1.01
