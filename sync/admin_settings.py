"""What DealCoach's settings page and deal card (inside HubSpot) read and write, scoped to one installed portal.

Settings are validated as a whole before anything is stored (`validate_settings`: keys, types and every value, the
same check as `dealcoach tenants add --settings`; then stage maps against the portal's pipelines); an invalid save
names the key and why and leaves the last valid settings in force. Jobs read the registry per job, so a save applies
to the next job.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import asdict, dataclass
from typing import Any

import redis

from connector.base import Crm
from connector.models import TenantSettings
from connector.tenants import Tenant, TenantRegistry
from scoring.rubric import load_rubric_or_reference
from sync.install import load_proposal
from sync.settings_validation import LANGUAGES, SettingsError, validate_settings
from sync.sla.rules import default_sla_rules
from sync.state import DealState

log = logging.getLogger("dealcoach.sync.admin_settings")

__all__ = ["LANGUAGES", "InvalidSettings", "deal_card", "save_settings", "settings_view"]


@dataclass(frozen=True)
class InvalidSettings(Exception):
    """A refused save: the offending key and why, shown to the admin."""

    key: str
    message: str


def settings_view(conn: redis.Redis, tenant: Tenant) -> dict[str, Any]:
    """The settings page's data: current settings, pipelines with the install's proposal, the maps in force."""
    proposal = load_proposal(conn, tenant.id)
    confirmed = tenant.settings.stage_maps
    maps = {pid: confirmed.get(pid) or {s["id"]: s["phase"] for s in p["stages"]} for pid, p in proposal.items()}
    settings = {k: v for k, v in asdict(tenant.settings).items() if k != "stage_maps"}
    return {
        "settings": settings,
        "sla_rules": sla_catalogue(tenant.settings),
        "pipelines": proposal,
        "stage_maps": maps,
        "confirmed": {pid: pid in confirmed for pid in proposal},
    }


def sla_catalogue(settings: TenantSettings) -> dict[str, Any]:
    """The SLA rules as this tenant has them (packaged rules with its overrides): what the page shows and edits."""
    rules = default_sla_rules().with_settings({"sla": settings.sla})
    return {
        "noise_budget": rules.noise_budget,
        "rules": [
            {
                "id": r.id,
                "enabled": r.enabled,
                "thresholds": {k: v for k, v in r.trigger.items() if isinstance(v, int) and not isinstance(v, bool)},
            }
            for r in rules.rules
        ],
    }


def _check_pipelines(data: dict[str, Any], proposal: dict[str, Any]) -> None:
    """Stage maps name this portal's pipelines and stages (the phases were checked with the rest)."""
    for pid, stages in (data.get("stage_maps") or {}).items():
        if pid not in proposal:
            raise InvalidSettings(f"stage_maps.{pid}", "is not a deal pipeline of this portal")
        known = {s["id"] for s in proposal[pid]["stages"]}
        for stage in stages:
            if stage not in known:
                raise InvalidSettings(f"stage_maps.{pid}.{stage}", "is not a stage of this pipeline")


def save_settings(
    conn: redis.Redis, registry: TenantRegistry, tenant: Tenant, changes: dict[str, Any], *, user_id: str
) -> dict[str, Any]:
    """Validate the whole new settings object, then store it; `InvalidSettings` leaves the stored ones untouched."""
    try:
        data = validate_settings(changes, tenant.settings)
    except SettingsError as exc:
        raise InvalidSettings(exc.key, exc.why) from exc
    _check_pipelines(data, load_proposal(conn, tenant.id))
    merged = {**asdict(tenant.settings), **data}
    registry.add(dataclasses.replace(tenant, settings=TenantSettings(**merged)))
    log.info("sync.settings.saved tenant=%s user=%s keys=%s", tenant.id, user_id, ",".join(sorted(data)))
    saved = registry.get(tenant.id)
    return settings_view(conn, saved or tenant)


def deal_card(conn: redis.Redis, tenant: Tenant, crm: Crm, deal_id: str) -> dict[str, Any]:
    """The deal card's data: the deal read through this portal's own token (so another portal's deal id is a 404
    there), the latest scorecard DealCoach kept for it, and its open DealCoach tasks."""
    deal = crm.get_deal(deal_id)
    card = DealState(conn, tenant.id, deal.id).latest_scorecard()
    tasks = [t for t in crm.list_marked(deal_id=deal.id, kind="task") if not t.is_completed]
    open_tasks = [{"id": t.id, "subject": t.subject or "", "due": t.due.isoformat() if t.due else None} for t in tasks]
    if not card:
        return {"deal_id": deal.id, "scorecard": None, "open_tasks": open_tasks,
                "message": "No call of this deal has been scored yet."}  # fmt: skip
    rubric = load_rubric_or_reference(tenant.settings.rubric, tenant.settings.language)
    labels = {p.id: p.label for p in rubric.phases}
    return {
        "deal_id": deal.id,
        "scorecard": {
            "overall": card.get("overall"),
            "deal_state": card.get("deal_state"),
            "phases": [
                {"id": p["id"], "label": labels.get(p["id"], p["id"]), "score": p.get("score")}
                for p in card.get("phases", [])
            ],
            "bant": card.get("bant") or {},
            "next_step": card.get("next_step"),
        },
        "open_tasks": open_tasks,
    }
