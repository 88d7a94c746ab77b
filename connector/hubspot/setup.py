"""What an install does in a portal through hubspot-api-client: DealCoach's property group and properties (created
when missing, existing ones left alone) and the deal pipelines read for a stage→phase proposal.

HubSpot: Properties API (`/crm/v3/properties/{objectType}` and `/groups`), Pipelines API (`/crm/v3/pipelines/deals`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hubspot import HubSpot
from hubspot.crm.properties import OptionInput, PropertyCreate, PropertyGroupCreate
from urllib3.util.retry import Retry

from connector.base import FatalCrmError, RetryableCrmError
from connector.http import classify_status, is_transport_error
from connector.hubspot.properties import coaching_property_specs

GROUP = "dealcoach"
GROUP_LABEL = "DealCoach"
TIMEOUT = (5, 20)
_NO_RETRY = Retry(total=0, connect=0, read=0, redirect=0, status=0, raise_on_status=False)

_KEY = {
    "name": "dealcoach_key",
    "label": "DealCoach key",
    "type": "string",
    "field_type": "text",
    "description": "Idempotency key of the DealCoach action that wrote this record",
}
# The properties DealCoach writes (sync/call_results.py, connector/hubspot/crm.py KEY_PROPERTY), per object type.
PROPERTIES: dict[str, list[dict[str, Any]]] = {
    "deals": [
        {"name": "dealcoach_score", "label": "DealCoach score", "type": "number", "field_type": "number",
         "description": "Latest call scorecard, 0-100"},
        {"name": "dealcoach_bant", "label": "DealCoach BANT", "type": "string", "field_type": "textarea",
         "description": "BANT findings of the latest call"},
        {"name": "dealcoach_deal_state", "label": "DealCoach deal state", "type": "enumeration",
         "field_type": "select", "description": "商談 / 話題 / ボツ from the latest call",
         "options": [("商談", "shodan"), ("話題", "wadai"), ("ボツ", "botsu")]},
        {"name": "dealcoach_last_scored_at", "label": "DealCoach last scored at", "type": "datetime",
         "field_type": "date", "description": "When the latest call was scored"},
        *coaching_property_specs(),
    ],
    "tasks": [dict(_KEY)],
    "notes": [dict(_KEY)],
}  # fmt: skip


@dataclass(frozen=True)
class PipelineStage:
    id: str
    label: str
    display_order: int
    probability: float | None
    closed: bool


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: tuple[PipelineStage, ...]


@dataclass
class SetupReport:
    """What the install found and did: properties and groups created, and what already existed."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, _request_timeout=TIMEOUT, **kwargs)
    except Exception as exc:
        status = getattr(exc, "status", None)
        if isinstance(status, int) and status > 0:
            raise classify_status(status, getattr(exc, "headers", None), f"HubSpot {status} during setup") from exc
        if is_transport_error(exc):
            raise RetryableCrmError(f"HubSpot unreachable: {type(exc).__name__}") from exc
        raise


class PortalSetup:
    """The install's calls into one portal, with the install's fresh access token."""

    def __init__(self, access_token: str, api_base: str) -> None:
        base = api_base.rstrip("/")
        self.client = HubSpot(access_token=access_token, host=base, base_url=base, retry=_NO_RETRY)

    def ensure_properties(self) -> SetupReport:
        """Create DealCoach's group and properties where missing; never touch one that exists (re-installs)."""
        report = SetupReport()
        props = self.client.crm.properties
        for object_type, wanted in PROPERTIES.items():
            groups = {g.name for g in _call(props.groups_api.get_all, object_type).results}
            if GROUP in groups:
                report.existing.append(f"{object_type}/group:{GROUP}")
            else:
                _call(props.groups_api.create, object_type, PropertyGroupCreate(name=GROUP, label=GROUP_LABEL))
                report.created.append(f"{object_type}/group:{GROUP}")
            names = {p.name for p in _call(props.core_api.get_all, object_type).results}
            for spec in wanted:
                label = f"{object_type}/{spec['name']}"
                if spec["name"] in names:
                    report.existing.append(label)
                    continue
                try:
                    _call(props.core_api.create, object_type, _property_create(spec))
                except FatalCrmError as exc:
                    if exc.status != 409:  # created meanwhile by a concurrent install: it exists, leave it
                        raise
                    report.existing.append(label)
                    continue
                report.created.append(label)
        return report

    def deal_pipelines(self) -> list[Pipeline]:
        """Every deal pipeline with its stages in display order, probability and closed flag from the metadata."""
        page = _call(self.client.crm.pipelines.pipelines_api.get_all, "deals")
        out = []
        for p in page.results:
            stages = sorted(
                (
                    PipelineStage(
                        id=s.id,
                        label=s.label,
                        display_order=int(s.display_order or 0),
                        probability=_probability((s.metadata or {}).get("probability")),
                        closed=str((s.metadata or {}).get("isClosed", "false")).lower() == "true",
                    )
                    for s in p.stages
                ),
                key=lambda s: s.display_order,
            )
            out.append(Pipeline(id=p.id, label=p.label, stages=tuple(stages)))
        return out


def _probability(raw: Any) -> float | None:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return None
    return value if 0.0 <= value <= 1.0 else None


def _property_create(spec: dict[str, Any]) -> PropertyCreate:
    options = [
        OptionInput(label=label, value=value, display_order=i, hidden=False)
        for i, (label, value) in enumerate(spec.get("options", ()))
    ]
    return PropertyCreate(
        name=spec["name"],
        label=spec["label"],
        type=spec["type"],
        field_type=spec["field_type"],
        group_name=GROUP,
        description=spec.get("description", ""),
        options=options or None,
    )
