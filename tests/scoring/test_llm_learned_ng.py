"""The learned NG model's most probable ids lent to the LLM card (scoring/ng_model.py, `lend_learned_ng`): only at its
LLM threshold, never twice, marked inferred, costing the phase its penalty, and left out when the LLM is measured
alone."""

from __future__ import annotations

import copy
import dataclasses
import json
from importlib import resources

import openai
import pytest

from scoring import ng_model
from scoring.llm.scorer import LlmScorer
from scoring.ng_model import lend_learned_ng
from scoring.offline import score_transcript
from scoring.render import render_note_html
from scoring.rubric import Rubric
from scoring.scorecard import NgObservation, Scorecard
from scoring.scorer import score_call
from scoring.transcript import Transcript
from tests.fakes.openai_server import FakeOpenAI, FakeReply, empty_answer


def _llm_card(
    call: Transcript, rubric: Rubric, fake: FakeOpenAI, client: openai.OpenAI, *, learned: bool = True, **answer: object
) -> Scorecard:
    fake.script(FakeReply.content(empty_answer(**answer)))
    return score_call(call, rubric=rubric, mode="llm", llm=LlmScorer(client, model="gpt-4o-mini"), learned=learned)


def _model_view(call: Transcript, rubric: Rubric) -> tuple[Scorecard, dict[str, float], float]:
    """The full offline card, the NG model's probabilities for the call and its LLM threshold."""
    full = score_transcript(call, rubric=rubric)
    model = ng_model.packaged_model()
    rep = [s.text for s in call.segments if s.speaker == full.rep_speaker.name]
    return full, model.probabilities(rep), model.llm_threshold[call.language]


def test_the_ids_the_model_rates_at_its_llm_threshold_are_lent_to_an_answer_that_left_them_out(
    weak_call, rubric, fake, client
):
    full, probs, threshold = _model_view(weak_call, rubric)
    above = {n.id for n in full.ng_behaviors if probs.get(n.id, 0.0) >= threshold}
    below = {n.id for n in full.ng_behaviors} - above
    assert above and below, "the weak call must exercise both sides of the threshold"
    card = _llm_card(weak_call, rubric, fake, client)
    assert card.scorer == "llm" and "fallback_reason" not in card.extra
    assert {n.id for n in card.ng_behaviors} == above
    assert set(card.extra["learned_ng"]) == above
    shown = {n.id: n.evidence for n in full.ng_behaviors}
    assert all(n.evidence == shown[n.id] for n in card.ng_behaviors)


def test_the_llm_alone_keeps_its_own_list(weak_call, rubric, fake, client):
    card = _llm_card(weak_call, rubric, fake, client, learned=False)
    assert card.ng_behaviors == () and "learned_ng" not in card.extra


def test_an_id_the_answer_gave_is_neither_doubled_nor_marked_inferred(weak_call, rubric, fake, client):
    full, probs, threshold = _model_view(weak_call, rubric)
    top = max((n for n in full.ng_behaviors), key=lambda n: probs.get(n.id, 0.0))
    assert probs[top.id] >= threshold
    card = _llm_card(weak_call, rubric, fake, client, ng_behaviors=[{"id": top.id, "evidence": top.evidence}])
    assert [n.id for n in card.ng_behaviors].count(top.id) == 1
    assert top.id not in card.extra.get("learned_ng", [])


def test_a_lent_id_costs_its_phase_the_penalty_and_the_note_marks_it_inferred(weak_call, rubric, fake, client):
    lent = _llm_card(weak_call, rubric, fake, client)
    alone = _llm_card(weak_call, rubric, fake, client, learned=False)
    phase = lent.ng_behaviors[0].id.split(".", 1)[0]
    assert next(p for p in lent.phases if p.id == phase).ng_deduction > 0
    assert next(p for p in alone.phases if p.id == phase).ng_deduction == 0
    note = render_note_html(lent, rubric=rubric, lang="ja")
    assert note.count("（話し方の傾向からの推定）") == len(lent.ng_behaviors)


def test_lending_is_the_model_and_the_threshold_alone(weak_card):
    """Pure: an id at the threshold is lent, one just under it or without a quote is not, the answer's own kept."""
    base = dataclasses.replace(weak_card, ng_behaviors=(), extra={})
    models = dataclasses.replace(
        weak_card,
        ng_behaviors=(
            NgObservation(id="a.at", evidence="x"),
            NgObservation(id="a.under", evidence="y"),
            NgObservation(id="a.unquoted", evidence=""),
        ),
    )
    probs = {"a.at": 0.6, "a.under": 0.5999, "a.unquoted": 0.9}
    card = lend_learned_ng(base, models, probs, 0.6)
    assert [n.id for n in card.ng_behaviors] == ["a.at"] and card.extra["learned_ng"] == ["a.at"]
    assert lend_learned_ng(base, models, {}, 0.6) is base


def test_a_model_file_whose_llm_threshold_is_below_its_own_is_refused(rubric):
    d = json.loads(resources.files("rubrics").joinpath(ng_model.MODEL_FILE).read_text(encoding="utf-8"))
    known = {n.id for p in rubric.phases for n in p.ng_behaviors}
    assert ng_model.parse_model(d, known).llm_threshold == d["llm_threshold"]
    low = copy.deepcopy(d)
    low["llm_threshold"] = {"ja": d["threshold"] / 2}
    with pytest.raises(ng_model.ModelError, match="llm_threshold"):
        ng_model.parse_model(low, known)
    del low["llm_threshold"]
    assert ng_model.parse_model(low, known).llm_threshold == {}
