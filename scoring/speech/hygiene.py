"""Japanese ASR hygiene: drop stock phrases recognizers invent on silence, and merge fragments into turns.

Recognizers trained on video captions emit 「ご視聴ありがとうございました」 and friends on near-silent audio. A
segment is dropped only when its whole text is such phrases AND the audio under it is near-silent or too short
to have been spoken, so a rep who really says it on a loud line keeps it. Pure: the loudness comes in as a
function, so tests need no audio.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace

from scoring.transcript import Segment

HALLUCINATION_PHRASES = (
    "ご視聴ありがとうございました",
    "ご視聴ありがとうございます",
    "最後までご視聴いただきありがとうございました",
    "最後までご視聴いただきありがとうございます",
    "チャンネル登録よろしくお願いします",
    "チャンネル登録お願いします",
    "チャンネル登録よろしくお願いいたします",
    "高評価よろしくお願いします",
    "高評価とチャンネル登録よろしくお願いします",
    "次回もお楽しみに",
    "次の動画でお会いしましょう",
    "字幕視聴ありがとうございました",
    "おやすみなさい",
    "thank you for watching",
    "thanks for watching",
    "please subscribe",
    "subtitles by the amara.org community",
)
NEAR_SILENT_DB = -45.0
# Fast Japanese speech is about 8 morae a second; a phrase "said" faster than this was not said.
MIN_SECONDS_PER_CHAR = 0.06
MERGE_GAP_S = 1.0

_PUNCT_RE = re.compile(r"[\s\u3000。、．，,.!！?？・…「」『』（）()\-ー〜~♪]+")
_NORMALIZED = tuple(
    sorted(
        {_PUNCT_RE.sub("", unicodedata.normalize("NFKC", p).lower()) for p in HALLUCINATION_PHRASES},
        key=len,
        reverse=True,
    )
)

LevelFn = Callable[[Segment], "float | None"]


def normalize(text: str) -> str:
    """NFKC, lower case, no spaces or punctuation: how phrases are compared."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text).lower())


def is_stock_phrase(text: str) -> bool:
    """True when the text is nothing but known silence-hallucination phrases (possibly repeated)."""
    rest = normalize(text)
    if not rest:
        return False
    changed = True
    while rest and changed:
        changed = False
        for phrase in _NORMALIZED:
            if rest.startswith(phrase):
                rest, changed = rest[len(phrase) :], True
                break
    return rest == ""


def too_short_to_say(segment: Segment) -> bool:
    """The segment's duration is known and shorter than anyone could say its text in."""
    if segment.start is None or segment.end is None:
        return False
    return segment.end - segment.start < MIN_SECONDS_PER_CHAR * len(normalize(segment.text))


def drop_hallucinations(
    segments: Sequence[Segment], *, level: LevelFn | None = None, silent_db: float = NEAR_SILENT_DB
) -> tuple[list[Segment], int]:
    """Segments without stock phrases heard on silence or in impossibly short time; also how many were dropped."""
    kept, dropped = [], 0
    for segment in segments:
        if not segment.text.strip():
            dropped += 1
            continue
        if is_stock_phrase(segment.text):
            loudness = level(segment) if level is not None else None
            if (loudness is not None and loudness < silent_db) or too_short_to_say(segment):
                dropped += 1
                continue
        kept.append(segment)
    return kept, dropped


def _joined(a: str, b: str, language: str) -> str:
    return f"{a}{b}" if language.startswith("ja") else f"{a} {b}"


def merge_turns(segments: Sequence[Segment], *, language: str, max_gap_s: float = MERGE_GAP_S) -> list[Segment]:
    """Merge consecutive segments of one speaker separated by less than `max_gap_s` (or of unknown timing)."""
    turns: list[Segment] = []
    for segment in segments:
        previous = turns[-1] if turns else None
        if previous is not None and previous.speaker == segment.speaker and previous.role == segment.role:
            gap = (segment.start - previous.end) if segment.start is not None and previous.end is not None else 0.0
            if gap <= max_gap_s:
                turns[-1] = replace(
                    previous,
                    text=_joined(previous.text, segment.text, language),
                    end=segment.end if segment.end is not None else previous.end,
                )
                continue
        turns.append(segment)
    return turns


def clean_segments(
    segments: Sequence[Segment], *, language: str, level: LevelFn | None = None, max_gap_s: float = MERGE_GAP_S
) -> tuple[list[Segment], int]:
    """Drop hallucinated segments first (so the turns around them can merge), then merge fragments into turns."""
    kept, dropped = drop_hallucinations(segments, level=level)
    return merge_turns(kept, language=language, max_gap_s=max_gap_s), dropped
