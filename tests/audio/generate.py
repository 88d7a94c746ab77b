"""Real audio for the tests, made on the spot with espeak-ng (Japanese TTS) and sox: no fixtures, no downloads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

TOOLS = ("espeak-ng", "sox", "ffmpeg", "ffprobe")
MISSING = [t for t in TOOLS if shutil.which(t) is None]
# CI installs them (.ci/run: apt-get install ffmpeg espeak-ng sox); a developer machine without them skips.
needs_audio_tools = pytest.mark.skipif(bool(MISSING), reason=f"Debian packages ffmpeg espeak-ng sox needed; missing {MISSING}")

GREETING = "もしもし、株式会社サンプルの山田です。本日はお時間をいただきありがとうございます。"
ANSWER = "はい、よろしくお願いします。予算は来月決まる予定です。"


def run(*args: str) -> None:
    subprocess.run(list(args), check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def speech(path: Path, text: str = GREETING, *, voice: str = "ja", rate: int | None = None) -> Path:
    """Japanese TTS to a mono WAV (espeak-ng writes 22.05 kHz); resampled with sox when `rate` is given."""
    if rate is None:
        run("espeak-ng", "-v", voice, "-w", str(path), text)
        return path
    raw = path.with_suffix(".tts.wav")
    run("espeak-ng", "-v", voice, "-w", str(raw), text)
    run("sox", str(raw), "-r", str(rate), str(path))
    raw.unlink()
    return path


def silence(path: Path, seconds: float, *, rate: int = 16000, channels: int = 1) -> Path:
    """Near-silence: very quiet white noise, as a line with no one talking."""
    run("sox", "-n", "-r", str(rate), "-c", str(channels), str(path), "synth", str(seconds), "whitenoise", "vol", "0.0005")
    return path


def concat(path: Path, *parts: Path) -> Path:
    run("sox", *map(str, parts), str(path))
    return path


def stereo(path: Path, left: Path, right: Path) -> Path:
    """One talker per channel, as dialers record calls (sox -M pads the shorter side with silence)."""
    run("sox", "-M", str(left), str(right), str(path))
    return path


def encode(src: Path, dest: Path) -> Path:
    """Re-encode with ffmpeg; the container follows dest's extension (flac, mp3, m4a, ogg, webm)."""
    run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", str(src), str(dest))
    return dest


def a_call(directory: Path, *, rate: int = 16000) -> Path:
    """Two turns with a pause between them, then three seconds of line noise."""
    greeting = speech(directory / "greeting.wav", GREETING, rate=rate)
    answer = speech(directory / "answer.wav", ANSWER, rate=rate)
    gap = silence(directory / "gap.wav", 0.8, rate=rate)
    tail = silence(directory / "tail.wav", 3.0, rate=rate)
    return concat(directory / "call.wav", greeting, gap, answer, tail)
