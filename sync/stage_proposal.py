"""A proposed stage→phase map for any deal pipeline, from what HubSpot says about its stages: their order and
their win probability. Pure: the admin confirms (or edits) the proposal in the settings page before it is used.

Rules, checked against HubSpot's default pipeline (they reproduce rubrics/stage-maps/hubspot-default.yaml):
- a closed stage with probability 1 is won → `contract_implementation`; any other closed stage → `after_follow`;
- an open stage with a probability goes by it: < 0.1 research, < 0.3 first_contact, < 0.5 needs_discovery,
  < 0.7 proposal, else negotiation_closing;
- an open stage without one goes by its position among the open stages, spread over the same five phases.
"""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from typing import Any

from connector.hubspot.setup import Pipeline
from scoring.rubric import Stage, StageMap

OPEN_PHASES = ("research", "first_contact", "needs_discovery", "proposal", "negotiation_closing")
_BOUNDS = ((0.1, "research"), (0.3, "first_contact"), (0.5, "needs_discovery"), (0.7, "proposal"))
WON_PHASE, LOST_PHASE = "contract_implementation", "after_follow"


@dataclass(frozen=True)
class ProposedStage:
    id: str
    label: str
    order: int
    phase: str
    closed: bool
    won: bool
    basis: str  # "probability", "position" or "closed": why this phase, shown to the admin


def _by_probability(p: float) -> str:
    return next((phase for bound, phase in _BOUNDS if p < bound), "negotiation_closing")


def propose(pipeline: Pipeline) -> list[ProposedStage]:
    """One proposed phase per stage, in the pipeline's order."""
    open_stages = [s for s in pipeline.stages if not s.closed]
    out = []
    for order, s in enumerate(pipeline.stages, start=1):
        if s.closed:
            won = s.probability == 1.0
            out.append(ProposedStage(s.id, s.label, order, WON_PHASE if won else LOST_PHASE, True, won, "closed"))
        elif s.probability is not None:
            out.append(ProposedStage(s.id, s.label, order, _by_probability(s.probability), False, False, "probability"))
        else:
            i = open_stages.index(s)
            slot = min(len(OPEN_PHASES) - 1, i * len(OPEN_PHASES) // max(1, len(open_stages)))
            out.append(ProposedStage(s.id, s.label, order, OPEN_PHASES[slot], False, False, "position"))
    return out


def proposal_document(pipelines: list[Pipeline]) -> dict[str, Any]:
    """The proposal as stored and shown: pipeline id → label and stages."""
    return {p.id: {"label": p.label, "stages": [asdict(s) for s in propose(p)]} for p in pipelines}


def with_confirmed(base: StageMap, confirmed: dict[str, Any]) -> StageMap:
    """The packaged stage map with the admin's confirmed maps laid over it: a confirmed phase wins for a known stage,
    and every stage of a confirmed custom pipeline is added (order = its position in that pipeline)."""
    if not confirmed:
        return base
    stages = {s.id: s for s in base.stages}
    for mapping in confirmed.values():
        for order, (stage_id, phase) in enumerate(dict(mapping).items(), start=1):
            known = stages.get(stage_id)
            stages[stage_id] = (
                dataclasses.replace(known, phase=phase)
                if known
                else Stage(id=stage_id, phase=phase, order=order, labels={})
            )
    return dataclasses.replace(base, stages=tuple(stages.values()))
