"""One tenant as a job needs it, built once per job: its typed settings, business calendar, SLA rules and stage map.

The calendar is built here only, from the settings' one time zone (`TenantSettings.timezone`), so due times, SLA
evaluation and sweeps of one tenant can never disagree on what a business day is.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from connector.models import TenantSettings
from connector.tenants import Tenant
from scoring.rubric import StageMap, load_stage_map
from sync.sla.business_calendar import BusinessCalendar
from sync.sla.rules import SlaRules, default_sla_rules
from sync.stage_proposal import with_confirmed


@dataclass(frozen=True)
class TenantContext:
    """The tenant, its calendar, its SLA rules (the engine applies the tenant's overrides) and its stage map."""

    tenant: Tenant
    calendar: BusinessCalendar
    rules: SlaRules
    stage_map: StageMap

    @classmethod
    def of(cls, tenant: Tenant) -> TenantContext:
        return cls(
            tenant=tenant,
            calendar=BusinessCalendar.from_settings(settings_mapping(tenant.settings)),
            rules=default_sla_rules(),
            stage_map=with_confirmed(load_stage_map(tenant.provider), tenant.settings.stage_maps),
        )

    @property
    def id(self) -> str:
        return self.tenant.id

    @property
    def settings(self) -> TenantSettings:
        return self.tenant.settings


def settings_mapping(settings: TenantSettings) -> dict[str, Any]:
    """The settings as the SLA contract's `tenant_settings` object (docs/contracts.md)."""
    return asdict(settings)
