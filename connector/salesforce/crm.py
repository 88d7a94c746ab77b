"""`SalesforceCrm`: the `Crm` protocol over simple-salesforce (REST: sObjects, SOQL, composite/sobjects).

Docs: https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/ (sObject Collections,
ContentVersion blob retrieval, ContentNote). Opportunity = deal; a call is a Task or a file linked to one.
Split along its jobs: plumbing (`client.py`), deals and their records (`records.py`), calls and files
(`files.py`), writes (`writes.py`); the manager report's reads have their own module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from connector.report_records import ReportRecords
from connector.salesforce.client import API_VERSION, DEAL_FIELDS, KEY_FIELD, sobject, stage_run_start
from connector.salesforce.ids import to_18
from connector.salesforce.records import SalesforceDeals
from connector.salesforce.report_reads import post_digest, read_report_records
from connector.salesforce.writes import SalesforceWrites

__all__ = ["API_VERSION", "DEAL_FIELDS", "KEY_FIELD", "SalesforceCrm", "sobject", "stage_run_start"]


class SalesforceCrm(SalesforceWrites, SalesforceDeals):
    """One org, reached with a session (direct, OAuth refresh token or JWT bearer, see `SalesforceAuth`)."""

    provider = "salesforce"

    def own_user_id(self) -> str | None:
        return to_18(self.auth.user_id) if self.auth.user_id else None

    def report_records(self, *, since: datetime) -> ReportRecords:
        """Everything the manager report needs since `since` (connector/salesforce/report_reads.py)."""
        return read_report_records(self._query, since=since, field_names=DEAL_FIELDS, due=self._due)

    def post_digest(
        self, *, key: str, owner_id: str, subject: str, body: str, file_name: str, html: str, at: datetime
    ) -> str:
        """A manager's monthly digest Task with the report attached."""

        def create(name: str, record: dict[str, Any]) -> str:
            return str(self._call(lambda sf: sobject(sf, name).create(record), write=True)["id"])

        return post_digest(
            self._query,
            create,
            key=key,
            owner_id=owner_id,
            subject=subject,
            body=body,
            file_name=file_name,
            html=html,
            day=at.astimezone(self.tz).date(),
        )
