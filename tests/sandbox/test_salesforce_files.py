"""Salesforce Files on the sandbox org: ContentVersion upload as JSON base64, the ContentDocument and links it
creates, new versions, and VersionData downloads (streamed with `sf.session.get(..., stream=True)`)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from simple_salesforce.exceptions import SalesforceMalformedRequest

from connector.sandbox.salesforce_client import SandboxOrg
from connector.sandbox.salesforce_config import MANAGER_USER_ID, REP_USER_ID

AUDIO = bytes(range(256)) * 1024          # 256 KiB, more than one streamed chunk


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_upload_creates_document_links_and_streams_back(sf: Any, org: SandboxOrg) -> None:
    opp_id = org.seed(opportunities=[{"Name": "A社", "StageName": "Qualification", "CloseDate": "2025-12-31"}])[
        "opportunities"][0]
    created = sf.ContentVersion.create({"Title": "初回商談 録音", "PathOnClient": "初回商談.mp3",
                                        "VersionData": _b64(AUDIO), "FirstPublishLocationId": opp_id})
    cv_id = created["id"]
    cv = sf.ContentVersion.get(cv_id)
    assert cv_id.startswith("068") and cv["ContentDocumentId"].startswith("069")
    assert (cv["FileExtension"], cv["FileType"], cv["ContentSize"], cv["IsLatest"], cv["VersionNumber"]) == (
        "mp3", "MP3", len(AUDIO), True, "1")
    assert cv["Checksum"] == hashlib.md5(AUDIO).hexdigest() and cv["OwnerId"] == MANAGER_USER_ID
    assert cv["VersionData"] == f"/services/data/v62.0/sobjects/ContentVersion/{cv_id}/VersionData"

    doc_id = cv["ContentDocumentId"]
    links = sf.query(f"SELECT LinkedEntityId, ShareType, Visibility FROM ContentDocumentLink "
                     f"WHERE ContentDocumentId = '{doc_id}' ORDER BY LinkedEntityId")["records"]
    assert sorted(lk["LinkedEntityId"] for lk in links) == sorted([MANAGER_USER_ID, opp_id])
    doc = sf.ContentDocument.get(doc_id)
    assert (doc["Title"], doc["LatestPublishedVersionId"], doc["FileType"]) == ("初回商談 録音", cv_id, "MP3")

    resp = sf.session.get(f"{sf.base_url}sobjects/ContentVersion/{cv_id}/VersionData", headers=sf.headers,
                          stream=True, timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "audio/mpeg"
    assert int(resp.headers["Content-Length"]) == len(AUDIO)
    chunks = list(resp.iter_content(chunk_size=32 * 1024))
    assert len(chunks) > 1 and b"".join(chunks) == AUDIO
    assert sf.ContentVersion.get_base64(cv_id, base64_field="VersionData") == AUDIO


def test_new_version_of_an_existing_document(sf: Any) -> None:
    first = sf.ContentVersion.create({"PathOnClient": "transcript.vtt", "VersionData": _b64(b"WEBVTT\n\nv1")})
    doc_id = sf.ContentVersion.get(first["id"])["ContentDocumentId"]
    second = sf.ContentVersion.create({"PathOnClient": "transcript.vtt", "VersionData": _b64(b"WEBVTT\n\nv2"),
                                       "ContentDocumentId": doc_id, "ReasonForChange": "修正"})
    rows = sf.query(f"SELECT Id, Title, VersionNumber, IsLatest FROM ContentVersion "
                    f"WHERE ContentDocumentId = '{doc_id}' ORDER BY VersionNumber")["records"]
    assert [(r["Id"], r["Title"], r["VersionNumber"], r["IsLatest"]) for r in rows] == [
        (first["id"], "transcript", "1", False), (second["id"], "transcript", "2", True)]
    [latest] = sf.query(f"SELECT Id FROM ContentVersion WHERE ContentDocumentId IN ('{doc_id}') "
                        f"AND IsLatest = true")["records"]
    assert latest["Id"] == second["id"]
    assert sf.ContentDocument.get(doc_id)["LatestPublishedVersionId"] == second["id"]


def test_link_to_task_and_delete_document(sf: Any, org: SandboxOrg) -> None:
    ids = org.seed(opportunities=[{"Name": "A社", "StageName": "Qualification", "CloseDate": "2025-12-31"}],
                   tasks=[{"Subject": "通話", "TaskSubtype": "Call", "WhatId": 0, "OwnerId": REP_USER_ID}],
                   files=[{"title": "通話録音", "path_on_client": "call.wav", "content_b64": _b64(b"RIFF"),
                           "link_to": [{"tasks": 0}, 0]}])
    task_id, doc_id = ids["tasks"][0], ids["documents"][0]
    [link] = sf.query(f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{task_id}'")[
        "records"]
    assert link["ContentDocumentId"] == doc_id
    assert sf.ContentDocument.delete(doc_id) == 204
    assert sf.query(f"SELECT Id FROM ContentVersion WHERE ContentDocumentId = '{doc_id}'")["totalSize"] == 0
    assert sf.query(f"SELECT Id FROM ContentDocumentLink WHERE LinkedEntityId = '{task_id}'")["totalSize"] == 0


def test_upload_errors(sf: Any) -> None:
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentVersion.create({"Title": "no data", "PathOnClient": "a.txt"})
    assert exc.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentVersion.create({"PathOnClient": "a.txt", "VersionData": "***not base64***"})
    assert exc.value.content[0]["errorCode"] == "JSON_PARSER_ERROR"
    cv = sf.ContentVersion.create({"PathOnClient": "a.txt", "VersionData": _b64(b"x")})
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentVersion.delete(cv["id"])
    assert exc.value.content[0]["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
    with pytest.raises(SalesforceMalformedRequest) as exc:
        sf.ContentDocument.create({"Title": "x"})
    assert exc.value.content[0]["errorCode"] == "INVALID_TYPE_FOR_OPERATION"
