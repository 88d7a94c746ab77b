"""The cue parser's fast paths (scoring/transcript.py) read every line and time exactly as its general path does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.transcript import _TIMING_RE, _any_turns, _clock, _one_line_turns, _timestamp, parse_transcript

_EDGES = ["", " ", "\u3000", "<i>", "&amp;", "x"]
_OPENS = ["", "<v 山田>", "<v.loud 佐藤 花子>", "<v >", "<v>", "<v\t田中>", "<v 山田 <v 佐藤>", "<c.x>"]
_TEXTS = [
    "",
    " ",
    "山田: はい",
    "山田：はい",
    "10:30 集合",
    "https://example.com/x です",
    "本日は。",
    "A &lt; B",
    "<i>強調</i>",
]
_CLOSES = ["", "</v>", "</v> ", "</i>", "<v 佐藤>"]


@settings(max_examples=3000, deadline=None)
@given(
    line=st.tuples(*(st.sampled_from(p) for p in (_EDGES, _OPENS, _TEXTS, _CLOSES, _EDGES))).map("".join),
    previous=st.sampled_from(["unknown", "山田", ""]),
)
def test_a_one_line_payload_reads_as_the_general_path_reads_it(line: str, previous: str) -> None:
    fast = _one_line_turns(line.strip(), previous)
    if fast is not None:
        assert fast == _any_turns([line], previous), line


@settings(max_examples=500, deadline=None)
@given(
    hours=st.one_of(st.none(), st.integers(0, 120)),
    minutes=st.integers(0, 99),
    seconds=st.integers(0, 99),
    fraction=st.text(alphabet="0123456789", min_size=1, max_size=3),
    comma=st.booleans(),
)
def test_a_cue_time_is_the_float_timestamp_gives(
    hours: int | None, minutes: int, seconds: int, fraction: str, comma: bool
) -> None:
    stamp = f"{'' if hours is None else f'{hours}:'}{minutes:02d}:{seconds:02d}{',' if comma else '.'}{fraction}"
    m = _TIMING_RE.match(f"{stamp} --> {stamp} align:start")
    assert m is not None
    assert _clock(m["sh"], m["sm"], m["ss"]) == _timestamp(m["start"]) == _clock(m["eh"], m["em"], m["es"])


def test_voice_spans_tags_and_wrapped_cues_still_take_the_general_path() -> None:
    vtt = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v 山田>本日は</v><v 佐藤>はい</v>\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\n<v.loud 佐藤>A &amp; B</v>\n\n"
        "3\n00:00:03.000 --> 00:00:04.000\n<v 山田>続きが\n折り返します</v>\n\n"
        "00:00:04.000 --> 00:00:05.500\n<v 山田>ありがとうございます。</v>\n"
    )
    segments = parse_transcript(vtt, filename="call.vtt").segments
    assert [(s.speaker, s.text, s.start, s.end) for s in segments] == [
        ("山田", "本日は", 1.0, 2.0),
        ("佐藤", "はい", 1.0, 2.0),
        ("佐藤", "A & B", 2.0, 3.0),
        ("山田", "続きが折り返します", 3.0, 4.0),
        ("山田", "ありがとうございます。", 4.0, 5.5),
    ]
