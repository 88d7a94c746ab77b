"""The monthly digest in HubSpot: one task for a manager, with the HTML report attached from Files.

Idempotent by its DealCoach key: a task already carrying the key is found by search and returned, so a retried or
doubled cron run posts nothing twice. Docs: https://developers.hubspot.com/docs/api/files/files (upload, private
access), https://developers.hubspot.com/docs/api/crm/tasks (`hs_attachment_ids`, `hubspot_owner_id`, a task needs no
association).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hubspot.crm.objects import PublicObjectSearchRequest, SimplePublicObjectInputForCreate

from connector.marker import with_marker

Call = Callable[..., Any]
FOLDER = "/dealcoach-reports"
KEY_PROPERTY = "dealcoach_key"


def find_task(call: Call, client: Any, key: str) -> str | None:
    """The id of the task that carries `key`, if one exists."""
    body = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": KEY_PROPERTY, "operator": "EQ", "value": key}]}],
        properties=[KEY_PROPERTY],
        limit=1,
    )
    page = call(client.crm.objects.search_api.do_search_with_http_info, "tasks", body)
    return str(page.results[0].id) if page.results else None


def post_digest(
    call: Call,
    client: Any,
    *,
    key: str,
    owner_id: str,
    subject: str,
    body: str,
    file_name: str,
    html: str,
    at: datetime,
) -> str:
    """Create the manager's digest task (report attached) unless the key already exists; returns the task id."""
    existing = find_task(call, client, key)
    if existing:
        return existing
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / file_name
        path.write_text(html, encoding="utf-8")
        uploaded = call(
            client.files.files_api.upload_with_http_info,
            file=str(path),
            folder_path=FOLDER,
            options=json.dumps({"access": "PRIVATE", "overwrite": False}),
            write=True,
        )
    props = {
        "hs_task_subject": subject,
        "hs_task_body": with_marker(body, key, html=False),
        "hs_timestamp": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "hs_task_status": "NOT_STARTED",
        "hs_task_priority": "MEDIUM",
        "hubspot_owner_id": owner_id,
        "hs_attachment_ids": str(uploaded.id),
        KEY_PROPERTY: key,
    }
    task = call(
        client.crm.objects.basic_api.create_with_http_info,
        "tasks",
        SimplePublicObjectInputForCreate(properties=props),
        write=True,
    )
    return str(task.id)
