"""Recordings to speaker-attributed transcripts with Google Cloud Speech v1 (google-cloud-speech).

Short audio (≤ 1 minute and ≤ 10 MB) goes inline to synchronous `recognize`; longer audio is uploaded to a
Cloud Storage object through the `AudioStore` seam, recognized with `long_running_recognize` from its gs://
URI, polled with backoff under a deadline, and the object is always deleted. Two talkers are separated by
diarization, or, for stereo dialer recordings with one talker per channel, by per-channel recognition. Word
offsets become segments and turns (`speech_results`), silence hallucinations are dropped (`asr_hygiene`), and
the billed seconds Google reports come back so cost is visible per call.

`transcribe_recording` is the one entry point for jobs and the CLI: any accepted recording in, `SpeechResult` out.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from google.cloud import speech_v1

from scoring.speech.audio import (
    Loudness,
    channels_differ,
    convert,
    detect_format,
    loudness,
    probe,
    require_duration,
)
from scoring.speech.errors import (
    SpeechError,
    SpeechFatalError,
    SpeechNotConfigured,
    SpeechTimeout,
    classify,
)
from scoring.speech.hygiene import clean_segments
from scoring.speech.results import segments_from_results, speaker_label
from scoring.speech.storage import (
    STORAGE_ENDPOINT,
    STORAGE_SCOPE,
    AudioStore,
    GcsJsonStore,
)
from scoring.transcript import Segment, Transcript

log = logging.getLogger("dealcoach.scoring.speech")

SYNC_MAX_SECONDS = 60.0
SYNC_MAX_BYTES = 10 * 1024 * 1024
MAX_PHRASES, MAX_PHRASE_CHARS = 500, 100
DEFAULT_DEADLINE_S = 3 * 3600.0
LANGUAGE_CODES = {"ja": "ja-JP", "en": "en-US"}

ChannelMode = Literal["auto", "diarize", "per_channel"]


@dataclass(frozen=True)
class PollPolicy:
    """Backoff between polls of a long-running recognition."""

    initial_s: float = 2.0
    multiplier: float = 1.5
    max_s: float = 30.0


@dataclass(frozen=True)
class SpeechResult:
    """A recognized call: the normalized transcript and what Google billed for it."""

    transcript: Transcript
    billed_seconds: float
    duration_s: float = 0.0
    mode: Literal["sync", "long_running"] = "sync"
    per_channel: bool = False
    dropped_segments: int = 0


@dataclass(frozen=True)
class SpeechSettings:
    """Per-tenant recognition choices: language, talkers, phrase hints; `channels` picks diarization or per-channel."""

    language: str = "ja-JP"
    speakers: int = 2
    channels: ChannelMode = "auto"
    phrase_hints: tuple[str, ...] = ()
    model: str | None = None
    deadline_s: float = DEFAULT_DEADLINE_S
    poll: PollPolicy = field(default_factory=PollPolicy)
    long_audio_store: AudioStore | None = None

    @classmethod
    def for_tenant(cls, language: str, *, phrase_hints: Sequence[str] = (), **overrides: Any) -> SpeechSettings:
        """From a tenant's `ja`/`en` setting (or a full BCP-47 code) and its product and competitor names."""
        code = LANGUAGE_CODES.get(language, language)
        return cls(language=code, phrase_hints=tuple(phrase_hints), **overrides)


def recognition_config(
    *,
    encoding: speech_v1.RecognitionConfig.AudioEncoding,
    sample_rate: int,
    channels: int,
    language: str,
    speakers: int,
    per_channel: bool,
    phrase_hints: Sequence[str],
    model: str | None,
) -> speech_v1.RecognitionConfig:
    """Word offsets and punctuation always; diarization for a mixed channel, per-channel recognition for split talkers."""
    config = speech_v1.RecognitionConfig(
        encoding=encoding,
        sample_rate_hertz=sample_rate,
        audio_channel_count=channels,
        language_code=language,
        enable_word_time_offsets=True,
        enable_automatic_punctuation=True,
    )
    if per_channel and channels > 1:
        config.enable_separate_recognition_per_channel = True
    elif speakers >= 2:
        config.diarization_config = speech_v1.SpeakerDiarizationConfig(
            enable_speaker_diarization=True, min_speaker_count=speakers, max_speaker_count=speakers
        )
    phrases = [p.strip()[:MAX_PHRASE_CHARS] for p in phrase_hints if p and p.strip()][:MAX_PHRASES]
    if phrases:
        config.speech_contexts = [speech_v1.SpeechContext(phrases=phrases)]
    if model:
        config.model = model
    return config


def transcribe(
    path: Path,
    *,
    client: Any,
    language: str = "ja-JP",
    speakers: int = 2,
    stereo_channels: bool = False,
    phrase_hints: Sequence[str] = (),
    long_audio_store: AudioStore | None = None,
    deadline_s: float = DEFAULT_DEADLINE_S,
    model: str | None = None,
    poll: PollPolicy = PollPolicy(),
    levels: Loudness | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SpeechResult:
    """Recognize a FLAC or LINEAR16 WAV file prepared by `scoring.speech.audio.convert`; raise SpeechError or AudioError."""
    deadline = time.monotonic() + deadline_s
    info = probe(path)
    encodings: dict[str, Any] = {
        "flac": speech_v1.RecognitionConfig.AudioEncoding.FLAC,
        "pcm_s16le": speech_v1.RecognitionConfig.AudioEncoding.LINEAR16,
    }
    if info.codec not in encodings:
        raise SpeechFatalError(f"transcribe wants FLAC or 16-bit WAV, got {info.codec}; convert it first")
    per_channel = stereo_channels and info.channels > 1
    config = recognition_config(
        encoding=encodings[info.codec],
        sample_rate=info.sample_rate,
        channels=info.channels,
        language=language,
        speakers=speakers,
        per_channel=per_channel,
        phrase_hints=phrase_hints,
        model=model,
    )
    short = info.duration_s <= SYNC_MAX_SECONDS and info.size <= SYNC_MAX_BYTES
    started = time.monotonic()
    if short:
        response = _call(
            lambda: client.recognize(
                config=config,
                audio=speech_v1.RecognitionAudio(content=path.read_bytes()),
                retry=None,
                timeout=_left(deadline),
            ),
            "recognize",
        )
    else:
        if long_audio_store is None:
            raise SpeechNotConfigured("audio over 1 minute needs a Cloud Storage bucket (DEALCOACH_SPEECH_BUCKET)")
        response = _long_running(
            path, client=client, config=config, store=long_audio_store, deadline=deadline, poll=poll, sleep=sleep
        )
    short_language = "ja" if language.lower().startswith("ja") else "en"
    segments = segments_from_results(list(response.results), short_language, per_channel=per_channel)
    level = _level_fn(levels, short_language, per_channel)
    turns, dropped = clean_segments(segments, language=short_language, level=level)
    billed = _billed(response, info.duration_s, info.channels if per_channel else 1)
    log.info(
        "speech.recognized mode=%s seconds=%.1f billed_s=%.1f segments=%d dropped=%d elapsed_s=%.1f",
        "sync" if short else "long_running",
        info.duration_s,
        billed,
        len(turns),
        dropped,
        time.monotonic() - started,
    )
    return SpeechResult(
        transcript=Transcript(segments=tuple(turns), language=short_language),
        billed_seconds=billed,
        duration_s=info.duration_s,
        mode="sync" if short else "long_running",
        per_channel=per_channel,
        dropped_segments=dropped,
    )


def _left(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise SpeechTimeout("transcription passed its deadline")
    return remaining


def _call(fn: Callable[[], Any], what: str) -> Any:
    try:
        return fn()
    except SpeechError:
        raise
    except Exception as exc:
        error = classify(exc, what)
        if error is None:
            raise
        raise error from exc


def _long_running(
    path: Path,
    *,
    client: Any,
    config: speech_v1.RecognitionConfig,
    store: AudioStore,
    deadline: float,
    poll: PollPolicy,
    sleep: Callable[[float], None],
) -> Any:
    """Upload, start the operation, poll until done or the deadline; the object is deleted whatever happens."""
    uri = _call(lambda: store.upload(path), "storage upload")
    try:
        operation = _call(
            lambda: client.long_running_recognize(
                config=config,
                audio=speech_v1.RecognitionAudio(uri=uri),
                retry=None,
                timeout=min(120.0, _left(deadline)),
            ),
            "long_running_recognize",
        )
        delay = poll.initial_s
        while not _poll_once(operation):
            if time.monotonic() + delay > deadline:
                raise SpeechTimeout(f"operation {operation.operation.name} still running at the deadline")
            sleep(delay)
            delay = min(delay * poll.multiplier, poll.max_s)
        return _call(lambda: operation.result(timeout=_left(deadline)), "long_running_recognize result")
    finally:
        try:
            store.delete(uri)
        except Exception as exc:
            log.error("speech.store.delete_failed slug=%s", getattr(exc, "slug", type(exc).__name__))


def _poll_once(operation: Any) -> bool:
    """One refresh; a transient error while polling is not the operation failing, so polling goes on."""
    try:
        return bool(operation.done())
    except Exception as exc:
        error = classify(exc, "operations.get")
        if error is None:
            raise
        if not error.retryable:
            raise error from exc
        log.warning("speech.poll.transient slug=%s status=%s", error.slug, error.status)
        return False


def _billed(response: Any, duration_s: float, channels: int) -> float:
    """Google's total_billed_time when reported, else the audio length times the channels recognized."""
    billed = getattr(response, "total_billed_time", None)
    if billed:
        seconds = billed.total_seconds() if hasattr(billed, "total_seconds") else float(getattr(billed, "seconds", 0))
        if seconds > 0:
            return seconds
    return round(duration_s * channels, 1)


def _level_fn(levels: Loudness | None, language: str, per_channel: bool) -> Callable[[Segment], float | None] | None:
    if levels is None:
        return None
    channel_of = {speaker_label(c, language): c for c in range(1, len(levels.channels) + 1)} if per_channel else {}

    def level(segment: Segment) -> float | None:
        if segment.start is None or segment.end is None:
            return None
        return levels.level(segment.start, segment.end, channel_of.get(segment.speaker))

    return level


def transcribe_recording(
    path: Path, *, client: Any, settings: SpeechSettings = SpeechSettings(), workdir: Path | None = None
) -> SpeechResult:
    """Any accepted recording (wav/flac/mp3/m4a/ogg/webm) to a transcript: sniff, measure, convert, recognize, clean.

    Stereo with a different talker on each side is recognized per channel (when `settings.channels` allows);
    dual-mono stereo and mono are downmixed and diarized. Raises AudioError for empty, unsupported, corrupt or
    too-long audio (write a note, do not retry) and SpeechError (retry when `.retryable`).
    """
    detect_format(path)
    info = require_duration(probe(path))
    levels = loudness(path)
    per_channel = info.channels == 2 and (
        settings.channels == "per_channel" or (settings.channels == "auto" and channels_differ(levels))
    )
    with tempfile.TemporaryDirectory(prefix="dealcoach-audio-", dir=workdir) as tmp:
        prepared = Path(tmp) / "call.flac"
        convert(path, prepared, channels=2 if per_channel else 1)
        return transcribe(
            prepared,
            client=client,
            language=settings.language,
            speakers=settings.speakers,
            stereo_channels=per_channel,
            phrase_hints=settings.phrase_hints,
            long_audio_store=settings.long_audio_store,
            deadline_s=settings.deadline_s,
            model=settings.model,
            poll=settings.poll,
            levels=levels,
        )


def speech_client_from_env(env: Mapping[str, str]) -> Any | None:
    """A SpeechClient: REST to DEALCOACH_SPEECH_ENDPOINT with anonymous credentials (local fake), or Google's
    default credentials when GOOGLE_APPLICATION_CREDENTIALS is set; None when neither is configured."""
    endpoint = env.get("DEALCOACH_SPEECH_ENDPOINT")
    if endpoint:
        from google.auth.credentials import AnonymousCredentials

        return speech_v1.SpeechClient(
            transport="rest", credentials=AnonymousCredentials(), client_options={"api_endpoint": endpoint}
        )
    if env.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return speech_v1.SpeechClient()
    return None


def audio_store_from_env(env: Mapping[str, str]) -> AudioStore | None:
    """The Cloud Storage bucket for long audio (DEALCOACH_SPEECH_BUCKET), on DEALCOACH_STORAGE_ENDPOINT or, with a
    local DEALCOACH_SPEECH_ENDPOINT, on that same fake; None when no bucket is configured."""
    bucket = env.get("DEALCOACH_SPEECH_BUCKET")
    if not bucket:
        return None
    local = env.get("DEALCOACH_STORAGE_ENDPOINT") or env.get("DEALCOACH_SPEECH_ENDPOINT")
    if local:
        import requests

        return GcsJsonStore(bucket, session=requests.Session(), endpoint=local)
    import google.auth
    from google.auth.transport.requests import AuthorizedSession

    credentials, _ = google.auth.default(scopes=[STORAGE_SCOPE])
    return GcsJsonStore(bucket, session=AuthorizedSession(credentials), endpoint=STORAGE_ENDPOINT)
