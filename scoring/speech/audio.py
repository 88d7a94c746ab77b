"""Call recordings on disk: tell the format from magic bytes, probe and convert with ffmpeg, measure loudness.

Everything streams through ffmpeg/ffprobe subprocesses, file to file, so a two-hour recording never sits in
this process's memory. Failures a rep can act on (empty, unsupported, corrupt, too long) raise `AudioError`
with a `reason` the job turns into a CRM note; a missing ffmpeg is a deployment fault (`AudioToolMissing`).
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# The formats the issue and docs/architecture.md §6 accept; the value is the file extension we give the sniffed kind.
FORMATS = ("wav", "flac", "mp3", "m4a", "ogg", "webm")
# Attachment extensions worth downloading as a possible recording; the bytes decide what it really is.
RECORDING_EXTENSIONS = (*FORMATS, "mp4", "wave", "oga", "opus", "mpga", "aac", "weba")
SNIFF_BYTES = 64
SPEECH_MIN_RATE, SPEECH_MAX_RATE = 8000, 16000
MAX_DURATION_S = 480 * 60  # Speech v1 long-running recognition limit
TOOL_TIMEOUT_S = 30 * 60

AUDIO_FAILURE_TEXT = {
    "empty": {
        "ja": "録音ファイルが空です（0 バイトまたは音声なし）。",
        "en": "The recording is empty (zero bytes or no audio).",
    },
    "unsupported": {
        "ja": "対応していない音声形式です（対応: WAV, FLAC, MP3, M4A, OGG, WebM）。",
        "en": "Unsupported audio format (supported: WAV, FLAC, MP3, M4A, OGG, WebM).",
    },
    "corrupt": {
        "ja": "録音ファイルが壊れているため読み取れませんでした。",
        "en": "The recording is corrupt and could not be decoded.",
    },
    "too_long": {"ja": "録音が長すぎます（上限 8 時間）。", "en": "The recording is too long (limit 8 hours)."},
}


class AudioError(ValueError):
    """Audio we cannot transcribe; `reason` is one of AUDIO_FAILURE_TEXT's keys, so the CRM note can say why."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail

    @property
    def slug(self) -> str:
        return f"audio.{self.reason}"


class AudioToolMissing(RuntimeError):
    """ffmpeg/ffprobe is not installed: a deployment fault, never a property of the recording."""


@dataclass(frozen=True)
class AudioInfo:
    """What ffprobe says about the first audio stream of a file."""

    format: str
    codec: str
    channels: int
    sample_rate: int
    duration_s: float
    size: int


def sniff_format(head: bytes) -> str | None:
    """The container named by the first bytes (wav/flac/mp3/m4a/ogg/webm), or None: never trust a claimed type."""
    if len(head) >= 12 and head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"fLaC"):
        return "flac"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "m4a"
    if head.startswith(b"ID3"):
        return "flac" if _after_id3(head).startswith(b"fLaC") else "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and (head[1] >> 1) & 0x3 != 0:
        return "mp3"
    return None


def _id3_end(head: bytes) -> int:
    """Offset just past an ID3v2 tag (its size is a 28-bit syncsafe integer in bytes 6-9)."""
    return 10 + ((head[6] & 0x7F) << 21 | (head[7] & 0x7F) << 14 | (head[8] & 0x7F) << 7 | (head[9] & 0x7F))


def _after_id3(head: bytes) -> bytes:
    return head[_id3_end(head) :] if len(head) >= 10 else b""


def detect_format(path: Path) -> str:
    """Sniff a file on disk; AudioError("empty" | "unsupported") when it is not audio we accept."""
    size = path.stat().st_size
    if size == 0:
        raise AudioError("empty", "the file has zero bytes")
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if head.startswith(b"ID3") and len(head) >= 10:
        with path.open("rb") as f:
            f.seek(_id3_end(head))
            if f.read(4) == b"fLaC":
                return "flac"
    kind = sniff_format(head)
    if kind is None:
        raise AudioError("unsupported", f"unrecognized leading bytes {head[:8].hex()}")
    return kind


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AudioToolMissing(f"{name} is not installed (Debian package ffmpeg; .ci/run installs it)")
    return found


def _run(args: list[str], *, timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise AudioError("corrupt", f"{Path(args[0]).name} did not finish within {timeout_s:.0f}s") from None


def probe(path: Path, *, timeout_s: float = 120.0) -> AudioInfo:
    """Duration, channels and rate of the first audio stream; AudioError when there is none or it is unreadable."""
    kind = detect_format(path)
    out = _run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-show_entries",
            "stream=codec_name,channels,sample_rate,duration:format=duration",
            "-of",
            "json",
            str(path),
        ],
        timeout_s=timeout_s,
    )
    if out.returncode != 0:
        raise AudioError("corrupt", _stderr_tail(out.stderr))
    doc = json.loads(out.stdout or b"{}")
    streams = doc.get("streams") or []
    if not streams:
        raise AudioError("empty", "no audio stream in the file")
    stream = streams[0]
    duration = _float(stream.get("duration")) or _float((doc.get("format") or {}).get("duration"))
    if duration is None:
        duration = _decoded_duration(path, timeout_s=timeout_s)
    return AudioInfo(
        format=kind,
        codec=str(stream.get("codec_name") or ""),
        channels=int(stream.get("channels") or 0),
        sample_rate=int(stream.get("sample_rate") or 0),
        duration_s=duration,
        size=path.stat().st_size,
    )


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _decoded_duration(path: Path, *, timeout_s: float) -> float:
    """Streams without a duration header (some WebM/Ogg): decode to null and read the last timestamp."""
    out = _run(
        [
            _tool("ffprobe"),
            "-v",
            "error",
            "-select_streams",
            "a:0",
            "-count_packets",
            "-show_entries",
            "packet=pts_time,duration_time",
            "-of",
            "csv=p=0",
            str(path),
        ],
        timeout_s=timeout_s,
    )
    if out.returncode != 0:
        raise AudioError("corrupt", _stderr_tail(out.stderr))
    end = 0.0
    for line in out.stdout.decode("ascii", "replace").splitlines():
        parts = [_float(p) for p in line.split(",")[:2]]
        if parts and parts[0] is not None:
            end = max(end, parts[0] + (parts[1] or 0.0) if len(parts) > 1 else parts[0])
    return end


def _stderr_tail(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(text[-3:])[:300] or "ffmpeg failed without a message"


def require_duration(info: AudioInfo, max_duration_s: float = MAX_DURATION_S) -> AudioInfo:
    """Refuse zero-length and over-long audio before spending minutes decoding it."""
    if info.duration_s <= 0:
        raise AudioError("empty", "the recording has no samples")
    if info.duration_s > max_duration_s:
        raise AudioError("too_long", f"{info.duration_s:.0f}s is over {max_duration_s:.0f}s")
    return info


def speech_rate(source_rate: int) -> int:
    """Speech wants 16 kHz; never upsample a narrowband dialer recording (8 kHz stays 8 kHz, as Google advises)."""
    return max(SPEECH_MIN_RATE, min(SPEECH_MAX_RATE, source_rate or SPEECH_MAX_RATE))


def convert(
    src: Path,
    dest: Path,
    *,
    channels: int = 1,
    sample_rate: int | None = None,
    codec: Literal["flac", "linear16"] = "flac",
    timeout_s: float = TOOL_TIMEOUT_S,
    max_duration_s: float = MAX_DURATION_S,
) -> AudioInfo:
    """Re-encode to 16-bit FLAC (or LINEAR16 WAV) at the Speech rate with `channels` channels, file to file."""
    info = require_duration(probe(src), max_duration_s)
    rate = sample_rate or speech_rate(info.sample_rate)
    encoder = ["-c:a", "flac", "-f", "flac"] if codec == "flac" else ["-c:a", "pcm_s16le", "-f", "wav"]
    out = _run(
        [
            _tool("ffmpeg"),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(src),
            "-map",
            "0:a:0",
            "-vn",
            "-ac",
            str(channels),
            "-ar",
            str(rate),
            "-sample_fmt",
            "s16",
            *encoder,
            str(dest),
        ],
        timeout_s=timeout_s,
    )
    if out.returncode != 0 or not dest.exists() or dest.stat().st_size == 0:
        dest.unlink(missing_ok=True)
        raise AudioError("corrupt", _stderr_tail(out.stderr))
    converted = probe(dest)
    if converted.duration_s <= 0:
        dest.unlink(missing_ok=True)
        raise AudioError("empty", "no samples could be decoded")
    return converted


def split_channels(src: Path, dest_dir: Path, *, timeout_s: float = TOOL_TIMEOUT_S) -> tuple[Path, Path]:
    """Left and right channel of a stereo recording as two mono FLAC files (one speaker each on dialer recordings)."""
    info = probe(src)
    if info.channels != 2:
        raise AudioError("unsupported", f"expected 2 channels, found {info.channels}")
    left, right = dest_dir / f"{src.stem}.left.flac", dest_dir / f"{src.stem}.right.flac"
    out = _run(
        [
            _tool("ffmpeg"),
            "-nostdin",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(src),
            "-filter_complex",
            "[0:a:0]channelsplit=channel_layout=stereo[l][r]",
            "-map",
            "[l]",
            "-c:a",
            "flac",
            str(left),
            "-map",
            "[r]",
            "-c:a",
            "flac",
            str(right),
        ],
        timeout_s=timeout_s,
    )
    if out.returncode != 0:
        left.unlink(missing_ok=True)
        right.unlink(missing_ok=True)
        raise AudioError("corrupt", _stderr_tail(out.stderr))
    return left, right


@dataclass(frozen=True)
class Loudness:
    """RMS level per fixed window and channel (dBFS), small enough for a whole call: 2 h at 0.25 s is 29k floats."""

    window_s: float
    channels: tuple[array, ...]

    def level(self, start: float, end: float, channel: int | None = None) -> float | None:
        """Mean power over [start, end) in dBFS on one channel (1-based) or all; None outside the recording."""
        rows = self.channels if channel is None else self.channels[channel - 1 : channel]
        first, last = int(start / self.window_s), max(int(start / self.window_s) + 1, math.ceil(end / self.window_s))
        power = [10 ** (v / 10) for row in rows for v in row[first:last]]
        if not power:
            return None
        mean = sum(power) / len(power)
        return 10 * math.log10(mean) if mean > 0 else -120.0


def loudness(path: Path, *, window_s: float = 0.25, timeout_s: float = TOOL_TIMEOUT_S) -> Loudness:
    """Windowed RMS levels from ffmpeg's astats, read line by line from a pipe (bounded memory)."""
    info = probe(path)
    samples = max(1, int(round(info.sample_rate * window_s)))
    chain = (
        f"asetnsamples=n={samples}:p=0,astats=metadata=1:reset=1:measure_perchannel=RMS_level"
        ":measure_overall=none,ametadata=mode=print:file=-"
    )
    rows = tuple(array("f") for _ in range(max(1, info.channels)))
    args = [
        _tool("ffmpeg"),
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-i",
        str(path),
        "-map",
        "0:a:0",
        "-af",
        chain,
        "-f",
        "null",
        "-",
    ]
    with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            if not raw.startswith(b"lavfi.astats."):
                continue
            name, _, value = raw.decode("ascii", "replace").strip().partition("=")
            index = name.split(".")[2]
            if index.isdigit() and int(index) <= len(rows):
                level = _float(value)
                rows[int(index) - 1].append(max(-120.0, level) if level is not None else -120.0)
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AudioError("corrupt", "ffmpeg loudness scan timed out") from None
    if proc.returncode != 0:
        raise AudioError("corrupt", "ffmpeg could not decode the recording for a loudness scan")
    return Loudness(window_s=samples / info.sample_rate, channels=rows)


def channels_differ(levels: Loudness, *, min_gap_db: float = 6.0) -> bool:
    """True when the two channels carry different talkers (one louder than the other most of the time).

    Dual-mono recordings (the same mix on both sides) make per-channel recognition bill twice for one text,
    so those are downmixed and diarized instead.
    """
    if len(levels.channels) != 2:
        return False
    left, right = levels.channels
    loud = [(a, b) for a, b in zip(left, right, strict=False) if max(a, b) > -45.0]
    if not loud:
        return False
    apart = sum(1 for a, b in loud if abs(a - b) >= min_gap_db)
    return apart / len(loud) >= 0.5
