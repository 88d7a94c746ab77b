"""BANT budget from the price taken (issue 13, after blind13/14's first sight): a customer who takes the amount the
rep named (これで稟議上げます, そのくらいは見てました, 相違ないです, "I can live with that") has confirmed the budget,
even without saying what was set aside; and English authority said as holding the budget or the pen. Wording
written for these tests."""

from __future__ import annotations

import pytest

from scoring.lexicon import lexicon
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.scorecard import Scorecard
from tests.scoring.role_calls import role_call

PRICE_JA = ("営業", "初期費用が336万円、月額が10万円になります。")
PRICE_EN = ("Rep", "It comes to 3,900 a month on a twenty-four month term.")


def _card(rubric: Rubric, *turns: tuple[str, str], language: str = "ja") -> Scorecard:
    return score_transcript(role_call(*turns, language=language), rubric=rubric, stage_phase="negotiation_closing")


@pytest.mark.parametrize(
    "said",
    [
        "ほな、336万と月10万。これで稟議上げます。",
        "そのくらいは見てました。",
        "はい、それでよかです。",
        "部長の反応としては、その金額であれば稟議は通せると思う、という感じでした。",
    ],
)
def test_the_price_taken_in_the_customers_words_is_a_budget(rubric: Rubric, said: str) -> None:
    card = _card(rubric, PRICE_JA, ("顧客", said))
    assert card.bant["budget"].found and card.bant["budget"].evidence in said


@pytest.mark.parametrize(
    "said",
    [
        "他社さんは月8万円でいいって言ってくれてるんですよ。",
        "月額10万円ですね。",
        "8日の3時なら大丈夫です。",
        "いやあ、336万は高いなあ。",
    ],
)
def test_a_rival_an_echo_a_time_or_a_grumble_takes_no_price(rubric: Rubric, said: str) -> None:
    assert not _card(rubric, PRICE_JA, ("顧客", said)).bant["budget"].found


def test_a_declined_deal_takes_no_price(rubric: Rubric) -> None:
    card = _card(rubric, PRICE_JA, ("顧客", "それでいいとは思うんですが、今回は見送らせてください。"))
    assert not card.bant["budget"].found


def test_a_recap_confirmed_is_the_price_taken(rubric: Rubric) -> None:
    recap = ("営業", "月額6万8千円、初期設定費が30万円、4月1日から開始。ここまで、相違ないでしょうか。")
    assert _card(rubric, recap, ("顧客", "相違ないです。")).bant["budget"].found


def test_the_price_taken_in_english_is_a_budget(en_rubric: Rubric) -> None:
    card = _card(
        en_rubric, PRICE_EN, ("Customer", "Then, yeah. Thirty-nine hundred works. I can live with that."), language="en"
    )
    assert card.bant["budget"].found


@pytest.mark.parametrize(
    "said",
    [
        "I own this budget, so that's not an issue for me.",
        "I'll need the CFO countersignature but it's a formality.",
        "The board finance committee meets in May, that's where it gets approved.",
        "I signed off last year's spend myself.",
    ],
)
def test_holding_the_budget_or_the_pen_is_authority(en_rubric: Rubric, said: str) -> None:
    assert _card(en_rubric, PRICE_EN, ("Customer", said), language="en").bant["authority"].found


def test_the_terms_passed_a_few_sentences_after_the_price_are_taken(rubric: Rubric) -> None:
    card = _card(
        rubric,
        PRICE_JA,
        ("営業", "保守は平日9時から18時まで、障害時は4時間以内に一次回答です。"),
        ("営業", "稼働は9月1日からで、ご確認いただけますか。"),
        ("顧客", "はい。稟議もその内容で通ってます。"),
    )
    assert card.bant["budget"].found


def test_a_yes_far_from_any_price_takes_none(rubric: Rubric) -> None:
    card = _card(
        rubric,
        PRICE_JA,
        *[("営業", f"{n}つ目の画面では、在庫の一覧が見られます。") for n in range(1, 8)],
        ("顧客", "はい、それでいいと思います。"),
    )
    assert not card.bant["budget"].found


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        (("Rep", "Shall we book Friday the twelfth at eleven to go through it together?"), False),
        (("Rep", "We can start on the twelfth."), True),
    ],
)
def test_a_yes_to_a_later_question_takes_no_price(en_rubric: Rubric, asked: tuple[str, str], found: bool) -> None:
    """ "Eleven on the twelfth works." answers the rep's booking, asked after the customer had spoken since the
    price, not the price (blind102 cc20); with no question since, "works" takes the price."""
    price = ("Rep", "Forty a month at eighteen pounds is about eight and a half thousand a year.")
    said = ("Customer", "Then it's Graham. I'll send him the numbers this week.")
    card = _card(en_rubric, price, said, asked, ("Customer", "Eleven on the twelfth works."), language="en")
    assert card.bant["budget"].found is found


def test_a_question_closing_the_prices_own_turn_still_asks_about_it(rubric: Rubric) -> None:
    """The rep names the price and asks in the same turn whether it is as agreed: the customer's answer takes it."""
    price = ("営業", "初期費用が150万円、月額が12万円です。ここまで、ご認識と違うところはありませんか。")
    card = _card(rubric, price, ("顧客", "ないです。稟議もその内容で通ってますので。"))
    assert card.bant["budget"].found


@pytest.mark.parametrize(
    ("said", "objects"),
    [
        ("なるほど、実質は今より安くなるんですね。", False),
        ("二年目からは安くなります、と。", False),
        ("もう少し安くなりませんか。", True),
        ("それ、安くなるかどうかは分からんでしょう。", True),
    ],
)
def test_a_cheaper_price_welcomed_is_no_price_objection(said: str, objects: bool) -> None:
    """blind123's `cx19` after its first sight (wording written for this test): "it comes out cheaper" hid the price
    taken later."""
    assert bool(lexicon("ja")["price_objection"].search(said)) is objects
