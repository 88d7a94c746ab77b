"""What a call must hold before the learned NG model may name an id: no vague answer without a question asked.

The NG model reads the rep's words only (`scoring/ng_model.py`), so it names a behaviour from how the rep talks even
where the call gives it no occasion: a rep who talks like one who dodges questions, on a call where the customer asked
none. Three ids have an occasion the call or its stage shows:

- `proposal.vague_answer` (質問に曖昧に答える): the customer asked a question;
- `proposal.mismatched_scale`: the rep cited another customer's case;
- `first_contact.no_clear_purpose` (訪問目的を明確に伝えない): a first contact, or a call whose stage is unknown (33 of
  its 35 labels are on first contacts).

Held out fold by fold on blind55–70's Japanese calls (256, each fold's model trained on every other set), the model's
own ids at 0.5 lost 17 false ids and 1 right one to these gates (docs/scoring.md, "Occasions for the learned NG
ids"). `objection_ignored` is not gated: its occasion is often an objection no marker reads (そこまで困っている
わけではない, それなりの金額になりますね), which is what the model finds. The rules' ids are not gated: each rule
reads its own occasion.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.markers import CallView


def _customer_asked(view: CallView, stage_phase: str | None) -> bool:
    return any(s.is_question for s in view.sentences if not s.is_rep)


def _case_cited(view: CallView, stage_phase: str | None) -> bool:
    return any(view.find(m, who="rep") for m in ("case_cited", "big_case"))


def _first_contact(view: CallView, stage_phase: str | None) -> bool:
    return stage_phase in (None, "first_contact")


OCCASIONS: dict[str, Callable[[CallView, str | None], bool]] = {
    "proposal.vague_answer": _customer_asked,
    "proposal.mismatched_scale": _case_cited,
    "first_contact.no_clear_purpose": _first_contact,
}


def has_occasion(ng_id: str, view: CallView, stage_phase: str | None = None) -> bool:
    """Whether the call gives the id its occasion (always, for an id with none listed); `stage_phase`: the CRM's
    stage, None when unknown."""
    occasion = OCCASIONS.get(ng_id)
    return occasion is None or occasion(view, stage_phase)
