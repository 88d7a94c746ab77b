"""ASR hygiene and result mapping as pure functions over plain data: no audio, no server."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace as NS

from scoring.speech.hygiene import (
    clean_segments,
    drop_hallucinations,
    is_stock_phrase,
    merge_turns,
    too_short_to_say,
)
from scoring.speech.results import (
    clean_word,
    diarized_words,
    seconds,
    segments_from_results,
)
from scoring.transcript import Segment


def seg(speaker: str, text: str, start: float | None, end: float | None) -> Segment:
    return Segment(speaker=speaker, text=text, start=start, end=end)


def test_stock_phrases_are_recognized_with_punctuation_width_and_repetition() -> None:
    assert is_stock_phrase("ご視聴ありがとうございました。")
    assert is_stock_phrase("ご視聴ありがとうございました。チャンネル登録よろしくお願いします！")
    assert is_stock_phrase("  Thanks for watching! ")
    assert not is_stock_phrase("本日はご視聴ありがとうございました、では見積もりの件ですが")
    assert not is_stock_phrase("よろしくお願いします")
    assert not is_stock_phrase("。")


def test_stock_phrase_is_dropped_only_on_silence_or_when_too_short_to_say() -> None:
    segments = [seg("話者1", "ご視聴ありがとうございました", 10.0, 12.0),   # loud: a person said it
                seg("話者2", "ご視聴ありがとうございました", 20.0, 22.0),   # silent line
                seg("話者2", "チャンネル登録よろしくお願いします", 30.0, 30.3),  # 17 chars in 0.3 s
                seg("話者1", "はい", 40.0, 40.2), seg("話者1", " ", 41.0, 41.5)]
    levels = {10.0: -20.0, 20.0: -70.0, 30.0: -20.0, 40.0: -70.0}
    kept, dropped = drop_hallucinations(segments, level=lambda s: levels.get(s.start or 0.0))
    assert [s.start for s in kept] == [10.0, 40.0] and dropped == 3
    assert too_short_to_say(segments[2]) and not too_short_to_say(seg("x", "はい", None, None))


def test_without_loudness_only_the_impossibly_short_phrase_goes() -> None:
    kept, dropped = drop_hallucinations([seg("a", "ご視聴ありがとうございました", 0, 2.0),
                                         seg("a", "ご視聴ありがとうございました", 5, 5.2)])
    assert dropped == 1 and kept[0].start == 0


def test_fragments_of_one_speaker_merge_into_turns_but_not_across_long_pauses() -> None:
    merged = merge_turns([seg("話者1", "もしもし、", 0.0, 0.8), seg("話者1", "山田です。", 1.2, 2.0),
                          seg("話者2", "はい。", 2.5, 2.8), seg("話者1", "本日は", 3.0, 3.5),
                          seg("話者1", "資料を", 6.0, 6.5)], language="ja")
    assert [(s.speaker, s.text, s.start, s.end) for s in merged] == [
        ("話者1", "もしもし、山田です。", 0.0, 2.0), ("話者2", "はい。", 2.5, 2.8),
        ("話者1", "本日は", 3.0, 3.5), ("話者1", "資料を", 6.0, 6.5)]
    english = merge_turns([seg("A", "Hello,", 0, 1), seg("A", "there.", 1.1, 2)], language="en")
    assert english[0].text == "Hello, there."


def test_dropping_a_hallucination_lets_the_turns_around_it_merge() -> None:
    segments = [seg("話者1", "では", 0.0, 1.0), seg("話者2", "ご視聴ありがとうございました", 1.1, 1.3),
                seg("話者1", "始めます", 1.5, 2.5)]
    turns, dropped = clean_segments(segments, language="ja")
    assert dropped == 1 and [s.text for s in turns] == ["では始めます"]


def word(text: str, start: float, end: float, tag: int = 0) -> NS:
    return NS(word=text, start_time=timedelta(seconds=start), end_time=timedelta(seconds=end), speaker_tag=tag,
              speaker_label=str(tag) if tag else "")


def result(*words: NS, channel: int = 0, transcript: str = "", end: float = 0.0) -> NS:
    return NS(alternatives=[NS(words=list(words), transcript=transcript)], channel_tag=channel,
              result_end_time=timedelta(seconds=end))


def test_diarized_words_come_from_the_last_tagged_result() -> None:
    results = [result(word("もしもし", 0, 1)), result(word("はい", 2, 3)),
               result(word("もしもし", 0, 1, 1), word("はい", 2, 3, 2))]
    assert [(w.text, w.speaker) for w in diarized_words(results)] == [("もしもし", 1), ("はい", 2)]
    segments = segments_from_results(results, "ja", per_channel=False)
    assert [(s.speaker, s.text) for s in segments] == [("話者1", "もしもし"), ("話者2", "はい")]


def test_untagged_words_and_untimed_results_still_make_segments() -> None:
    untagged = segments_from_results([result(word("hello", 0, 1)), result(word("there", 1.1, 2))], "en", per_channel=False)
    assert [(s.speaker, s.text) for s in untagged] == [("Speaker", "hello there")]
    untimed = segments_from_results([result(transcript="もしもし", channel=1, end=2.0),
                                     result(transcript="はい", channel=2, end=4.0)], "ja", per_channel=True)
    assert [(s.speaker, s.text, s.start, s.end) for s in untimed] == [("話者1", "もしもし", 0.0, 2.0), ("話者2", "はい", 2.0, 4.0)]


def test_per_channel_utterances_interleave_by_time() -> None:
    results = [result(word("a", 0, 1), word("b", 5, 6), channel=1), result(word("x", 2, 3), channel=2)]
    segments = segments_from_results(results, "en", per_channel=True)
    assert [(s.speaker, s.text) for s in segments] == [("Speaker 1", "a"), ("Speaker 2", "x"), ("Speaker 1", "b")]


def test_reading_suffix_and_raw_durations() -> None:
    assert clean_word("東京|トウキョウ") == "東京"
    assert seconds(NS(seconds=3, nanos=500_000_000)) == 3.5 and seconds(None) == 0.0
