"""The pure SLA engine: (state, rules, settings, now, calendar) → the DealCoach tasks to create, update and close.

No clock, network or CRM here: the caller passes `now` and the tenant's calendar, and writes the plan through the
`Crm` protocol. Guarantees: keys are deterministic; an open task with the same key and content is left alone; a
satisfied or cancelled rule closes its task; a task the rep completed is never reopened nor re-created; at most
`noise_budget` open DealCoach tasks per deal, the overflow merged into one summary task.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sync.sla import cadence as sla_cadence
from sync.sla import derive as sla_derive
from sync.sla.business_calendar import BusinessCalendar
from sync.sla.derive import DealView, Desired, deal_is, key_anchor
from sync.sla.rules import RULE_IDS, SlaRule, SlaRules, load_sla_rules
from sync.sla.state import OpenTask, SlaState, SlaStateError, state_from_json
from sync.sla.text import phrase
from sync.sla.text import why as why_line

SUMMARY_RULE = "summary"
PRIORITY_RANK = {"HIGH": 0, "MEDIUM": 1, "LOW": 2}
EVENT_DRIVEN = ("thank_you_minutes", "promise_small", "promise_deliverable")
TASK_FIELDS = ("key", "rule", "deal", "owner", "subject", "due", "priority", "why")

__all__ = [
    "SUMMARY_RULE",
    "SlaPlan",
    "SlaState",
    "SlaStateError",
    "SlaTask",
    "cli_evaluate",
    "evaluate",
    "plan_to_json",
    "state_from_json",
]


@dataclass(frozen=True)
class SlaTask:
    """A task for the CRM writer; `body` (the rule's guidance) and `why` both go into the CRM task's description."""

    key: str
    rule: str
    deal: str
    owner: str | None
    subject: str
    due: datetime | None
    priority: str
    why: str
    body: str = ""

    def description(self) -> str:
        """The task body as written to the CRM: guidance first, then the why line."""
        return f"{self.body}\n\n— {self.why}" if self.body else self.why

    def to_dict(self, *, include_body: bool = False) -> dict[str, Any]:
        """The contract task object; `due` in ISO 8601 with the calendar's offset."""
        d: dict[str, Any] = {
            "key": self.key,
            "rule": self.rule,
            "deal": self.deal,
            "owner": self.owner,
            "subject": self.subject,
            "due": self.due.isoformat(timespec="seconds") if self.due else None,
            "priority": self.priority,
            "why": self.why,
        }
        if include_body:
            d["body"] = self.body
        return d


@dataclass
class SlaPlan:
    """What the writer should do; each list is sorted by deal, due and key so plans compare equal run to run."""

    create: list[SlaTask] = field(default_factory=list)
    update: list[SlaTask] = field(default_factory=list)
    close: list[SlaTask] = field(default_factory=list)

    def is_empty(self) -> bool:
        """True when the CRM already matches the rules (a settled re-run)."""
        return not (self.create or self.update or self.close)


Deriver = Callable[[SlaRule, DealView, SlaRules], list[Desired]]
DERIVERS: dict[str, Deriver] = {
    "thank_you_minutes": lambda r, v, rs: sla_derive.thank_you_minutes(r, v),
    "promise_small": lambda r, v, rs: sla_derive.promise_small(
        r, v, rs.rule("promise_deliverable").trigger["deliverables"]
    ),
    "promise_deliverable": lambda r, v, rs: sla_derive.promise_deliverable(r, v),
    "stale_deal": lambda r, v, rs: sla_cadence.stale_deal(r, v),
    "nurture_30d": lambda r, v, rs: sla_cadence.nurture_30d(r, v),
    "post_contract": lambda r, v, rs: sla_cadence.post_contract(r, v),
    "ghosting": lambda r, v, rs: sla_cadence.ghosting(r, v),
    "lost_deal": lambda r, v, rs: sla_cadence.lost_deal(r, v),
    "missing_bant": lambda r, v, rs: sla_derive.missing_bant(r, v),
}


def _task(d: Desired) -> SlaTask:
    return SlaTask(
        key=d.key,
        rule=d.rule,
        deal=d.deal,
        owner=d.owner,
        subject=d.subject,
        due=d.due,
        priority=d.priority,
        why=d.why,
        body=d.body,
    )


def _sort_key(t: SlaTask) -> tuple[str, str, str]:
    return (t.deal, t.due.isoformat() if t.due else "", t.key)


def derive(rules: SlaRules, v: DealView) -> list[Desired]:
    """Every desired task of every rule for one deal (disabled rules too: they still close what is done)."""
    seen: dict[str, Desired] = {}
    for rule in rules.rules:
        if deal_is(rule.active_while, v.deal):
            for d in DERIVERS[rule.id](rule, v, rules):
                seen.setdefault(d.key, d)
    return list(seen.values())


def orphan_verdict(rule: SlaRule, task: OpenTask, v: DealView, rules: SlaRules) -> str | None:
    """Why an open task that no rule derived now should close, or None to leave it (its trigger is just not in view)."""
    d = v.deal
    closed = phrase("closed.won" if d.is_won else "closed.lost", v.lang) if d.is_closed else ""
    changed = phrase("cancel.state", v.lang, stage=d.stage, closed=closed)
    if not deal_is(rule.active_while, d):
        return changed
    stamp = key_anchor(task.key)
    if rule.id in EVENT_DRIVEN:
        if stamp is None:
            return None
        words: tuple[str, ...] = ()
        if rule.id == "promise_deliverable":
            words = tuple(
                w
                for spec in rules.rule("promise_deliverable").trigger["deliverables"].values()
                for w in spec["keywords"]
            )
        sent = v.first(("email",), stamp, outbound=True, keywords=words)
        return v.logged(sent) if sent else None
    if rule.id == "ghosting" and stamp is not None:
        return sla_cadence.replied_since(v, stamp) or changed
    if rule.id == "stale_deal" and stamp is not None and not task.key.endswith("/stuck"):
        later = [a for a in v.activities if a.at > stamp]
        if later:
            return v.logged(later[-1])
    return changed


def _due_of(task: OpenTask, cal: BusinessCalendar) -> datetime | None:
    if isinstance(task.due, datetime):
        return cal.localize(task.due)
    return cal.closing(task.due) if isinstance(task.due, date) else None


def _differs(task: OpenTask, d: Desired | SlaTask, cal: BusinessCalendar) -> bool:
    """Content changed: subject (when the CRM told us) or due (to the minute; a date-only due compares by day)."""
    if task.subject is not None and task.subject.strip() != d.subject.strip():
        return True
    if task.due is None or d.due is None:
        return True
    if isinstance(task.due, datetime):
        return abs(task.due - d.due) >= timedelta(minutes=1)
    return task.due != cal.localize(d.due).date()


def _closing_task(rule: SlaRule, task: OpenTask, v: DealView, evidence: str) -> SlaTask:
    return SlaTask(
        key=task.key,
        rule=task.rule,
        deal=task.deal,
        owner=v.deal.owner,
        subject=task.subject or "",
        due=_due_of(task, v.cal),
        priority=rule.priority,
        why=why_line(
            rule, v.lang, trigger=phrase("trigger.task", v.lang, key=task.key), evidence=evidence, due_rule="-"
        ),
    )


def _summary(v: DealView, merged: list[Desired], budget: int) -> SlaTask:
    """One task standing for the follow-ups over the noise budget; its key changes when the merged set does."""
    keys = sorted(d.key for d in merged)
    digest = hashlib.sha1("\n".join(keys).encode()).hexdigest()[:10]
    first = min(merged, key=lambda d: (d.due, d.key))
    lines = [
        phrase("summary.line", v.lang, subject=d.subject, due=v.fmt(d.due))
        for d in sorted(merged, key=lambda d: (d.due, d.key))
    ]
    return SlaTask(
        key=f"deal-{v.deal.id}/sla-{SUMMARY_RULE}/{digest}",
        rule=SUMMARY_RULE,
        deal=v.deal.id,
        owner=v.deal.owner,
        subject=phrase("summary.subject", v.lang, deal_name=v.deal.name, count=len(merged), due=v.fmt(first.due)),
        due=first.due,
        priority=min((d.priority for d in merged), key=lambda p: PRIORITY_RANK.get(p, 9)),
        why=phrase("summary.why", v.lang, budget=budget, keys=", ".join(keys)),
        body="\n".join([phrase("summary.intro", v.lang), *lines]),
    )


def plan_deal(rules: SlaRules, v: DealView, plan: SlaPlan) -> None:
    """Diff one deal's desired tasks against its DealCoach tasks in the CRM, within the noise budget."""
    by_key: dict[str, OpenTask] = {}
    for t in v.open_tasks:
        if t.key not in by_key or not t.is_open:
            by_key[t.key] = t
    desired = derive(rules, v)
    derived = {d.key for d in desired}
    candidates: list[Desired] = []
    closes: list[SlaTask] = []
    for d in desired:
        existing = by_key.get(d.key)
        if d.status in ("satisfied", "cancelled"):
            if existing is not None and existing.is_open:
                closes.append(_task(d))
        elif d.status == "open" and d.enabled:
            if existing is None:
                if d.creatable:
                    candidates.append(d)
            elif existing.is_open and _differs(existing, d, v.cal):
                plan.update.append(_task(d))
    for t in by_key.values():
        if t.is_open and t.key not in derived and t.rule in RULE_IDS:
            verdict = orphan_verdict(rules.rule(t.rule), t, v, rules)
            if verdict:
                closes.append(_closing_task(rules.rule(t.rule), t, v, verdict))
    closing = {c.key for c in closes}
    still_open = [t for t in by_key.values() if t.is_open and t.key not in closing and t.rule != SUMMARY_RULE]
    room = rules.noise_budget - len(still_open)
    candidates.sort(key=lambda d: (PRIORITY_RANK.get(d.priority, 9), d.due, d.key))
    if len(candidates) <= room:
        created, merged = candidates, []
    else:
        created, merged = candidates[: max(room - 1, 0)], (candidates[max(room - 1, 0) :] if room >= 1 else [])
    plan.create.extend(_task(d) for d in created)
    summary = _summary(v, merged, rules.noise_budget) if merged else None
    if summary is not None:
        existing = by_key.get(summary.key)
        if existing is None:
            plan.create.append(summary)
        elif existing.is_open and _differs(existing, summary, v.cal):
            plan.update.append(summary)
    for t in by_key.values():
        if t.rule == SUMMARY_RULE and t.is_open and (summary is None or t.key != summary.key):
            closes.append(
                SlaTask(
                    key=t.key,
                    rule=SUMMARY_RULE,
                    deal=t.deal,
                    owner=v.deal.owner,
                    subject=t.subject or "",
                    due=_due_of(t, v.cal),
                    priority="LOW",
                    why=phrase("cancel.superseded", v.lang),
                )
            )
    plan.close.extend(closes)


def evaluate(
    state: SlaState,
    rules: SlaRules,
    *,
    now: datetime,
    calendar: BusinessCalendar,
    settings: Mapping[str, Any] | None = None,
    lang: str = "ja",
) -> SlaPlan:
    """Evaluate every rule on every deal of the state; `settings` (default: the state's tenant_settings) tunes the rules."""
    tuned = rules.with_settings(dict(state.tenant_settings) if settings is None else settings)
    now = calendar.localize(now)
    events, activities, tasks = defaultdict(list), defaultdict(list), defaultdict(list)
    for e in state.events:
        events[e.deal].append(e)
    for a in state.activities:
        activities[a.deal].append(a)
    for t in state.open_tasks:
        tasks[t.deal].append(t)
    plan = SlaPlan()
    for deal in sorted(state.deals, key=lambda d: d.id):
        view = DealView(
            deal=deal,
            events=tuple(sorted(events[deal.id], key=lambda e: e.at)),
            activities=tuple(sorted(activities[deal.id], key=lambda a: a.at)),
            open_tasks=tuple(tasks[deal.id]),
            now=now,
            cal=calendar,
            lang=lang,
        )
        plan_deal(tuned, view, plan)
    for tasks_out in (plan.create, plan.update, plan.close):
        tasks_out.sort(key=_sort_key)
    return plan


def plan_to_json(plan: SlaPlan, *, include_body: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The contract output `{"create": [...], "update": [...], "close": [...]}`; `body` only when asked (not in the contract)."""
    return {
        name: [t.to_dict(include_body=include_body) for t in getattr(plan, name)]
        for name in ("create", "update", "close")
    }


def cli_evaluate(path: Path, rules_path: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """`dealcoach sla evaluate STATE.json [--rules FILE]`: the tenant's calendar and language come from `tenant_settings`."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SlaStateError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SlaStateError(f"{path}: cannot read state JSON: {exc}") from None
    try:
        state = state_from_json(doc)
    except SlaStateError as exc:
        raise SlaStateError(f"{Path(path).name}: {exc}") from None
    settings = dict(state.tenant_settings)
    calendar = BusinessCalendar.from_settings(settings)
    plan = evaluate(
        state,
        load_sla_rules(rules_path),
        now=state.now,
        calendar=calendar,
        settings=settings,
        lang=str(settings.get("language") or "ja"),
    )
    return plan_to_json(plan)
