"""BANT authority told unasked (issue 13, after blind29/30's first sight): the last word with a family or house
title, a board the money must go to, someone named who must have it explained, one's own signature on the contract.
Wording written for these tests; the rep asks nothing about deciding, so only the customer's words can state it."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call


def _authority(rubric: Rubric, said: str, language: str = "ja") -> bool:
    rep = (
        ("Rep", "Thanks, that's useful to know.")
        if language == "en"
        else ("営業", "ありがとうございます、参考になります。")
    )
    who = "Customer" if language == "en" else "顧客"
    card = score_transcript(
        role_call(rep, (who, said), language=language), rubric=rubric, stage_phase="needs_discovery"
    )
    return card.bant["authority"].found


@pytest.mark.parametrize(
    "said",
    [
        "店のことは、最後は母ですね。",
        "こういうのは女将が決めるんで、私が聞いてもしょうがないんです。",
        "この金額だと、組合の理事会に掛けることになります。",
        "組合長に説明しないといけないので、資料をいただけますか。",
    ],
)
def test_who_decides_told_unasked(rubric: Rubric, said: str) -> None:
    assert _authority(rubric, said)


def test_the_anonymous_above_names_nobody(rubric: Rubric) -> None:
    assert not _authority(rubric, "上に説明しないといけないんで。")


def test_one_signing_the_contract(en_rubric: Rubric) -> None:
    assert _authority(en_rubric, "I sign the contract, so it comes down to me in the end.", language="en")


def test_spending_that_goes_to_council_without_an_article(en_rubric: Rubric) -> None:
    assert _authority(en_rubric, "Anything this size goes to council, that's just how the city works.", language="en")


def test_money_left_in_a_line_is_a_budget(en_rubric: Rubric) -> None:
    card = score_transcript(
        role_call(
            ("Rep", "Thanks, that helps."),
            ("Customer", "The equipment line has maybe twelve thousand left for the year."),
            language="en",
        ),
        rubric=en_rubric,
        stage_phase="proposal",
    )
    assert card.bant["budget"].found


@pytest.mark.parametrize(
    "said",
    [
        "理事長がうんって言わないと、こっちは何も動かせないんですよ。",
        "専務と経理の私とで相談して、もう決めてしまいました。",
        "会長からは、三十万までなら任せるって言われてます。",
    ],
)
def test_who_must_say_yes_or_left_it_to_the_contact(rubric: Rubric, said: str) -> None:
    assert _authority(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "価格のことは、所長には最後に確認しますけど、たぶん大丈夫です。",
        "入れるってことは、先月、家内と決めたんです。",
        "導入するかどうかは、各店舗の店長が決めることなんで。",
    ],
)
def test_the_boss_asked_last_or_who_decides_whether(rubric: Rubric, said: str) -> None:
    assert _authority(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "Anything that size needs Dana's signature before it goes out.",
        "It's my shop, so nobody else gets a vote.",
        "My sister owns half the business, so she'd have to be in on it.",
    ],
)
def test_english_signature_ownership_and_partners(en_rubric: Rubric, said: str) -> None:
    assert _authority(en_rubric, said, language="en")


@pytest.mark.parametrize(
    "said",
    [
        "こういう買い物は、うちは工場長決裁なんですよ。",
        "代表は僕なんで、僕がよければ通ります。",
        "名前は課長ですけど、実質は事務局長が決めてます。",
        "ああ、そういうのは専務が見るんで、私じゃちょっと。",
    ],
)
def test_a_head_by_their_title_whose_decision_it_is(rubric: Rubric, said: str) -> None:
    assert _authority(rubric, said)


@pytest.mark.parametrize(
    "said",
    [
        "Priya and I both sign on anything that runs past a year.",
        "Anything above two grand, I have to bring to the partners first.",
        "We decided together, my wife and me, last weekend.",
        "I run everything like that past my brother.",
    ],
)
def test_english_two_who_sign_or_a_threshold_to_someone(en_rubric: Rubric, said: str) -> None:
    assert _authority(en_rubric, said, language="en")


@pytest.mark.parametrize("said", ["私一人では決められないので、持ち帰ります。", "I can't decide on my own, you know."])
def test_not_mine_alone_names_nobody(rubric: Rubric, en_rubric: Rubric, said: str) -> None:
    en = said.isascii()
    assert not _authority(en_rubric if en else rubric, said, language="en" if en else "ja")
