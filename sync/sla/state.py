"""The SLA engine's input: deals, trigger events, logged activities and DealCoach's open tasks, parsed from the contract JSON.

Events are what happened and may trigger rules (a call logged, a stage change); activities are the CRM's record
of contact and are evidence (an email after the meeting satisfies the thank-you rule). Parsing is strict about
times (ISO 8601 with an offset) because a due time computed from an ambiguous instant would be silently wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Any

from scoring.scorecard import Commitment

ACTIVITY_TYPES = ("email", "meeting", "call", "note", "task_completed")
DONE_STATUSES = frozenset({"completed", "complete", "done", "closed"})


class SlaStateError(ValueError):
    """A state document that does not follow the contract; the message names the key path."""


@dataclass(frozen=True)
class SlaDeal:
    """A deal as the CRM sees it now (SLA evaluation reads current state, never the event's)."""

    id: str
    name: str
    stage: str
    stage_order: int | None = None
    owner: str | None = None
    manager: str | None = None
    amount: float | None = None
    is_closed: bool = False
    is_won: bool = False
    created_at: datetime | None = None
    stage_entered_at: datetime | None = None
    last_activity_at: datetime | None = None
    bant: Mapping[str, bool] | None = None
    competitor: str | None = None
    competitor_renewal_at: date | None = None

    @property
    def is_lost(self) -> bool:
        """Closed and not won."""
        return self.is_closed and not self.is_won


@dataclass(frozen=True)
class SlaEvent:
    """A normalized event for one deal; `data` holds the kind-specific fields (commitments, bant, ended_at...)."""

    kind: str
    deal: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Activity:
    """A logged contact on a deal; `direction` is "in" for a customer's email, else outbound or unknown."""

    deal: str
    type: str
    at: datetime
    subject: str = ""
    direction: str | None = None

    @property
    def is_customer_contact(self) -> bool:
        """A sign the customer is engaged: their email, or a meeting or call held with them."""
        return (self.type == "email" and self.direction == "in") or self.type in ("meeting", "call")

    @property
    def is_outbound_email(self) -> bool:
        """An email that is not marked as the customer's: a follow-up by the rep."""
        return self.type == "email" and self.direction != "in"


@dataclass(frozen=True)
class OpenTask:
    """A DealCoach task already in the CRM: `status` completed means the rep (or DealCoach) closed it."""

    key: str
    deal: str
    rule: str
    due: datetime | date | None
    status: str = "open"
    subject: str | None = None

    @property
    def is_open(self) -> bool:
        """Anything not completed counts as open (CRMs have several open statuses)."""
        return self.status.strip().lower() not in DONE_STATUSES


@dataclass(frozen=True)
class SlaState:
    """Everything one evaluation looks at, for one tenant."""

    now: datetime
    deals: tuple[SlaDeal, ...]
    events: tuple[SlaEvent, ...] = ()
    activities: tuple[Activity, ...] = ()
    open_tasks: tuple[OpenTask, ...] = ()
    tenant_settings: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


def parse_instant(value: Any, path: str) -> datetime:
    """An ISO 8601 timestamp with an offset (`Z` accepted); naive times are refused."""
    if not isinstance(value, str):
        raise SlaStateError(f"{path}: must be an ISO 8601 timestamp string")
    try:
        dt = datetime.fromisoformat(value.strip())
    except ValueError:
        raise SlaStateError(f"{path}: {value!r} is not an ISO 8601 timestamp") from None
    if dt.tzinfo is None:
        raise SlaStateError(f"{path}: {value!r} has no UTC offset (write e.g. +09:00 or Z)")
    return dt


def _opt_instant(d: Mapping[str, Any], key: str, path: str) -> datetime | None:
    return parse_instant(d[key], f"{path}.{key}") if d.get(key) is not None else None


def _instant_or_date(value: Any, path: str) -> datetime | date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise SlaStateError(f"{path}: {value!r} is not an ISO date") from None
    return parse_instant(value, path)


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SlaStateError(f"{path}: must be an object")
    return value


def _str(d: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
    value = d.get(key)
    if value is None or value == "":
        if required:
            raise SlaStateError(f"{path}.{key}: missing")
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise SlaStateError(f"{path}.{key}: must be a string")
    return str(value)


def _bool(d: Mapping[str, Any], key: str, path: str) -> bool:
    value = d.get(key, False)
    if not isinstance(value, bool):
        raise SlaStateError(f"{path}.{key}: must be true or false")
    return value


def parse_bant(value: Any, path: str) -> Mapping[str, bool] | None:
    """BANT as found/not found per key, from the scorecard shape ({"budget": {"found": true}}) or plain booleans."""
    if value is None:
        return None
    raw = _mapping(value, path)
    out = {}
    for k in ("budget", "authority", "need", "timeline"):
        item = raw.get(k)
        out[k] = bool(item.get("found")) if isinstance(item, Mapping) else bool(item)
    return MappingProxyType(out)


def _deal(raw: Any, path: str) -> SlaDeal:
    d = _mapping(raw, path)
    order = d.get("stage_order")
    if order is not None and (isinstance(order, bool) or not isinstance(order, int)):
        raise SlaStateError(f"{path}.stage_order: must be a whole number or null")
    amount = d.get("amount")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, (int, float))):
        raise SlaStateError(f"{path}.amount: must be a number or null")
    renewal = _instant_or_date(d.get("competitor_renewal_at"), f"{path}.competitor_renewal_at")
    deal_id = _str(d, "id", path) or ""
    return SlaDeal(
        id=deal_id,
        name=_str(d, "name", path, required=False) or deal_id,
        stage=_str(d, "stage", path) or "",
        stage_order=order,
        owner=_str(d, "owner", path, required=False),
        manager=_str(d, "manager", path, required=False),
        amount=float(amount) if amount is not None else None,
        is_closed=_bool(d, "is_closed", path),
        is_won=_bool(d, "is_won", path),
        created_at=_opt_instant(d, "created_at", path),
        stage_entered_at=_opt_instant(d, "stage_entered_at", path),
        last_activity_at=_opt_instant(d, "last_activity_at", path),
        bant=parse_bant(d.get("bant"), f"{path}.bant"),
        competitor=_str(d, "competitor", path, required=False),
        competitor_renewal_at=renewal.date() if isinstance(renewal, datetime) else renewal,
    )


def _clock(value: Any, path: str) -> str | None:
    """A promise's named time of day, "HH:MM" (scoring/due.py), kept so its task is due by then."""
    if value is None:
        return None
    try:
        return time.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        raise SlaStateError(f"{path}: {value!r} is not a time of day (HH:MM)") from None


def _commitments(value: Any, path: str) -> tuple[Commitment, ...]:
    if not isinstance(value, list):
        raise SlaStateError(f"{path}: must be a list")
    out = []
    for i, raw in enumerate(value):
        c = _mapping(raw, f"{path}[{i}]")
        due = _instant_or_date(c.get("due"), f"{path}[{i}].due")
        day = due.date() if isinstance(due, datetime) else due
        out.append(
            Commitment(
                owner=_str(c, "owner", f"{path}[{i}]", required=False) or "rep",
                text=_str(c, "text", f"{path}[{i}]") or "",
                due=day.isoformat() if day else None,
                evidence=_str(c, "evidence", f"{path}[{i}]", required=False) or "",
                due_time=_clock(c.get("due_time"), f"{path}[{i}].due_time"),
            )
        )
    return tuple(out)


def _event(raw: Any, path: str) -> SlaEvent:
    """An event with its kind-specific fields normalized; a `scorecard` (its JSON) fills commitments, bant and draft."""
    d = _mapping(raw, path)
    data: dict[str, Any] = {k: v for k, v in d.items() if k not in ("kind", "deal", "at", "scorecard")}
    card = _mapping(d["scorecard"], f"{path}.scorecard") if d.get("scorecard") is not None else {}
    for key in ("commitments", "bant", "email_draft"):
        if data.get(key) is None and card.get(key) is not None:
            data[key] = card[key]
    where = {k: f"{path}.{k}" if d.get(k) is not None else f"{path}.scorecard.{k}" for k in data}
    if data.get("commitments") is not None:
        data["commitments"] = _commitments(data["commitments"], where["commitments"])
    if data.get("bant") is not None:
        data["bant"] = parse_bant(data["bant"], where["bant"])
    if data.get("email_draft") is not None:
        data["email_draft"] = MappingProxyType(dict(_mapping(data["email_draft"], where["email_draft"])))
    if data.get("ended_at") is not None:
        data["ended_at"] = parse_instant(data["ended_at"], f"{path}.ended_at")
    if data.get("competitor_renewal_at") is not None:
        renewal = _instant_or_date(data["competitor_renewal_at"], f"{path}.competitor_renewal_at")
        data["competitor_renewal_at"] = renewal.date() if isinstance(renewal, datetime) else renewal
    return SlaEvent(
        kind=_str(d, "kind", path) or "",
        deal=_str(d, "deal", path) or "",
        at=parse_instant(d.get("at"), f"{path}.at"),
        data=MappingProxyType(data),
    )


def _activity(raw: Any, path: str) -> Activity:
    d = _mapping(raw, path)
    kind = _str(d, "type", path) or ""
    if kind not in ACTIVITY_TYPES:
        raise SlaStateError(f"{path}.type: {kind!r} is not one of {', '.join(ACTIVITY_TYPES)}")
    direction = _str(d, "direction", path, required=False)
    if direction not in (None, "in", "out"):
        raise SlaStateError(f'{path}.direction: must be "in" or "out"')
    return Activity(
        deal=_str(d, "deal", path) or "",
        type=kind,
        at=parse_instant(d.get("at"), f"{path}.at"),
        subject=_str(d, "subject", path, required=False) or "",
        direction=direction,
    )


def _open_task(raw: Any, path: str) -> OpenTask:
    d = _mapping(raw, path)
    return OpenTask(
        key=_str(d, "key", path) or "",
        deal=_str(d, "deal", path) or "",
        rule=_str(d, "rule", path, required=False) or "",
        due=_instant_or_date(d.get("due"), f"{path}.due"),
        status=_str(d, "status", path, required=False) or "open",
        subject=_str(d, "subject", path, required=False),
    )


def _list(d: Mapping[str, Any], key: str) -> list[Any]:
    value = d.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise SlaStateError(f"{key}: must be a list")
    return value


def state_from_json(d: Mapping[str, Any]) -> SlaState:
    """Parse the contract state document; SlaStateError names the offending key path (e.g. `deals[2].stage_entered_at`)."""
    doc = _mapping(d, "state")
    settings = doc.get("tenant_settings")
    settings = {} if settings is None else settings
    return SlaState(
        now=parse_instant(doc.get("now"), "now"),
        deals=tuple(_deal(x, f"deals[{i}]") for i, x in enumerate(_list(doc, "deals"))),
        events=tuple(_event(x, f"events[{i}]") for i, x in enumerate(_list(doc, "events"))),
        activities=tuple(_activity(x, f"activities[{i}]") for i, x in enumerate(_list(doc, "activities"))),
        open_tasks=tuple(_open_task(x, f"open_tasks[{i}]") for i, x in enumerate(_list(doc, "open_tasks"))),
        tenant_settings=MappingProxyType(dict(_mapping(settings, "tenant_settings"))),
    )
