"""Recognised speech read through its noise (scoring/normalise.py): numbers, fillers, stutters, slips and split
captions cleaned for detection, every quote mapped back to the original words."""

from __future__ import annotations

import pytest

from scoring.normalise import normalise
from scoring.offline import score_transcript
from scoring.rubric_model import Rubric
from scoring.transcript import Segment, Transcript
from tests.scoring.role_calls import role_call


def _clean(*texts: str, speaker: str = "顧客", language: str = "ja") -> list[str]:
    call = normalise(Transcript(segments=tuple(Segment(speaker, t) for t in texts), language=language))
    return [s.text for s in call.transcript.segments]


@pytest.mark.parametrize(
    ("heard", "clean"),
    [
        ("予算は二百五十万円です。", "予算は250万円です。"),
        ("月々四万五千円なら。", "月々45000円なら。"),
        ("5千万くらいの案件です。", "5000万くらいの案件です。"),
        ("2,400万円の設備です。", "2400万円の設備です。"),
        ("ひゃくにじゅうまんえんまでです。", "120万円までです。"),
        ("にせんえんくらい。", "2000円くらい。"),
        ("二〇二七年の春です。", "2027年の春です。"),
        ("七時半に伺います。", "7時半に伺います。"),
        ("３０万円です。", "30万円です。"),
    ],
)
def test_numbers_in_kanji_kana_and_mixed_forms_become_digits(heard, clean):
    assert _clean(heard) == [clean]


@pytest.mark.parametrize(
    "kept",
    [
        "十分に間に合います。",
        "一度お会いしましょう。",
        "五十嵐と申します。",
        "八百屋さんです。",
        "万が一のときは。",
        "ご縁がありまして。",
        "ごえんがありまして。",
    ],
)
def test_words_that_hold_numerals_stay(kept):
    assert _clean(kept) == [kept]


@pytest.mark.parametrize(
    ("heard", "clean"),
    [
        ("それは、えーと、来月です。", "それは、来月です。"),
        ("弊社の、えー、山本です。", "弊社の山本です。"),
        ("在庫が、あのー、ですね。", "在庫がですね。"),
        ("そ、その件は、予算、予算は未定です。", "その件は、予算は未定です。"),
        ("届きました届きました。", "届きました。"),
        ("今季の予算はもうありません。", "今期の予算はもうありません。"),
        ("課長の決済をもらいます。", "課長の決裁をもらいます。"),
        ("前向きに健闘します。", "前向きに検討します。"),
    ],
)
def test_fillers_stutters_and_homophone_slips_are_dropped_or_fixed(heard, clean):
    assert _clean(heard) == [clean]


@pytest.mark.parametrize(
    "kept",
    ["ええ、そうです。", "うーん、高いですね。", "あの列が長いんです。", "まだまだです。", "今季のシーズン券です。"],
)
def test_answers_hesitations_and_real_words_stay(kept):
    assert _clean(kept) == [kept]


def test_english_fillers_and_stutters():
    assert _clean("Um, we- we spend, uh, about five hours.", language="en") == ["Um, we spend, about five hours."]
    assert _clean("Uh-huh.", language="en") == ["Uh-huh."]


def test_captions_that_split_a_sentence_are_joined_and_quotes_come_back_from_one_caption():
    original = Transcript(
        segments=(
            Segment("顧客", "月末の締めは、えー、毎回", start=1.0, end=3.0),
            Segment("顧客", "ふつかがかりで手入力しています。", start=3.2, end=6.0),
            Segment("営業", "なるほど。", start=6.5, end=7.0),
        )
    )
    call = normalise(original)
    assert [s.text for s in call.transcript.segments] == [
        "月末の締めは、毎回ふつかがかりで手入力しています。",
        "なるほど。",
    ]
    assert call.transcript.segments[0].start == 1.0 and call.transcript.segments[0].end == 6.0
    assert call.restore("月末の締めは、毎回ふつかがかりで手入力しています。", 1.0) == (
        "ふつかがかりで手入力しています。",
        3.2,
    )
    assert call.restore("月末の締めは、毎回", 1.0) == ("月末の締めは、えー、毎回", 1.0)


def test_a_clean_call_is_left_as_it_is():
    original = Transcript(
        segments=(Segment("営業", "本日はありがとうございます。"), Segment("顧客", "よろしくお願いします。"))
    )
    assert normalise(original).transcript is original


# --- Detection on the cleaned text, quotes verbatim from the original -------------------------------------------


def _card(rubric: Rubric, *turns: tuple[str, str]):
    call = role_call(("営業", "本日はお時間をいただきありがとうございます。株式会社アオバの小川と申します。"), *turns)
    return call, score_transcript(call, rubric=rubric, stage_phase="needs_discovery")


def _verbatim(call: Transcript, quote: str) -> bool:
    return any(quote and quote in s.text for s in call.segments)


@pytest.mark.parametrize(
    ("said", "item"),
    [
        ("年間で、えー、ろっぴゃくまんえんくらいが限度ですね。", "budget"),
        ("導入次期は、あのー、来年の2月を考えてます。", "timeline"),
        ("購入は専務の決済をいただく形になります。", "authority"),
    ],
)
def test_bant_is_read_through_recognition_noise_and_quoted_verbatim(rubric, said, item):
    call, card = _card(rubric, ("営業", "差し支えなければ教えていただけますか。"), ("顧客", said))
    assert card.bant[item].found
    assert _verbatim(call, card.bant[item].evidence)


def test_a_budget_split_over_two_captions_is_read(rubric):
    call, card = _card(
        rubric,
        ("営業", "費用面はいかがでしょうか。"),
        ("顧客", "月々で言うと、"),
        ("顧客", "さんまんえんまでなら出せます。"),
    )
    assert card.bant["budget"].found
    assert card.bant["budget"].evidence == "さんまんえんまでなら出せます。"


def test_english_numbers_in_words_become_digits():
    said = "We set aside forty-two thousand, so two hundred fifty a month is fine; one of us, twelve seats."
    assert _clean(said, language="en") == ["We set aside 42000, so 250 a month is fine; one of us, twelve seats."]


def test_an_english_price_said_in_words_is_a_price(en_rubric):
    call = role_call(
        ("Rep", "The Team plan is four hundred fifty dollars a month."),
        ("Customer", "That works. Let's go with the Team plan."),
        ("Rep", "When would you like to start?"),
        ("Customer", "We'd start in March."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="proposal").deal_state == "shodan"


def test_a_reply_opening_with_a_filler_still_hesitates(en_rubric):
    call = role_call(
        ("Rep", "The Basic plan is $300 a month."),
        ("Customer", "Hm. Okay."),
        ("Rep", "When would you like to start?"),
        ("Customer", "We'd start in May."),
        language="en",
    )
    assert score_transcript(call, rubric=en_rubric, stage_phase="proposal").deal_state is None
