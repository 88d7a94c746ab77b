"""A tenant's report settings (`TenantSettings.report`) as a validated `ReportSettings`: a bad value names its key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.models import TenantSettings
from sync.report import months as m
from sync.report.model import ReportSettings

KEYS = {
    "fiscal_year_start_month",
    "confident_probability",
    "targets",
    "rep_targets",
    "reply_window_days",
    "next_meeting_window_days",
    "stale_days",
    "pilot_stages",
    "managers",
}


def _targets(raw: Any, where: str) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        raise ValueError(f"{where} must map YYYY-MM to an amount")
    out = {}
    for month, amount in raw.items():
        m.parse_month(str(month))
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            raise ValueError(f"{where}.{month} must be a non-negative number")
        out[str(month)] = float(amount)
    return out


def _whole(raw: Mapping[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"report.{key} must be a whole number from {low} to {high}")
    return value


def report_settings(settings: TenantSettings) -> ReportSettings:
    """The report's settings for a tenant: its language and time zone, plus the `report` block's choices."""
    raw = settings.report or {}
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        raise ValueError(f"report: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}")
    prob = raw.get("confident_probability", 0.7)
    if isinstance(prob, bool) or not isinstance(prob, int | float) or not 0 <= prob <= 1:
        raise ValueError("report.confident_probability must be a number from 0 to 1")
    reps = raw.get("rep_targets", {})
    if not isinstance(reps, Mapping):
        raise ValueError("report.rep_targets must map a rep id to its monthly targets")
    managers = raw.get("managers", {})
    if not isinstance(managers, Mapping) or not all(isinstance(v, str) and v for v in managers.values()):
        raise ValueError("report.managers must map a team id to the owner id of its manager")
    stages = raw.get("pilot_stages", [])
    if not isinstance(stages, list) or not all(isinstance(s, str) and s for s in stages):
        raise ValueError("report.pilot_stages must be a list of stage ids")
    return ReportSettings(
        language=settings.language,
        timezone=settings.timezone,
        fiscal_year_start_month=_whole(raw, "fiscal_year_start_month", 4, 1, 12),
        confident_probability=float(prob),
        targets=_targets(raw.get("targets", {}), "report.targets"),
        rep_targets={str(rep): _targets(t, f"report.rep_targets.{rep}") for rep, t in reps.items()},
        reply_window_days=_whole(raw, "reply_window_days", 7, 1, 90),
        next_meeting_window_days=_whole(raw, "next_meeting_window_days", 30, 1, 365),
        stale_days=_whole(raw, "stale_days", 14, 1, 365),
        pilot_stages=tuple(stages),
        managers={str(k): v for k, v in managers.items()},
    )
