"""No decision maker (seed 000, ニーズヒアリング NG): the customer hints the decision is not theirs alone and the rep
never asks who decides (issue 13, blind9-18). Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.learned_models import labelled_call
from tests.scoring.role_calls import role_call as _call

NG = "needs_discovery.no_decision_maker"


def _ngs(rubric: Rubric, hint: str, rep_after: str) -> set[str]:
    call = _call(
        ("営業", "検品の記録は、今どのようにつけていらっしゃいますか。"),
        ("顧客", "紙のチェック表ですね。月末にまとめて入力し直してます。"),
        ("営業", "タブレットで入力すれば、その打ち直しがなくなります。"),
        ("顧客", hint),
        ("営業", rep_after),
        ("顧客", "はい。"),
    )
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase="needs_discovery").ng_behaviors}


@pytest.mark.parametrize("hint", ["まあ、上がどう言うかですけどね。", "正直、私一人で決められる話でもないので。"])
def test_a_hint_left_unasked_is_no_decision_maker(hint, rubric):
    assert NG in _ngs(rubric, hint, "では資料をお送りしますので、ご覧ください。")


def test_asking_who_decides_clears_it(rubric):
    assert NG not in _ngs(
        rubric, "まあ、上がどう言うかですけどね。", "ちなみに、最終的にはどなたがお決めになりますか？"
    )


def test_a_price_grumble_naming_the_boss_is_no_such_hint(rubric):
    assert NG not in _ngs(
        rubric, "うちで月十万っていうのは、上がどう言うか…。", "では資料をお送りしますので、ご覧ください。"
    )


@pytest.mark.parametrize(
    "hint", ["うーん、こういうのは私じゃ何とも言えないんですよ。", "導入となると、私が決めることでもないので。"]
)
def test_not_ones_own_say_left_unasked_is_no_decision_maker(hint, rubric):
    assert NG in _ngs(rubric, hint, "では資料をお送りしますので、ご覧ください。")


def test_an_english_hint_that_spending_goes_through_management(en_rubric):
    call = _call(
        ("Rep", "How do you keep the inspection records today?"),
        ("Customer", "Paper checklists, and we retype them at month end."),
        ("Rep", "With tablets that retyping goes away."),
        ("Customer", "Sounds useful, though any spending goes through management."),
        ("Rep", "I'll send you our brochure then."),
        ("Customer", "Okay."),
        language="en",
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery")
    assert NG in {n.id for n in card.ng_behaviors}


@pytest.mark.parametrize(
    ("hint", "named"),
    [("私が決めることでもないですし。", False), ("これは私から社長に上げて決めてもらいます。", True)],
)
def test_a_not_my_say_naming_nobody_states_no_authority_and_the_rep_must_ask(hint, named, rubric):
    call = _call(
        ("営業", "在庫の確認は、今どのようにされていますか。"),
        ("顧客", "私が毎朝、倉庫を回って数えてます。"),
        ("営業", "センサーを付ければ、その見回りが要らなくなります。"),
        ("顧客", hint),
        ("営業", "では資料をお送りしますので、ご覧ください。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="needs_discovery")
    assert card.bant["authority"].found is named
    assert (NG in {n.id for n in card.ng_behaviors}) is not named


def test_a_proposal_that_does_not_ask_who_decides_again_is_not_at_fault(rubric):
    call = _call(
        ("営業", "前回伺った仕込みの記録の件、今日は三つの案をお持ちしました。"),
        ("顧客", "ええ、見せてください。ただ、導入するかどうかは私の一存では決められないんですよ。"),
        ("営業", "こちらが一番小さな構成で、月二万円からになります。"),
        ("顧客", "なるほど。"),
    )
    for phase, flagged in (("needs_discovery", True), ("proposal", False)):
        card = score_transcript(call, rubric=rubric, stage_phase=phase)
        assert (NG in {n.id for n in card.ng_behaviors}) is flagged, phase


def _en_discovery(rep_question: str) -> list[tuple[str, str]]:
    return [
        ("Rep", "How are you tracking the crew's hours today?"),
        ("Customer", "Paper timesheets, and I retype them every Friday."),
        ("Rep", rep_question),
        ("Customer", "Mostly the retyping, it eats my Friday afternoon."),
        ("Rep", "Understood. I'll send a short demo link, talk soon."),
    ]


@pytest.mark.parametrize(
    ("rep_question", "flagged"),
    [
        ("What's the most painful part of that?", True),
        ("And who else would sign off on a new system like this?", False),
    ],
)
def test_an_english_discovery_call_that_never_asks_who_decides_has_no_decision_maker(rep_question, flagged, en_rubric):
    call = _call(*_en_discovery(rep_question), language="en")
    ngs = {n.id for n in score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery").ng_behaviors}
    assert (NG in ngs) is flagged


def test_a_japanese_discovery_call_with_no_hint_is_left_to_the_learned_model(rubric):
    call = _call(
        ("営業", "日報は今どのようにつけていらっしゃいますか。"),
        ("顧客", "紙です。金曜にまとめて打ち直してます。"),
        ("営業", "では、デモのご案内をお送りします。"),
    )
    card = score_transcript(call, rubric=rubric, stage_phase="needs_discovery", learned=False)
    assert NG not in {n.id for n in card.ng_behaviors}


def test_the_learned_authority_does_not_clear_a_decider_never_asked(en_rubric, monkeypatch):
    """The learned BANT model may mark authority found on a line that names nobody (blind73's `ay18`, first sight:
    the learned authority hid the id on 7 labelled calls); the rule reads who decides from the rules' own reading, so
    the rep who never asked is still flagged. A model sure of authority on any call stands in for the one that read
    this call so (the model retrained on every labelled set no longer does)."""
    from scoring import bant_model, ng_model

    sure = ng_model.NgModel(
        idf={}, ids={"authority": ng_model.IdModel(5.0, {})}, threshold=0.6, min_chars=0, trained_on=()
    )
    monkeypatch.setattr(bant_model, "packaged_model", lambda: sure)
    call, _ = labelled_call(
        "blind73", "ay18_rev_uk_domestic_cleaning_agency_cleaner_vetting_dbs_check_discovery.en.txt"
    )
    card = score_transcript(call, rubric=en_rubric, stage_phase="needs_discovery")
    assert "authority" in card.extra.get("learned_bant", [])
    assert NG in {n.id for n in card.ng_behaviors}
