"""BANT said in plain words the markers did not list (tuned on blind43/44, seventeenth session): a sum the customer
would go to, money refused, a spend not to exceed, a first-person decider, trouble in plain verbs, a condition set,
a date to be in time for, a deadline."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric import load_rubric
from scoring.rubric_model import Rubric
from scoring.transcript import Segment, Transcript


def _found(rubric: Rubric, text: str, language: str) -> set[str]:
    rep = "なるほど、そうなんですね。" if language == "ja" else "I see, right."
    segs = (Segment(speaker="Rep", text=rep, role="rep"), Segment(speaker="Customer", text=text, role="customer"))
    card = score_transcript(Transcript(segments=segs, language=language), rubric=rubric, stage_phase="needs_discovery")
    return {k for k, item in card.bant.items() if item.found}


@pytest.fixture(scope="module")
def rubrics() -> dict[str, Rubric]:
    return {lang: load_rubric("sales-7-phase", lang) for lang in ("ja", "en")}


@pytest.mark.parametrize(
    ("text", "item", "language"),
    [
        ("正直、月二万円くらいならって思ってたんです。", "budget", "ja"),
        ("正直、予算がつかなかったんです。今年度は別の更新が優先で。", "budget", "ja"),
        ("今は年間八百万かかっていて、それを超えない範囲というのが上の考えです。", "budget", "ja"),
        ("いいと思います。判断は私がします。", "authority", "ja"),
        ("今年に入って二回、排水が詰まってんねん。", "need", "ja"),
        ("納品が遅れると困るんですよ。", "need", "ja"),
        ("報告書を必ず出すことも条件にしてます。", "need", "ja"),
        ("来年の四月に大きな催しがあって、それに間に合わせたいんです。", "timeline", "ja"),
        ("十月末が本社への申請の締め切りです。", "timeline", "ja"),
        ("入れるなら二月の半ばで。", "timeline", "ja"),
        ("As long as it's under forty quid a month I don't need to think about it.", "budget", "en"),
        ("We put about six grand aside for tooling this year.", "budget", "en"),
        ("It's my call anyway, it's my shop.", "authority", "en"),
        ("And it's my signature on it, so that part's easy.", "authority", "en"),
        ("He does the books, but we decide stuff together.", "authority", "en"),
        ("Honestly, if it stays below two hundred a week we can live with it.", "budget", "en"),
        ("The studio gives me an allowance of around 1,500 a month for equipment.", "budget", "en"),
        # Someone else's call said plainly (thirty-second session, after blind119/120; wording written for this test).
        ("It's Mum's call in the end, really.", "authority", "en"),
        ("Honestly it's more his call than mine.", "authority", "en"),
        ("Anything over a couple of hundred goes through her.", "authority", "en"),
        ("The land's in both our names, so my brother has a say.", "authority", "en"),
        ("I'd have to run it past the partners first.", "authority", "en"),
    ],
)
def test_plain_words_state_the_item(rubrics: dict[str, Rubric], text: str, item: str, language: str) -> None:
    assert item in _found(rubrics[language], text, language)


@pytest.mark.parametrize(
    ("text", "item", "language"),
    [
        ("四月に予算が通ってから動きます。", "budget", "ja"),  # the budget's process, not its size
        ("予算はまだ決まっていないんです。", "budget", "ja"),  # undecided
        ("判断はまだ先です。", "authority", "ja"),  # no decider named
        ("特に困ることはないですね。", "need", "ja"),
        ("It's my first year running the shop.", "authority", "en"),  # "my" names no decider
        ("We open up to three times a week in summer.", "budget", "en"),  # a count a period, no sum
        ("The software decides which parcels go first.", "authority", "en"),  # a machine deciding names no decider
    ],
)
def test_near_misses_state_nothing(rubrics: dict[str, Rubric], text: str, item: str, language: str) -> None:
    assert item not in _found(rubrics[language], text, language)
