"""The vocabulary of `rubrics/sla-rules.yaml`: rule ids, due rules, bilingual templates and each rule's trigger thresholds.

Split from `sync/sla_rules.py` so the loader stays short; the field parsers here are shared by the YAML loader and
the per-tenant overrides, so both report errors the same way (`file: key.path: problem`).
"""

from __future__ import annotations

import calendar as _cal
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from scoring.yaml_data import YamlReader
from sync.sla.business_calendar import BusinessCalendar
from sync.sla.state import ACTIVITY_TYPES

RULE_IDS = (
    "thank_you_minutes",
    "promise_small",
    "promise_deliverable",
    "stale_deal",
    "nurture_30d",
    "post_contract",
    "ghosting",
    "lost_deal",
    "missing_bant",
)
PRIORITIES = ("HIGH", "MEDIUM", "LOW")
ACTIVE_WHILE = ("open", "won", "lost", "not_lost", "any")
DUE_KINDS = ("hours", "business_hours", "days", "business_days", "months", "day")
ASSIGNEES = ("owner", "manager")
BANT_KEYS = ("budget", "authority", "need", "timeline")
COMMON_FIELDS = frozenset({"deal_name", "deal_id", "owner", "manager", "stage", "amount", "due"})
RULE_FIELDS: dict[str, frozenset[str]] = {
    "thank_you_minutes": frozenset({"meeting_at", "meeting_end", "title", "email_draft"}),
    "promise_small": frozenset({"meeting_at", "commitment", "evidence"}),
    "promise_deliverable": frozenset({"meeting_at", "commitment", "evidence", "deliverable", "deliver_due"}),
    "stale_deal": frozenset({"inactive_days", "last_activity_at", "entered_at", "stage_threshold"}),
    "nurture_30d": frozenset({"day", "entered_at"}),
    "post_contract": frozenset({"won_at"}),
    "ghosting": frozenset({"followups", "first_followup_at", "last_followup_at", "days", "check_in_at"}),
    "lost_deal": frozenset({"lost_at", "competitor", "renewal_date"}),
    "missing_bant": frozenset({"missing", "questions", "entered_at"}),
}
FIXED_TASKS: dict[str, tuple[str, ...]] = {
    "thank_you_minutes": ("send",),
    "promise_small": ("keep",),
    "promise_deliverable": ("deliver", "interim"),
    "stale_deal": ("owner", "manager", "stuck"),
    "ghosting": ("check_in", "closing"),
    "lost_deal": ("feedback", "renewal"),
    "missing_bant": ("ask",),
}


@dataclass(frozen=True)
class Due:
    """A due rule: an amount of business or calendar time after an anchor moment."""

    kind: str
    amount: float

    def at(self, anchor: datetime, cal: BusinessCalendar) -> datetime:
        """The due moment for `anchor`, in business time: business and calendar-day rules count from the next business
        start after an after-hours or day-off anchor; `hours` are wall-clock, then moved to the next business start."""
        start = cal.next_business_start(anchor)
        n = self.amount
        if self.kind == "business_hours":
            return cal.add_business_hours(anchor, n)
        if self.kind == "business_days":
            return cal.add_business_days(anchor, int(n))
        if self.kind == "hours":
            return cal.next_business_start(cal.localize(anchor).astimezone(UTC) + timedelta(hours=n))
        if self.kind == "days":
            return cal.close_of_business(start.date() + timedelta(days=int(n)))
        if self.kind == "months":
            return cal.close_of_business(add_months(start.date(), int(n)))
        return cal.close_of_business(start.date() + timedelta(days=int(n) - 1))

    def to_dict(self) -> dict[str, float]:
        """The YAML form, e.g. {"business_hours": 3}."""
        return {self.kind: self.amount}


def add_months(day: date, months: int) -> date:
    """`day` plus calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28 or 29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Text:
    """A template in Japanese (reference) and English (second locale)."""

    ja: str
    en: str

    def get(self, lang: str) -> str:
        """The template in `lang` (English for en*, else the Japanese reference)."""
        return self.en if lang.lower().startswith("en") else self.ja


Parser = Callable[[YamlReader, Any, str], Any]
REQUIRED = object()


def whole_number(lo: int = 0, nullable: bool = False) -> Parser:
    """A parser for counts and thresholds (bools are not numbers here, though Python thinks so)."""

    def parse(r: YamlReader, v: Any, path: str) -> Any:
        if v is None and nullable:
            return None
        if not isinstance(v, int) or isinstance(v, bool) or v < lo:
            raise r.fail(path, f"must be a whole number ≥ {lo}" + (" or null" if nullable else ""))
        return v

    return parse


def string_list(allowed: tuple[str, ...] = ()) -> Parser:
    """A parser for a list of non-empty strings, optionally from a closed vocabulary."""

    def parse(r: YamlReader, v: Any, path: str) -> tuple[str, ...]:
        if not isinstance(v, list):
            raise r.fail(path, "must be a list")
        for i, s in enumerate(v):
            if not isinstance(s, str) or not s.strip():
                raise r.fail(f"{path}[{i}]", "must be a non-empty string")
            if allowed and s not in allowed:
                raise r.fail(f"{path}[{i}]", f"{s!r} is not one of {', '.join(allowed)}")
        return tuple(v)

    return parse


def one_of(options: tuple[str, ...]) -> Parser:
    """A parser for one value of a closed vocabulary (priorities, assignees...)."""

    def parse(r: YamlReader, v: Any, path: str) -> str:
        if v not in options:
            raise r.fail(path, f"must be one of {', '.join(options)}")
        return v

    return parse


def parse_text(r: YamlReader, v: Any, path: str, fields: frozenset[str] = frozenset()) -> Text:
    """A {ja, en} template; with `fields`, every {placeholder} must be one the engine fills."""
    d = r.mapping(v, path, {"ja", "en"})
    text = Text(ja=r.get(d, "ja", path, str), en=r.get(d, "en", path, str))
    if fields:
        for lang in ("ja", "en"):
            try:
                names = [f for _, f, _, _ in string.Formatter().parse(getattr(text, lang)) if f is not None]
            except ValueError as exc:
                raise r.fail(f"{path}.{lang}", f"bad template: {exc}") from None
            for name in names:
                if name not in fields:
                    raise r.fail(
                        f"{path}.{lang}", f"unknown placeholder {{{name}}}; allowed: {', '.join(sorted(fields))}"
                    )
    return text


def _labelled(r: YamlReader, v: Any, path: str, extra: str) -> dict[str, dict[str, Any]]:
    if not isinstance(v, dict) or not v:
        raise r.fail(path, "must be a non-empty mapping")
    out = {}
    for name, spec in v.items():
        d = r.mapping(spec, f"{path}.{name}", {"label", extra})
        value = (
            string_list()(r, d.get(extra), f"{path}.{name}.{extra}")
            if extra == "keywords"
            else parse_text(r, d.get(extra), f"{path}.{name}.{extra}")
        )
        if extra == "keywords" and not value:
            raise r.fail(f"{path}.{name}.keywords", "must not be empty")
        out[str(name)] = {"label": parse_text(r, d.get("label"), f"{path}.{name}.label"), extra: value}
    return out


def _deliverables(r: YamlReader, v: Any, path: str) -> dict[str, dict[str, Any]]:
    return _labelled(r, v, path, "keywords")


def _bant_items(r: YamlReader, v: Any, path: str) -> dict[str, dict[str, Any]]:
    items = _labelled(r, v, path, "question")
    if set(items) != set(BANT_KEYS):
        raise r.fail(path, f"must name exactly {', '.join(BANT_KEYS)}")
    return {k: items[k] for k in BANT_KEYS}


def _days_in_stage(r: YamlReader, v: Any, path: str) -> dict[str, Any]:
    d = r.mapping(v, path, {"default", "by_order", "by_stage"})
    days = whole_number(1, nullable=True)
    by_order = r.mapping(d.get("by_order") or {}, f"{path}.by_order", set(d.get("by_order") or {}))
    by_stage = r.mapping(d.get("by_stage") or {}, f"{path}.by_stage", set(d.get("by_stage") or {}))
    for k in by_order:
        if not isinstance(k, int) or isinstance(k, bool):
            raise r.fail(f"{path}.by_order.{k}", "stage order keys must be whole numbers")
    return {
        "default": days(r, d.get("default"), f"{path}.default"),
        "by_order": {int(k): days(r, n, f"{path}.by_order.{k}") for k, n in by_order.items()},
        "by_stage": {str(k): days(r, n, f"{path}.by_stage.{k}") for k, n in by_stage.items()},
    }


TRIGGERS: dict[str, tuple[str, dict[str, tuple[Parser, Any]]]] = {
    "thank_you_minutes": ("meeting_logged", {"activity_types": (string_list(ACTIVITY_TYPES), ("meeting",))}),
    "promise_small": ("rep_commitment", {}),
    "promise_deliverable": ("rep_commitment", {"deliverables": (_deliverables, REQUIRED)}),
    "stale_deal": (
        "no_activity",
        {
            "min_stage_order": (whole_number(0), 3),
            "inactive_days": (whole_number(1), 14),
            "days_in_stage": (_days_in_stage, {"default": None, "by_order": {}, "by_stage": {}}),
        },
    ),
    "nurture_30d": ("stage_entered", {"stages": (string_list(), REQUIRED)}),
    "post_contract": ("closed_won", {}),
    "ghosting": ("unanswered_followups", {"followups": (whole_number(1), 2), "days": (whole_number(1), 7)}),
    "lost_deal": ("closed_lost", {"renewal_lead_days": (whole_number(0), 180)}),
    "missing_bant": (
        "stage_entered",
        {
            "stages": (string_list(), ()),
            "min_stage_order": (whole_number(0, nullable=True), None),
            "if_no_scorecard": (one_of(("skip", "all_missing")), "skip"),
            "items": (_bant_items, REQUIRED),
        },
    ),
}


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def trigger_param(r: YamlReader, rule_id: str, name: str, value: Any, path: str) -> Any:
    """One validated, read-only trigger threshold (shared by the YAML and the tenant overrides)."""
    parser, _ = TRIGGERS[rule_id][1][name]
    return _freeze(parser(r, value, path))


def parse_trigger(r: YamlReader, rule_id: str, v: Any, path: str) -> Mapping[str, Any]:
    """A rule's trigger: `kind` must name the rule's trigger kind; the other keys are its thresholds."""
    kind, params = TRIGGERS[rule_id]
    d = r.mapping(v, path, {"kind", *params})
    if d.get("kind") != kind:
        raise r.fail(f"{path}.kind", f"rule {rule_id} is triggered by {kind!r}")
    out: dict[str, Any] = {"kind": kind}
    for name, (_, default) in params.items():
        if d.get(name) is None and default is REQUIRED:
            raise r.fail(f"{path}.{name}", "missing")
        out[name] = (
            trigger_param(r, rule_id, name, d[name], f"{path}.{name}") if d.get(name) is not None else _freeze(default)
        )
    return MappingProxyType(out)


def parse_due(r: YamlReader, v: Any, path: str) -> Due:
    """`{kind: amount}` with exactly one kind of DUE_KINDS; amounts are non-negative (`day` counts from 1)."""
    d = r.mapping(v, path, set(DUE_KINDS))
    if len(d) != 1:
        raise r.fail(path, f"must have exactly one of {', '.join(DUE_KINDS)}")
    kind, amount = next(iter(d.items()))
    whole = kind in ("days", "business_days", "months", "day")
    if (
        isinstance(amount, bool)
        or not isinstance(amount, int if whole else (int, float))
        or amount < (1 if kind == "day" else 0)
    ):
        raise r.fail(f"{path}.{kind}", "must be a whole number" if whole else "must be a number ≥ 0")
    return Due(kind=kind, amount=amount)
