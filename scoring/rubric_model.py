"""The rubric as loaded: phases, items, checks and NG behaviours, with lookups by id (scoring/rubric.py loads and validates)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """One 評価基準 line: something a reviewer can see done (or not) in a call."""

    id: str
    text: str
    key: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Item:
    """A numbered item of a phase, grouping its checks."""

    id: str
    label: str
    checks: tuple[Check, ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class NgBehavior:
    """An NG行動 the coach should call out when it is seen."""

    id: str
    text: str


@dataclass(frozen=True)
class Phase:
    """One of the sales phases: its purpose, items, NG behaviours and weight in the overall score."""

    id: str
    label: str
    purpose: str
    weight: float
    items: tuple[Item, ...]
    ng_behaviors: tuple[NgBehavior, ...] = ()
    examples: tuple[str, ...] = ()
    label_en: str = ""

    @property
    def checks(self) -> tuple[Check, ...]:
        """All checks of the phase in rubric order."""
        return tuple(c for item in self.items for c in item.checks)

    @property
    def key_checks(self) -> tuple[Check, ...]:
        """The checks used as the stage-entry checklist."""
        return tuple(c for c in self.checks if c.key)

    @property
    def purpose_lines(self) -> tuple[str, ...]:
        """The purpose as separate statements, for bullet lists."""
        return tuple(line for line in self.purpose.splitlines() if line.strip())

    @property
    def example_phrases(self) -> tuple[str, ...]:
        """Phase-level and item-level example phrases together."""
        return self.examples + tuple(e for item in self.items for e in item.examples)


@dataclass(frozen=True)
class Rubric:
    """A validated scoring rubric; ids are stable across versions so scorecards stay comparable."""

    id: str
    version: str
    language: str
    phases: tuple[Phase, ...]
    title: str = ""
    # Points a phase loses for each of its NG behaviours the rep showed (scoring/formula.py); 0 turns it off.
    ng_penalty: int = 0

    def phase(self, phase_id: str) -> Phase:
        """The phase with this id; KeyError names the known ids."""
        for p in self.phases:
            if p.id == phase_id:
                return p
        raise KeyError(f"unknown phase {phase_id!r}; known: {', '.join(p.id for p in self.phases)}")

    @property
    def phase_ids(self) -> tuple[str, ...]:
        """Phase ids in rubric order."""
        return tuple(p.id for p in self.phases)

    def iter_checks(self) -> Iterator[tuple[Phase, Item, Check]]:
        """Every check with its phase and item, in rubric order."""
        for p in self.phases:
            for item in p.items:
                for c in item.checks:
                    yield p, item, c

    def check(self, check_id: str) -> Check | None:
        """The check with this id, if the rubric has one."""
        return next((c for _, _, c in self.iter_checks() if c.id == check_id), None)

    def item_of(self, check_id: str) -> Item | None:
        """The item holding this check, for its example phrases."""
        return next((i for _, i, c in self.iter_checks() if c.id == check_id), None)

    def ng_behavior(self, ng_id: str) -> NgBehavior | None:
        """The NG behaviour with this id, if any phase declares it."""
        return next((n for p in self.phases for n in p.ng_behaviors if n.id == ng_id), None)
