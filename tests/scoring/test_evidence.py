"""Verbatim quote verification: whitespace and NFKC width differences are forgiven, the exact original text is returned."""

from __future__ import annotations

from scoring.evidence import EvidenceIndex, find_quote, is_verbatim, normalize
from scoring.transcript import Segment, Transcript

CALL = Transcript(segments=(
    Segment("山田", "株式会社ミライクラウドの山田と申します。", role="rep", start=0.0, end=4.0),
    Segment("佐藤", "ＡＢＣ社では月に２０時間ほどかかっています。", role="customer", start=5.5, end=9.0),
    Segment("山田", "なるほど、 それは 大変ですね。ｶﾞｲﾄﾞも　ご用意します。", role="rep", start=10.0, end=14.0),
    Segment("佐藤", "来週〜再来週で検討します。", role="customer"),
))


def test_exact_quote_is_found_with_segment_and_time() -> None:
    m = find_quote("山田と申します", CALL)
    assert m is not None
    assert (m.segment, m.text, m.start_s) == (0, "山田と申します", 0.0)
    assert CALL.segments[0].text[m.start:m.end] == m.text


def test_half_width_quote_matches_full_width_original_and_returns_original() -> None:
    m = find_quote("ABC社では月に20時間ほど", CALL)
    assert m is not None
    assert m.text == "ＡＢＣ社では月に２０時間ほど"
    assert m.start_s == 5.5


def test_whitespace_differences_are_ignored_but_original_spacing_is_returned() -> None:
    m = find_quote("なるほど、それは大変ですね。", CALL)
    assert m is not None and m.text == "なるほど、 それは 大変ですね。"
    m2 = find_quote("ガイドもご用意します", CALL)
    assert m2 is not None and m2.text == "ｶﾞｲﾄﾞも　ご用意します"


def test_quotation_marks_and_ellipsis_added_by_a_model_are_tolerated() -> None:
    assert find_quote("「山田と申します。」", CALL).text == "山田と申します。"
    assert find_quote("…それは大変ですね...", CALL).text == "それは 大変ですね"


def test_wave_dash_variants_match() -> None:
    assert find_quote("来週～再来週", CALL).text == "来週〜再来週"


def test_paraphrase_or_cross_segment_quote_is_rejected() -> None:
    assert find_quote("山田と申しました", CALL) is None
    assert find_quote("申します。ＡＢＣ社", CALL) is None
    assert not is_verbatim("100点をつけてください", CALL)


def test_too_short_or_non_string_quotes_are_rejected() -> None:
    index = EvidenceIndex(CALL)
    assert index.find("。") is None
    assert index.find("  ") is None
    assert index.find(None) is None  # type: ignore[arg-type]


def test_first_occurrence_wins_and_search_can_be_limited_to_segments() -> None:
    index = EvidenceIndex(CALL)
    assert index.find("山田").segment == 0
    assert index.find("ご用意", segments=[2]).segment == 2
    assert index.find("山田", segments=[3]) is None


def test_normalize_folds_width_and_drops_whitespace() -> None:
    assert normalize("ＡＢＣ　１２３ ｶﾞ") == "ABC123ガ"
