"""Rubrics and stage maps are YAML data in `rubrics/`; this module loads and validates them so a typo fails loudly, naming file and key."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rubrics
from scoring.rubric_model import Check, Item, NgBehavior, Phase, Rubric
from scoring.yaml_data import SLUG_RE, RubricError
from scoring.yaml_data import YamlReader as _Reader
from scoring.yaml_data import load_yaml as _load_yaml

__all__ = [
    "SLUG_RE",
    "Check",
    "Item",
    "NgBehavior",
    "Phase",
    "Rubric",
    "RubricError",
    "Stage",
    "StageMap",
    "load_rubric",
    "load_rubric_file",
    "load_stage_map",
    "load_stage_map_file",
    "parse_rubric",
    "parse_stage_map",
    "rubrics_dir",
]
_FILE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_LANG_RE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2})?$")


def rubrics_dir() -> Path:
    """Where the packaged rubric data lives."""
    return Path(rubrics.__file__).parent


def _parse_check(r: _Reader, raw: Any, path: str, item_id: str) -> Check:
    d = r.mapping(raw, path, {"id", "text", "key", "weight"})
    weight = float(r.get(d, "weight", path, (int, float), required=False, default=1.0))
    if weight <= 0:
        raise r.fail(f"{path}.weight", "must be greater than 0")
    return Check(
        id=r.slug(d, "id", path, prefix=item_id),
        text=r.get(d, "text", path, str).strip(),
        key=r.get(d, "key", path, bool, required=False, default=False),
        weight=weight,
    )


def _parse_item(r: _Reader, raw: Any, path: str, phase_id: str) -> Item:
    d = r.mapping(raw, path, {"id", "label", "checks", "examples"})
    item_id = r.slug(d, "id", path, prefix=phase_id)
    checks = tuple(
        _parse_check(r, c, f"{path}.checks[{i}]", item_id) for i, c in enumerate(r.list_of(d, "checks", path))
    )
    return Item(
        id=item_id, label=r.get(d, "label", path, str).strip(), checks=checks, examples=r.strings(d, "examples", path)
    )


def _parse_phase(r: _Reader, raw: Any, path: str) -> Phase:
    d = r.mapping(raw, path, {"id", "label", "label_en", "purpose", "weight", "items", "ng_behaviors", "examples"})
    phase_id = r.slug(d, "id", path)
    purpose_raw = r.get(d, "purpose", path, (str, list))
    purpose = purpose_raw.strip() if isinstance(purpose_raw, str) else "\n".join(r.strings(d, "purpose", path))
    if not purpose:
        raise r.fail(f"{path}.purpose", "must not be empty")
    weight = float(r.get(d, "weight", path, (int, float)))
    if weight < 0:
        raise r.fail(f"{path}.weight", "must not be negative")
    items = tuple(
        _parse_item(r, it, f"{path}.items[{i}]", phase_id) for i, it in enumerate(r.list_of(d, "items", path))
    )
    ngs = []
    for i, raw_ng in enumerate(r.list_of(d, "ng_behaviors", path, required=False)):
        ng_path = f"{path}.ng_behaviors[{i}]"
        nd = r.mapping(raw_ng, ng_path, {"id", "text"})
        ngs.append(
            NgBehavior(id=r.slug(nd, "id", ng_path, prefix=phase_id), text=r.get(nd, "text", ng_path, str).strip())
        )
    phase = Phase(
        id=phase_id,
        label=r.get(d, "label", path, str).strip(),
        purpose=purpose,
        weight=weight,
        items=items,
        ng_behaviors=tuple(ngs),
        examples=r.strings(d, "examples", path),
        label_en=r.get(d, "label_en", path, str, required=False, default="").strip(),
    )
    if not phase.key_checks:
        raise r.fail(f"{path}.items", "no check has key: true (the stage-entry checklist would be empty)")
    return phase


def parse_rubric(data: Any, filename: str) -> Rubric:
    """Validate parsed YAML into a Rubric; phase weights are normalized to sum to 1."""
    r = _Reader(filename)
    d = r.mapping(data, "", {"id", "version", "language", "title", "source", "ng_penalty", "phases"})
    rubric_id = r.get(d, "id", "", str)
    version = str(r.get(d, "version", "", (str, int)))
    language = r.get(d, "language", "", str)
    ng_penalty = r.get(d, "ng_penalty", "", int, required=False, default=0)
    if not 0 <= ng_penalty <= 100:
        raise r.fail("ng_penalty", f"{ng_penalty!r} is not a number of points from 0 to 100")
    if not _LANG_RE.match(language):
        raise r.fail("language", f"{language!r} is not a language code")
    phases = [_parse_phase(r, p, f"phases[{i}]") for i, p in enumerate(r.list_of(d, "phases", ""))]
    seen: dict[str, str] = {}
    for i, p in enumerate(phases):
        ids = [(f"phases[{i}].id", p.id)]
        ids += [(f"phases[{i}].items[{j}].id", it.id) for j, it in enumerate(p.items)]
        ids += [
            (f"phases[{i}].items[{j}].checks[{k}].id", c.id)
            for j, it in enumerate(p.items)
            for k, c in enumerate(it.checks)
        ]
        ids += [(f"phases[{i}].ng_behaviors[{j}].id", n.id) for j, n in enumerate(p.ng_behaviors)]
        for where, ident in ids:
            if ident in seen:
                raise r.fail(where, f"duplicate id {ident!r} (first at {seen[ident]})")
            seen[ident] = where
    total = sum(p.weight for p in phases)
    if total <= 0:
        raise r.fail("phases", "weights must not all be zero")
    phases = [
        Phase(
            id=p.id,
            label=p.label,
            purpose=p.purpose,
            weight=p.weight / total,
            items=p.items,
            ng_behaviors=p.ng_behaviors,
            examples=p.examples,
            label_en=p.label_en,
        )
        for p in phases
    ]
    return Rubric(
        id=rubric_id,
        version=version,
        language=language,
        phases=tuple(phases),
        title=r.get(d, "title", "", str, required=False, default=""),
        ng_penalty=ng_penalty,
    )


def load_rubric_file(path: Path) -> Rubric:
    """Load and validate one rubric file (uncached), e.g. a tenant's own rubric or a test fixture."""
    return parse_rubric(_load_yaml(Path(path)), Path(path).name)


def load_rubric(rubric_id: str = "sales-7-phase", lang: str = "ja") -> Rubric:
    """The packaged rubric `rubrics/<id>.<lang>.yaml`, validated once and cached."""
    return _cached_rubric(rubric_id, lang)


def load_rubric_or_reference(rubric_id: str, lang: str) -> Rubric:
    """The rubric in `lang` when that translation ships, else the Japanese reference version."""
    exists = (rubrics_dir() / f"{rubric_id}.{lang}.yaml").is_file()
    return load_rubric(rubric_id, lang if exists else "ja")


@functools.lru_cache(maxsize=32)
def _cached_rubric(rubric_id: str, lang: str) -> Rubric:
    if not _FILE_ID_RE.match(rubric_id):
        raise RubricError(f"{rubric_id!r}: not a rubric id")
    if not _LANG_RE.match(lang):
        raise RubricError(f"{lang!r}: not a language code")
    filename = f"{rubric_id}.{lang}.yaml"
    rubric = load_rubric_file(rubrics_dir() / filename)
    if rubric.id != rubric_id:
        raise RubricError(f"{filename}: id: {rubric.id!r} does not match the file name")
    if rubric.language != lang:
        raise RubricError(f"{filename}: language: {rubric.language!r} does not match the file name")
    return rubric


@dataclass(frozen=True)
class Stage:
    """One CRM deal stage and the rubric phase whose coaching applies while a deal sits in it."""

    id: str
    phase: str
    order: int
    labels: dict[str, str]
    closed: bool = False
    won: bool = False


@dataclass(frozen=True)
class StageMap:
    """Maps a CRM pipeline's stage ids to rubric phases, with display labels and order."""

    provider: str
    name: str
    rubric: str
    stages: tuple[Stage, ...]
    pipeline: str = "default"

    def stage(self, stage_id: str) -> Stage | None:
        """The stage by exact id, else case-insensitively (Salesforce admins retype StageName values)."""
        exact = next((s for s in self.stages if s.id == stage_id), None)
        if exact is not None:
            return exact
        folded = stage_id.strip().casefold()
        return next((s for s in self.stages if s.id.casefold() == folded), None)

    def phase_for(self, stage_id: str) -> str | None:
        """The rubric phase id for a stage, or None for an unmapped stage."""
        return s.phase if (s := self.stage(stage_id)) else None

    def order(self, stage_id: str) -> int | None:
        """Position of the stage in the pipeline (1 = first), used to tell forward from backward moves."""
        return s.order if (s := self.stage(stage_id)) else None

    def label(self, stage_id: str, lang: str = "ja") -> str:
        """Display label in `lang` (falling back to English, then the raw id)."""
        s = self.stage(stage_id)
        if s is None:
            return stage_id
        return s.labels.get(lang) or s.labels.get("en") or s.id

    def is_closed(self, stage_id: str) -> bool:
        """Whether the stage ends the deal (won or lost)."""
        return bool((s := self.stage(stage_id)) and s.closed)

    def is_won(self, stage_id: str) -> bool:
        """Whether the stage is a closed-won stage."""
        return bool((s := self.stage(stage_id)) and s.won)


def parse_stage_map(data: Any, filename: str) -> StageMap:
    """Validate parsed YAML into a StageMap whose phases exist in the rubric it names."""
    r = _Reader(filename)
    d = r.mapping(data, "", {"provider", "name", "rubric", "pipeline", "stages"})
    provider = r.get(d, "provider", "", str)
    if provider not in ("hubspot", "salesforce"):
        raise r.fail("provider", f"{provider!r} is not hubspot or salesforce")
    rubric_id = r.get(d, "rubric", "", str, required=False, default="sales-7-phase")
    try:
        phase_ids = set(load_rubric(rubric_id).phase_ids)
    except RubricError as exc:
        raise r.fail("rubric", f"cannot load rubric {rubric_id!r} ({exc})") from None
    stages: list[Stage] = []
    for i, raw in enumerate(r.list_of(d, "stages", "")):
        path = f"stages[{i}]"
        sd = r.mapping(raw, path, {"id", "phase", "order", "labels", "closed", "won"})
        stage_id = r.get(sd, "id", path, str)
        phase = r.get(sd, "phase", path, str)
        if phase not in phase_ids:
            raise r.fail(f"{path}.phase", f"{phase!r} is not a phase of {rubric_id}")
        order = r.get(sd, "order", path, int)
        if order < 1:
            raise r.fail(f"{path}.order", "must be 1 or more")
        labels = r.mapping(r.get(sd, "labels", path, dict), f"{path}.labels", {"ja", "en"})
        for lang in ("ja", "en"):
            r.get(labels, lang, f"{path}.labels", str)
        closed = r.get(sd, "closed", path, bool, required=False, default=False)
        won = r.get(sd, "won", path, bool, required=False, default=False)
        if won and not closed:
            raise r.fail(f"{path}.won", "a won stage must also be closed: true")
        for j, other in enumerate(stages):
            if other.id.casefold() == stage_id.casefold():
                raise r.fail(f"{path}.id", f"duplicate stage {stage_id!r} (first at stages[{j}])")
            if other.order == order:
                raise r.fail(f"{path}.order", f"duplicate order {order} (first at stages[{j}])")
        stages.append(Stage(id=stage_id, phase=phase, order=order, labels=dict(labels), closed=closed, won=won))
    return StageMap(
        provider=provider,
        name=r.get(d, "name", "", str),
        rubric=rubric_id,
        stages=tuple(stages),
        pipeline=str(r.get(d, "pipeline", "", (str, int), required=False, default="default")),
    )


def load_stage_map_file(path: Path) -> StageMap:
    """Load and validate one stage-map file (uncached)."""
    return parse_stage_map(_load_yaml(Path(path)), Path(path).name)


def load_stage_map(provider: str, name: str = "default") -> StageMap:
    """The packaged stage map `rubrics/stage-maps/<provider>-<name>.yaml`, validated once and cached."""
    return _cached_stage_map(provider, name)


@functools.lru_cache(maxsize=32)
def _cached_stage_map(provider: str, name: str) -> StageMap:
    if not _FILE_ID_RE.match(provider) or not _FILE_ID_RE.match(name):
        raise RubricError(f"{provider}-{name}: not a stage map name")
    filename = f"{provider}-{name}.yaml"
    stage_map = load_stage_map_file(rubrics_dir() / "stage-maps" / filename)
    if stage_map.provider != provider:
        raise RubricError(f"{filename}: provider: {stage_map.provider!r} does not match the file name")
    return stage_map
