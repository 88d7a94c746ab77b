"""A local fake of Google Cloud Speech v1 (REST) and the Cloud Storage JSON API upload/delete, for tests and benchmarks.

The real `google-cloud-speech` client talks to it over HTTP:
`SpeechClient(transport="rest", credentials=AnonymousCredentials(), client_options={"api_endpoint": fake.url})`.
Paths and JSON shapes are the ones the REST transport uses (`speech_v1/services/speech/transports/rest_base.py`):
POST /v1/speech:recognize, POST /v1/speech:longrunningrecognize, GET /v1/operations/{name} (camelCase JSON, enums
as ints, durations as "1.5s", Any payloads with "@type"). Like the real service it checks what a client can get
wrong: sync audio over 1 minute or 10 MB, a sample rate or channel count that contradicts the FLAC/WAV header,
and a gs:// object that does not exist. Uploaded objects stream to a temporary directory, not memory, so the
recording benchmark can push hours of audio through it. Errors use Google's JSON error body
(`{"error": {"code", "message", "status", "details"}}`), with RetryInfo on 429.
"""

from __future__ import annotations

import base64
import itertools
import json
import shutil
import struct
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Request, Response

from connector.sandbox.server import ServerThread

SYNC_MAX_SECONDS = 60.0
INLINE_MAX_BYTES = 10 * 1024 * 1024
ENCODINGS = {1: "LINEAR16", 2: "FLAC"}
STATUS_NAMES = {400: "INVALID_ARGUMENT", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED",
                500: "INTERNAL", 503: "UNAVAILABLE"}
SPEECH_TYPE = "type.googleapis.com/google.cloud.speech.v1."

Word = tuple[str, float, float]  # text, start, end (seconds)


@dataclass(frozen=True)
class Fault:
    """An error to answer instead of the next matching call: `on` is recognize, longrunningrecognize or operations."""

    status: int
    message: str = "fake fault"
    on: str = "any"
    retry_delay_s: float | None = None


@dataclass(frozen=True)
class Recognition:
    """What a recognition request asked for, as the responder sees it."""

    method: str
    config: dict[str, Any]
    channels: int
    sample_rate: int
    duration_s: float
    uri: str | None

    @property
    def per_channel(self) -> bool:
        return bool(self.config.get("enableSeparateRecognitionPerChannel"))

    @property
    def diarization(self) -> bool:
        return bool((self.config.get("diarizationConfig") or {}).get("enableSpeakerDiarization"))


Responder = Callable[[Recognition], list[dict[str, Any]]]


class SpeechFault(Exception):
    def __init__(self, status: int, message: str, retry_delay_s: float | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_delay_s = status, message, retry_delay_s


def duration(seconds: float) -> str:
    """A protobuf Duration in JSON form."""
    return f"{seconds:.3f}s"


def word_json(text: str, start: float, end: float, speaker: int | None = None) -> dict[str, Any]:
    w: dict[str, Any] = {"startTime": duration(start), "endTime": duration(end), "word": text}
    if speaker is not None:
        w.update(speakerTag=speaker, speakerLabel=str(speaker))
    return w


def diarized_results(turns: list[tuple[int, list[Word]]], language: str = "ja-jp") -> list[dict[str, Any]]:
    """Google's diarization shape: one result per utterance without tags, then a last result holding every word
    of the audio with its speaker tag."""
    results = [{"alternatives": [{"transcript": "".join(w[0] for w in words), "confidence": 0.9,
                                  "words": [word_json(*w) for w in words]}],
                "resultEndTime": duration(words[-1][2]), "languageCode": language} for _, words in turns if words]
    tagged = [word_json(*w, speaker=s) for s, words in turns for w in words]
    if tagged:
        results.append({"alternatives": [{"words": tagged}], "resultEndTime": tagged[-1]["endTime"],
                        "languageCode": language})
    return results


def channel_results(channels: dict[int, list[list[Word]]], language: str = "ja-jp") -> list[dict[str, Any]]:
    """Per-channel recognition: each utterance is a result tagged with its channel (1-based)."""
    results = []
    for tag, utterances in sorted(channels.items()):
        for words in utterances:
            results.append({"alternatives": [{"transcript": "".join(w[0] for w in words), "confidence": 0.9,
                                              "words": [word_json(*w) for w in words]}],
                            "channelTag": tag, "resultEndTime": duration(words[-1][2]), "languageCode": language})
    return results


def synthetic_results(call: Recognition) -> list[dict[str, Any]]:
    """A plausible answer for any audio: a short word every 2 s, speakers alternating every 10 s (or per channel)."""
    language = str(call.config.get("languageCode") or "ja-JP").lower()
    words = [("はい", t, t + 0.6) for t in (2.0 * i for i in range(int(call.duration_s // 2)))]
    if call.per_channel:
        return channel_results({c: [[w] for w in words if int(w[1] // 10) % call.channels == c - 1]
                                for c in range(1, call.channels + 1)}, language)
    if call.diarization:
        return diarized_results([(int(w[1] // 10) % 2 + 1, [w]) for w in words], language)
    return [{"alternatives": [{"transcript": w[0], "words": [word_json(*w)]}], "languageCode": language} for w in words]


def audio_header(head: bytes, size: int) -> tuple[str, int, int, float]:
    """(encoding, sample rate, channels, seconds) from a FLAC STREAMINFO or WAV fmt/data header."""
    if head.startswith(b"fLaC") and len(head) >= 42:
        bits = int.from_bytes(head[18:26], "big")
        rate, channels, samples = bits >> 44, ((bits >> 41) & 0x7) + 1, bits & 0xFFFFFFFFF
        return "FLAC", rate, channels, samples / rate if rate else 0.0
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        pos, rate, channels, block = 12, 0, 0, 0
        while pos + 8 <= len(head):
            cid, length = head[pos:pos + 4], struct.unpack("<I", head[pos + 4:pos + 8])[0]
            if cid == b"fmt ":
                channels, rate = struct.unpack("<HI", head[pos + 10:pos + 16])
                block = struct.unpack("<H", head[pos + 20:pos + 22])[0]
            if cid == b"data":
                data = min(length, size - pos - 8)
                return "LINEAR16", rate, channels, data / (rate * block) if rate and block else 0.0
            pos += 8 + length + (length & 1)
    raise SpeechFault(400, "Invalid audio: could not read a FLAC or WAV header.")


class FakeSpeech:
    """The fake server; `script(...)` queues result lists, `fail_next(...)` queues faults, `responder` fills the rest."""

    def __init__(self, *, responder: Responder = synthetic_results, polls_before_done: int = 2,
                 storage_dir: Path | None = None) -> None:
        self.responder = responder
        self.polls_before_done = polls_before_done
        self.requests: list[tuple[str, str, dict[str, Any]]] = []
        self.recognitions: list[Recognition] = []
        self.objects: dict[str, Path] = {}
        self.deleted: list[str] = []
        self.operations: dict[str, dict[str, Any]] = {}
        self._scripted: deque[list[dict[str, Any]]] = deque()
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self._ids = itertools.count(7_000_000_001)
        self._own_dir = storage_dir is None
        self.storage_dir = storage_dir or Path(tempfile.mkdtemp(prefix="fake-gcs-"))
        self._thread = ServerThread(self._wsgi)

    @property
    def url(self) -> str:
        return self._thread.url

    def start(self) -> "FakeSpeech":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._thread.stop()
        if self._own_dir:
            shutil.rmtree(self.storage_dir, ignore_errors=True)

    def __enter__(self) -> "FakeSpeech":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, *results: list[dict[str, Any]]) -> None:
        """Answer the next recognitions with these `results` lists, in order."""
        with self._lock:
            self._scripted.extend(results)

    def fail_next(self, status: int, message: str = "fake fault", *, on: str = "any", times: int = 1,
                  retry_delay_s: float | None = None) -> None:
        """Answer the next `times` matching calls with an HTTP error in Google's JSON error shape."""
        with self._lock:
            self._faults.extend([Fault(status, message, on, retry_delay_s)] * times)

    def paths(self) -> list[str]:
        return [p for _, p, _ in self.requests]

    # -- wire ----------------------------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        path = unquote(request.path)
        try:
            if request.method == "POST" and path.startswith("/upload/storage/v1/b/"):
                body = self._upload(request, path)
            elif request.method == "DELETE" and path.startswith("/storage/v1/b/"):
                body = self._delete(path)
                return Response(status=204)(environ, start_response)
            else:
                body = self._speech(request, path)
            return Response(json.dumps(body, ensure_ascii=False), mimetype="application/json")(environ, start_response)
        except SpeechFault as fault:
            error: dict[str, Any] = {"code": fault.status, "message": fault.message,
                                     "status": STATUS_NAMES.get(fault.status, "UNKNOWN")}
            if fault.retry_delay_s is not None:
                error["details"] = [{"@type": "type.googleapis.com/google.rpc.RetryInfo",
                                     "retryDelay": duration(fault.retry_delay_s)}]
            return Response(json.dumps({"error": error}), status=fault.status,
                            mimetype="application/json")(environ, start_response)

    def _speech(self, request: Request, path: str) -> dict[str, Any]:
        if request.method == "GET" and path.startswith("/v1/operations/"):
            self._record("GET", path, {})
            self._maybe_fail("operations")
            return self._poll(path.removeprefix("/v1/operations/"))
        if request.method != "POST" or path not in ("/v1/speech:recognize", "/v1/speech:longrunningrecognize"):
            raise SpeechFault(404, f"Unknown path {request.method} {path}")
        method = path.split(":", 1)[1]
        doc = json.loads(request.get_data() or b"{}")
        audio = doc.get("audio") or {}
        self._record("POST", path, {"config": doc.get("config"), "uri": audio.get("uri"),
                                    "content_bytes": len(audio.get("content") or "") * 3 // 4})
        self._maybe_fail(method)
        call = self._recognition(method, doc.get("config") or {}, audio)
        with self._lock:
            self.recognitions.append(call)
            results = self._scripted.popleft() if self._scripted else None
        results = results if results is not None else self.responder(call)
        channels = call.channels if call.per_channel else 1
        response = {"results": results, "totalBilledTime": duration(round(call.duration_s) * channels),
                    "requestId": str(next(self._ids))}
        if method == "recognize":
            return response
        name = str(next(self._ids))
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        metadata = {"@type": SPEECH_TYPE + "LongRunningRecognizeMetadata", "progressPercent": 0,
                    "startTime": now, "lastUpdateTime": now, "uri": call.uri or ""}
        with self._lock:
            self.operations[name] = {"polls_left": self.polls_before_done, "metadata": metadata,
                                     "response": {"@type": SPEECH_TYPE + "LongRunningRecognizeResponse", **response}}
        return {"name": name, "metadata": metadata, "done": False}

    def _poll(self, name: str) -> dict[str, Any]:
        with self._lock:
            op = self.operations.get(name)
            if op is None:
                raise SpeechFault(404, f"Operation {name} not found.")
            op["polls_left"] -= 1
            done = op["polls_left"] < 0
            op["metadata"]["progressPercent"] = 100 if done else 50
        if not done:
            return {"name": name, "metadata": op["metadata"], "done": False}
        return {"name": name, "metadata": op["metadata"], "done": True, "response": op["response"]}

    def _recognition(self, method: str, config: dict[str, Any], audio: dict[str, Any]) -> Recognition:
        if not config.get("languageCode"):
            raise SpeechFault(400, "Invalid recognition 'config': missing language_code.")
        content, uri = audio.get("content"), audio.get("uri")
        if bool(content) == bool(uri):
            raise SpeechFault(400, "RecognitionAudio must have exactly one of content or uri.")
        if content:
            raw = base64.b64decode(content)
            if len(raw) > INLINE_MAX_BYTES:
                raise SpeechFault(400, f"Request payload size exceeds the limit: {INLINE_MAX_BYTES} bytes.")
            head, size = raw[:4096], len(raw)
        else:
            head, size = self._object_head(str(uri))
        encoding, rate, channels, seconds = audio_header(head, size)
        wanted = ENCODINGS.get(int(config.get("encoding") or 0))
        if wanted is not None and wanted != encoding:
            raise SpeechFault(400, f"Invalid recognition 'config': bad encoding ({wanted} for {encoding} audio).")
        if config.get("sampleRateHertz") and int(config["sampleRateHertz"]) != rate:
            raise SpeechFault(400, f"sample_rate_hertz ({config['sampleRateHertz']}) in RecognitionConfig must either be "
                                   f"unspecified or match the value in the {encoding} header ({rate}).")
        if channels > 1 and int(config.get("audioChannelCount") or 1) != channels:
            raise SpeechFault(400, f"Must use single channel (mono) audio, but header indicates {channels} channels.")
        if method == "recognize" and seconds > SYNC_MAX_SECONDS:
            raise SpeechFault(400, "Sync input too long. For audio longer than 1 min use LongRunningRecognize with a "
                                   "'uri' parameter.")
        return Recognition(method=method, config=config, channels=channels, sample_rate=rate, duration_s=seconds,
                           uri=uri)

    def _object_head(self, uri: str) -> tuple[bytes, int]:
        if not uri.startswith("gs://") or uri not in self.objects:
            raise SpeechFault(404, f"Requested entity was not found: {uri}")
        path = self.objects[uri]
        with path.open("rb") as f:
            return f.read(4096), path.stat().st_size

    def _maybe_fail(self, method: str) -> None:
        with self._lock:
            if self._faults and self._faults[0].on in ("any", method):
                fault = self._faults.popleft()
                raise SpeechFault(fault.status, fault.message, fault.retry_delay_s)

    def _record(self, method: str, path: str, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append((method, path, body))

    # -- Cloud Storage JSON API ----------------------------------------------------------------------------------

    def _upload(self, request: Request, path: str) -> dict[str, Any]:
        bucket = path.removeprefix("/upload/storage/v1/b/").split("/", 1)[0]
        name = request.args.get("name") or ""
        if request.args.get("uploadType") != "media" or not name:
            raise SpeechFault(400, "uploadType=media and name are required")
        self._record("POST", path, {"bucket": bucket, "name": name})
        self._maybe_fail("upload")
        target = self.storage_dir / f"{next(self._ids)}.bin"
        size = 0
        with target.open("wb") as out:
            while chunk := request.stream.read(1024 * 1024):
                out.write(chunk)
                size += len(chunk)
        with self._lock:
            self.objects[f"gs://{bucket}/{name}"] = target
        return {"kind": "storage#object", "bucket": bucket, "name": name, "size": str(size),
                "contentType": request.content_type or "application/octet-stream"}

    def _delete(self, path: str) -> dict[str, Any]:
        bucket, _, name = path.removeprefix("/storage/v1/b/").partition("/o/")
        uri = f"gs://{bucket}/{name}"
        self._record("DELETE", path, {"bucket": bucket, "name": name})
        self._maybe_fail("delete")
        with self._lock:
            target = self.objects.pop(uri, None)
            if target is None:
                raise SpeechFault(404, f"No such object: {bucket}/{name}")
            self.deleted.append(uri)
        target.unlink(missing_ok=True)
        return {}
