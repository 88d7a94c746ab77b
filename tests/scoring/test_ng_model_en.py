"""The English NG model (`rubrics/ng-model.en.json`): word 1–2-grams learned from the English calls alone, read after
the first model on English calls only."""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Callable, Iterator
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import ng_model
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript
from tests.scoring.learned_models import labelled_call, sealed_sets

# blind15's orchestra discovery call: the rules and the first model miss three NG ids the labels hold, which the word
# model finds.
ORCHESTRA = ("blind15", "s08_zoom_regional_orchestra_patron_crm_discovery.en.vtt")
WORD_IDS = {"needs_discovery.no_decision_maker", "needs_discovery.surface_only", "needs_discovery.taken_at_face_value"}


@pytest.fixture
def score_without_language_models(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Transcript, Rubric], Scorecard]]:
    """Scores a call as the scorer did before the English model: no second model for any language."""

    def score(call: Transcript, rubric: Rubric) -> Scorecard:
        monkeypatch.setattr(ng_model, "LANGUAGE_MODEL_FILES", {})
        ng_model.language_model.cache_clear()
        return score_transcript(call, rubric=rubric)

    yield score
    ng_model.language_model.cache_clear()


@pytest.fixture(scope="module")
def orchestra() -> Transcript:
    return labelled_call(*ORCHESTRA)[0]


def _ids(card: Scorecard) -> set[str]:
    return {n.id for n in card.ng_behaviors}


def test_the_packaged_english_model_reads_words_and_names_only_the_rubrics_ng_ids(rubric):
    model = ng_model.language_model("en")
    assert model is not None and model.features == "word"
    known = {n.id for p in rubric.phases for n in p.ng_behaviors}
    assert model.ids and set(model.ids) <= known
    assert all(" " in g or g.isascii() for g in model.idf)  # words and word pairs, no Japanese characters
    assert model.threshold < ng_model.packaged_model().threshold_for("en")
    assert not sealed_sets() & set(model.trained_on)
    assert ng_model.language_model("ja") is None


def test_word_grams_are_lower_case_words_and_their_pairs():
    assert ng_model.word_grams("Don't NEED it, ＴＨＡＮＫＳ.") == [
        "don't", "need", "it", "thanks", "don't need", "need it", "it thanks",
    ]  # fmt: skip
    assert ng_model.word_grams("ご予算は?") == []


def test_a_model_file_with_unknown_features_is_refused(rubric):
    known = {n.id for p in rubric.phases for n in p.ng_behaviors}
    d = json.loads(resources.files("rubrics").joinpath("ng-model.en.json").read_text(encoding="utf-8"))
    ng_model.parse_model(copy.deepcopy(d), known)
    d["features"] = "syllables"
    with pytest.raises(ng_model.ModelError, match="features"):
        ng_model.parse_model(d, known)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="we need budget it's not sure Who decides? Ｎｏ ご予算 1,", max_size=60), max_size=6))
def test_a_word_model_counting_its_vocabulary_gives_the_vector_all_word_counts_give(utterances: list[str]) -> None:
    model = ng_model.language_model("en")
    assert model is not None
    full = ng_model.tfidf(ng_model.counts(utterances, "word"), model.idf)
    only = ng_model.tfidf(model.vocabulary_counts(utterances), model.idf)
    assert full.keys() == only.keys() and all(math.isclose(full[g], only[g], rel_tol=1e-9) for g in full)


def test_an_english_call_gets_the_word_models_ids_with_a_rep_sentence_as_evidence(
    orchestra, en_rubric, score_without_language_models
):
    card = score_transcript(orchestra, rubric=en_rubric)
    before = score_without_language_models(orchestra, en_rubric)
    assert not WORD_IDS & _ids(before)
    assert _ids(card) == _ids(before) | WORD_IDS
    assert WORD_IDS <= set(card.extra["learned_ng"])
    rep_said = [s.text for s in orchestra.segments if s.speaker == card.rep_speaker.name]
    for n in card.ng_behaviors:
        if n.id in WORD_IDS:
            assert n.evidence and any(n.evidence in text for text in rep_said)


def test_a_japanese_call_never_reads_the_english_model(rubric, score_without_language_models):
    call = labelled_call("blind3", "d04_twochannel_tax_office_monologue.ja.json")[0]
    assert score_transcript(call, rubric=rubric) == score_without_language_models(call, rubric)
