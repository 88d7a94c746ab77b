"""The installs an admin starts from the browser. HubSpot: code → tokens → portal → tenant stored (refresh token
encrypted) → DealCoach's properties → a stage→phase proposal for every deal pipeline, waiting for the admin.

Salesforce: code → session, refresh token, org and user → tenant stored. The web routes (webhooks/oauth.py) only
check the browser's `state` and call `install_hubspot` / `install_salesforce`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, cast

import redis

from connector.hubspot.oauth import OAuthApp, TokenProvider, exchange_code, token_info
from connector.hubspot.setup import PortalSetup
from connector.models import TenantSettings
from connector.salesforce.oauth import ConnectedApp
from connector.salesforce.oauth import exchange_code as exchange_code_salesforce
from connector.tenants import Tenant, TenantRegistry, tenant_id
from sync.stage_proposal import proposal_document

log = logging.getLogger("dealcoach.sync.install")

_PROPOSAL_KEY = "dealcoach:stagemap:proposal:{}"


@dataclass(frozen=True)
class InstallResult:
    tenant_id: str
    portal_id: str
    reinstalled: bool
    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    pipelines: list[str] = field(default_factory=list)


def install_hubspot(
    conn: redis.Redis, registry: TenantRegistry, app: OAuthApp, *, code: str, redirect_uri: str
) -> InstallResult:
    """Everything after HubSpot's redirect; raises `OAuthExchangeError` or a `CrmError` when HubSpot refuses."""
    tokens = exchange_code(app, code, redirect_uri)
    info = token_info(app, tokens.access_token)
    tid = tenant_id("hubspot", info.hub_id)
    before = registry.get(tid)
    tenant = Tenant(
        provider="hubspot",
        external_id=info.hub_id,
        credentials={"refresh_token": tokens.refresh_token, "api_base": app.api_base},
        settings=before.settings if before else TenantSettings(),
        name=before.name if before and before.name else f"HubSpot portal {info.hub_id}",
    )
    registry.add(tenant)
    TokenProvider(conn, registry, tid, app).store(tokens)
    setup = PortalSetup(tokens.access_token, app.api_base)
    report = setup.ensure_properties()
    pipelines = setup.deal_pipelines()
    save_proposal(conn, tid, proposal_document(pipelines))
    log.info(
        "sync.install.hubspot tenant=%s reinstall=%s created=%d existing=%d pipelines=%d",
        tid,
        before is not None,
        len(report.created),
        len(report.existing),
        len(pipelines),
    )
    return InstallResult(
        tenant_id=tid,
        portal_id=info.hub_id,
        reinstalled=before is not None,
        created=report.created,
        existing=report.existing,
        pipelines=[p.id for p in pipelines],
    )


def save_proposal(conn: redis.Redis, tid: str, document: dict[str, Any]) -> None:
    conn.set(_PROPOSAL_KEY.format(tid), json.dumps(document, ensure_ascii=False))


def load_proposal(conn: redis.Redis, tid: str) -> dict[str, Any]:
    """The stage→phase proposal of the last install (pipeline id → label and stages), empty when none."""
    raw = cast(bytes | None, conn.get(_PROPOSAL_KEY.format(tid)))
    return json.loads(raw) if raw else {}


def install_salesforce(registry: TenantRegistry, app: ConnectedApp, *, code: str, redirect_uri: str) -> InstallResult:
    """Everything after Salesforce's redirect: the org registered with its refresh token (encrypted)."""
    installed = exchange_code_salesforce(app, code, redirect_uri)
    tid = tenant_id("salesforce", installed.org_id)
    before = registry.get(tid)
    registry.add(
        Tenant(
            provider="salesforce",
            external_id=installed.org_id,
            credentials=installed.credentials,
            settings=before.settings if before else TenantSettings(),
            name=before.name if before and before.name else f"Salesforce org {installed.org_id}",
        )
    )
    log.info("sync.install.salesforce tenant=%s reinstall=%s", tid, before is not None)
    return InstallResult(tenant_id=tid, portal_id=installed.org_id, reinstalled=before is not None)
