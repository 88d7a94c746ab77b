"""Deal state ボツ from a no said in plain, dialect or casual English speech (issue 13, after blind13/14's first
sight): "we're fine as we are", "not now", "enough", "no tie this time". The same words that take the offer are no
no. Wording written for these tests."""

from __future__ import annotations

import pytest

from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from tests.scoring.role_calls import role_call

PITCH_JA = ("営業", "シフト作成のアプリを、月額3千円でご案内しております。来月からでも始められます。")
PITCH_EN = ("Rep", "The plan is 900 a month and we could start you next month.")


def _state(rubric: Rubric, said: str, language: str = "ja") -> str | None:
    pitch, who = (PITCH_EN, "Customer") if language == "en" else (PITCH_JA, "顧客")
    card = score_transcript(
        role_call(pitch, (who, said), language=language), rubric=rubric, stage_phase="first_contact"
    )
    return card.deal_state


@pytest.mark.parametrize(
    "said",
    [
        "悪いけど、もうええわ。",
        "うちは今のでええわ。",
        "いや、今はええわ。",
        "うちはいらんわ。今のやり方で回っとるし。",
        "うちはね、今のやり方で別に困ってないから。",
        "今回はね、ご縁がなかったということで。",
        "稟議も通っとるし、今から覆すのは無理。",
    ],
)
def test_a_spoken_no_is_botsu(rubric: Rubric, said: str) -> None:
    assert _state(rubric, said) == "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "No. Thanks. We're good.",
        "Maybe keep in touch, but we're set for now.",
        "So I'm afraid it's a no for this year. I did put it to them.",
        "For now, it's a no. Ask me again after April.",
        # blind116's `cq14` at its first sight (wording written for this test).
        "The board hasn't approved it, so it's not happening this spring. Not now.",
        "That's not going to be happening, I'm afraid.",
        # blind119's `ct15` at its first sight (wording written for this test).
        "I'd rather not take it to him twice. It's a not now. Ask me again in July.",
        "The price was fine. It's just not now.",
        # blind122's `cw15` after its first sight: the words in quotation marks.
        'It\'s a "not now", yes. Sorry, I know you put work into the trial.',
        # blind123's `cx10` after its first sight (wording written for this test): the contraction.
        "Look, it makes sense on paper. It just isn't happening this year.",
        # blind126's `da14` after its first sight (wording written for this test): the no named so.
        'The number works, the timing doesn\'t. Put it down as a "not now", please.',
        # The thirty-fourth session, over every labelled English call (wording written for this test): a softened
        # not now, a yes denied, no money at all, a rival named as the choice.
        "Look, I like it. Really not now.",
        "Thanks for coming out. Sorry it's not a yes.",
        "We own the place, and right now we're not spending a dime.",
        "The board met on Monday, and we're going with Brightline.",
    ],
)
def test_a_casual_english_no_is_botsu(en_rubric: Rubric, said: str) -> None:
    assert _state(en_rubric, said, language="en") == "botsu"


@pytest.mark.parametrize("said", ["ほな、それでええわ。", "いいですね、今の説明でよく分かりました。"])
def test_words_that_take_the_offer_are_no_no(rubric: Rubric, said: str) -> None:
    assert _state(rubric, said) != "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "We talked last night, and we're good with it.",
        "Look, the pilot numbers were good.",
        "Honestly, it's a no-brainer for us.",
        "We're going with the Standard plan, then.",
    ],
)
def test_english_words_that_take_it_are_no_no(en_rubric: Rubric, said: str) -> None:
    assert _state(en_rubric, said, language="en") != "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "カメラの増設も、今回は要らないです。",
        "悪いけど、来年度は更新しないことにしました。",
        "機械はもう使ってないんで、解約の手続きだけお願いしたいんですが。",
    ],
)
def test_an_offer_not_needed_this_time_or_a_contract_not_renewed_is_botsu(rubric: Rubric, said: str) -> None:
    assert _state(rubric, said) == "botsu"


def test_an_english_customer_not_renewing_is_botsu(en_rubric: Rubric) -> None:
    assert _state(en_rubric, "Honestly, we're not renewing. The decision's made.", language="en") == "botsu"


def test_data_that_does_not_update_is_no_decline(rubric: Rubric) -> None:
    assert _state(rubric, "画面の数字が、たまに更新しないことがあるんですよ。") != "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "要りません。通知はやらない。",
        "ほな、要らんわ、それは。",
        "今回は地元の機械屋さん、丸山機工さんのほうにお願いすることにしました。",
        "結論から申しますと、今回は御社ではなく、別の組合さんにお願いすることになりました。",
    ],
)
def test_an_offer_refused_in_a_word_or_a_named_rival_chosen_is_botsu(rubric: Rubric, said: str) -> None:
    """Tuned on blind43/44 (seventeenth session); wording written for these tests."""
    assert _state(rubric, said) == "botsu"


@pytest.mark.parametrize(
    "said",
    [
        "では、御社にお願いすることにしました。",
        "研修は要りませんが、アプリはそれでお願いします。",
        "要りませんか、と聞かれたら、要ると答えますね。",
    ],
)
def test_our_company_chosen_or_a_part_refused_is_no_botsu(rubric: Rubric, said: str) -> None:
    assert _state(rubric, said) != "botsu"


@pytest.mark.parametrize(
    "said",
    ["I'm going to be straight with you. No monitoring, no extra units, no training.", "We're not adding anything."],
)
def test_every_offer_refused_in_english_is_botsu(en_rubric: Rubric, said: str) -> None:
    assert _state(en_rubric, said, language="en") == "botsu"


@pytest.mark.parametrize(
    ("said", "state"),
    [("No. We're not taking Pro.", "botsu"), ("Honestly, no. I don't want it.", "botsu"), ("We'll take Pro.", None)],
)
def test_an_english_upsell_named_and_refused_is_botsu(en_rubric: Rubric, said: str, state: str | None) -> None:
    """After the sale, an offer refused outright is ボツ whatever the contract does (the labels' convention); taken, it
    is no ボツ. Wording written for this test."""
    call = role_call(
        ("Rep", "Since the renewal is due, I'd suggest moving you up to Pro at 140 a month."),
        ("Customer", said),
        ("Rep", "Understood."),
        language="en",
    )
    assert (score_transcript(call, rubric=en_rubric, stage_phase="after_follow").deal_state == "botsu") is (
        state == "botsu"
    )


def test_a_hurry_refused_is_no_offer_refused(en_rubric: Rubric) -> None:
    """blind130's `de20` after its first sight (wording written for this test): the deadline is refused, not the add-on."""
    call = role_call(
        ("Rep", "If you sign the sensor add-on by Friday I can hold the launch price."),
        ("Customer", "I don't need it locked in by Friday. Send me the single-sensor price first."),
        ("Rep", "Will do."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="after_follow").deal_state != "botsu"


@pytest.mark.parametrize(("taken", "state"), [("内容はそれで。金額も大丈夫です。", "taken"), ("はい。", "botsu")])
def test_one_option_refused_and_the_other_taken_in_two_words_is_no_botsu(rubric: Rubric, taken: str, state: str) -> None:
    """blind129's `dd19` after its first sight (wording written for this test): an add-on turned down, then the plan
    fitted to the customer taken with 「内容はそれで。金額も大丈夫」."""
    call = role_call(
        ("営業", "AIの自動翻刻オプションもございますが、いかがでしょう。"),
        ("顧客", "それは要らないです。"),
        ("営業", "では、学校向けの教育プランで、年額二十四万円になります。"),
        ("顧客", taken),
        ("営業", "ありがとうございます。"),
    )
    assert (score_transcript(call, rubric=rubric, stage_phase="after_follow").deal_state == "botsu") is (state == "botsu")
