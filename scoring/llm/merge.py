"""The LLM card from its chunks' answers: the strongest assessment of each criterion, checked, merged over the offline card."""

from __future__ import annotations

import dataclasses
from typing import Any

from scoring import followup
from scoring.evidence import normalize
from scoring.formula import overall_score, phase_score
from scoring.llm.schema import MAX_NEXT_ACTIONS, Assessed, Checker, better
from scoring.rubric import Rubric
from scoring.scorecard import (
    BANT_KEYS,
    BantItem,
    Commitment,
    Criterion,
    EmailDraft,
    NextAction,
    NextStep,
    NgObservation,
    Scorecard,
)

_DEAL_RANK = {None: 0, "wadai": 1, "shodan": 2}


def merge_outputs(
    outputs: list[dict[str, Any]],
    *,
    rubric: Rubric,
    offline: Scorecard,
    checker: Checker,
) -> Scorecard:
    """One scorecard from the chunk answers, in chunk order, deterministically; gaps the model left keep the offline result.

    A criterion the model leaves out is such a gap. Its NG list and its deal state are not: the prompt gives it the
    rule-based ones as facts to confirm or correct, so an NG detection it does not repeat is dropped and a null deal
    state stays null (measured on blind39/40: NG precision 0.46/0.41 → 0.49/0.45, deal state 0.90/0.95 →
    0.95/1.00; docs/scoring.md).

    The NG list stands whatever the deal's phase: a gate that kept another phase's id only when the rules saw it too
    dropped 111 ids on blind37–48, and a blind judge found 100 of them clearly shown (docs/scoring.md, "NG precision:
    the writer's labels or the scorer?").
    """
    valid_checks = {c.id for _, _, c in rubric.iter_checks()}
    valid_ng = {n.id for p in rubric.phases for n in p.ng_behaviors}
    assessed: dict[str, Assessed] = {}
    bant: dict[str, BantItem] = {k: BantItem(found=False) for k in BANT_KEYS}
    next_step = NextStep(set=False)
    commitments: list[Commitment] = []
    ngs: list[NgObservation] = []
    states: list[str] = []
    actions: list[NextAction] = []
    email: EmailDraft | None = None
    for raw in outputs:
        for cid, a in checker.criteria(raw, valid_checks).items():
            assessed[cid] = better(assessed[cid], a) if cid in assessed else a
        for key, item in checker.bant(raw).items():
            if item.found and not bant[key].found:
                bant[key] = item
        step = checker.next_step(raw)
        next_step = step if step.set else next_step
        slots: dict[int, int] = {}
        rep_seen = 0
        for item in checker._list(raw, "commitments"):
            rep_seen += isinstance(item, dict) and item.get("owner") == "rep"
            if (cm := checker.commitment(item)) is None:
                continue
            same = next(
                (c for c in commitments if (c.owner, normalize(c.text)) == (cm.owner, normalize(cm.text))), None
            )
            if same is None:
                commitments.append(cm)
            if cm.owner == "rep":
                slots[rep_seen] = [c for c in commitments if c.owner == "rep"].index(same or cm) + 1
        ngs += [n for n in checker.ng_behaviors(raw, valid_ng) if all(n.id != o.id for o in ngs)]
        if (state := checker.deal_state(raw)) is not None:
            states.append(state)
        promises = [c.text for c in commitments if c.owner == "rep"]
        for action in checker.next_actions(raw, slots, promises):
            if all(action.id != o.id for o in actions):
                actions.append(action)
        email = checker.email(raw) or email
    if states and states[-1] == "botsu":
        deal_state: str | None = "botsu"
    else:
        deal_state = max((s for s in states if s != "botsu"), key=lambda s: _DEAL_RANK[s], default=None)
    phases = []
    for phase in rubric.phases:
        criteria = []
        for check in phase.checks:
            got = assessed.get(check.id)
            if got is None:
                criteria.append(offline.criterion(check.id) or Criterion(id=check.id, score=None))
                continue
            advice = got.advice or (
                followup.advice(rubric, check.id, got.score, offline.language) if got.score is not None else ""
            )
            criteria.append(Criterion(id=check.id, score=got.score, evidence=got.evidence, advice=advice))
        phases.append(phase_score(rubric, phase, tuple(criteria), ngs))
    overall = overall_score(rubric, tuple(phases))
    return dataclasses.replace(
        offline,
        scorer="llm",
        overall=overall,
        phases=tuple(phases),
        bant=bant,
        next_step=next_step,
        commitments=tuple(commitments),
        ng_behaviors=tuple(ngs),
        deal_state=deal_state,
        next_actions=tuple(actions[:MAX_NEXT_ACTIONS]) or offline.next_actions,
        email_draft=email or offline.email_draft,
    )
