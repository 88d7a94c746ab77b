"""Talk metrics and rep identification on plain data."""

from __future__ import annotations

import pytest

from scoring.metrics import (
    compute_metrics,
    identify_rep,
    is_open_question,
    is_question,
    metrics_basis,
    sentences,
)
from scoring.scorecard import METRIC_KEYS
from scoring.transcript import Segment, Transcript


def _call(*turns: tuple, language: str = "ja") -> Transcript:
    return Transcript(segments=tuple(Segment(*t) for t in turns), language=language)


def test_metrics_from_timestamps():
    call = _call(
        ("A", "本日はよろしくお願いします。現在の運用はどのようにされていますか？", None, 0.0, 10.0),
        ("B", "Excelで管理しています。", None, 12.0, 42.0),
        ("A", "なるほど。", None, 43.0, 44.0),
        ("A", "ご予算は決まっていますか？", None, 44.0, 50.0),
        ("B", "まだです。", None, 52.0, 60.0),
    )
    m = compute_metrics(call, "A")
    assert list(m) == list(METRIC_KEYS)
    assert m["duration_s"] == 60.0
    assert m["talk_ratio_rep"] == pytest.approx(17 / 55, abs=1e-3)
    assert m["longest_monologue_rep_s"] == 10.0
    assert m["longest_monologue_customer_s"] == 30.0
    assert (m["questions_rep"], m["open_questions_rep"]) == (2, 1)
    assert m["interactivity_per_min"] == 3.0
    assert m["patience_s"] == 1.0
    assert metrics_basis(call) == "timestamps"


def test_consecutive_segments_of_one_speaker_form_one_monologue():
    call = _call(("A", "x", None, 0.0, 70.0), ("A", "y", None, 70.0, 150.0), ("B", "z", None, 151.0, 155.0))
    assert compute_metrics(call, "A")["longest_monologue_rep_s"] == 150.0


def test_metrics_estimated_from_characters_without_timestamps():
    call = _call(("A", "あ" * 60), ("B", "い" * 30), ("A", "う" * 30))
    m = compute_metrics(call, "A")
    assert metrics_basis(call) == "characters"
    assert m["duration_s"] == 20.0
    assert m["talk_ratio_rep"] == 0.75
    assert m["longest_monologue_rep_s"] == 10.0
    assert m["patience_s"] == 0.0


def test_weak_call_monologue_is_over_two_minutes(weak_call):
    m = compute_metrics(weak_call, "鈴木")
    assert m["longest_monologue_rep_s"] > 120
    assert m["open_questions_rep"] == 0
    assert m["talk_ratio_rep"] > 0.75


@pytest.mark.parametrize(
    ("sentence", "question", "open_"),
    [
        ("現在の業務はどのように進めていますか。", True, True),
        ("なぜ差し戻しが多いのでしょうか？", True, True),
        ("会計ソフトは何をお使いですか。", True, True),
        ("どんな機能があれば助かりますか", True, True),
        ("何かご質問はありますか？", True, False),
        ("便利そうですよね？", True, False),
        ("ご予算はどのくらいありますか？", True, False),
        ("来週の火曜日はいかがでしょうか。", True, False),
        ("そうですか。", False, False),
        ("承知しました。", False, False),
        ("How do you build the report today?", True, True),
        ("And what timeline are you working toward?", True, True),
        ("Is that right?", True, False),
        ("It is great, isn't it?", True, False),
    ],
)
def test_question_classification(sentence, question, open_):
    assert is_question(sentence) is question
    assert is_open_question(sentence) is open_


def test_sentences_are_exact_substrings():
    text = "はい。予算は200万円です！いつからですか？ 了解"
    parts = sentences(text)
    assert [p for _, p in parts] == ["はい。", "予算は200万円です！", "いつからですか？", "了解"]
    assert all(text[offset:offset + len(p)] == p for offset, p in parts)


def test_identify_rep_by_role_then_name_then_self_introduction_then_first_speaker(good_call, load_call):
    assert identify_rep(good_call, None) == ("山田", "role", 1.0)
    vtt = load_call("discovery_good.ja.vtt")
    assert identify_rep(vtt, None) == ("山田", "self_introduction", 0.8)
    assert identify_rep(vtt, "佐藤") == ("佐藤", "name", 0.95)
    assert identify_rep(vtt, "山田 太郎")[:2] == ("山田", "name")
    assert identify_rep(vtt, "Nobody")[1] == "self_introduction"
    assert identify_rep(load_call("weak_call.ja.txt"), None) == ("鈴木", "first_speaker", 0.4)
    assert identify_rep(load_call("discovery_short.en.txt"), None)[:2] == ("John", "self_introduction")


def test_rep_who_speaks_second_is_found_by_self_introduction():
    call = _call(("佐藤", "もしもし、聞こえますか。"), ("山田", "はい。株式会社ミライクラウドの山田と申します。"), ("佐藤", "東和精機の佐藤です。"))
    assert identify_rep(call, None)[:2] == ("山田", "self_introduction")
    assert identify_rep(_call(("X", "hello")), None) == ("X", "first_speaker", 0.3)


@pytest.mark.parametrize("customer_line", [
    "120社のうち80社です。残りはまだFAXです。",  # a count of companies, not a company introducing itself
    "今は別の会社のを使っているんですよ。",  # a clause about another company, not a name
    "取引先の３社のうち２社ですね。",
])
def test_a_customer_talking_about_companies_is_not_taken_for_the_rep(customer_line: str) -> None:
    call = _call(("上田", "いつもありがとうございます。フードリンクの上田です。"), ("今井", customer_line),
                 ("上田", "弊社のシステムをご紹介します。"), ("今井", "ありがとうございます。"))
    assert identify_rep(call, None)[0] == "上田"
