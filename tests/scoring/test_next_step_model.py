"""The learned next-step model (scoring/next_step_model.py): a valid packaged file, a step set only on a meeting day of
the last turns the rules saw no yes to, never on a deadline or on a call that ends on 「また連絡します」, the rules'
step kept when set, the note marking what was inferred, and the LLM reading the rules alone."""

from __future__ import annotations

from scoring import next_step_model, normalise
from scoring import rules_closing as closing
from scoring.collector import Collector
from scoring.markers import CallView
from scoring.ng_model import IdModel, NgModel
from scoring.offline import score_transcript
from scoring.render import render_note_html
from scoring.rubric import load_rubric_or_reference
from scoring.transcript import Segment, Transcript
from tests.scoring.learned_models import labelled_call, llm_fallback, sealed_sets
from tests.scoring.test_properties import violations

# An annual review that ends on 「では、十一月三十日の二時に伺います」 after an earlier 「ええよ」: no yes the rules read.
SUMMARY = ("blind60", "al20_plaintext_prefectural_animal_welfare_centre_foster_volunteer_addon_followup.ja.txt")
# A model that always says a next step was agreed: what the guards must hold against.
ALWAYS = NgModel(
    idf={"次回": 1.0},
    ids={next_step_model.ID: IdModel(intercept=9.0, weights={})},
    threshold=0.5,
    min_chars=0,
    trained_on=(),
)


def _call(*turns: tuple[str, str]) -> Transcript:
    return Transcript(segments=[Segment(speaker=who, text=text) for who, text in turns])


def _learned(call: Transcript):
    """The rules, then the model that always says yes, on a call read as the scorer reads it (digits, not 十二月)."""
    c = Collector(CallView(call, "営業"))
    return next_step_model.add_learned(c, closing.next_step(c), call.segments, ALWAYS)


def test_the_packaged_model_reads_the_next_step_and_learned_from_the_opened_sets_only():
    model = next_step_model.packaged_model()
    assert set(model.ids) == {next_step_model.ID} and 0 < model.threshold < 1
    assert {"tune", "blind60"} <= set(model.trained_on)
    assert not sealed_sets() & set(model.trained_on)


def test_a_step_the_rules_missed_is_set_on_a_meeting_day_of_the_last_turns_and_marked():
    transcript, labels = labelled_call(*SUMMARY)
    rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
    kwargs = {"rubric": rubric, "stage_phase": labels["stage_phase"]}
    rules = score_transcript(transcript, learned=False, **kwargs)
    card = score_transcript(transcript, **kwargs)
    assert not rules.next_step.set and labels["next_step"]
    assert card.next_step.set and card.extra["learned_next_step"] is True
    assert card.next_step.evidence == "では、十一月三十日の二時に伺います。"
    last = [s.text for s in transcript.segments[-next_step_model.TAIL_TURNS :]]
    assert any(card.next_step.evidence in line for line in last)
    assert card.criterion("first_contact.next_meeting.next_step_agreed").score == 2
    assert violations(card, transcript, rubric, None) == []
    note = render_note_html(card, rubric=rubric, lang="ja")
    assert "（会話の終盤の流れからの推定）<br>「では、十一月三十日の二時に伺います。」" in note
    assert "会話の終盤の流れ" not in render_note_html(rules, rubric=rubric, lang="ja")


def test_a_deadline_is_no_meeting_day():
    call = _call(
        ("営業", "本日はありがとうございました。"),
        ("顧客", "こちらこそ。"),
        ("営業", "では、お見積りを12月5日の10時までにお送りします。"),
        ("顧客", "はい、お願いします。"),
    )
    assert not _learned(call).set


def test_only_a_day_named_in_the_last_turns_counts():
    early = [("営業", "12月5日の10時に打ち合わせはいかがでしょう。"), ("顧客", "うーん、どうでしょうね。")]
    chat = [
        ("営業" if i % 2 else "顧客", f"そうですね、その件は{i}番目の話として。")
        for i in range(next_step_model.TAIL_TURNS)
    ]
    assert not _learned(_call(*early, *chat)).set
    assert _learned(_call(*early, *chat[2:])).set


def test_a_call_that_ends_on_ill_be_in_touch_gets_no_step():
    call = _call(
        ("営業", "12月5日の10時に打ち合わせはいかがでしょう。"),
        ("顧客", "うーん、ちょっとまだ分からないですね。"),
        ("営業", "承知しました。ではまた連絡します。"),
        ("顧客", "はい。"),
    )
    assert not _learned(call).set
    without_the_vague_end = _call(*[(s.speaker, s.text) for s in call.segments[:2]], ("営業", "承知しました。"))
    assert _learned(without_the_vague_end).set


def test_the_model_reads_the_words_as_said_not_as_cleaned_up():
    """Trained on the transcript as written (十二月), it must not be fed the clean-up's digits (12月)."""
    said = _call(
        ("営業", "では十二月五日の十時に、次の打ち合わせということで。"),
        ("顧客", "うーん、そうですね。"),
        ("営業", "資料もお持ちします。"),
    )
    heard = normalise.normalise(said).transcript
    assert "12月" in heard.segments[0].text
    kanji = NgModel(
        idf={"十二": 1.0},
        ids={next_step_model.ID: IdModel(intercept=-3.0, weights={"十二": 9.0})},
        threshold=0.5,
        min_chars=0,
        trained_on=(),
    )
    c = Collector(CallView(heard, "営業"))
    assert next_step_model.add_learned(c, closing.next_step(c), said.segments, kanji).set
    c = Collector(CallView(heard, "営業"))
    assert not next_step_model.add_learned(c, closing.next_step(c), heard.segments, kanji).set


def test_the_rules_step_stands():
    call = _call(
        ("営業", "次回は12月5日の10時でいかがでしょう。"),
        ("顧客", "はい、その日で大丈夫です。"),
        ("営業", "では12月9日の15時にも一度お打ち合わせを。"),
        ("顧客", "はい。"),
    )
    c = Collector(CallView(call, "営業"))
    rules = closing.next_step(c)
    assert rules.set and next_step_model.add_learned(c, rules, call.segments, ALWAYS) is rules


def test_the_llm_is_told_the_rules_step_and_its_fallback_has_the_models():
    transcript, labels = labelled_call(*SUMMARY)
    facts, card = llm_fallback(transcript, labels["stage_phase"])
    assert facts["next_step"]["set"] is False
    assert card.next_step.set
