"""A call with a recording and no transcript: fetch the audio safely, transcribe it with Google Speech.

Everything happens in a temporary directory that is always removed; the audio is streamed, never held in
memory. Audio that cannot be transcribed (empty, unsupported, corrupt, too long) is an outcome with a reason
for the CRM note, not an error to retry.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import redis
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

from connector.base import Crm, RetryableCrmError
from connector.download import DownloadPolicy, download
from connector.models import Attachment, CallRef, TenantSettings
from scoring.speech.audio import AUDIO_FAILURE_TEXT, RECORDING_EXTENSIONS, AudioError
from scoring.speech.recognize import SpeechSettings, transcribe_recording
from scoring.speech.storage import AudioStore
from scoring.transcript import Transcript, parse_transcript

log = logging.getLogger("dealcoach.sync.recording")

MAX_RECORDING_BYTES = 500 * 1024 * 1024
CACHE_TTL_S = 30 * 24 * 3600
# The transcription lock lives a few minutes and is renewed while the job runs: a worker that crashes mid-call
# frees it within LOCK_TTL_S, well inside the retry schedule, so the call is never left untranscribed.
LOCK_TTL_S = 300
LOCK_RENEW_S = 60


@dataclass(frozen=True)
class RecordingOutcome:
    """A transcript with what it cost, or why there is none (`reason` slug and the note text for the rep)."""

    transcript: Transcript | None = None
    speech: dict[str, Any] | None = None
    reason: str | None = None
    note: str | None = None


def recording_attachment(call: CallRef) -> Attachment | None:
    found = [a for a in call.attachments if a.extension in RECORDING_EXTENSIONS]
    return found[-1] if found else None


def _source(call: CallRef) -> str | None:
    attachment = recording_attachment(call)
    return (
        f"file-{attachment.id}"
        if attachment
        else ("url-" + hashlib.sha256(call.recording_url.encode()).hexdigest()[:24] if call.recording_url else None)
    )


def transcribe_call(
    conn: redis.Redis,
    crm: Crm,
    call: CallRef,
    *,
    tenant: str,
    settings: TenantSettings,
    downloads: DownloadPolicy,
    speech_client: Any | None,
    audio_store: AudioStore | None = None,
) -> RecordingOutcome:
    """The recording's transcript, transcribed once: re-deliveries and duplicate events reuse the cached result.

    A second job arriving while the first transcribes is retried later instead of paying for the audio twice.
    """
    source = _source(call)
    if source is None:
        return RecordingOutcome(reason="no_transcript")
    cache_key = f"dealcoach:asr:{tenant}:{source}"
    cached = cast(bytes | None, conn.get(cache_key))
    if cached:
        return _from_cache(json.loads(cached))
    # thread_local=False: the heartbeat thread must see this job's lock token to renew it.
    lock = conn.lock(f"{cache_key}:lock", timeout=LOCK_TTL_S, blocking_timeout=0, thread_local=False)
    if not lock.acquire():
        raise RetryableCrmError("recording is being transcribed by another job", retry_after=60)
    try:
        with renewed(lock, every_s=LOCK_RENEW_S):
            outcome = _transcribe(
                crm, call, settings=settings, downloads=downloads, client=speech_client, audio_store=audio_store
            )
        if outcome.transcript is not None:
            conn.set(cache_key, json.dumps(_to_cache(outcome), ensure_ascii=False), ex=CACHE_TTL_S)
        return outcome
    finally:
        try:
            lock.release()
        except LockError:
            log.warning("sync.recording.lock_expired call=%s", call.id)


@contextmanager
def renewed(lock: Lock, *, every_s: float) -> Iterator[None]:
    """Keep `lock` alive while the block runs (a heartbeat thread resets its TTL); it expires soon after a crash.
    The lock must be made with `thread_local=False`, or the heartbeat thread cannot see its token."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every_s):
            try:
                lock.reacquire()
            except (LockError, RedisError) as exc:
                log.warning("sync.recording.lock_lost error=%s", type(exc).__name__)
                return

    thread = threading.Thread(target=beat, name="recording-lock", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _to_cache(outcome: RecordingOutcome) -> dict[str, Any]:
    assert outcome.transcript is not None
    return {
        "speech": outcome.speech,
        "transcript": {
            "language": outcome.transcript.language,
            "segments": [
                {"speaker": s.speaker, "role": s.role, "start": s.start, "end": s.end, "text": s.text}
                for s in outcome.transcript.segments
            ],
        },
    }


def _from_cache(data: dict[str, Any]) -> RecordingOutcome:
    transcript = parse_transcript(json.dumps(data["transcript"], ensure_ascii=False), filename="cached.json")
    return RecordingOutcome(transcript=transcript, speech={**data["speech"], "cached": True})


def _transcribe(
    crm: Crm,
    call: CallRef,
    *,
    settings: TenantSettings,
    downloads: DownloadPolicy,
    client: Any | None,
    audio_store: AudioStore | None,
) -> RecordingOutcome:
    """Fetch the call's recording (attachment first, else its recording URL) and transcribe it."""
    if client is None:
        return RecordingOutcome(reason="speech_not_configured")
    attachment = recording_attachment(call)
    with tempfile.TemporaryDirectory(prefix="dealcoach-rec-") as tmp:
        dest = Path(tmp) / "recording"
        if attachment is not None:
            crm.stream_attachment(attachment.id, dest, max_bytes=MAX_RECORDING_BYTES)
        elif call.recording_url:
            download(call.recording_url, dest, policy=dataclasses.replace(downloads, max_bytes=MAX_RECORDING_BYTES))
        else:
            return RecordingOutcome(reason="no_transcript")
        speech = SpeechSettings.for_tenant(
            settings.language, phrase_hints=tuple(settings.phrase_hints), long_audio_store=audio_store
        )
        try:
            result = transcribe_recording(dest, client=client, settings=speech, workdir=Path(tmp))
        except AudioError as exc:
            log.warning("sync.recording.unusable call=%s slug=%s", call.id, exc.slug)
            lang = "ja" if settings.language == "ja" else "en"
            return RecordingOutcome(reason=exc.slug, note=AUDIO_FAILURE_TEXT[exc.reason][lang])
    log.info("sync.recording.transcribed call=%s billed_s=%.1f mode=%s", call.id, result.billed_seconds, result.mode)
    return RecordingOutcome(
        transcript=result.transcript,
        speech={
            "billed_audio_s": result.billed_seconds,
            "duration_s": result.duration_s,
            "mode": result.mode,
            "per_channel": result.per_channel,
            "dropped_segments": result.dropped_segments,
        },
    )
