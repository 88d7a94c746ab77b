"""The scorecard JSON for a reader: every phase, criterion and NG behaviour carries its label in the reader's language."""

from __future__ import annotations

import copy
from typing import Any

from scoring.rubric import Rubric


def labelled(card: dict[str, Any], rubric: Rubric) -> dict[str, Any]:
    """A copy of the scorecard JSON with `label` added from `rubric` (same ids, the reader's language)."""
    out = copy.deepcopy(card)
    for phase in out.get("phases") or ():
        if phase.get("id") in rubric.phase_ids:
            phase["label"] = rubric.phase(phase["id"]).label
        for criterion in phase.get("criteria") or ():
            check = rubric.check(str(criterion.get("id")))
            if check is not None:
                criterion["label"] = check.text
    for ng in out.get("ng_behaviors") or ():
        behaviour = rubric.ng_behavior(str(ng.get("id")))
        if behaviour is not None:
            ng["label"] = behaviour.text
    return out
