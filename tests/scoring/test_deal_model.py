"""The learned deal-state model (scoring/deal_model.py): a valid packaged file, the arithmetic of a multinomial
regression, the rules' state kept on short exchanges and on ties, the revision shown in the card and the note, and
the LLM reading the rules alone."""

from __future__ import annotations

import copy
import json
import math
from importlib import resources

import pytest

from scoring import deal_model
from scoring.ng_model import ModelError
from scoring.offline import score_transcript
from scoring.render import render_note_html
from scoring.rubric import load_rubric_or_reference
from scoring.transcript import Segment, Transcript
from tests.scoring.learned_models import labelled_call, llm_fallback, sealed_sets

# A closing call whose terms are named but not all agreed: the rules read 商談, the label (and the model) 話題.
REVISED = ("blind55", "ag07_rev_dairy_biogas_desulfurizer_media_closing.ja.txt")


def _packaged_json() -> dict:
    return json.loads(resources.files("rubrics").joinpath(deal_model.MODEL_FILE).read_text(encoding="utf-8"))


def _toy(floor: int = 2) -> deal_model.DealModel:
    """One n-gram per state and a rules' weight: small enough to compute by hand."""
    zero = {"customer": {}, "tail": {}}

    def w(intercept: float, customer: dict[str, float], rules: dict[str, float]) -> deal_model.StateWeights:
        return deal_model.StateWeights(intercept, {**zero, "customer": customer}, rules, {})

    return deal_model.DealModel(
        idf={"customer": {"見送": 1.0, "お願い": 1.0}, "tail": {}},
        states={
            "botsu": w(0.0, {"見送": 4.0}, {}),
            "shodan": w(0.0, {"お願い": 4.0}, {}),
            "wadai": w(0.0, {}, {"wadai": 1.0}),
            "none": w(0.0, {}, {}),
        },
        onehot=1.0,
        tail_turns=0,
        min_customer_turns=floor,
        trained_on=(),
    )


def _text(customer: list[str], rules: str | None = "wadai") -> deal_model.CallText:
    return deal_model.CallText(customer=customer, tail=[], rules_state=rules, phase=None)


def test_the_packaged_model_is_valid_and_learned_from_the_opened_sets_only(rubric):
    model = deal_model.packaged_model()
    assert set(model.states) == {"shodan", "wadai", "botsu", "none"}
    assert all(set(w.text[b]) <= set(model.idf[b]) for w in model.states.values() for b in deal_model.TEXT_BLOCKS)
    assert model.min_customer_turns > 0 and model.tail_turns > 0 and model.onehot > 0
    assert {"tune", "blind58"} <= set(model.trained_on)
    assert not sealed_sets() & set(model.trained_on)


@pytest.mark.parametrize(
    "break_it, message",
    [
        (lambda d: d.update(format=2), "format 1"),
        (lambda d: d["states"].pop("botsu"), "states must be exactly"),
        (lambda d: d["states"]["wadai"]["text"]["tail"].update({"存在しないグラム": 1.0}), "not in the vocabulary"),
        (lambda d: d["states"]["wadai"]["phase"].update({"no_such_phase": 1.0}), "no_such_phase"),
        (lambda d: d["states"]["wadai"]["rules"].update({"maybe": 1.0}), "maybe"),
        (lambda d: d["states"]["shodan"].update(intercept=float("inf")), "finite"),
        (lambda d: d.update(min_customer_turns=-1), "min_customer_turns"),
        (lambda d: d["idf"].pop("tail"), "blocks"),
    ],
)
def test_a_model_file_not_as_export_writes_it_is_refused(rubric, break_it, message):
    d = copy.deepcopy(_packaged_json())
    deal_model.parse_model(d, set(rubric.phase_ids))
    break_it(d)
    with pytest.raises(ModelError, match=message):
        deal_model.parse_model(d, set(rubric.phase_ids))


def test_the_probabilities_are_a_softmax_of_the_linear_scores():
    probs = _toy().probabilities(_text(["今回は見送りで", "はい"]))
    # TF-IDF of one n-gram alone is 1.0; botsu scores 4, wadai 1 (the rules' one-hot), shodan and none 0.
    total = math.exp(4) + math.exp(1) + 2
    assert probs[None] == pytest.approx(1 / total)
    assert probs["botsu"] == pytest.approx(math.exp(4) / total)
    assert probs["wadai"] == pytest.approx(math.e / total)
    assert _toy().state(_text(["今回は見送りで", "はい"])) == "botsu"


def test_on_fewer_customer_turns_than_the_floor_the_rules_state_stands():
    model = _toy(floor=3)
    assert model.probabilities(_text(["今回は見送りで", "はい"])) == {}
    assert model.state(_text(["今回は見送りで", "はい"])) == "wadai"
    assert model.state(_text(["今回は見送りで", "はい", "ええ"])) == "botsu"


def test_on_a_tie_the_rules_state_stands():
    # Both n-grams: botsu and shodan score 4 each; the rules say shodan.
    assert _toy().state(_text(["お願いしますが見送", "はい"], rules="shodan")) == "shodan"
    assert _toy().state(_text(["お願いしますが見送", "はい"], rules=None)) == "botsu"  # no rule to keep: by name


def test_short_exchanges_keep_the_rules_state(rubric):
    call = Transcript(
        segments=[
            Segment(speaker="営業", text="スタンダードプラン、月額5万円で4月開始でいかがでしょう。"),
            Segment(speaker="顧客", text="はい、その内容で結構です。4月からお願いします。"),
        ]
    )
    card = score_transcript(call, rubric=rubric, rep="営業")
    assert card.deal_state == score_transcript(call, rubric=rubric, rep="営業", learned=False).deal_state
    assert "deal_state_rules" not in card.extra


def test_a_revised_state_is_in_the_card_and_the_note_with_what_the_rules_read():
    transcript, labels = labelled_call(*REVISED)
    rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
    rules = score_transcript(transcript, rubric=rubric, stage_phase=labels["stage_phase"], learned=False)
    card = score_transcript(transcript, rubric=rubric, stage_phase=labels["stage_phase"])
    assert rules.deal_state == "shodan" and card.deal_state == labels["deal_state"] == "wadai"
    assert card.extra["deal_state_rules"] == "shodan" and "deal_state_rules" not in rules.extra
    note = render_note_html(card, rubric=rubric, lang="ja")
    assert "話題（プラン・価格・時期のうち2つ）（会話全体から学習モデルで推定。ルールのみの判定は「商談」）" in note
    assert "学習モデル" not in render_note_html(rules, rubric=rubric, lang="ja")
    english = render_note_html(card, rubric=rubric, lang="en")
    assert "(read from the whole call by the learned model; the rules alone: shodan)" in english


def test_the_llm_is_told_the_rules_state_and_its_fallback_has_the_models():
    transcript, labels = labelled_call(*REVISED)
    facts, card = llm_fallback(transcript, labels["stage_phase"])
    assert facts["deal_state"] == "shodan"
    assert card.deal_state == "wadai" and card.extra["deal_state_rules"] == "shodan"
