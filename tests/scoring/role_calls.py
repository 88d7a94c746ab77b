"""Calls written inline in scoring tests: a speaker named 営業 or Rep is the rep, anyone else the customer."""

from __future__ import annotations

from scoring.transcript import Segment, Transcript

REP = ("営業", "Rep")


def role_call(*turns: tuple[str, str], language: str = "ja", seconds: float | None = None) -> Transcript:
    """A call with roles, one segment per turn; with `seconds`, each turn lasts that long (a backchannel of five
    characters or fewer 1 s), laid end to end with half a second between turns."""
    segs, clock = [], 0.0
    for speaker, text in turns:
        length = None if seconds is None else (1.0 if len(text) <= 5 else seconds)
        segs.append(
            Segment(
                speaker=speaker,
                text=text,
                role="rep" if speaker in REP else "customer",
                start=None if length is None else clock,
                end=None if length is None else clock + length,
            )
        )
        clock += (length or 0.0) + 0.5
    return Transcript(segments=tuple(segs), language=language)
