"""Format detection, conversion, stereo split and loudness on real audio generated with espeak-ng, sox and ffmpeg."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from scoring.speech.audio import (
    AUDIO_FAILURE_TEXT,
    AudioError,
    channels_differ,
    convert,
    detect_format,
    loudness,
    probe,
    sniff_format,
    speech_rate,
    split_channels,
)
from tests.audio.generate import (
    a_call,
    encode,
    needs_audio_tools,
    silence,
    speech,
    stereo,
)

pytestmark = needs_audio_tools


@pytest.fixture(scope="module")
def tts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return speech(tmp_path_factory.mktemp("tts") / "greeting.wav")


@pytest.mark.parametrize("ext", ["flac", "mp3", "m4a", "ogg", "webm"])
def test_every_accepted_container_is_detected_by_its_bytes_not_its_name(ext: str, tts: Path, tmp_path: Path) -> None:
    encoded = encode(tts, tmp_path / f"call.{ext}")
    misnamed = encoded.rename(tmp_path / "call.wav" if ext != "wav" else tmp_path / "call.mp3")
    assert detect_format(misnamed) == ext
    assert detect_format(tts) == "wav"


def test_flac_behind_an_id3_tag_is_flac(tts: Path, tmp_path: Path) -> None:
    flac = encode(tts, tmp_path / "call.flac").read_bytes()
    tag = b"ID3\x04\x00\x00" + bytes([0, 0, 1, 0]) + b"\x00" * 128  # syncsafe size 128
    tagged = tmp_path / "tagged.bin"
    tagged.write_bytes(tag + flac)
    assert detect_format(tagged) == "flac"
    assert sniff_format(b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb") == "mp3"


@pytest.mark.parametrize("head", [b"", b"<html>", b"%PDF-1.7\n", b"PK\x03\x04", b"\xff\xf1\x50\x80"])
def test_non_audio_bytes_are_not_sniffed_as_audio(head: bytes) -> None:
    assert sniff_format(head) is None


def test_empty_unsupported_and_corrupt_files_raise_audio_errors_with_reasons(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all, just a transcript someone renamed")
    corrupt = tmp_path / "corrupt.wav"
    corrupt.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + os.urandom(4000))
    for path, reason in ((empty, "empty"), (text, "unsupported"), (corrupt, "corrupt")):
        with pytest.raises(AudioError) as err:
            convert(path, tmp_path / "out.flac")
        assert err.value.reason == reason and err.value.slug == f"audio.{reason}"
        assert set(AUDIO_FAILURE_TEXT[reason]) == {"ja", "en"}
    assert not (tmp_path / "out.flac").exists()


def test_a_wav_with_a_header_and_no_samples_is_empty(tmp_path: Path) -> None:
    header = b"RIFF" + struct.pack("<I", 36) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16) \
        + b"data" + struct.pack("<I", 0)
    path = tmp_path / "zero.wav"
    path.write_bytes(header)
    with pytest.raises(AudioError) as err:
        convert(path, tmp_path / "out.flac")
    assert err.value.reason == "empty"


@pytest.mark.parametrize("ext", ["wav", "mp3", "m4a", "ogg", "webm"])
def test_conversion_gives_16k_mono_flac_of_the_same_length(ext: str, tts: Path, tmp_path: Path) -> None:
    source = tts if ext == "wav" else encode(tts, tmp_path / f"call.{ext}")
    original = probe(source)
    out = convert(source, tmp_path / "call.flac")
    assert (out.format, out.codec, out.channels, out.sample_rate) == ("flac", "flac", 1, 16000)
    assert out.duration_s == pytest.approx(original.duration_s, abs=0.15)


def test_linear16_and_narrowband_keep_their_rate(tmp_path: Path) -> None:
    narrow = speech(tmp_path / "dialer.wav", rate=8000)
    out = convert(narrow, tmp_path / "call.wav", codec="linear16")
    assert (out.codec, out.sample_rate) == ("pcm_s16le", 8000)
    assert speech_rate(44100) == 16000 and speech_rate(8000) == 8000 and speech_rate(6000) == 8000


def test_too_long_recordings_are_refused_before_converting(tts: Path, tmp_path: Path) -> None:
    with pytest.raises(AudioError) as err:
        convert(tts, tmp_path / "out.flac", max_duration_s=2.0)
    assert err.value.reason == "too_long"


def test_stereo_is_kept_for_per_channel_recognition_and_splits_into_two_talkers(tmp_path: Path) -> None:
    rep = speech(tmp_path / "rep.wav", rate=16000)
    customer = silence(tmp_path / "quiet.wav", 2.0)
    call = stereo(tmp_path / "call.wav", rep, customer)
    kept = convert(call, tmp_path / "stereo.flac", channels=2)
    assert (kept.channels, kept.sample_rate) == (2, 16000)
    left, right = split_channels(tmp_path / "stereo.flac", tmp_path)
    assert (probe(left).channels, probe(right).channels) == (1, 1)
    assert probe(left).duration_s == pytest.approx(kept.duration_s, abs=0.05)
    levels_left, levels_right = loudness(left), loudness(right)
    assert levels_left.level(0.5, 3.0) > -35 > -55 > levels_right.level(0.5, 1.5)


def test_split_refuses_mono(tts: Path, tmp_path: Path) -> None:
    with pytest.raises(AudioError):
        split_channels(tts, tmp_path)


def test_channels_differ_tells_one_talker_per_side_from_dual_mono(tmp_path: Path) -> None:
    rep = speech(tmp_path / "rep.wav", rate=16000)
    quiet = silence(tmp_path / "quiet.wav", 4.0)
    split = stereo(tmp_path / "split.wav", rep, quiet)
    dual = stereo(tmp_path / "dual.wav", rep, rep)
    assert channels_differ(loudness(split)) is True
    assert channels_differ(loudness(dual)) is False
    assert channels_differ(loudness(rep)) is False


def test_loudness_separates_speech_from_the_silent_tail(tmp_path: Path) -> None:
    call = a_call(tmp_path)
    info = probe(call)
    levels = loudness(call, window_s=0.25)
    assert len(levels.channels) == 1 and len(levels.channels[0]) == pytest.approx(info.duration_s / 0.25, abs=2)
    assert levels.level(0.5, 2.5) > -35
    assert levels.level(info.duration_s - 2.5, info.duration_s - 0.5) < -55
    assert levels.level(info.duration_s + 10, info.duration_s + 20) is None
