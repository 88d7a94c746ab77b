"""The embedded stack: sandbox HubSpot + the real webhook app over HTTP + RQ, all in one process.

`dealcoach demo` runs it on fakeredis (no Redis server needed); the end-to-end tests run the very same
stack on a real redis-server. Only the CRM vendor is stood in for; DealCoach's code runs unchanged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis
import requests
from hubspot import HubSpot
from hubspot.crm.objects import (
    AssociationSpec,
    BatchReadInputSimplePublicObjectId,
    PublicAssociationsForObject,
    PublicObjectId,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from connector.models import TenantSettings
from connector.sandbox.hubspot import HubSpotSandboxConfig, create_hubspot_sandbox
from connector.sandbox.server import ServerThread
from connector.tenants import Tenant, TenantRegistry
from sync.demo.stack import AppFactory, Stack, running, start_app

log = logging.getLogger("dealcoach.embedded")

CALL_TO_DEAL = 206


@dataclass
class EmbeddedStack(Stack):
    """Handles to every running part, for driving and for reading back."""

    sandbox: ServerThread
    config: HubSpotSandboxConfig
    hubspot: HubSpot

    @property
    def tenant(self) -> str:
        return f"hubspot:{self.config.portal_id}"

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the sandbox's `/_sandbox/` control API."""
        resp = requests.request(method, f"{self.sandbox.url}/_sandbox/{path}", timeout=30, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def deliver_webhooks(self) -> dict[str, Any]:
        """Wait until the sandbox has POSTed every pending webhook to the app; return the delivery log."""
        return self.control("POST", "webhooks/flush")

    # -- what a rep does in HubSpot, through the real client ------------------------------------

    def create_deal(self, *, name: str, stage: str, owner_id: str, amount: str = "") -> str:
        props = {"dealname": name, "dealstage": stage, "pipeline": "default", "hubspot_owner_id": owner_id}
        if amount:
            props["amount"] = amount
        deal = self.hubspot.crm.deals.basic_api.create(SimplePublicObjectInputForCreate(properties=props))
        return str(deal.id)

    def log_call(self, *, deal_id: str, transcript: Path, title: str, at: datetime, owner_id: str) -> str:
        """Upload the transcript to Files, then log a call that carries it and is associated to the deal."""
        uploaded = self.hubspot.files.files_api.upload(
            file=str(transcript),
            folder_path="/call-transcripts",
            options=json.dumps({"access": "PRIVATE"}),
        )
        props = {
            "hs_timestamp": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "hs_call_title": title,
            "hs_call_direction": "OUTBOUND",
            "hs_call_status": "COMPLETED",
            "hubspot_owner_id": owner_id,
            "hs_attachment_ids": str(uploaded.id),
        }
        assoc = PublicAssociationsForObject(
            to=PublicObjectId(id=deal_id),
            types=[AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=CALL_TO_DEAL)],
        )
        call = self.hubspot.crm.objects.calls.basic_api.create(
            SimplePublicObjectInputForCreate(properties=props, associations=[assoc])
        )
        return str(call.id)

    def move_stage(self, deal_id: str, stage: str) -> None:
        self.hubspot.crm.deals.basic_api.update(deal_id, SimplePublicObjectInput(properties={"dealstage": stage}))

    # -- reading back what DealCoach wrote --------------------------------------------------------

    def associated(self, deal_id: str, object_type: str, properties: list[str]) -> list[dict[str, Any]]:
        page = self.hubspot.crm.associations.v4.basic_api.get_page("deals", deal_id, object_type, limit=500)
        ids = [str(r.to_object_id) for r in page.results]
        if not ids:
            return []
        batch = BatchReadInputSimplePublicObjectId(
            properties=properties, inputs=[SimplePublicObjectId(id=i) for i in ids]
        )
        resp = self.hubspot.crm.objects.batch_api.read(object_type, batch)
        return sorted(({"id": str(o.id), **(o.properties or {})} for o in resp.results), key=lambda o: o["id"])

    def notes_on(self, deal_id: str) -> list[dict[str, Any]]:
        return self.associated(deal_id, "notes", ["hs_note_body", "hs_timestamp"])

    def tasks_on(self, deal_id: str) -> list[dict[str, Any]]:
        return self.associated(
            deal_id,
            "tasks",
            [
                "hs_task_subject",
                "hs_task_body",
                "hs_timestamp",
                "hs_task_status",
                "hs_task_priority",
                "hubspot_owner_id",
            ],
        )

    def deal_properties(self, deal_id: str) -> dict[str, Any]:
        deal = self.hubspot.crm.deals.basic_api.get_by_id(
            deal_id,
            properties=[
                "dealname",
                "dealstage",
                "dealcoach_score",
                "dealcoach_bant",
                "dealcoach_deal_state",
                "dealcoach_last_scored_at",
            ],
        )
        return dict(deal.properties or {})


@contextmanager
def embedded_stack(
    conn: redis.Redis,
    *,
    secret_key: str,
    app_factory: AppFactory,
    settings: TenantSettings | None = None,
    config: HubSpotSandboxConfig | None = None,
    env: dict[str, str] | None = None,
    install: bool = False,
) -> Iterator[EmbeddedStack]:
    """Start sandbox and app on free ports, register the sandbox portal as a tenant, wire the webhooks. With
    `install`, the tenant is not registered here: the app is configured for the OAuth install
    (sync/demo/install.py), which the caller walks through."""
    config = config or HubSpotSandboxConfig()
    sandbox = ServerThread(create_hubspot_sandbox(config))
    sandbox.start()
    oauth = (
        {"HUBSPOT_CLIENT_ID": config.client_id, "HUBSPOT_API_BASE": sandbox.url,
         "HUBSPOT_AUTHORIZE_URL": f"{sandbox.url}/oauth/authorize"}
        if install
        else {}
    )  # fmt: skip
    app = start_app(conn, app_factory, secret_key, HUBSPOT_CLIENT_SECRETS=[config.client_secret], **oauth)
    if install:
        # The worker refreshes the installed portal's access tokens with the app's id and secret.
        env = {**(env or {}), "HUBSPOT_CLIENT_ID": config.client_id, "HUBSPOT_CLIENT_SECRET": config.client_secret}
    try:
        if install:
            config.redirect_urls.append(f"{app.url}/oauth/hubspot/callback")
        else:
            TenantRegistry(conn, secret_key).add(
                Tenant(
                    provider="hubspot",
                    external_id=str(config.portal_id),
                    name="Sandbox portal",
                    credentials={"access_token": config.access_tokens[0], "api_base": sandbox.url},
                    settings=settings or TenantSettings(),
                )
            )
        # The rep's side acts through another app installed in the portal (a dialer, the customer's own tools):
        # writes made with DealCoach's own token come back as its own changes, which it rightly ignores.
        rep_token = next(iter(config.other_app_tokens))
        client = HubSpot(access_token=rep_token, host=sandbox.url, base_url=sandbox.url)
        stack = EmbeddedStack(
            conn=conn,
            sandbox=sandbox,
            app=app,
            config=config,
            hubspot=client,
            secret_key=secret_key,
            env=dict(env or {}),
        )
        stack.control(
            "POST",
            "webhooks",
            json={"target_url": f"{app.url}/webhooks/hubspot", "client_secret": config.client_secret},
        )
        with running(secret_key, env, conn):
            yield stack
    finally:
        app.stop()
        sandbox.stop()
