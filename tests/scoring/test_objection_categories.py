"""NG 'objection ignored' made precise by category (issue 13, after blind7's first sight): what is no objection (a
topic brought up, a request that lowers the bar, an announced question, who decides, an objection said as not said),
what answers one (a reply pointing back at it), and what is one (the rep's offer held at arm's length, after a
statement), all in other wording than any labelled call."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

IGNORED = "negotiation_closing.objection_ignored"


def _ngs(rubric: Rubric, *turns: tuple[str, str], language: str = "ja") -> list[str]:
    card = score_transcript(role_call(*turns, language=language), rubric=rubric, stage_phase="proposal")
    return [n.id for n in card.ng_behaviors]


@pytest.mark.parametrize(
    "said",
    [
        # A topic brought up, not a reason left hanging.
        "あと、配送のほうなんですけど。",
        # A request that lowers the bar.
        "概算だけでいいんですけど…。",
        # An objection said as not said.
        "正直、使いにくいとは言ってないんですけど。",
        # Who decides, said of oneself.
        "そもそも、私一人で決められることでもないので。",
        "まあ、うちは僕が代表なんで。",
    ],
)
def test_what_is_no_objection(rubric: Rubric, said: str) -> None:
    turns = (
        ("営業", "こちらの画面で、出荷の予定がまとめて見られます。"),
        ("顧客", said),
        ("営業", "それから、帳票の出力にも対応しております。"),
    )
    assert IGNORED not in _ngs(rubric, *turns)


def test_an_announced_question_is_no_objection(en_rubric: Rubric) -> None:
    turns = (
        ("Rep", "The dashboard shows every shipment in one place."),
        ("Customer", "Priya has a quick question on the label printer though."),
        ("Rep", "Of course, go ahead Priya."),
    )
    assert IGNORED not in _ngs(en_rubric, *turns, language="en")


def test_a_reply_pointing_back_at_the_concern_takes_it_up(rubric: Rubric) -> None:
    turns = (
        ("営業", "こちらの画面で、出荷の予定がまとめて見られます。"),
        ("顧客", "ただ、倉庫の中は電波が弱いので…。"),
        ("営業", "はい、そこはオフラインでも記録できますので大丈夫です。"),
    )
    assert IGNORED not in _ngs(rubric, *turns)


def test_the_reps_offer_held_at_arms_length_then_brushed_off_is_ignored(rubric: Rubric) -> None:
    turns = (
        ("営業", "スマホのアプリで、日報もそのまま送れるようになっています。"),
        ("顧客", "うちの職人にアプリって言われてもなあ。"),
        ("営業", "操作は簡単ですので、どんな方でもすぐ覚えられます。"),
    )
    assert IGNORED in _ngs(rubric, *turns)


def test_held_at_arms_length_after_the_reps_question_is_a_deflection(rubric: Rubric) -> None:
    turns = (
        ("営業", "ちなみに、導入の時期はいつ頃をお考えですか？"),
        ("顧客", "いや、時期って言われても…。"),
        ("営業", "今月中でしたら、初期費用が半額になります。"),
    )
    assert IGNORED not in _ngs(rubric, *turns)
