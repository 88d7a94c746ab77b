"""The one score formula, shared by the offline and the LLM scorer: criteria 0–2 → phase 0–100 → overall 0–100.

A phase scores the weighted share of points its *assessed* criteria earned (a criterion that is `None`, not
assessed, counts neither for nor against); the overall score is the phase-weighted mean of the phases that have a
score. Both scorers must agree on this, so it lives here once.
"""

from __future__ import annotations

from scoring.rubric import Phase, Rubric
from scoring.scorecard import Criterion, PhaseScore


def phase_score(phase: Phase, criteria: tuple[Criterion, ...]) -> PhaseScore:
    """The phase's score from its criteria (None when none of them was assessed)."""
    weights = {check.id: check.weight for check in phase.checks}
    assessed = [c for c in criteria if c.score is not None]
    total = sum(weights[c.id] * 2 for c in assessed)
    score = round(100 * sum(weights[c.id] * (c.score or 0) for c in assessed) / total) if assessed and total else None
    return PhaseScore(id=phase.id, score=score, criteria=criteria)


def overall_score(rubric: Rubric, phases: tuple[PhaseScore, ...]) -> int | None:
    """The phase-weighted mean of the phases that have a score (None when none has)."""
    scored = [(p.score, rubric.phase(p.id).weight) for p in phases if p.score is not None]
    weight = sum(w for _, w in scored)
    return round(sum(s * w for s, w in scored) / weight) if scored and weight > 0 else None
