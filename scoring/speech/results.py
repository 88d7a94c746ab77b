"""Turn Google Speech v1 results into speaker turns: pure functions over the response, no client, no I/O.

Diarization puts every word of the audio, with its speaker tag, in the last result (earlier results repeat the
words untagged), so the tagged words are taken from there. Per-channel recognition tags results with their
channel, one talker per channel on dialer recordings. Either way words become utterances (split at pauses),
utterances from all speakers are ordered by time, and consecutive ones from the same speaker merge into turns.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scoring.transcript import Segment

PAUSE_S = 1.2


@dataclass(frozen=True)
class Word:
    """One recognized word with its speaker (1-based tag or channel; 0 when unknown) and times in seconds."""

    text: str
    start: float
    end: float
    speaker: int


def seconds(value: Any) -> float:
    """A protobuf Duration as proto-plus gives it (timedelta) or as a raw message (seconds + nanos)."""
    if value is None:
        return 0.0
    if isinstance(value, timedelta):
        return value.total_seconds()
    return float(getattr(value, "seconds", 0)) + float(getattr(value, "nanos", 0)) / 1e9


def speaker_label(speaker: int, language: str) -> str:
    """Neutral names until scoring decides who is the rep: 話者1 / Speaker 1."""
    if speaker <= 0:
        return "話者" if language.startswith("ja") else "Speaker"
    return f"話者{speaker}" if language.startswith("ja") else f"Speaker {speaker}"


def clean_word(text: str) -> str:
    """Strip the `表記|読み` reading suffix some Japanese models attach to a word."""
    return text.split("|", 1)[0]


def _alternative_words(result: Any) -> list[Any]:
    alternatives = list(getattr(result, "alternatives", None) or [])
    return list(alternatives[0].words) if alternatives else []


def _speaker_of(word: Any) -> int:
    label = str(getattr(word, "speaker_label", "") or "")
    if label.isdigit():
        return int(label)
    return int(getattr(word, "speaker_tag", 0) or 0)


def diarized_words(results: Sequence[Any]) -> list[Word]:
    """The tagged words of the last result that has any; all words untagged if diarization gave none."""
    for result in reversed(results):
        words = _alternative_words(result)
        if words and any(_speaker_of(w) for w in words):
            return [Word(clean_word(w.word), seconds(w.start_time), seconds(w.end_time), _speaker_of(w)) for w in words]
    return [
        Word(clean_word(w.word), seconds(w.start_time), seconds(w.end_time), 0)
        for r in results
        for w in _alternative_words(r)
    ]


def channel_words(results: Sequence[Any]) -> list[Word]:
    """Words of every result, the speaker being the result's channel tag."""
    return [
        Word(clean_word(w.word), seconds(w.start_time), seconds(w.end_time), int(getattr(r, "channel_tag", 0) or 0))
        for r in results
        for w in _alternative_words(r)
    ]


def untimed_segments(results: Sequence[Any], language: str, *, per_channel: bool) -> list[Segment]:
    """When no word offsets came back: one segment per result from its transcript and end time."""
    segments, start = [], 0.0
    for r in results:
        alternatives = list(getattr(r, "alternatives", None) or [])
        text = (alternatives[0].transcript if alternatives else "").strip()
        end = seconds(getattr(r, "result_end_time", None)) or None
        if text:
            speaker = int(getattr(r, "channel_tag", 0) or 0) if per_channel else 0
            segments.append(Segment(speaker=speaker_label(speaker, language), text=text, start=start, end=end))
        start = end or start
    return segments


def join_words(words: Iterable[str], language: str) -> str:
    """Japanese words join without spaces; other languages with one."""
    parts = [w for w in words if w]
    return ("" if language.startswith("ja") else " ").join(parts).strip()


def utterances(words: Sequence[Word], *, pause_s: float = PAUSE_S) -> list[list[Word]]:
    """Group each speaker's words into runs without a long pause, then order all runs by their start."""
    by_speaker: dict[int, list[Word]] = {}
    for w in sorted(words, key=lambda w: (w.start, w.end)):
        by_speaker.setdefault(w.speaker, []).append(w)
    runs: list[list[Word]] = []
    for speaker_words in by_speaker.values():
        run: list[Word] = []
        for w in speaker_words:
            if run and w.start - run[-1].end > pause_s:
                runs.append(run)
                run = []
            run.append(w)
        if run:
            runs.append(run)
    return sorted(runs, key=lambda run: (run[0].start, run[0].speaker))


def segments_from_words(words: Sequence[Word], language: str, *, pause_s: float = PAUSE_S) -> list[Segment]:
    """Speaker segments (one per utterance) with start and end times, in time order."""
    return [
        Segment(
            speaker=speaker_label(run[0].speaker, language),
            text=join_words((w.text for w in run), language),
            start=round(run[0].start, 3),
            end=round(run[-1].end, 3),
        )
        for run in utterances(words, pause_s=pause_s)
    ]


def segments_from_results(results: Sequence[Any], language: str, *, per_channel: bool) -> list[Segment]:
    """The whole response as segments: word-timed when offsets came back, else one per result."""
    words = channel_words(results) if per_channel else diarized_words(results)
    if not words:
        return untimed_segments(results, language, per_channel=per_channel)
    return segments_from_words(words, language)
