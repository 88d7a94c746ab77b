"""What DealCoach's settings page and deal card (inside HubSpot) read and write, scoped to one installed portal.

Settings are validated as a whole before anything is stored (`parse_tenant_settings` for keys and types, then the
values: language, time zone, stage maps against the rubric and the portal's pipelines); an invalid save names the
key and why and leaves the last valid settings in force. Jobs read the registry per job, so a save applies to the
next job.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import redis

from connector.base import Crm
from connector.models import TenantSettings
from connector.tenants import Tenant, TenantRegistry
from scoring.rubric import RubricError, load_rubric, load_rubric_or_reference
from sync.install import load_proposal
from sync.settings_validation import SettingsError, parse_tenant_settings
from sync.state import DealState

log = logging.getLogger("dealcoach.sync.admin_settings")

LANGUAGES = ("ja", "en")


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
        "pipelines": proposal,
        "stage_maps": maps,
        "confirmed": {pid: pid in confirmed for pid in proposal},
    }


def _check_values(data: dict[str, Any], tenant: Tenant, proposal: dict[str, Any]) -> None:
    if "language" in data and data["language"] not in LANGUAGES:
        raise InvalidSettings("language", f"must be one of {', '.join(LANGUAGES)}")
    if "timezone" in data:
        try:
            ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidSettings("timezone", f"{data['timezone']!r} is not an IANA time zone") from None
    rubric_id = data.get("rubric", tenant.settings.rubric)
    try:
        phases = set(load_rubric(rubric_id).phase_ids)
    except RubricError:
        raise InvalidSettings("rubric", f"{rubric_id!r} is not a rubric DealCoach has") from None
    for pid, stages in (data.get("stage_maps") or {}).items():
        if pid not in proposal:
            raise InvalidSettings(f"stage_maps.{pid}", "is not a deal pipeline of this portal")
        known = {s["id"] for s in proposal[pid]["stages"]}
        if not isinstance(stages, dict):
            raise InvalidSettings(f"stage_maps.{pid}", "must map stage ids to phases")
        for stage, phase in stages.items():
            if stage not in known:
                raise InvalidSettings(f"stage_maps.{pid}.{stage}", "is not a stage of this pipeline")
            if not isinstance(phase, str) or phase not in phases:
                raise InvalidSettings(f"stage_maps.{pid}.{stage}", f"{phase!r} is not a phase of {rubric_id}")


def save_settings(
    conn: redis.Redis, registry: TenantRegistry, tenant: Tenant, changes: dict[str, Any], *, user_id: str
) -> dict[str, Any]:
    """Validate the whole new settings object, then store it; `InvalidSettings` leaves the stored ones untouched."""
    try:
        data = parse_tenant_settings(json.dumps(changes))
    except SettingsError as exc:
        key = str(exc).split("'")[1] if "'" in str(exc) else "settings"
        raise InvalidSettings(key, str(exc)) from exc
    _check_values(data, tenant, load_proposal(conn, tenant.id))
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
