"""SLA compliance per follow-up rule: on time, late, open, missed, from DealCoach's own SLA tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sync.report.model import SlaTask

OUTCOMES = ("on_time", "late", "open", "missed")


@dataclass(frozen=True)
class RuleCompliance:
    """Counts of one rule's tasks due in the period, by outcome."""

    rule_id: str
    on_time: int = 0
    late: int = 0
    open: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.open + self.missed

    @property
    def on_time_rate(self) -> float | None:
        """On-time share of the tasks whose outcome is known (open ones are not judged yet)."""
        judged = self.on_time + self.late + self.missed
        return self.on_time / judged if judged else None


def outcome(task: SlaTask, now: datetime) -> str:
    """Done by the due time, done after it, not done and not yet due, or not done past due."""
    if task.completed_at is not None:
        return "on_time" if task.completed_at <= task.due else "late"
    return "open" if now <= task.due else "missed"


def compliance(
    tasks: tuple[SlaTask, ...], start: datetime, end: datetime, now: datetime, owned: Callable[[str | None], bool]
) -> list[RuleCompliance]:
    """Per rule, the tasks due inside [start, end), judged at `now`; rules in first-seen order of their id."""
    counts: dict[str, dict[str, int]] = {}
    for task in sorted(tasks, key=lambda t: t.rule_id):
        if not owned(task.owner_id) or not start <= task.due < end:
            continue
        bucket = counts.setdefault(task.rule_id, dict.fromkeys(OUTCOMES, 0))
        bucket[outcome(task, now)] += 1
    return [RuleCompliance(rule_id=rule, **c) for rule, c in counts.items()]
