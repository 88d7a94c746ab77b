"""The one score formula, shared by the offline and the LLM scorer: criteria 0–2 → phase 0–100 → overall 0–100.

A phase scores the weighted share of points its *assessed* criteria earned (a criterion that is `None`, not
assessed, counts neither for nor against), less the rubric's `ng_penalty` points for each of the phase's NG behaviours
the rep showed (never below 0): a phase whose criteria all earned 2/2 while the card lists its NG behaviour would
contradict itself. The overall score is the phase-weighted mean of the phases that have a score. Both scorers must
agree on this, so it lives here once.
"""

from __future__ import annotations

from collections.abc import Iterable

from scoring.rubric import Phase, Rubric
from scoring.scorecard import Criterion, NgObservation, PhaseScore


def phase_score(
    rubric: Rubric, phase: Phase, criteria: tuple[Criterion, ...], ng_behaviors: Iterable[NgObservation] = ()
) -> PhaseScore:
    """The phase's score from its criteria, less the NG deduction (None when none of its criteria was assessed)."""
    weights = {check.id: check.weight for check in phase.checks}
    assessed = [c for c in criteria if c.score is not None]
    total = sum(weights[c.id] * 2 for c in assessed)
    if not assessed or not total:
        return PhaseScore(id=phase.id, score=None, criteria=criteria)
    share = round(100 * sum(weights[c.id] * (c.score or 0) for c in assessed) / total)
    shown = sum(1 for n in ng_behaviors if n.id.split(".", 1)[0] == phase.id)
    deduction = min(share, rubric.ng_penalty * shown)
    return PhaseScore(id=phase.id, score=share - deduction, criteria=criteria, ng_deduction=deduction)


def overall_score(rubric: Rubric, phases: tuple[PhaseScore, ...]) -> int | None:
    """The phase-weighted mean of the phases that have a score (None when none has)."""
    scored = [(p.score, rubric.phase(p.id).weight) for p in phases if p.score is not None]
    weight = sum(w for _, w in scored)
    return round(sum(s * w for s, w in scored) / weight) if scored and weight > 0 else None
