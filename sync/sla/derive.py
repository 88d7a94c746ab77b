"""What each SLA rule wants for one deal right now: desired tasks with a deterministic key and a status.

A desired task is `open` (should exist), `satisfied` or `cancelled` (should be closed if open), or `pending`
(not yet visible, or not judgeable: neither created nor closed). Keys are `deal-<id>/sla-<rule>/<anchor ms>[/<part>]`,
where the anchor is the moment the obligation started (meeting, stage entry, last activity), so re-evaluating the
same facts always yields the same keys and a new episode (a new meeting, a new stage entry) yields new ones.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any, Literal

from sync.sla.business_calendar import BusinessCalendar
from sync.sla.rules import SlaRule, TaskTemplate
from sync.sla.state import Activity, OpenTask, SlaDeal, SlaEvent
from sync.sla.text import (
    activity_word,
    describe_due,
    email_draft_block,
    fmt_dt,
    is_en,
    phrase,
    render,
    why,
)

Status = Literal["open", "satisfied", "cancelled", "pending"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Desired:
    """One task a rule wants (or wants closed); its texts in the evaluation language are rendered on first use.

    A deal's cadence derives every step (the 30-day nurture: five), most of them pending or already in the CRM;
    only the tasks the plan writes or compares need their subject, body and reason, so only those are rendered."""

    key: str
    rule: str
    deal: str
    owner: str | None
    due: datetime
    priority: str
    status: Status
    texts: Callable[[], tuple[str, str, str]] = field(compare=False, repr=False)
    enabled: bool = True
    creatable: bool = True

    @cached_property
    def _rendered(self) -> tuple[str, str, str]:
        return self.texts()

    @property
    def subject(self) -> str:
        return self._rendered[0]

    @property
    def body(self) -> str:
        return self._rendered[1]

    @property
    def why(self) -> str:
        return self._rendered[2]


def epoch_ms(dt: datetime) -> int:
    """Milliseconds since the epoch: the anchor stamp in task keys."""
    return (dt - _EPOCH) // timedelta(milliseconds=1)


def task_key(deal_id: str, rule_id: str, anchor: datetime, *parts: str) -> str:
    """The deterministic, tenant-free key of a task (the caller prefixes the tenant)."""
    return "/".join((f"deal-{deal_id}", f"sla-{rule_id}", str(epoch_ms(anchor)), *parts))


def key_anchor(key: str) -> datetime | None:
    """The anchor moment encoded in a key, for judging open tasks whose trigger is no longer in the state."""
    bits = key.split("/")
    if len(bits) < 3 or not bits[2].lstrip("-").isdigit():
        return None
    return _EPOCH + timedelta(milliseconds=int(bits[2]))


def text_id(text: str) -> str:
    """A short stable id for a commitment's wording (width, case and whitespace do not matter)."""
    norm = "".join(unicodedata.normalize("NFKC", text).casefold().split())
    return "c-" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:8]


def deal_is(active_while: str, deal: SlaDeal) -> bool:
    """Whether the deal is in the state a rule's tasks live in (open, won, lost, not_lost, any)."""
    return {
        "open": not deal.is_closed,
        "won": deal.is_closed and deal.is_won,
        "lost": deal.is_lost,
        "not_lost": not deal.is_lost,
        "any": True,
    }[active_while]


def stage_in(deal: SlaDeal, stages: Iterable[str]) -> bool:
    """Stage ids match exactly or case-insensitively, as stage maps do."""
    return deal.stage.casefold() in {s.casefold() for s in stages}


@dataclass(frozen=True)
class DealView:
    """One deal with its events and activities (sorted by time), the clock and calendar, and the language."""

    deal: SlaDeal
    events: tuple[SlaEvent, ...]
    activities: tuple[Activity, ...]
    open_tasks: tuple[OpenTask, ...]
    now: datetime
    cal: BusinessCalendar
    lang: str

    def fmt(self, dt: datetime | None) -> str:
        """A moment in the calendar's timezone, as written in task text."""
        return fmt_dt(dt, self.cal)

    def first(
        self, types: Iterable[str], since: datetime, *, outbound: bool = False, keywords: Iterable[str] = ()
    ) -> Activity | None:
        """The first activity of `types` at or after `since` (outbound emails only when asked; subject keywords optional)."""
        kinds, words = set(types), [unicodedata.normalize("NFKC", w).casefold() for w in keywords]
        for a in self.activities:
            if a.type not in kinds or a.at < since or (outbound and a.type == "email" and not a.is_outbound_email):
                continue
            if not words or any(w in unicodedata.normalize("NFKC", a.subject).casefold() for w in words):
                return a
        return None

    def last_activity_at(self) -> datetime | None:
        """The latest activity known from the deal record or the logged activities."""
        stamps = [a.at for a in self.activities]
        if self.deal.last_activity_at is not None:
            stamps.append(self.deal.last_activity_at)
        return max(stamps) if stamps else None

    def ended(self, ev: SlaEvent) -> datetime:
        """When a meeting ended: `ended_at`, else start plus `duration_s`, else the event time."""
        if isinstance(ev.data.get("ended_at"), datetime):
            return ev.data["ended_at"]
        duration = ev.data.get("duration_s")
        if isinstance(duration, (int, float)) and not isinstance(duration, bool) and duration > 0:
            return ev.at + timedelta(seconds=duration)
        return ev.at

    def latest(self, kind: str, field: str | None = None) -> SlaEvent | None:
        """The latest event of `kind` (carrying `field` when given)."""
        hits = [e for e in self.events if e.kind == kind and (field is None or e.data.get(field) is not None)]
        return hits[-1] if hits else None

    def logged(self, a: Activity) -> str:
        """Evidence text naming a logged activity."""
        return phrase(
            "ev.logged", self.lang, type=activity_word(a.type, self.lang), subject=a.subject, at=self.fmt(a.at)
        )

    def common(self) -> dict[str, Any]:
        """Template fields every rule may use."""
        d = self.deal
        return {
            "deal_name": d.name,
            "deal_id": d.id,
            "owner": d.owner or "",
            "manager": d.manager or "",
            "stage": d.stage,
            "amount": f"{d.amount:,.0f}" if d.amount is not None else "",
        }

    def make(
        self,
        rule: SlaRule,
        tpl: TaskTemplate,
        *,
        key: str,
        due: datetime,
        fields: Mapping[str, Any],
        trigger: str,
        evidence: str,
        done: str | None = None,
        show: datetime | None = None,
        hold: str | None = None,
        due_rule: str | None = None,
    ) -> Desired:
        """Render one desired task and decide its status from the evidence."""
        due = self.cal.localize(due)
        status: Status
        if done:
            status, ev = "satisfied", done
        elif hold:
            status, ev = "pending", hold
        elif show is not None and self.now < show:
            status, ev = "pending", ""  # rendered with the texts: phrase("ev.pending", …)
        else:
            status, ev = "open", evidence
        creatable = rule.max_overdue_days is None or self.now <= due + timedelta(days=rule.max_overdue_days)

        def texts() -> tuple[str, str, str]:
            values = {**self.common(), **fields, "due": self.fmt(due)}
            evidence = ev
            if status == "pending" and not ev and show is not None:
                evidence = phrase("ev.pending", self.lang, show=self.fmt(show))
            if status == "open" and not creatable:
                late = phrase("ev.due_passed", self.lang, due=self.fmt(due), days=rule.max_overdue_days)
                evidence = f"{ev}; {late}"
            reason = why(
                rule,
                self.lang,
                trigger=trigger,
                evidence=evidence,
                due_rule=due_rule or describe_due(tpl.due, self.lang),
            )
            return render(tpl.subject, self.lang, values), render(tpl.body, self.lang, values), reason

        return Desired(
            key=key,
            rule=rule.id,
            deal=self.deal.id,
            owner=self.deal.manager if tpl.assignee == "manager" else self.deal.owner,
            due=due,
            priority=tpl.priority or rule.priority,
            status=status,
            texts=texts,
            enabled=rule.enabled and tpl.enabled,
            creatable=creatable,
        )


def _meetings(rule: SlaRule, v: DealView) -> list[SlaEvent]:
    types = set(rule.trigger["activity_types"])
    return [
        e for e in v.events if e.kind == "call.logged" or (e.kind == "activity.logged" and e.data.get("type") in types)
    ]


def thank_you_minutes(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 #2-#4: the minutes-style thank-you email within 3 business hours of the meeting's end."""
    tpl = rule.task("send")
    out = []
    for ev in _meetings(rule, v):
        end = v.ended(ev)
        sent = v.first(tpl.satisfied_by, end, outbound=True)
        fields = {
            "meeting_at": v.fmt(ev.at),
            "meeting_end": v.fmt(end),
            "title": str(ev.data.get("title") or ""),
            "email_draft": _draft(ev.data.get("email_draft"), v),
        }
        out.append(
            v.make(
                rule,
                tpl,
                key=task_key(v.deal.id, rule.id, ev.at),
                due=tpl.due.at(end, v.cal),
                fields=fields,
                trigger=phrase("trigger.meeting", v.lang, kind=ev.kind, at=v.fmt(ev.at), end=v.fmt(end)),
                evidence=phrase("ev.no_email", v.lang, since=v.fmt(end)),
                done=v.logged(sent) if sent else None,
            )
        )
    return out


def _draft(draft: Any, v: DealView) -> str:
    return email_draft_block(draft if isinstance(draft, Mapping) else None, v.lang, v.deal.name)


def deliverable_kind(text: str, deliverables: Mapping[str, Any]) -> str | None:
    """Which deliverable (proposal, quote, materials) a commitment promises, by keyword; None for a small promise."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for kind, spec in deliverables.items():
        if any(unicodedata.normalize("NFKC", w).casefold() in folded for w in spec["keywords"]):
            return kind
    return None


def _promised_due(day: date | None, end: datetime, v: DealView, at: time | None = None) -> datetime | None:
    """A date said in the call, at close of business (the previous business day when it is a day off); at the time
    it names when one was said (今日の17時 → 17:00 that day, even after hours), never later than the promise."""
    if day is None or day < v.cal.localize(end).date():
        return None
    if at is not None:
        return datetime.combine(day, at, tzinfo=v.cal.tz)
    while not v.cal.is_business_day(day) and day > v.cal.localize(end).date():
        day -= timedelta(days=1)
    return v.cal.closing(day)


def _rep_commitments(v: DealView) -> Iterable[tuple[SlaEvent, Any]]:
    for ev in v.events:
        if ev.kind == "call.logged":
            for c in ev.data.get("commitments") or ():
                if c.owner == "rep":
                    yield ev, c


def promise_small(rule: SlaRule, v: DealView, deliverables: Mapping[str, Any]) -> list[Desired]:
    """Seed 001 #5: each small promise kept within 24 hours (usually inside the thank-you email)."""
    tpl = rule.task("keep")
    out = []
    for ev, c in _rep_commitments(v):
        if deliverable_kind(c.text, deliverables):
            continue
        end = v.ended(ev)
        said = _promised_due(c.due_date, end, v, c.due_clock)
        sent = v.first(tpl.satisfied_by, end, outbound=True)
        out.append(
            v.make(
                rule,
                tpl,
                key=task_key(v.deal.id, rule.id, ev.at, text_id(c.text)),
                due=said or tpl.due.at(end, v.cal),
                fields={"meeting_at": v.fmt(ev.at), "commitment": c.text, "evidence": c.evidence or c.text},
                trigger=phrase("trigger.commitment", v.lang, kind=ev.kind, at=v.fmt(ev.at), text=c.text),
                evidence=phrase("ev.no_email", v.lang, since=v.fmt(end)),
                done=v.logged(sent) if sent else None,
                due_rule=c.due if said else None,
            )
        )
    return out


def promise_deliverable(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seed 001 phase 2: a promised proposal, quote or materials within a week, with an interim note after 3 business days."""
    deliverables = rule.trigger["deliverables"]
    deliver, interim = rule.task("deliver"), rule.task("interim")
    out = []
    for ev, c in _rep_commitments(v):
        kind = deliverable_kind(c.text, deliverables)
        if kind is None:
            continue
        end, label = v.ended(ev), deliverables[kind]["label"].get(v.lang)
        said = _promised_due(c.due_date, end, v, c.due_clock)
        due = said or deliver.due.at(end, v.cal)
        sent = v.first(deliver.satisfied_by, end, outbound=True, keywords=deliverables[kind]["keywords"])
        done = v.logged(sent) if sent else None
        key = task_key(v.deal.id, rule.id, ev.at, text_id(c.text))
        fields = {
            "meeting_at": v.fmt(ev.at),
            "commitment": c.text,
            "evidence": c.evidence or c.text,
            "deliverable": label,
            "deliver_due": v.fmt(due),
        }
        trigger = phrase("trigger.commitment", v.lang, kind=ev.kind, at=v.fmt(ev.at), text=c.text)
        out.append(
            v.make(
                rule,
                deliver,
                key=key,
                due=due,
                fields=fields,
                trigger=trigger,
                done=done,
                evidence=phrase("ev.no_keyword_email", v.lang, since=v.fmt(end), label=label),
                due_rule=c.due if said else None,
            )
        )
        show = interim.show_after.at(end, v.cal) if interim.show_after else end
        note = v.first(interim.satisfied_by, show, outbound=True) if interim.satisfied_by else None
        out.append(
            v.make(
                rule,
                interim,
                key=f"{key}/interim",
                due=interim.due.at(show, v.cal),
                fields=fields,
                trigger=trigger,
                evidence=phrase("ev.no_keyword_email", v.lang, since=v.fmt(end), label=label),
                show=show,
                done=done or (v.logged(note) if note else None),
            )
        )
    return out


def missing_bant(rule: SlaRule, v: DealView) -> list[Desired]:
    """Seeds 004/000: entering a proposal stage without BANT evidenced in the latest scorecard asks for the missing items."""
    d, trig, tpl = v.deal, rule.trigger, rule.task("ask")
    order = trig["min_stage_order"]
    if d.stage_entered_at is None or not (
        stage_in(d, trig["stages"]) or (order is not None and d.stage_order is not None and d.stage_order >= order)
    ):
        return []
    latest = v.latest("call.logged", "bant")
    bant = d.bant if d.bant is not None else (latest.data["bant"] if latest else None)
    hold = None
    if bant is None:
        bant = {k: False for k in trig["items"]}
        if trig["if_no_scorecard"] == "skip":
            hold = phrase("ev.bant_unknown", v.lang)
    missing = [k for k in trig["items"] if not bant.get(k)]
    labels = (", " if is_en(v.lang) else "・").join(trig["items"][k]["label"].get(v.lang) for k in missing)
    questions = "\n".join(
        f"{trig['items'][k]['label'].get(v.lang)}: {trig['items'][k]['question'].get(v.lang)}" for k in missing
    )
    return [
        v.make(
            rule,
            tpl,
            key=task_key(d.id, rule.id, d.stage_entered_at),
            due=tpl.due.at(d.stage_entered_at, v.cal),
            fields={"missing": labels, "questions": questions, "entered_at": v.fmt(d.stage_entered_at)},
            trigger=phrase("trigger.stage", v.lang, stage=d.stage, at=v.fmt(d.stage_entered_at)),
            evidence=phrase("ev.bant_missing", v.lang, missing=labels),
            hold=hold,
            done=None if missing else phrase("ev.bant_ok", v.lang),
        )
    ]
