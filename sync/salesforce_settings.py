"""Settings a Salesforce admin keeps in the org (`DealCoach_Setting__mdt.Default`) applied to the tenant within a
minute of a change: the record is re-read at most once a minute per org (a Redis key with a 60-second TTL, taken
with SET NX so concurrent jobs read it once), validated whole by the same code as the HubSpot settings page, and
stored in the tenant registry only when valid.

Invalid settings leave the last valid ones in force, and the admin gets one CRM Task naming the field and why,
keyed by the content of the record (upsert on DealCoach_Key__c), so the same mistake never makes a second task.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError

from connector.base import Crm, CrmError
from connector.hubspot.setup import Pipeline, PipelineStage
from connector.salesforce.crm import sobject
from connector.salesforce.settings_mdt import RECORD, SETTING_TYPE, MdtSettingsError, field_of, read_record, to_settings
from connector.tenants import Tenant, TenantRegistry
from sync.admin_settings import InvalidSettings, save_settings
from sync.install import save_proposal
from sync.stage_proposal import proposal_document

log = logging.getLogger("dealcoach.sync.salesforce_settings")

CHECK_TTL_S = 60
_CHECKED = "dealcoach:sf:mdt:{}:checked"
_APPLIED = "dealcoach:sf:mdt:{}:applied"
_TEXT = {
    "ja": (
        "DealCoach の設定が無効です: {field}",
        "カスタムメタデータ {record} の {field} が無効なため、DealCoach は前回の有効な設定で動作しています。\n"
        "理由: {why}\n設定 (Setup → カスタムメタデータ型 → DealCoach Setting → Default) を直してください。",
    ),
    "en": (
        "DealCoach settings invalid: {field}",
        "{field} of the custom metadata record {record} is invalid, so DealCoach keeps its last valid settings.\n"
        "Why: {why}\nFix it in Setup → Custom Metadata Types → DealCoach Setting → Default.",
    ),
}


def digest(changes: dict[str, Any]) -> str:
    """A stable fingerprint of the record's settings: unchanged settings are not validated or reported again."""
    return hashlib.sha256(json.dumps(changes, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def apply_org_settings(
    conn: redis.Redis, registry: TenantRegistry, tenant: Tenant, crm: Crm, *, now: datetime
) -> Tenant:
    """The tenant with the org's current settings (re-read at most once a minute); the tenant as given when nothing
    changed, the record is missing or invalid, or Salesforce cannot answer now (tried again a minute later)."""
    if tenant.provider != "salesforce":
        return tenant
    if not conn.set(_CHECKED.format(tenant.id), b"1", nx=True, ex=CHECK_TTL_S):
        return tenant
    sf: Salesforce = getattr(crm, "sf")  # noqa: B009 (the Crm protocol does not name the simple-salesforce client)
    try:
        record = read_record(sf)
    except (SalesforceError, requests.RequestException, CrmError) as exc:
        # Tried again a minute later, not on every job: an org without the package answers INVALID_TYPE each time.
        log.warning("sync.settings_mdt.unreadable tenant=%s error=%s", tenant.id, type(exc).__name__)
        return tenant
    if record is None:
        log.info("sync.settings_mdt.no_record tenant=%s", tenant.id)
        return tenant
    try:
        changes = to_settings(record)
    except MdtSettingsError as exc:
        _refused(conn, sf, tenant, digest({"unparsed": {k: record.get(k) for k in sorted(record)}}),
                 exc.field, exc.message, now)  # fmt: skip
        return tenant
    fingerprint = digest(changes)
    if conn.get(_APPLIED.format(tenant.id)) == fingerprint.encode():
        return tenant
    try:
        if changes.get("stage_maps"):
            # Stage maps are checked against the org's own stages, read only when the admin sets maps.
            save_proposal(conn, tenant.id, proposal_document([org_stages(sf)]))
    except (SalesforceError, requests.RequestException, CrmError) as exc:
        log.warning("sync.settings_mdt.stages_unreadable tenant=%s error=%s", tenant.id, type(exc).__name__)
        return tenant
    try:
        save_settings(conn, registry, tenant, changes, user_id=f"{SETTING_TYPE}.{RECORD}")
    except InvalidSettings as exc:
        _refused(conn, sf, tenant, fingerprint, field_of(exc.key), f"{exc.key}: {exc.message}", now)
        return tenant
    conn.set(_APPLIED.format(tenant.id), fingerprint)
    log.info("sync.settings_mdt.applied tenant=%s keys=%s", tenant.id, ",".join(sorted(changes)))
    return registry.get(tenant.id) or tenant


def org_stages(sf: Salesforce) -> Pipeline:
    """The org's active Opportunity stages (OpportunityStage: SortOrder, DefaultProbability, IsClosed) as the one
    pipeline, `default`, that Salesforce stage maps name (rubrics/stage-maps/salesforce-default.yaml)."""
    rows = sf.query_all(
        "SELECT ApiName, MasterLabel, SortOrder, DefaultProbability, IsClosed FROM OpportunityStage "
        "WHERE IsActive = true ORDER BY SortOrder"
    )["records"]
    stages = tuple(
        PipelineStage(
            r["ApiName"],
            r.get("MasterLabel") or r["ApiName"],
            int(r.get("SortOrder") or 0),
            None if r.get("DefaultProbability") is None else float(r["DefaultProbability"]) / 100,
            bool(r.get("IsClosed")),
        )
        for r in rows
    )
    return Pipeline("default", "Opportunity", stages)


def _refused(
    conn: redis.Redis, sf: Salesforce, tenant: Tenant, fingerprint: str, field: str, why: str, now: datetime
) -> None:
    """Tell the admin once per distinct invalid record: one Task, upserted on its key."""
    conn.set(_APPLIED.format(tenant.id), fingerprint)
    log.warning("sync.settings_mdt.invalid tenant=%s field=%s", tenant.id, field)
    subject, body = _TEXT.get(tenant.settings.language, _TEXT["en"])
    names = {"field": field, "record": f"{SETTING_TYPE}.{RECORD}", "why": why}
    task = {
        "Subject": subject.format(**names)[:255],
        "Description": body.format(**names)[:32000],
        "ActivityDate": now.astimezone(ZoneInfo(tenant.settings.timezone)).date().isoformat(),
        "Priority": "High",
        "Status": "Not Started",
    }
    key = f"dealcoach-settings-{fingerprint[:24]}"
    try:
        sobject(sf, "Task").upsert(f"DealCoach_Key__c/{key}", task)
    except (SalesforceError, requests.RequestException) as exc:
        conn.delete(_APPLIED.format(tenant.id))  # report it on the next read
        log.warning("sync.settings_mdt.task_failed tenant=%s error=%s", tenant.id, type(exc).__name__)
