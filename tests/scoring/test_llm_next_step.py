"""The LLM's next step needs a day (issue 13, blind128's first sight on the LLM path): a contact put in a month or a
season is no next step, whatever the model says; one with its day stands. Through the real openai client and the local
fake server. Wording written for these tests."""

from __future__ import annotations

import openai
import pytest

from scoring import shapes
from scoring.llm.scorer import LlmScorer
from scoring.offline import score_transcript
from scoring.rubric import Rubric
from scoring.transcript import Segment, Transcript
from tests.fakes.openai_server import FakeOpenAI, FakeReply, empty_answer


def _call(closing: str, language: str) -> Transcript:
    rep, cust = ("営業", "顧客") if language == "ja" else ("Rep", "Customer")
    said = (
        ("本日はありがとうございました。", "こちらこそ。", closing, "はい、お願いします。")
        if language == "ja"
        else ("Thanks for your time today.", "Sure thing.", closing, "Okay, sounds good.")
    )
    return Transcript(
        segments=tuple(Segment(who, text) for who, text in zip((rep, cust, rep, cust), said, strict=True)),
        language=language,
    )


@pytest.mark.parametrize(
    ("closing", "when", "language", "kept"),
    [
        ("では、九月ごろに改めてお電話させていただいてもよろしいでしょうか。", "9月ごろ", "ja", False),
        ("では、来月の中旬あたりにご連絡させていただきます。", "来月中旬", "ja", False),
        ("では、九月三日の水曜、午後二時ごろにお電話します。", "9月3日（水）14時ごろ", "ja", True),
        ("I'll give you a call in early August then.", "early August", "en", False),
        ("I'll give you a call on Tuesday the ninth at ten.", "Tuesday the 9th, 10:00", "en", True),
    ],
)
def test_a_next_step_put_in_a_period_is_none(
    fake: FakeOpenAI,
    client: openai.OpenAI,
    rubric: Rubric,
    en_rubric: Rubric,
    closing: str,
    when: str,
    language: str,
    kept: bool,
) -> None:
    call = _call(closing, language)
    reader = rubric if language == "ja" else en_rubric
    fake.script(FakeReply.content(empty_answer(next_step={"set": True, "when": when, "evidence": closing})))
    card = LlmScorer(client, model="gpt-4o-mini").score(call, rubric=reader, offline=score_transcript(call, rubric=reader))
    assert card.next_step.set is kept
    assert ({"field": "next_step", "reason": "no_day"} in card.to_dict()["flags"]) is not kept


@pytest.mark.parametrize(
    ("closing", "language", "kept"),
    [
        ("では、金曜までに、書面でお送りするようにします。", "ja", False),
        ("十二月四日、水曜の十時で。それまでに、見積書をお送りします。", "ja", True),
        ("I'll email you the options by Thursday.", "en", False),
        ("Let's meet on Thursday at two; I'll email the options by Wednesday.", "en", True),
    ],
)
def test_a_promise_to_send_something_by_a_day_is_no_next_step(
    fake: FakeOpenAI, client: openai.OpenAI, rubric: Rubric, en_rubric: Rubric, closing: str, language: str, kept: bool
) -> None:
    """blind128's `dc17` on the LLM path (wording written for this test): a deadline for a document is a promise."""
    call = _call(closing, language)
    reader = rubric if language == "ja" else en_rubric
    fake.script(FakeReply.content(empty_answer(next_step={"set": True, "when": "", "evidence": closing})))
    card = LlmScorer(client, model="gpt-4o-mini").score(call, rubric=reader, offline=score_transcript(call, rubric=reader))
    assert card.next_step.set is kept


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("四月に入ったら一度お電話します", True),
        ("四月十日に一度お電話します", False),
        ("Call me in the new year.", True),
        # The answers replayed over every set after blind129/130 (wording written for this test).
        ("十一月半ばに電話します", True),
        ("次回は三か月後にお伺いします", True),
        ("一月か二月にまたご相談させてください", True),
        ("結果が出ましたらお電話いたします。本日はありがとうございました。", True),
        ("来週またお電話させていただきます", True),
        ("来週の火曜にお電話します", False),
        ("Call me the first week of October.", True),
        ("Call me on the first of October.", False),
    ],
)
def test_a_period_with_no_day(text: str, period: bool) -> None:
    assert shapes.period_only(text) is period
