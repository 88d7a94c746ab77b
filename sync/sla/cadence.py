"""The time-driven SLA rules: stalled deals, the 30-day nurture cadence, post-contract follow-ups, ghosting, lost deals.

These rules read the deal's current state (stage, stage entry, close, activities), so each evaluation re-derives
the whole current episode; an open task of theirs that is no longer derived belongs to an old episode and is closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sync.sla.derive import DealView, Desired, stage_in, task_key
from sync.sla.rules import SlaRule, TaskTemplate
from sync.sla.state import SlaDeal
from sync.sla.text import activity_word, describe_due, phrase


def shows_at(rule: SlaRule, tpl: TaskTemplate, anchor: datetime, due: datetime, v: DealView) -> datetime:
    """When a task becomes visible: `show_after` from the anchor, else `horizon_days` before it is due, else at once."""
    if tpl.show_after is not None:
        return tpl.show_after.at(anchor, v.cal)
    if rule.horizon_days is not None:
        return max(anchor, due - timedelta(days=rule.horizon_days))
    return anchor


def stage_limit(days_in_stage: Mapping[str, Any], deal: SlaDeal) -> int | None:
    """Seed 004's days-in-stage guide for the deal's stage: by stage id, else by stage order, else the default."""
    for stage, days in days_in_stage["by_stage"].items():
        if stage.casefold() == deal.stage.casefold():
            return days
    if deal.stage_order is not None and deal.stage_order in days_in_stage["by_order"]:
        return days_in_stage["by_order"][deal.stage_order]
    return days_in_stage["default"]


def stale_deal(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 #24 (no activity for 14 days at stage order ≥ 3: owner and manager) and seed 004 (too long in a stage)."""
    d, trig = v.deal, rule.trigger
    out: list[Desired] = []
    last = v.last_activity_at() or d.created_at
    inactive = False
    if d.stage_order is not None and d.stage_order >= trig["min_stage_order"] and last is not None:
        anchor = last + timedelta(days=trig["inactive_days"])
        if v.now >= anchor:
            inactive = True
            trigger = phrase(
                "trigger.inactive",
                v.lang,
                order=d.stage_order,
                stage=d.stage,
                last=v.fmt(last),
                days=trig["inactive_days"],
            )
            fields = {"inactive_days": trig["inactive_days"], "last_activity_at": v.fmt(last)}
            for tid in ("owner", "manager"):
                tpl = rule.task(tid)
                hold = phrase("ev.no_manager", v.lang) if tid == "manager" and not d.manager else None
                out.append(
                    v.make(
                        rule,
                        tpl,
                        key=task_key(d.id, rule.id, last, tid),
                        due=tpl.due.at(anchor, v.cal),
                        fields=fields,
                        trigger=trigger,
                        evidence=phrase("ev.none_yet", v.lang),
                        hold=hold,
                    )
                )
    limit = stage_limit(trig["days_in_stage"], d)
    if limit and d.stage_entered_at is not None and v.now >= d.stage_entered_at + timedelta(days=limit):
        tpl = rule.task("stuck")
        key = task_key(d.id, rule.id, d.stage_entered_at, "stuck")
        held = inactive and not any(t.key == key for t in v.open_tasks)
        out.append(
            v.make(
                rule,
                tpl,
                key=key,
                due=tpl.due.at(d.stage_entered_at + timedelta(days=limit), v.cal),
                fields={"stage_threshold": limit, "entered_at": v.fmt(d.stage_entered_at)},
                trigger=phrase("trigger.stuck", v.lang, stage=d.stage, entered=v.fmt(d.stage_entered_at), limit=limit),
                evidence=phrase("ev.none_yet", v.lang),
                hold=phrase("ev.stuck_held", v.lang) if held else None,
            )
        )
    return out


def _cadence(rule: SlaRule, v: DealView, anchor: datetime, trigger: str, fields: Mapping[str, Any]) -> list[Desired]:
    out = []
    for tpl in rule.tasks:
        due = tpl.due.at(anchor, v.cal)
        show = shows_at(rule, tpl, anchor, due, v)
        done = v.first(tpl.satisfied_by, show, outbound=True) if tpl.satisfied_by else None
        out.append(
            v.make(
                rule,
                tpl,
                key=task_key(v.deal.id, rule.id, anchor, tpl.id),
                due=due,
                fields={**fields, "day": int(tpl.due.amount)},
                trigger=trigger,
                evidence=phrase("ev.none_yet", v.lang),
                done=v.logged(done) if done else None,
                show=show,
            )
        )
    return out


def nurture_30d(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 #23: the Day 1/4/10/18/30 warm-lead cadence from entering a configured stage, one step at a time."""
    d = v.deal
    if d.stage_entered_at is None or not stage_in(d, rule.trigger["stages"]):
        return []
    return _cadence(
        rule,
        v,
        d.stage_entered_at,
        phrase("trigger.stage", v.lang, stage=d.stage, at=v.fmt(d.stage_entered_at)),
        {"entered_at": v.fmt(d.stage_entered_at)},
    )


def post_contract(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 000 phases 6-7: follow-ups 1 week, 1, 3 and 6 months and 1 year after closed-won."""
    won = v.latest("deal.closed_won")
    anchor = v.deal.stage_entered_at or (won.at if won else None)
    if anchor is None:
        return []
    return _cadence(rule, v, anchor, phrase("trigger.won", v.lang, at=v.fmt(anchor)), {"won_at": v.fmt(anchor)})


def ghosting(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 #20: after N unanswered follow-ups, a supportive check-in, then (still silent) a polite closing email."""
    trig, d = rule.trigger, v.deal
    contacts = [a for a in v.activities if a.is_customer_contact]
    last_contact = contacts[-1].at if contacts else None
    sent = [a for a in v.activities if a.is_outbound_email and (last_contact is None or a.at > last_contact)]
    n = trig["followups"]
    if len(sent) < n or v.now < sent[n - 1].at + timedelta(days=trig["days"]):
        return []
    first, nth = sent[0], sent[n - 1]
    anchor = nth.at + timedelta(days=trig["days"])
    since = phrase("since.contact", v.lang, at=v.fmt(last_contact)) if last_contact else phrase("since.none", v.lang)
    trigger = phrase(
        "trigger.ghost", v.lang, since=since, n=n, first=v.fmt(first.at), last=v.fmt(nth.at), days=trig["days"]
    )
    fields = {
        "followups": n,
        "first_followup_at": v.fmt(first.at),
        "last_followup_at": v.fmt(nth.at),
        "days": trig["days"],
    }
    check_tpl, close_tpl = rule.task("check_in"), rule.task("closing")
    check = v.first(check_tpl.satisfied_by, anchor, outbound=True)
    out = [
        v.make(
            rule,
            check_tpl,
            key=task_key(d.id, rule.id, first.at, "check_in"),
            due=check_tpl.due.at(anchor, v.cal),
            fields=fields,
            trigger=trigger,
            evidence=phrase("ev.none_yet", v.lang),
            done=v.logged(check) if check else None,
        )
    ]
    if check is not None:
        show = close_tpl.show_after.at(check.at, v.cal) if close_tpl.show_after else check.at
        closing = v.first(close_tpl.satisfied_by, show, outbound=True)
        out.append(
            v.make(
                rule,
                close_tpl,
                key=task_key(d.id, rule.id, first.at, "closing"),
                due=close_tpl.due.at(show, v.cal),
                fields={**fields, "check_in_at": v.fmt(check.at)},
                trigger=trigger,
                show=show,
                evidence=phrase("ev.none_yet", v.lang),
                done=v.logged(closing) if closing else None,
            )
        )
    return out


def lost_deal(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 (after a loss): ask for feedback, and set a reminder before the competitor's renewal (else 11 months)."""
    d = v.deal
    lost = v.latest("deal.closed_lost")
    anchor = d.stage_entered_at or (lost.at if lost else None)
    if anchor is None:
        return []
    feedback, renewal_tpl = rule.task("feedback"), rule.task("renewal")
    trigger = phrase("trigger.lost", v.lang, at=v.fmt(anchor))
    feedback_due = feedback.due.at(anchor, v.cal)
    asked = v.first(feedback.satisfied_by, anchor, outbound=True)
    out = [
        v.make(
            rule,
            feedback,
            key=task_key(d.id, rule.id, anchor, "feedback"),
            due=feedback_due,
            fields={"lost_at": v.fmt(anchor)},
            trigger=trigger,
            evidence=phrase("ev.none_yet", v.lang),
            done=v.logged(asked) if asked else None,
        )
    ]
    said = v.latest("deal.closed_lost", "competitor_renewal_at")
    renewal = d.competitor_renewal_at or (said.data["competitor_renewal_at"] if said else None)
    competitor = d.competitor or (str(lost.data.get("competitor") or "") if lost else "") or phrase("unknown", v.lang)
    if renewal is not None:
        lead = rule.trigger["renewal_lead_days"]
        due = max(v.cal.close_of_business(renewal - timedelta(days=lead)), feedback_due)
        evidence = phrase("ev.renewal", v.lang, competitor=competitor, date=renewal.isoformat())
        due_rule = phrase("due.renewal", v.lang, lead=lead)
    else:
        due = renewal_tpl.due.at(anchor, v.cal)
        evidence, due_rule = phrase("ev.no_renewal", v.lang), describe_due(renewal_tpl.due, v.lang)
    out.append(
        v.make(
            rule,
            renewal_tpl,
            key=task_key(d.id, rule.id, anchor, "renewal"),
            due=due,
            trigger=trigger,
            fields={
                "lost_at": v.fmt(anchor),
                "competitor": competitor,
                "renewal_date": renewal.isoformat() if renewal else phrase("unknown", v.lang),
            },
            evidence=evidence,
            due_rule=due_rule,
        )
    )
    return out


def replied_since(v: DealView, since: datetime) -> str | None:
    """Evidence that the customer engaged after `since` (ends a ghosting episode)."""
    reply = next((a for a in v.activities if a.is_customer_contact and a.at >= since), None)
    return phrase("ev.replied", v.lang, type=activity_word(reply.type, v.lang), at=v.fmt(reply.at)) if reply else None
