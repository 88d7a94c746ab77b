"""What the offline rules saw: findings per check, NG observations, with their verbatim quotes."""

from __future__ import annotations

from dataclasses import dataclass

from scoring.markers import CallView, Hit, Sentence
from scoring.scorecard import (
    Evidence,
    NgObservation,
)

EVIDENCE_PER_CRITERION = 3


@dataclass(frozen=True)
class Finding:
    """What a rule saw for one check; `primary` findings show the call was in that phase, secondary ones only count if it was."""

    score: int
    evidence: tuple[Evidence, ...] = ()
    primary: bool = True


class Collector:
    """Accumulates findings, NG observations and the structured blocks while the rules run."""

    def __init__(self, view: CallView) -> None:
        self.view = view
        self.findings: dict[str, Finding] = {}
        self.ngs: list[NgObservation] = []
        # NG ids read from the call's shape (talk share, turn lengths), which a text model cannot see.
        self.shaped: set[str] = set()

    def put(
        self,
        check_id: str,
        score: int,
        hits: list[Hit] | list[Sentence] | tuple[Evidence, ...] = (),
        *,
        primary: bool = True,
    ) -> None:
        evidence = tuple(h if isinstance(h, Evidence) else h.evidence() for h in hits[:EVIDENCE_PER_CRITERION])
        current = self.findings.get(check_id)
        if current is None or score > current.score:
            self.findings[check_id] = Finding(score, evidence, primary)

    def ng(self, ng_id: str, quote: str, *, shaped: bool = False) -> None:
        if all(n.id != ng_id for n in self.ngs):
            self.ngs.append(NgObservation(id=ng_id, evidence=quote))
            if shaped:
                self.shaped.add(ng_id)
