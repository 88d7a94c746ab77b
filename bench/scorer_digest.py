"""Digest of the offline scorer's output on every transcript fixture and generated calls: proof a speed change kept it.

Usage: python bench/scorer_digest.py [--save FILE | --check FILE] [--show NAME]
For each transcript under tests/fixtures/transcripts/ (every format, the malformed ones too) and the generated
Japanese calls of bench/offline_scoring.py (60 minutes and 7 minutes, several seeds, as VTT, SRT, JSON and text, and
the VTT with CRLF line ends and as cp932 bytes), records a SHA-256 of: the parsed transcript (or the parse error's
message), the offline scorecard JSON labelled for the reader (what `dealcoach score --json` prints) and the rendered
note HTML. `--save` writes the digests, `--check` compares with saved ones and lists what differs (exit 1).
Not a test: the digests change whenever rubric or marker data change, so they are only compared within one change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.offline_scoring import generate, serialise  # noqa: E402
from scoring.reader import labelled  # noqa: E402
from scoring.render import render_note_html  # noqa: E402
from scoring.rubric import load_rubric_or_reference  # noqa: E402
from scoring.scorer import score_call  # noqa: E402
from scoring.transcript import TranscriptError, parse_transcript  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "transcripts"
SUFFIXES = {".vtt", ".srt", ".txt", ".json"}


def inputs() -> Iterator[tuple[str, bytes, str]]:
    """(name, bytes, filename) of every transcript fixture and generated call."""
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in SUFFIXES and not path.name.endswith((".expected.json", "labels.json")):
            yield str(path.relative_to(ROOT)), path.read_bytes(), path.name
    for minutes, seeds in ((60.0, (7, 11)), (7.0, (1, 2, 3, 4, 5))):
        for seed in seeds:
            turns = generate(minutes, seed)
            for fmt in ("vtt", "srt", "json", "txt"):
                text, name = serialise(turns, fmt)
                yield f"generated-{minutes:g}m-{seed}.{fmt}", text.encode("utf-8"), name
            text, name = serialise(turns, "vtt")
            yield f"generated-{minutes:g}m-{seed}-crlf.vtt", text.replace("\n", "\r\n").encode("utf-8"), name
            yield f"generated-{minutes:g}m-{seed}-cp932.vtt", text.encode("cp932", errors="replace"), name


def digests() -> dict[str, str]:
    """Name -> SHA-256 of the parse, the scorecard JSON and the note for each input."""
    out: dict[str, str] = {}
    for name, data, filename in inputs():
        try:
            transcript = parse_transcript(data, filename=filename)
        except TranscriptError as exc:
            out[name] = hashlib.sha256(f"error: {exc}".encode()).hexdigest()
            continue
        rubric = load_rubric_or_reference("sales-7-phase", transcript.language)
        card = score_call(transcript, rubric=rubric, mode="offline")
        record = {
            "language": transcript.language,
            "segments": [astuple(s) for s in transcript.segments],
            "card": labelled(card.to_dict(), rubric),
            "note": render_note_html(card, lang=transcript.language, rubric=rubric, call_title=filename),
        }
        out[name] = hashlib.sha256(json.dumps(record, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="write the digests to this file")
    parser.add_argument("--check", type=Path, help="compare with digests saved earlier")
    args = parser.parse_args()
    found = digests()
    if args.save:
        args.save.write_text(json.dumps(found, indent=1, sort_keys=True), encoding="utf-8")
    if args.check:
        saved = json.loads(args.check.read_text(encoding="utf-8"))
        differ = sorted(k for k in saved.keys() | found.keys() if saved.get(k) != found.get(k))
        for name in differ:
            print(f"differs: {name}")
        print(f"inputs={len(found)} differing={len(differ)}")
        return 1 if differ else 0
    print(f"inputs={len(found)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
