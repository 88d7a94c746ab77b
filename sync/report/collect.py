"""Turn what the CRM returned (`connector.report_records`) into a `ReportInput`: deal states, stages and per-call
scores come from the CRM's own field history, so the report never reads a copy that can drift."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import cast

from connector.check_code_field import CHECKS_CODE
from connector.coaching_fields import CHECKS_HIT, CHECKS_MISSED, PHASE_IDS, phase_field
from connector.report_records import DealRecord, FieldChange, ReportRecords
from sync.check_code import decode
from sync.coaching_fields import checks
from sync.report.model import (
    Activity,
    CallScore,
    DealState,
    Rep,
    ReportDeal,
    ReportInput,
    ReportSettings,
    SlaTask,
    StageChange,
    StateChange,
)
from sync.sla.apply import rule_of

STATES = ("shodan", "wadai", "botsu")


def _value_at(changes: tuple[FieldChange, ...], at: datetime) -> str | None:
    """The field's value in force at `at` (the call's own write carries the same timestamp)."""
    current = None
    for change in changes:
        if change.at > at:
            break
        current = change.value
    return current


def _number(value: str | None) -> int | None:
    try:
        return round(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def call_scores(deal: DealRecord) -> list[CallScore]:
    """One point per scored call: each write of `dealcoach_last_scored_at`, with the other fields as of that write."""
    h = deal.history
    out = []
    for write in h.get("dealcoach_last_scored_at", ()):
        if not write.value:
            continue
        at = write.at
        hit, missed = checks(_value_at(h.get(CHECKS_HIT, ()), at)), checks(_value_at(h.get(CHECKS_MISSED, ()), at))
        if not hit and not missed:  # Salesforce: long text keeps no history values; the compact code does
            hit, missed = decode(_value_at(h.get(CHECKS_CODE, ()), at))
        phases = {p: v for p in PHASE_IDS if (v := _number(_value_at(h.get(phase_field(p), ()), at))) is not None}
        out.append(
            CallScore(
                deal_id=deal.id,
                rep_id=deal.owner_id,
                at=at,
                overall=_number(_value_at(h.get("dealcoach_score", ()), at)),
                phases=phases,
                hit=hit,
                missed=missed,
            )
        )
    return out


def _deal(d: DealRecord, probability: dict[str, float], important: Callable[[str], bool]) -> ReportDeal:
    states = tuple(
        StateChange(c.at, cast(DealState, c.value) if c.value in STATES else None)
        for c in d.history.get("dealcoach_deal_state", ())
    )
    stages = tuple(StageChange(c.at, c.value) for c in d.history.get("dealstage", ()) if c.value)
    return ReportDeal(
        id=d.id,
        name=d.name,
        owner_id=d.owner_id,
        amount=d.amount,
        created_at=d.created_at,
        is_closed=d.is_closed,
        is_won=d.is_won,
        closed_at=d.closed_at,
        probability=probability.get(d.stage),
        states=states,
        stages=stages or (StageChange(d.created_at, d.stage),),
        last_activity_at=d.last_activity_at,
        important=important(d.stage),
    )


def report_input(
    records: ReportRecords,
    *,
    tenant: str,
    month: date,
    settings: ReportSettings,
    now: datetime,
    important: Callable[[str], bool],
) -> ReportInput:
    """The report's input for `month`, with activities and SLA tasks attributed to their first deal."""
    probability = {s.id: s.probability for s in records.stages if s.probability is not None}
    deals = tuple(_deal(d, probability, important) for d in records.deals)
    known = {d.id for d in deals}
    activities = tuple(
        Activity(
            deal_id=a.deal_ids[0],
            owner_id=a.owner_id,
            kind=a.type,
            at=a.at,
            direction="in" if a.direction == "in" else ("out" if a.direction else None),
            has_content=a.has_content,
        )
        for a in records.activities
        if a.deal_ids and a.deal_ids[0] in known
    )
    tasks = tuple(
        SlaTask(t.deal_ids[0], t.owner_id, rule_of(t.key), t.created_at, t.due, t.completed_at)
        for t in records.tasks
        if t.deal_ids and t.due is not None and rule_of(t.key) != "coaching"
    )
    stages = sorted(records.stages, key=lambda s: (s.pipeline, s.order))
    return ReportInput(
        tenant=tenant,
        month=month,
        reps=tuple(Rep(o.id, o.name, o.team_id, o.team_name) for o in records.owners),
        deals=deals,
        activities=activities,
        scores=tuple(s for d in records.deals for s in call_scores(d)),
        sla_tasks=tasks,
        stage_order=tuple(s.id for s in stages),
        stage_labels={s.id: s.label for s in stages},
        stage_probability=probability,
        settings=settings,
        now=now,
    )
