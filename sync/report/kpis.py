"""Seed 001's follow-up KPIs for one month, each with its goal and the rule that computes it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean

from sync.report import months as m
from sync.report.model import Activity, ReportInput
from sync.report.monthly import is_follow

CONVERSATION_KINDS = frozenset({"call", "meeting"})


@dataclass(frozen=True)
class Kpi:
    """A KPI value with its goal; `direction` says whether lower ('max') or higher ('min') is better."""

    id: str
    value: float | None
    goal: float | None
    direction: str
    numerator: int
    denominator: int

    @property
    def met(self) -> bool | None:
        """Whether the goal holds; None without a goal or a value."""
        if self.goal is None or self.value is None:
            return None
        return self.value <= self.goal if self.direction == "max" else self.value >= self.goal


def _by_deal(activities: list[Activity]) -> dict[str, list[Activity]]:
    out: dict[str, list[Activity]] = {}
    for a in sorted(activities, key=lambda a: a.at):
        out.setdefault(a.deal_id, []).append(a)
    return out


def _first_after(items: list[Activity], at: datetime, test: Callable[[Activity], bool]) -> Activity | None:
    return next((a for a in items if a.at > at and test(a)), None)


def _sent_mail(a: Activity) -> bool:
    return a.kind == "email" and a.direction != "in"


def _reply(a: Activity) -> bool:
    return a.kind == "email" and a.direction == "in"


def follow_up_kpis(data: ReportInput, month: date, owned: Callable[[str | None], bool]) -> list[Kpi]:
    """The six KPIs of seed 001 for the conversations held in `month` by the reps `owned` accepts."""
    start, end = m.bounds(month, data.settings.timezone)
    s = data.settings
    mine = [a for a in data.activities if owned(a.owner_id)]
    by_deal = _by_deal(mine)
    talks = [a for a in mine if a.kind in CONVERSATION_KINDS and start <= a.at < end]
    # Speed: hours from each conversation to the first mail sent on its deal after it (the thank-you / minutes mail).
    delays: list[float] = []
    replies = 0
    for talk in talks:
        mail = _first_after(by_deal.get(talk.deal_id, []), talk.at, _sent_mail)
        if mail is None:
            continue
        delays.append((mail.at - talk.at).total_seconds() / 3600)
        window = mail.at + timedelta(days=s.reply_window_days)
        reply = _first_after(by_deal[talk.deal_id], mail.at, _reply)
        if reply is not None and reply.at <= window:
            replies += 1
    follows = [a for a in mine if start <= a.at < end and is_follow(a)]
    touched = {a.deal_id for a in follows}
    booked, started = _next_meeting_rate(by_deal, start, end, s.next_meeting_window_days)
    pilots, active = _pilot_rate(data, owned, start, end)
    recorded = sum(1 for t in talks if t.has_content)
    return [
        Kpi("thank_you_hours", mean(delays) if delays else None, 3.0, "max", len(delays), len(talks)),
        Kpi("minutes_reply_rate", replies / len(delays) if delays else None, 0.7, "min", replies, len(delays)),
        Kpi(
            "touches_per_deal",
            len(follows) / len(touched) if touched else None,
            None,
            "min",
            len(follows),
            len(touched),
        ),
        Kpi("next_meeting_30d_rate", booked / started if started else None, None, "min", booked, started),
        Kpi("pilot_rate", pilots / active if active else None, None, "min", pilots, active),
        Kpi("activity_input_rate", recorded / len(talks) if talks else None, 1.0, "min", recorded, len(talks)),
    ]


def _next_meeting_rate(
    by_deal: dict[str, list[Activity]], start: datetime, end: datetime, days: int
) -> tuple[int, int]:
    """Deals whose follow-up started this month (first follow after a conversation) with a meeting within `days`."""
    booked = started = 0
    for items in by_deal.values():
        talk = next((a for a in items if a.kind in CONVERSATION_KINDS), None)
        if talk is None:
            continue
        follow = _first_after(items, talk.at, is_follow)
        if follow is None or not start <= follow.at < end:
            continue
        started += 1
        meeting = _first_after(items, follow.at, lambda a: a.kind == "meeting")
        if meeting is not None and meeting.at <= follow.at + timedelta(days=days):
            booked += 1
    return booked, started


def _pilot_rate(
    data: ReportInput, owned: Callable[[str | None], bool], start: datetime, end: datetime
) -> tuple[int, int]:
    """Of the deals open during the month, those that entered one of the tenant's pilot stages by its end."""
    stages = set(data.settings.pilot_stages)
    active = [
        d for d in data.deals if owned(d.owner_id) and d.created_at < end and not (d.closed_at and d.closed_at < start)
    ]
    pilots = [d for d in active if any(c.stage in stages and c.at < end for c in d.stages)]
    return len(pilots), len(active)
