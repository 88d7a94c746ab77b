"""Transcript parsing: every supported format yields the same turns; bad input fails with TranscriptError only."""

from __future__ import annotations

import json
import re

import pytest

from scoring.transcript import TranscriptError, detect_language, parse_transcript

GOOD_VARIANTS = [
    "discovery_good.ja.vtt",
    "discovery_good.speaker-colon.ja.vtt",
    "discovery_good.ja.srt",
    "discovery_good.ja.txt",
]


def test_json_keeps_speakers_roles_times_and_language(good_call):
    first = good_call.segments[0]
    assert good_call.language == "ja"
    assert len(good_call.segments) == 33
    assert (first.speaker, first.role, first.start, first.end) == ("山田", "rep", 0.0, 9.6)
    assert good_call.segments[1].role == "customer"


@pytest.mark.parametrize("name", GOOD_VARIANTS)
def test_every_format_gives_the_same_turns_as_the_json(name, good_call, load_call):
    parsed = load_call(name)
    assert [(s.speaker, s.text) for s in parsed.segments] == [(s.speaker, s.text) for s in good_call.segments]
    assert parsed.language == "ja"


@pytest.mark.parametrize(
    "name", ["discovery_good.ja.vtt", "discovery_good.speaker-colon.ja.vtt", "discovery_good.ja.srt"]
)
def test_cue_formats_keep_cue_times(name, good_call, load_call):
    parsed = load_call(name)
    assert [(s.start, s.end) for s in parsed.segments] == [(s.start, s.end) for s in good_call.segments]


def test_format_is_sniffed_without_a_file_name(fixtures_dir):
    for name in ["discovery_good.ja.json", *GOOD_VARIANTS]:
        data = (fixtures_dir / name).read_bytes()
        assert len(parse_transcript(data).segments) == 33, name


def test_vtt_voice_tags_with_classes_several_voices_and_markup():
    vtt = (
        "WEBVTT\nKind: captions\nLanguage: en\n\n"
        "STYLE\n::cue { color: white }\n\n"
        "cue-1\n00:01.000 --> 00:04.000 align:start\n<v.loud Ann Lee>Hello <b>there</b> &amp; welcome</v>\n\n"
        "00:00:04.500 --> 00:00:06.000\n<v Bob>Hi.</v><v Ann Lee>Shall we start?</v>\n\n"
        "00:00:06.000 --> 00:00:07.000\n<00:00:06.100><c>continuing</c> without a speaker\n"
    )
    t = parse_transcript(vtt)
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("Ann Lee", "Hello there & welcome"),
        ("Bob", "Hi."),
        ("Ann Lee", "Shall we start?"),
        ("Ann Lee", "continuing without a speaker"),
    ]
    assert t.segments[0].start == 1.0 and t.language == "en"


def test_plain_text_continuation_lines_timestamps_and_clock_times():
    text = "[00:00:05] 山田: 本日はよろしくお願いします。\n会議は10:30までです。\n佐藤：はい、お願いします。\n"
    t = parse_transcript(text, filename="call.txt")
    assert [(s.speaker, s.text, s.start) for s in t.segments] == [
        ("山田", "本日はよろしくお願いします。会議は10:30までです。", 5.0),
        ("佐藤", "はい、お願いします。", None),
    ]


def test_plain_text_with_a_header_line_over_each_turn():
    """Otter's `Name  0:01` and Rev's `Name (00:01):` header layouts, wrapped text joined, a spoken time not a header."""
    otter = "話者1  0:01\n本日はありがとうございます。\n会議は\n10:30までです。\n\nTom Baker  1:02:03\nSure thing.\n"
    t = parse_transcript(otter, filename="call.txt")
    assert [(s.speaker, s.text, s.start) for s in t.segments] == [
        ("話者1", "本日はありがとうございます。会議は10:30までです。", 1.0),
        ("Tom Baker", "Sure thing.", 3723.0),
    ]
    rev = "Speaker 1 (00:05):\nHi, it's Ana from Acme.\n\nSpeaker 2 (00:09):\nHello.\n"
    t = parse_transcript(rev, filename="call.txt")
    assert [(s.speaker, s.text, s.start) for s in t.segments] == [
        ("Speaker 1", "Hi, it's Ana from Acme.", 5.0),
        ("Speaker 2", "Hello.", 9.0),
    ]


def test_an_otter_header_name_may_carry_a_tag_in_square_brackets():
    """Otter speaker labels are free text: 三宅 [営業]  0:00 (a role tag in square brackets, blind41's ss19) is a header
    whose name is the whole label, as with 工藤（経理）."""
    otter = "三宅 [営業]  0:00\n本日はありがとうございます。\n\n佐藤 [お客様]  0:08\nよろしく。\n\n【営業】松永  0:12\nはい。\n"
    t = parse_transcript(otter, filename="call.txt")
    assert [(s.speaker, s.text, s.start) for s in t.segments] == [
        ("三宅 [営業]", "本日はありがとうございます。", 0.0),
        ("佐藤 [お客様]", "よろしく。", 8.0),
        ("【営業】松永", "はい。", 12.0),
    ]


def test_a_speaker_name_may_end_with_its_company_in_brackets():
    """Meeting tools show 佐々木（オーダーメイクス） or Ana Ito (Acme): the rep's lines must not fold into the turn before."""
    text = "[00:01] 佐々木（オーダーメイクス）: 本日はありがとうございます。\n[00:10] 工藤（経理）: よろしく。\nAna Ito (Acme): Hi.\n"
    t = parse_transcript(text, filename="call.txt")
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("佐々木（オーダーメイクス）", "本日はありがとうございます。"),
        ("工藤（経理）", "よろしく。"),
        ("Ana Ito (Acme)", "Hi."),
    ]
    assert "（笑）" not in {s.speaker for s in parse_transcript("山田: どうも\n（笑）: はい").segments}


def test_prefixed_turns_win_over_a_line_that_looks_like_a_header():
    text = "山田: 次回は\n来週 10:30\n佐藤: はい、でも\n再来週 9:00\n山田: では。\n"
    t = parse_transcript(text, filename="call.txt")
    assert [(s.speaker, s.text) for s in t.segments] == [
        ("山田", "次回は来週 10:30"),
        ("佐藤", "はい、でも再来週 9:00"),
        ("山田", "では。"),
    ]


def test_content_beats_a_txt_extension_and_bracketed_times_are_not_json(fixtures_dir):
    vtt = (fixtures_dir / "discovery_good.ja.vtt").read_bytes()
    assert parse_transcript(vtt, filename="export.txt").segments[0].start == 0.0
    t = parse_transcript("[00:01] 山田: はい。\n[00:03] 佐藤: どうも。")
    assert [(s.speaker, s.start) for s in t.segments] == [("山田", 1.0), ("佐藤", 3.0)]


def test_language_argument_wins_then_json_then_detection():
    doc = json.dumps({"language": "en", "segments": [{"speaker": "A", "text": "こんにちは"}]})
    assert parse_transcript(doc).language == "en"
    assert parse_transcript(doc, language="ja").language == "ja"
    assert parse_transcript("A: hello there").language == "en"
    assert detect_language("予算") == "ja" and detect_language("budget") == "en"


def test_shift_jis_plain_text_is_decoded():
    t = parse_transcript("山田：こんにちは\n".encode("cp932"), filename="a.txt")
    assert t.segments[0].text == "こんにちは"


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "a.vtt", "empty"),
        ("   \n\n", "", "empty"),
        ("{not json", "a.json", "invalid JSON"),
        ('{"segments": "x"}', "a.json", "segments"),
        ('{"segments": [{"speaker": "A"}]}', "a.json", "segments[0].text"),
        ('{"segments": [{"speaker": "A", "text": "x", "role": "boss"}]}', "a.json", "role"),
        ('{"segments": [{"speaker": "A", "text": "x", "start": -1}]}', "a.json", "start"),
        ('{"segments": [{"speaker": "A", "text": "x", "start": 5, "end": 2}]}', "a.json", "before start"),
        ('{"segments": [{"speaker": "A", "text": "   "}]}', "a.json", "no spoken text"),
        ("[1, 2]", "a.json", "segments[0]"),
        ("00:00:01.000 --> 00:00:02.000\nA: hi", "a.vtt", "WEBVTT"),
        ("WEBVTT\n\n1\n00:00:01.000 -> 00:00:02.000\n<v A>hi</v>", "a.vtt", "cue 1"),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\n<v A>hi</v>", "a.vtt", "timing"),
        ("WEBVTT\n\nNOTE only a note\n", "a.vtt", "no cues"),
        ("1\n00:00:01,000 --> 00:00:02,000\nA: hi\n\n2\nno timing here\n", "a.srt", "cue 2"),
        ("just some words without any speaker", "a.txt", "Speaker: text"),
        (b"\xff\xfe\x00\xd8", "a.txt", "UTF"),
        (123, "", "bytes or str"),
    ],
)
def test_malformed_input_raises_transcript_error_with_a_clear_message(data, filename, message):
    with pytest.raises(TranscriptError, match=re.escape(message)):
        parse_transcript(data, filename=filename)


def test_deeply_nested_json_is_a_transcript_error_not_a_crash():
    with pytest.raises(TranscriptError):
        parse_transcript("[" * 100_000 + "]" * 100_000, filename="a.json")


def test_a_dialers_role_tags_name_the_speakers() -> None:
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\n[Customer] はい、山田商事です。\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\n[Agent] お世話になります、クラウドワークスの佐藤です。\n\n"
        "3\n00:00:06,500 --> 00:00:08,000\n【お客様】どういったご用件でしょう。\n"
    )
    call = parse_transcript(srt, filename="dialer.ja.srt")
    assert [s.speaker for s in call.segments] == ["[Customer]", "[Agent]", "【お客様】"]
    assert call.segments[1].text == "お世話になります、クラウドワークスの佐藤です。"
    # A time in brackets is a time, not a speaker.
    timed = parse_transcript("[00:01] 佐藤: こんにちは。\n[00:05] 田中: どうも。\n", filename="call.ja.txt")
    assert [s.speaker for s in timed.segments] == ["佐藤", "田中"]


def test_a_display_name_that_starts_with_a_role_tag_is_the_whole_name() -> None:
    vtt = (
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:03.000\n【営業】松永 健太: 株式会社ルートワンの松永です。\n\n"
        "2\n00:00:03.500 --> 00:00:05.000\n矢島 昭: はいはい、聞こえてます。\n\n"
        "3\n00:00:05.500 --> 00:00:07.000\n[Customer] Sure: go ahead.\n"
    )
    call = parse_transcript(vtt, filename="zoom.ja.vtt")
    assert [s.speaker for s in call.segments] == ["【営業】松永 健太", "矢島 昭", "[Customer]"]
    assert call.segments[0].text == "株式会社ルートワンの松永です。"
    assert call.segments[2].text == "Sure: go ahead."
