"""Speakers for a transcript that names none: a single-channel call transcribed without diarization.

Every cue then carries one label (or `unknown`), the whole call reads as the rep talking to nobody, and no customer
word is ever heard. A cue boundary on such a recording is most often a change of speaker, so the cues are labelled
alternately; a cue that does not end its sentence is kept with the next one (a caption split mid-sentence). The
guess is marked: the scorecard's rep confidence is capped (`GUESSED_CONFIDENCE`) and its method says so.
"""

from __future__ import annotations

import dataclasses
import re

from scoring.transcript import Transcript

# Labels that name nobody.
_UNNAMED = frozenset({"", "unknown", "speaker", "話者", "不明"})
# Fewer cues than this are not a conversation to split.
_MIN_CUES = 4
_SENTENCE_END = re.compile(r"[。？?！!…」』)）.]\s*$")
GUESSED_CONFIDENCE = 0.3
GUESSED_METHOD = "alternating_cues"
NAMES = {"ja": ("話者A", "話者B"), "en": ("Speaker A", "Speaker B")}


def unlabelled(transcript: Transcript) -> bool:
    """One label (or none) over the whole call, no roles, and enough cues to be a conversation."""
    labels = {s.speaker.strip().lower() for s in transcript.segments}
    return (
        len(transcript.segments) >= _MIN_CUES
        and all(s.role is None for s in transcript.segments)
        and (len(labels) == 1 and next(iter(labels)) in _UNNAMED)
    )


def alternate(transcript: Transcript) -> Transcript:
    """The cues labelled alternately A/B, a cue that runs on into the next keeping its speaker."""
    names = NAMES["en" if transcript.language.startswith("en") else "ja"]
    who, out = 0, []
    for seg in transcript.segments:
        out.append(dataclasses.replace(seg, speaker=names[who]))
        if _SENTENCE_END.search(seg.text):
            who = 1 - who
    return dataclasses.replace(transcript, segments=tuple(out))


def with_speakers(transcript: Transcript) -> tuple[Transcript, bool]:
    """The transcript with speakers guessed when it names none, and whether they were guessed."""
    return (alternate(transcript), True) if unlabelled(transcript) else (transcript, False)
