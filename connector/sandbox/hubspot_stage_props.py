"""The stage calculated properties HubSpot keeps on deals: `hs_v2_date_entered_<stageId>` for every stage of every
deal pipeline, set to when the deal entered that stage.

knowledge.hubspot.com/properties/stage-calculated-properties: "Each stage in your pipelines has its own set of these
properties", "Date entered [stage ID]: the date and time the record entered the stage", updated automatically from the
record's current and historical stage values, and read-only. The internal name is `hs_v2_date_entered_<stageId>`
(as integrations request it, e.g. `hs_v2_date_entered_appointmentscheduled`). A deal that re-enters a stage gets the
new entry time; the values of the stages it left stay.
"""

from __future__ import annotations

from typing import Any

from .hubspot_schema import prop

PREFIX = "hs_v2_date_entered_"


def stage_properties(pipelines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One read-only datetime property per stage of the deal pipelines."""
    return [
        prop(
            f"{PREFIX}{stage['id']}",
            f'Date entered "{stage.get("label", stage["id"])} ({pipeline.get("label", pipeline["id"])})"',
            "datetime",
            "date",
            "dealinformation",
            read_only=True,
            calculated=True,
        )
        for pipeline in pipelines
        for stage in pipeline.get("stages") or []
    ]


def entered_stage(before: dict[str, str], props: dict[str, str], at_iso: str) -> None:
    """Stamp the entry time of the deal's stage when this write moves it there (or creates it in it)."""
    stage = props.get("dealstage")
    if stage and stage != before.get("dealstage"):
        props[f"{PREFIX}{stage}"] = at_iso
