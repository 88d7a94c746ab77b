"""`HubSpotCrm`: the `Crm` protocol over hubspot-api-client (CRM v3 objects, v4 associations, Files v3).

Docs: https://developers.hubspot.com/docs/api/crm/understanding-the-crm (objects, batch, search),
https://developers.hubspot.com/docs/api/crm/associations (v4), https://developers.hubspot.com/docs/api/files/files.
Split along its jobs: plumbing (`client.py`), deals and their records (`records.py`), calls and files (`calls.py`),
writes (`writes.py`); the manager report's reads and the digest have their own modules.
"""

from __future__ import annotations

from datetime import datetime

from connector.hubspot.calls import HubSpotCalls
from connector.hubspot.client import DEFAULT_API_BASE, KEY_PROPERTY
from connector.hubspot.digest import post_digest
from connector.hubspot.report_reads import read_report_records
from connector.hubspot.writes import HubSpotWrites
from connector.report_records import ReportRecords

__all__ = ["DEFAULT_API_BASE", "KEY_PROPERTY", "HubSpotCrm"]


class HubSpotCrm(HubSpotWrites, HubSpotCalls):
    """One installed portal, reached with an access token (private app or OAuth)."""

    provider = "hubspot"

    def own_user_id(self) -> str | None:
        """None: HubSpot marks an app's own changes in the webhook itself (changeSource INTEGRATION, sourceId)."""
        return None

    def report_records(self, *, since: datetime) -> ReportRecords:
        """Everything the manager report needs since `since`, read page by page (connector/hubspot/report_reads.py)."""
        return read_report_records(self._call, self.client, since=since)

    def post_digest(
        self, *, key: str, owner_id: str, subject: str, body: str, file_name: str, html: str, at: datetime
    ) -> str:
        """A manager's monthly digest task with the report attached (connector/hubspot/digest.py)."""
        return post_digest(
            self._call,
            self.client,
            key=key,
            owner_id=owner_id,
            subject=subject,
            body=body,
            file_name=file_name,
            html=html,
            at=at,
        )
