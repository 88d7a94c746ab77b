"""Labels against labels: how far two labellers agree, and the parts of a call they agree on.

A scorer's precision and recall mean little without the same figures for a second careful person labelling the
same calls: that is the ceiling any scorer is measured under. `labeller_evaluation` measures a second labels file
as if it were a scorer; `agreed_labels` keeps what every labels file says alike and marks the rest disputed, so that
a scorer can be measured on the agreed part only (`tally` skips disputed fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scoring.evaluation import Evaluation, LabelledCall, LabelsError, Reading, read_labels_file, tally, validate
from scoring.scorecard import BANT_KEYS


def labels_reading(labels: dict[str, Any]) -> Reading:
    """A labeller's labels read as a scorer's answer (no quotes, no score)."""
    in_range = labels.get("talk_ratio_in_range")
    return Reading(
        rep_speaker=labels["rep_speaker"],
        bant={k: bool(labels["bant"][k]) for k in BANT_KEYS},
        next_step=bool(labels["next_step"]),
        deal_state=labels["deal_state"],
        ng=frozenset(labels["ng_behaviors"]),
        commitments={k: int(v) for k, v in (labels.get("commitments") or {}).items()},
        talk_ratio_in_range=bool(in_range) if in_range is not None else None,
    )


def _same_calls(calls: list[LabelledCall], second: dict[str, Any], source: str) -> None:
    names = {c.name for c in calls}
    missing, extra = sorted(names - set(second)), sorted(set(second) - names)
    if missing or extra:
        said = [
            f"no labels for {', '.join(missing)}" if missing else "",
            f"unknown {', '.join(extra)}" if extra else "",
        ]
        raise LabelsError(f"{source}: must label the same calls: {'; '.join(s for s in said if s)}")


def labeller_evaluation(calls: list[LabelledCall], second: dict[str, Any], source: str = "second labels") -> Evaluation:
    """A second labeller's labels measured against the calls' labels, field by field, as a scorer would be."""
    _same_calls(calls, second, source)
    ev = Evaluation()
    for call in calls:
        validate(call.name, second[call.name])
        tally(ev, call.name, labels_reading(second[call.name]), call.labels, None)
    return ev


def agreed_labels(tables: list[dict[str, Any]]) -> dict[str, Any]:
    """Per call, what every table says alike; each field they differ on is listed under `disputed`.

    Only calls every table labels are kept. An NG id some tables give and others do not is disputed (counted neither
    found nor missed); a quality the tables differ on is dropped.
    """
    if not tables:
        raise LabelsError("no labels to agree")
    names = sorted(set.intersection(*(set(t) for t in tables)))
    out: dict[str, Any] = {}
    for name in names:
        each = [t[name] for t in tables]
        for labels in each:
            validate(name, labels)
        out[name] = _agree(each)
    return out


def labels_from_files(paths: list[Path]) -> dict[str, Any] | None:
    """The labels `--labels` names: one file's table, what two or more agree on, or None for the folder's own."""
    tables = [read_labels_file(p) for p in paths]
    return tables[0] if len(tables) == 1 else agreed_labels(tables) if tables else None


def _differ(values: list[Any]) -> bool:
    return any(v != values[0] for v in values[1:])


def _agree(each: list[dict[str, Any]]) -> dict[str, Any]:
    ng_sets = [set(x["ng_behaviors"]) for x in each]
    every, some = set.intersection(*ng_sets), set.union(*ng_sets)
    promised = [x.get("commitments") or {} for x in each]
    disputed: dict[str, Any] = {
        "rep_speaker": _differ([x["rep_speaker"] for x in each]),
        "bant": [k for k in BANT_KEYS if _differ([bool(x["bant"][k]) for x in each])],
        "next_step": _differ([bool(x["next_step"]) for x in each]),
        "deal_state": _differ([x["deal_state"] for x in each]),
        "talk_ratio": _differ([x.get("talk_ratio_in_range") for x in each]),
        "ng_behaviors": sorted(some - every),
        "commitments": [o for o in sorted({o for p in promised for o in p}) if _differ([p.get(o) for p in promised])],
    }
    agreed = {**each[0], "ng_behaviors": sorted(every), "disputed": disputed}
    if _differ([x.get("quality") for x in each]):
        agreed.pop("quality", None)
    return agreed
