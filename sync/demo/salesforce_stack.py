"""The embedded stack for Salesforce: the TLS sandbox org + the real webhook app + RQ, in one process.

The org sends real Outbound Messages (SOAP) to the app; the worker reaches the org through simple-salesforce
over HTTPS, trusting only the sandbox's self-signed certificate.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from simple_salesforce import Salesforce, SFType

from connector.models import TenantSettings
from connector.salesforce.crm import sobject
from connector.sandbox.salesforce import (
    SalesforceSandboxConfig,
    start_salesforce_sandbox,
)
from connector.sandbox.salesforce_client import SandboxOrg
from connector.tenants import Tenant, TenantRegistry
from sync.demo.stack import AppFactory, Stack, running, start_app

REP_USER_ID = "0055g00000TARO1AAP"


@dataclass
class SalesforceStack(Stack):
    """Handles to the running org and app, for driving like a rep and for reading back with SOQL."""

    org: SandboxOrg
    config: SalesforceSandboxConfig
    sf: Salesforce

    @property
    def tenant(self) -> str:
        return f"salesforce:{self.config.org_id}"

    def control(self, method: str, path: str, body: Any = None) -> Any:
        return self.org.control(method, path, body)

    def deliver_webhooks(self) -> Any:
        """Wait until the org has delivered (and seen acknowledged) every pending Outbound Message."""
        return self.control("POST", "outbound/flush", {"timeout_s": 20})

    def sobject(self, name: str) -> SFType:
        return sobject(self.sf, name)

    # -- what a rep does in Salesforce ----------------------------------------------------------

    def create_opportunity(self, *, name: str, stage: str, amount: float = 0) -> str:
        return self.sobject("Opportunity").create(
            {"Name": name, "StageName": stage, "CloseDate": "2027-03-31", "Amount": amount, "OwnerId": REP_USER_ID}
        )["id"]

    def log_call(self, *, opportunity_id: str, transcript: Path, subject: str, at: datetime) -> str:
        """A call Task on the Opportunity with the transcript file attached to it."""
        task = self.sobject("Task").create(
            {
                "Subject": subject,
                "TaskSubtype": "Call",
                "CallType": "Outbound",
                "Status": "Completed",
                "WhatId": opportunity_id,
                "OwnerId": REP_USER_ID,
                "ActivityDate": at.date().isoformat(),
            }
        )["id"]
        self.sobject("ContentVersion").create(
            {
                "Title": transcript.stem,
                "PathOnClient": transcript.name,
                "FirstPublishLocationId": task,
                "VersionData": base64.b64encode(transcript.read_bytes()).decode(),
            }
        )
        return task

    def move_stage(self, opportunity_id: str, stage: str) -> None:
        self.sobject("Opportunity").update(opportunity_id, {"StageName": stage})

    # -- reading back what DealCoach wrote --------------------------------------------------------

    def tasks_on(self, opportunity_id: str) -> list[dict[str, Any]]:
        rows = self.sf.query_all(
            "SELECT Id, Subject, Description, ActivityDate, ReminderDateTime, Status, Priority, OwnerId "
            f"FROM Task WHERE WhatId = '{opportunity_id}' AND TaskSubtype != 'Call'"
        )["records"]
        return sorted(rows, key=lambda r: r["Id"])

    def notes_on(self, opportunity_id: str) -> list[dict[str, Any]]:
        """ContentNotes linked to the Opportunity, with their HTML content decoded."""
        links = self.sf.query_all(
            f"SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '{opportunity_id}'"
        )["records"]
        ids = ", ".join(f"'{r['ContentDocumentId']}'" for r in links)
        if not ids:
            return []
        versions = self.sf.query_all(
            "SELECT Id, Title, ContentDocumentId FROM ContentVersion "
            f"WHERE ContentDocumentId IN ({ids}) AND IsLatest = true AND FileType = 'SNOTE'"
        )["records"]
        notes = []
        for v in versions:
            url = f"{self.sf.base_url}sobjects/ContentVersion/{v['Id']}/VersionData"
            body = self.sf.session.get(url, headers=self.sf.headers, timeout=30).content.decode("utf-8")
            notes.append({"id": v["ContentDocumentId"], "title": v["Title"], "content": body})
        return notes

    def opportunity(self, opportunity_id: str) -> dict[str, Any]:
        return dict(self.sobject("Opportunity").get(opportunity_id))


@contextmanager
def salesforce_stack(
    conn: redis.Redis,
    *,
    secret_key: str,
    app_factory: AppFactory,
    settings: TenantSettings | None = None,
    config: SalesforceSandboxConfig | None = None,
    env: dict[str, str] | None = None,
    install: bool = False,
) -> Iterator[SalesforceStack]:
    """Start the org (TLS) and the app, register the org as a tenant, point Outbound Messages at the app. With
    `install`, the app is configured for the OAuth web-server install instead, which the caller walks through."""
    config = config or SalesforceSandboxConfig()
    server, sandbox_app = start_salesforce_sandbox(config)
    org = SandboxOrg(server, sandbox_app)
    oauth = (
        {"SALESFORCE_CLIENT_ID": config.oauth_client_id, "SALESFORCE_CLIENT_SECRET": config.oauth_client_secret,
         "SALESFORCE_LOGIN_URL": org.url, "SALESFORCE_CA_BUNDLE": str(org.cert)}
        if install
        else {}
    )  # fmt: skip
    app = start_app(conn, app_factory, secret_key, **oauth)
    try:
        if not install:
            TenantRegistry(conn, secret_key).add(
                Tenant(
                    provider="salesforce",
                    external_id=config.org_id,
                    name="Sandbox org",
                    # user_id: what the OAuth install stores from the token response's identity URL.
                    credentials={
                        "instance_url": org.url,
                        "session_id": config.access_tokens[0],
                        "ca_bundle": str(org.cert),
                        "user_id": config.api_user_id,
                    },
                    settings=settings or TenantSettings(),
                )
            )
        org.control("POST", "outbound", {"url": f"{app.url}/webhooks/salesforce/outbound"})
        with running(secret_key, env, conn):
            # The rep works in their own session: their changes carry their user id, DealCoach's carry its own.
            rep = org.client(session_id=next(iter(config.user_sessions)))
            yield SalesforceStack(
                conn=conn, org=org, app=app, config=config, sf=rep, secret_key=secret_key, env=dict(env or {})
            )
    finally:
        app.stop()
        server.stop()
