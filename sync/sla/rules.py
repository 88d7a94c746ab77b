"""The follow-up SLA rules (`rubrics/sla-rules.yaml`): loaded, validated with errors naming file and key, tuned per tenant.

The YAML is data (what to do, when, in which words); `sync/sla.py` is the engine that applies it. Each rule id
has a fixed trigger shape (see `sync/sla_schema.py`), so a typo in a threshold or a template field fails on load.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import rubrics
from scoring.yaml_data import RubricError, YamlReader, load_yaml
from sync.sla.schema import (
    ACTIVE_WHILE,
    ACTIVITY_TYPES,
    ASSIGNEES,
    BANT_KEYS,
    COMMON_FIELDS,
    FIXED_TASKS,
    PRIORITIES,
    RULE_FIELDS,
    RULE_IDS,
    TRIGGERS,
    Due,
    Text,
    add_months,
    one_of,
    parse_due,
    parse_text,
    parse_trigger,
    string_list,
    trigger_param,
    whole_number,
)

_TOP_KEYS = {"version", "noise_budget", "rules"}
_RULE_KEYS = {
    "id",
    "enabled",
    "seed",
    "trigger",
    "priority",
    "active_while",
    "horizon_days",
    "max_overdue_days",
    "tasks",
}
_TASK_KEYS = {"id", "due", "show_after", "satisfied_by", "priority", "assignee", "enabled", "subject", "body"}
_TASK_OVERRIDE_KEYS = {"due", "show_after", "priority", "enabled"}
_RULE_OVERRIDE_KEYS = {"enabled", "priority", "horizon_days", "max_overdue_days", "due", "tasks", "trigger"}


@dataclass(frozen=True)
class TaskTemplate:
    """One task a rule may ask for: when it is due, when it shows up, what satisfies it, and its words."""

    id: str
    due: Due
    subject: Text
    body: Text
    show_after: Due | None = None
    satisfied_by: tuple[str, ...] = ()
    priority: str | None = None
    assignee: str = "owner"
    enabled: bool = True


@dataclass(frozen=True)
class SlaRule:
    """A follow-up practice from the seeds, enforced as CRM tasks."""

    id: str
    enabled: bool
    seed: str
    trigger: Mapping[str, Any]
    priority: str
    active_while: str
    tasks: tuple[TaskTemplate, ...]
    horizon_days: int | None = None
    max_overdue_days: int | None = None

    def task(self, task_id: str) -> TaskTemplate:
        """The task template with this id; KeyError names the known ids."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(f"rule {self.id} has no task {task_id!r}; known: {', '.join(t.id for t in self.tasks)}")


@dataclass(frozen=True)
class SlaRules:
    """All rules plus the per-deal noise budget; `with_settings` gives a tenant's tuned copy."""

    version: str
    noise_budget: int
    rules: tuple[SlaRule, ...]
    source: str = "sla-rules.yaml"

    def rule(self, rule_id: str) -> SlaRule:
        """The rule with this id; KeyError names the known ids."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"unknown SLA rule {rule_id!r}; known: {', '.join(r.id for r in self.rules)}")

    def with_settings(self, settings: Mapping[str, Any] | None) -> SlaRules:
        """These rules with a tenant's `sla` overrides applied; errors name `tenant_settings` and the key path."""
        return apply_settings(self, settings)


def _parse_task(r: YamlReader, raw: Any, path: str, rule_id: str) -> TaskTemplate:
    d = r.mapping(raw, path, _TASK_KEYS)
    fields = COMMON_FIELDS | RULE_FIELDS[rule_id]
    return TaskTemplate(
        id=r.slug(d, "id", path),
        due=parse_due(r, r.get(d, "due", path, dict), f"{path}.due"),
        subject=parse_text(r, d.get("subject"), f"{path}.subject", fields),
        body=parse_text(r, d.get("body"), f"{path}.body", fields),
        show_after=parse_due(r, d["show_after"], f"{path}.show_after") if d.get("show_after") is not None else None,
        satisfied_by=string_list(ACTIVITY_TYPES)(r, d.get("satisfied_by", []), f"{path}.satisfied_by"),
        priority=one_of(PRIORITIES)(r, d["priority"], f"{path}.priority") if d.get("priority") is not None else None,
        assignee=one_of(ASSIGNEES)(r, d.get("assignee", "owner"), f"{path}.assignee"),
        enabled=r.get(d, "enabled", path, bool, required=False, default=True),
    )


def _parse_rule(r: YamlReader, raw: Any, path: str) -> SlaRule:
    d = r.mapping(raw, path, _RULE_KEYS)
    rule_id = r.get(d, "id", path, str)
    if rule_id not in RULE_IDS:
        raise r.fail(f"{path}.id", f"unknown rule {rule_id!r}; the engine implements {', '.join(RULE_IDS)}")
    path = f"rules.{rule_id}"
    tasks = tuple(_parse_task(r, t, f"{path}.tasks[{i}]", rule_id) for i, t in enumerate(r.list_of(d, "tasks", path)))
    ids = [t.id for t in tasks]
    if len(set(ids)) != len(ids):
        raise r.fail(f"{path}.tasks", "task ids must be unique")
    if rule_id in FIXED_TASKS and sorted(ids) != sorted(FIXED_TASKS[rule_id]):
        raise r.fail(f"{path}.tasks", f"must be exactly {', '.join(FIXED_TASKS[rule_id])}")
    if rule_id == "nurture_30d" and any(t.due.kind != "day" for t in tasks):
        raise r.fail(f"{path}.tasks", "each cadence step needs `due: {day: N}`")
    return SlaRule(
        id=rule_id,
        enabled=r.get(d, "enabled", path, bool),
        seed=r.get(d, "seed", path, str).strip(),
        trigger=parse_trigger(r, rule_id, d.get("trigger"), f"{path}.trigger"),
        priority=one_of(PRIORITIES)(r, d.get("priority"), f"{path}.priority"),
        active_while=one_of(ACTIVE_WHILE)(r, d.get("active_while"), f"{path}.active_while"),
        tasks=tasks,
        horizon_days=whole_number(0, nullable=True)(r, d.get("horizon_days"), f"{path}.horizon_days"),
        max_overdue_days=whole_number(0, nullable=True)(r, d.get("max_overdue_days"), f"{path}.max_overdue_days"),
    )


def parse_sla_rules(data: Any, filename: str = "sla-rules.yaml") -> SlaRules:
    """Validate parsed YAML into SlaRules; every rule id of the engine must be configured exactly once."""
    r = YamlReader(filename)
    d = r.mapping(data, "", _TOP_KEYS)
    version = r.get(d, "version", "", (int, str))
    rules = tuple(_parse_rule(r, raw, f"rules[{i}]") for i, raw in enumerate(r.list_of(d, "rules", "")))
    ids = [x.id for x in rules]
    for rid in RULE_IDS:
        if ids.count(rid) != 1:
            raise r.fail("rules", f"rule {rid} must appear exactly once (found {ids.count(rid)})")
    return SlaRules(
        version=str(version),
        noise_budget=whole_number(1)(r, d.get("noise_budget", 5), "noise_budget"),
        rules=rules,
        source=filename,
    )


def default_rules_path() -> Path:
    """Where the packaged SLA rules live."""
    return Path(rubrics.__file__).parent / "sla-rules.yaml"


def load_sla_rules(path: Path | None = None) -> SlaRules:
    """Load and validate SLA rules (default: the packaged `rubrics/sla-rules.yaml`); RubricError names file and key."""
    p = Path(path) if path is not None else default_rules_path()
    return parse_sla_rules(load_yaml(p), p.name)


@functools.lru_cache(maxsize=1)
def default_sla_rules() -> SlaRules:
    """The packaged rules, parsed once per process (workers evaluate on every event)."""
    return load_sla_rules()


def apply_settings(rules: SlaRules, settings: Mapping[str, Any] | None) -> SlaRules:
    """Apply `settings["sla"]` = {noise_budget?, rules: {id: {enabled, priority, due, tasks, trigger, <threshold>}}}."""
    sla = (settings or {}).get("sla")
    if not sla:
        return rules
    r = YamlReader("tenant_settings")
    d = r.mapping(sla, "sla", {"noise_budget", "rules"})
    budget = (
        whole_number(1)(r, d["noise_budget"], "sla.noise_budget")
        if d.get("noise_budget") is not None
        else rules.noise_budget
    )
    overrides = r.mapping(d.get("rules") or {}, "sla.rules", set(RULE_IDS))
    tuned = tuple(
        _override_rule(r, rule, overrides[rule.id], f"sla.rules.{rule.id}") if overrides.get(rule.id) else rule
        for rule in rules.rules
    )
    return dataclasses.replace(rules, noise_budget=budget, rules=tuned)


def _override_rule(r: YamlReader, rule: SlaRule, raw: Any, path: str) -> SlaRule:
    params = TRIGGERS[rule.id][1]
    d = r.mapping(raw, path, _RULE_OVERRIDE_KEYS | set(params))
    trigger = dict(rule.trigger)
    nested = r.mapping(d.get("trigger") or {}, f"{path}.trigger", set(params))
    for name, value, where in [
        *((k, v, f"{path}.trigger.{k}") for k, v in nested.items()),
        *((k, d[k], f"{path}.{k}") for k in params if k in d),
    ]:
        trigger[name] = trigger_param(r, rule.id, name, value, where)
    tasks = list(rule.tasks)
    if d.get("due") is not None:
        if len(tasks) != 1:
            raise r.fail(f"{path}.due", f"rule {rule.id} has several tasks; use tasks.<id>.due")
        tasks[0] = dataclasses.replace(tasks[0], due=parse_due(r, d["due"], f"{path}.due"))
    task_ov = r.mapping(d.get("tasks") or {}, f"{path}.tasks", {t.id for t in tasks})
    for i, t in enumerate(tasks):
        if t.id in task_ov:
            tasks[i] = _override_task(r, t, task_ov[t.id], f"{path}.tasks.{t.id}")
    changes: dict[str, Any] = {"trigger": MappingProxyType(trigger), "tasks": tuple(tasks)}
    if "enabled" in d:
        changes["enabled"] = r.get(d, "enabled", path, bool)
    if d.get("priority") is not None:
        changes["priority"] = one_of(PRIORITIES)(r, d["priority"], f"{path}.priority")
    for key in ("horizon_days", "max_overdue_days"):
        if key in d:
            changes[key] = whole_number(0, nullable=True)(r, d[key], f"{path}.{key}")
    return dataclasses.replace(rule, **changes)


def _override_task(r: YamlReader, task: TaskTemplate, raw: Any, path: str) -> TaskTemplate:
    d = r.mapping(raw, path, _TASK_OVERRIDE_KEYS)
    changes: dict[str, Any] = {}
    if d.get("due") is not None:
        changes["due"] = parse_due(r, d["due"], f"{path}.due")
    if "show_after" in d:
        changes["show_after"] = (
            parse_due(r, d["show_after"], f"{path}.show_after") if d["show_after"] is not None else None
        )
    if d.get("priority") is not None:
        changes["priority"] = one_of(PRIORITIES)(r, d["priority"], f"{path}.priority")
    if "enabled" in d:
        changes["enabled"] = r.get(d, "enabled", path, bool)
    return dataclasses.replace(task, **changes)


__all__ = [
    "ACTIVITY_TYPES",
    "BANT_KEYS",
    "Due",
    "PRIORITIES",
    "RULE_IDS",
    "RubricError",
    "SlaRule",
    "SlaRules",
    "TaskTemplate",
    "Text",
    "add_months",
    "apply_settings",
    "default_rules_path",
    "default_sla_rules",
    "load_sla_rules",
    "parse_sla_rules",
]
