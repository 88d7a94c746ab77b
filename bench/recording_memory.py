"""Does a two-hour call recording stay in bounded memory? Download → conversion → (fake) transcription, measured.

Usage: python bench/recording_memory.py [--hours 2] [--rate 8000] [--out docs/recordings.md]
A child process generates the recording with sox (stereo, one talker per side, espeak-ng Japanese speech over
line noise, as a dialer records it) and serves it over HTTP next to the fake Speech + Cloud Storage server.
This process (the "worker") then runs exactly what a job runs: `connector.download.download` and
`scoring.speech.recognize.transcribe_recording` with the real google-cloud-speech REST client. It prints the peak RSS of
the worker (getrusage / VmHWM), of its ffmpeg/ffprobe children, and the time per stage. Target: < 300 MB.
Needs the Debian packages ffmpeg, sox and espeak-ng.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MB = 300
GREETING = "もしもし、株式会社サンプルの山田です。本日はお時間をいただきありがとうございます。"
ANSWER = "はい、よろしくお願いします。予算は来月決まる予定です。"


def _sox(*args: str) -> None:
    subprocess.run(["sox", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def generate(directory: Path, hours: float, rate: int) -> Path:
    """A 60-second two-sided exchange (speech on alternating channels over line noise), looped to `hours`."""
    out = directory / f"call-{hours:g}h-{rate}.wav"
    if out.exists():
        return out
    for name, text in (("greeting", GREETING), ("answer", ANSWER)):
        subprocess.run(["espeak-ng", "-v", "ja", "-w", str(directory / f"{name}.raw.wav"), text], check=True)
        _sox(str(directory / f"{name}.raw.wav"), "-r", str(rate), str(directory / f"{name}.wav"), "pad", "0", "1")
    _sox(str(directory / "greeting.wav"), str(directory / "left.wav"), "pad", "1", "60", "trim", "0", "60")
    _sox(str(directory / "answer.wav"), str(directory / "right.wav"), "pad", "31", "60", "trim", "0", "60")
    _sox("-M", str(directory / "left.wav"), str(directory / "right.wav"), str(directory / "talk.wav"))
    _sox("-n", "-r", str(rate), "-c", "2", str(directory / "noise.wav"), "synth", "60", "pinknoise", "vol", "0.01")
    _sox("-m", str(directory / "talk.wav"), str(directory / "noise.wav"), str(directory / "minute.wav"))
    _sox(str(directory / "minute.wav"), str(out), "repeat", str(max(0, int(round(hours * 60)) - 1)))
    return out


def serve(directory: Path, hours: float, rate: int) -> None:
    """Child process: generate, serve the recording and the fake Speech/GCS, report URLs, live until stdin closes."""
    from werkzeug.wrappers import Request, Response
    from werkzeug.wsgi import wrap_file

    from connector.sandbox.server import ServerThread
    from tests.fakes.speech_server import FakeSpeech

    recording = generate(directory, hours, rate)

    def app(environ: dict, start_response: object) -> object:
        Request(environ)
        body = wrap_file(environ, recording.open("rb"), buffer_size=256 * 1024)
        return Response(body, mimetype="audio/wav", direct_passthrough=True,
                        headers={"Content-Length": str(recording.stat().st_size)})(environ, start_response)

    storage = directory / "gcs"
    storage.mkdir(exist_ok=True)
    with ServerThread(app) as files, FakeSpeech(polls_before_done=3, storage_dir=storage) as speech:
        print(json.dumps({"recording": f"{files.url}/{recording.name}", "speech": speech.url,
                          "bytes": recording.stat().st_size}), flush=True)
        sys.stdin.read()


def _hwm_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run(hours: float, rate: int, out: Path | None) -> dict[str, object]:
    """The worker side: what a job does, with peak memory and stage times."""
    from connector.download import DownloadPolicy, download
    from scoring.speech.audio import FORMATS, sniff_format
    from scoring.speech.recognize import (
        PollPolicy,
        SpeechSettings,
        audio_store_from_env,
        speech_client_from_env,
        transcribe_recording,
    )

    baseline = _hwm_kb()
    with tempfile.TemporaryDirectory(prefix="dealcoach-bench-") as tmp:
        work = Path(tmp)
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(work), "--hours", str(hours),
                                   "--rate", str(rate)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert server.stdout is not None and server.stdin is not None
        urls = json.loads(server.stdout.readline())
        try:
            env = {"DEALCOACH_SPEECH_ENDPOINT": urls["speech"], "DEALCOACH_SPEECH_BUCKET": "bench"}
            client = speech_client_from_env(env)
            settings = SpeechSettings(long_audio_store=audio_store_from_env(env), poll=PollPolicy(initial_s=0.2))
            t0 = time.monotonic()
            got = download(urls["recording"], work / "recording", policy=DownloadPolicy.for_local_sandbox("127.0.0.1", sniff=sniff_format, accept=FORMATS))
            t1 = time.monotonic()
            after_download = _hwm_kb()
            result = transcribe_recording(got.path, client=client, settings=settings, workdir=work)
            t2 = time.monotonic()
        finally:
            server.stdin.close()
            server.wait(timeout=60)
    # VmHWM only: ru_maxrss survives exec on Linux, so a big parent (a test run) would pass its own peak on.
    self_peak = _hwm_kb()
    figures: dict[str, object] = {
        "hours": hours, "rate": rate, "recording_bytes": got.size, "format": got.format,
        "segments": len(result.transcript.segments), "per_channel": result.per_channel, "mode": result.mode,
        "billed_seconds": result.billed_seconds, "download_s": round(t1 - t0, 1), "transcribe_s": round(t2 - t1, 1),
        "worker_baseline_mb": round(baseline / 1024, 1), "worker_after_download_mb": round(after_download / 1024, 1),
        "worker_peak_mb": round(self_peak / 1024, 1),
        # Children that have exited: ffmpeg/ffprobe runs and the server process (which held the fake's state).
        "children_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "python": platform.python_version(), "ok": self_peak / 1024 < TARGET_MB,
    }
    if out is not None:
        write_doc(out, figures)
    return figures


def write_doc(path: Path, f: dict[str, object]) -> None:
    """docs/recordings.md: the figures and the command, for docs/benchmarks.md."""
    command = f"python bench/recording_memory.py --hours {f['hours']:g} --rate {f['rate']}"
    path.write_text(f"""# Recording pipeline: memory and time for a long call

Command: `{command}` (needs the Debian packages ffmpeg, sox, espeak-ng; no network).

A {f['hours']:g}-hour stereo {f['rate']} Hz WAV ({int(f['recording_bytes']) / 1e6:.0f} MB; one talker per channel, espeak-ng
Japanese over line noise) is served over local HTTP and taken through what a job runs: the hardened downloader
(streamed to disk), format sniffing, a loudness scan and FLAC conversion with ffmpeg, then per-channel
long-running recognition with the real google-cloud-speech REST client against the local fake Speech server
(upload to the fake Cloud Storage, polling, delete).

| figure | value |
|---|---|
| worker peak RSS (VmHWM) | **{f['worker_peak_mb']} MB** (target < {TARGET_MB} MB) |
| worker RSS after imports | {f['worker_baseline_mb']} MB |
| worker peak after download | {f['worker_after_download_mb']} MB |
| largest child process (ffmpeg/ffprobe, fake server) | {f['children_peak_mb']} MB |
| download time | {f['download_s']} s |
| sniff + loudness + conversion + upload + recognition | {f['transcribe_s']} s |
| recognition | {f['mode']}, per channel: {f['per_channel']}, {f['segments']} segments |
| billed audio seconds (fake reports Google's rule: per channel) | {f['billed_seconds']} |

The worker never holds the recording: the download streams in 256 KB chunks to a temporary file, ffmpeg
converts file to file, the loudness scan is read line by line from ffmpeg's pipe, and the Cloud Storage
upload streams the file from disk. What grows with call length is the transcript itself; the fake's is sparse
(a word every 2 s per channel), a real two-hour call has some 20-30k words, a few MB more.
""", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=2.0)
    parser.add_argument("--rate", type=int, default=8000)
    parser.add_argument("--out", type=Path, default=None, help="write the figures as markdown (docs/recordings.md)")
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve, args.hours, args.rate)
        return 0
    figures = run(args.hours, args.rate, args.out)
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
