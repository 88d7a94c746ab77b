"""Seed 000's 具体的なデータ不足 (proposal.no_data) read from the rep's own words: their figures said not to be at hand and
the claim made anyway (issue 13, after blind123's first sight: `cx11`, and a blind judge confirmed the same words on it).
Figures promised after the call, or another figure given in their place, close the gap. Wording written for these
tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

NO_DATA = "proposal.no_data"


def _ngs(rubric: Rubric, rep: str, language: str = "ja") -> set[str]:
    sides = ("営業", "顧客") if language == "ja" else ("Rep", "Customer")
    ask = "効果はどれくらい出ますか。" if language == "ja" else "How much difference does it make?"
    ack = "そうですか。" if language == "ja" else "I see."
    call = role_call((sides[1], ask), (sides[0], rep), (sides[1], ack), language=language)
    return {n.id for n in score_transcript(call, rubric=rubric, stage_phase="proposal").ng_behaviors}


@pytest.mark.parametrize(
    ("rep", "shown"),
    [
        ("いやー、数字はちょっと今手元にないんですけど、全然違いますよ。", True),
        ("具体的なデータは手元にございませんが、皆さんかなり楽になったとおっしゃいます。", True),
        ("すみません、数字が今手元にないので、確認して明日お送りします。", False),
        ("試験データは手元にありません。別のお客様では、不良が三割減ったという数字はございます。", False),
        ("導入先の平均で、段取り時間が二割短くなっています。", False),
    ],
)
def test_figures_not_at_hand_and_the_claim_made_anyway_is_no_data(rubric: Rubric, rep: str, shown: bool) -> None:
    assert (NO_DATA in _ngs(rubric, rep)) is shown


@pytest.mark.parametrize(
    ("rep", "shown"),
    [
        ("I don't have the numbers in front of me, but it's a huge difference.", True),
        ("I don't have the numbers on hand, so let me check and send them to you tomorrow.", False),
    ],
)
def test_in_english_figures_not_at_hand_are_no_data_unless_promised(en_rubric: Rubric, rep: str, shown: bool) -> None:
    assert (NO_DATA in _ngs(en_rubric, rep, language="en")) is shown
