"""A battery of short labelled exchanges: how wide a scorer's reading is, one concept at a time.

A whole labelled call tests many readers at once and a miss hides behind the others; a battery holds dozens of two-
to six-turn exchanges per concept, each worded differently and some of them near-misses, so the wording a reader
catches and the wording it wrongly takes are counted separately. `dealcoach eval BATTERY.json` runs one (format in
docs/scoring.md, "Batteries"). Pure: the scorer is passed in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scoring.evaluation import STATES, LabelsError, Tally, tally_table
from scoring.scorecard import BANT_KEYS, Scorecard
from scoring.transcript import Segment, Transcript

CONCEPTS = (*BANT_KEYS, "next_step", "decline", "deal_state", "ng", "commitments")
OWNERS = ("rep", "customer")
Role = Literal["rep", "customer"]
ROLES: tuple[Role, ...] = ("rep", "customer")
# The speaker names an exchange is written under: the roles are given, so no name has to be recognised.
_SPEAKERS = {"ja": {"rep": "営業", "customer": "顧客"}, "en": {"rep": "Rep", "customer": "Customer"}}

Score = Callable[[Transcript], Scorecard]


@dataclass(frozen=True)
class Item:
    """One labelled exchange: `expect` is a bool (for `ng`, whether the rep shows `ng_id`), a deal state (or None)
    for `deal_state`, or promises per side ({"rep": n, "customer": n}) for `commitments`."""

    id: str
    concept: str
    lang: str
    expect: bool | str | None | dict[str, int]
    turns: tuple[tuple[Role, str], ...]
    ng_id: str | None = None


@dataclass
class BatteryResult:
    """Per concept: a tally of what the scorer found against what was labelled, and the ids it got wrong."""

    items: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {c: Tally() for c in CONCEPTS})
    wrong: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CONCEPTS})

    def tally(self, key: str) -> Tally:
        return self.tallies.setdefault(key, Tally())

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "concepts": {c: t.to_dict() for c, t in self.tallies.items() if t.counted},
            "wrong": {c: ids for c, ids in self.wrong.items() if ids},
        }


def load_battery(path: Path) -> list[Item]:
    """The items of a battery file; raises LabelsError naming the item and the problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LabelsError(f"{path}: not a readable JSON battery ({exc})") from exc
    rows = data.get("items") if isinstance(data, dict) else None
    if not isinstance(rows, list) or not rows:
        raise LabelsError(f'{path}: a battery is {{"items": [...]}} with at least one item')
    items, seen = [], set()
    for n, row in enumerate(rows):
        item = _item(row, f"{path}: item {n}")
        if item.id in seen:
            raise LabelsError(f"{path}: item id {item.id!r} twice")
        seen.add(item.id)
        items.append(item)
    return items


def _item(row: Any, where: str) -> Item:
    if not isinstance(row, dict):
        raise LabelsError(f"{where}: not an object")
    concept, lang, expect, turns = row.get("concept"), row.get("lang"), row.get("expect"), row.get("turns")
    if concept not in CONCEPTS:
        raise LabelsError(f"{where}: concept {concept!r} is not one of {', '.join(CONCEPTS)}")
    if lang not in _SPEAKERS:
        raise LabelsError(f"{where}: lang {lang!r} is not ja or en")
    ng_id = row.get("ng_id")
    if concept == "deal_state" and expect not in STATES:
        raise LabelsError(f"{where}: a deal_state item expects shodan, wadai, botsu or null, not {expect!r}")
    if concept == "commitments" and not _counts(expect):
        raise LabelsError(f'{where}: a commitments item expects {{"rep": n, "customer": n}}, not {expect!r}')
    if concept not in ("deal_state", "commitments") and not isinstance(expect, bool):
        raise LabelsError(f"{where}: expect must be true or false, not {expect!r}")
    if concept == "ng" and not (isinstance(ng_id, str) and "." in ng_id):
        raise LabelsError(f"{where}: an ng item names the rubric's NG id in ng_id, not {ng_id!r}")
    if not isinstance(turns, list) or not turns or not all(_turn(t) for t in turns):
        raise LabelsError(f'{where}: turns must be a list of ["rep" or "customer", text]')
    return Item(
        id=str(row.get("id") or where),
        concept=concept,
        lang=lang,
        expect=expect,
        turns=tuple((_role(t[0]), t[1]) for t in turns),
        ng_id=ng_id if concept == "ng" else None,
    )


def _counts(expect: Any) -> bool:
    return (
        isinstance(expect, dict)
        and set(expect) == set(OWNERS)
        and all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in expect.values())
    )


def _role(name: str) -> Role:
    return "rep" if name == "rep" else "customer"


def _turn(t: Any) -> bool:
    return isinstance(t, list) and len(t) == 2 and t[0] in ROLES and isinstance(t[1], str) and bool(t[1].strip())


def transcript(item: Item) -> Transcript:
    """The exchange as a call with its roles given, one segment per turn."""
    names = _SPEAKERS[item.lang]
    return Transcript(
        segments=tuple(Segment(speaker=names[role], text=text, role=role) for role, text in item.turns),
        language=item.lang,
    )


def observed(item: Item, card: Scorecard) -> bool | str | None | dict[str, int]:
    """What the scorecard says about the item's concept."""
    if item.concept == "ng":
        return any(n.id == item.ng_id for n in card.ng_behaviors)
    if item.concept == "commitments":
        return {owner: sum(c.owner == owner for c in card.commitments) for owner in OWNERS}
    if item.concept in BANT_KEYS:
        return card.bant[item.concept].found
    if item.concept == "next_step":
        return card.next_step.set
    if item.concept == "decline":
        return card.deal_state == "botsu"
    return card.deal_state


def evaluate_battery(items: list[Item], score: Score) -> BatteryResult:
    """Score every exchange and tally it under its concept (a deal state as the labelled-call evaluation does)."""
    result = BatteryResult()
    for item in items:
        got = observed(item, score(transcript(item)))
        _count(result.tally(item.concept), item, got)
        if item.ng_id:
            # Each NG id is counted on its own too (ng:proposal.vague_answer), after the concept's line.
            _count(result.tally(f"ng:{item.ng_id}"), item, got)
        if got != item.expect:
            result.wrong[item.concept].append(item.id)
        result.items += 1
    return result


def _count(tally: Tally, item: Item, got: Any) -> None:
    """A deal state as the labelled-call evaluation counts it; promises per side as matched counts; else a yes/no."""
    if item.concept == "deal_state":
        tally.tp += got is not None and got == item.expect
        tally.fp += got is not None and got != item.expect
        tally.fn += item.expect is not None and got != item.expect
    elif isinstance(item.expect, dict):
        for owner in OWNERS:
            both = min(got[owner], item.expect[owner])
            tally.tp += both
            tally.fp += got[owner] - both
            tally.fn += item.expect[owner] - both
    else:
        tally.add(bool(got), bool(item.expect))


def battery_report(result: BatteryResult, title: str = "") -> str:
    """The plain-text report `dealcoach eval` prints for a battery."""
    lines = [title] if title else []
    width = max(12, *(len(k) + 2 for k in result.tallies))
    lines += [f"{result.items} labelled exchanges", "", *tally_table("concept", result.tallies, width=width)]
    wrong = [(c, ids) for c, ids in result.wrong.items() if ids]
    if wrong:
        lines += ["", "wrong:"] + [f"  {c}: {', '.join(ids)}" for c, ids in wrong]
    return "\n".join(lines)
