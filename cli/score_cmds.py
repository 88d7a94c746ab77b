"""`dealcoach score` and `dealcoach eval`: the scorer and its evaluation on a labelled folder."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from cli.common import CliError


def _audio_transcript(path: Path, lang: str | None) -> Any:
    """Transcribe a recording with Google Speech (GOOGLE_APPLICATION_CREDENTIALS or DEALCOACH_SPEECH_ENDPOINT)."""
    from scoring.speech.errors import SpeechNotConfigured
    from scoring.speech.recognize import (
        SpeechSettings,
        audio_store_from_env,
        speech_client_from_env,
        transcribe_recording,
    )

    client = speech_client_from_env(os.environ)
    if client is None:
        raise SpeechNotConfigured(
            "audio needs Google Speech: set GOOGLE_APPLICATION_CREDENTIALS or DEALCOACH_SPEECH_ENDPOINT"
        )
    settings = SpeechSettings.for_tenant(lang or "ja", long_audio_store=audio_store_from_env(os.environ))
    return transcribe_recording(path, client=client, settings=settings).transcript


def _stage_phase(stage: str | None, rubric: Any) -> str | None:
    """The rubric phase for `--stage` (a HubSpot stage id or a phase id); an unknown one is a CliError."""
    from scoring.rubric import load_stage_map

    if stage is None:
        return None
    if stage in rubric.phase_ids:
        return str(stage)
    stages = load_stage_map("hubspot")
    phase = stages.phase_for(stage)
    if phase is None:
        known = ", ".join([s.id for s in stages.stages] + list(rubric.phase_ids))
        raise CliError(f"unknown stage {stage!r}; known stages and phases: {known}")
    return phase


def cmd_score(args: argparse.Namespace) -> int:
    from scoring.llm.config import llm_from_env
    from scoring.metrics import speaker_named
    from scoring.render import html_to_text, render_note_html
    from scoring.rubric import load_rubric_or_reference
    from scoring.scorer import LlmNotConfigured, score_call
    from scoring.speech.audio import RECORDING_EXTENSIONS, AudioError
    from scoring.speech.errors import SpeechError
    from scoring.transcript import TranscriptError, detect_language, parse_transcript

    path = Path(args.file)
    try:
        transcript = (
            _audio_transcript(path, args.lang)
            if path.suffix.lower().lstrip(".") in RECORDING_EXTENSIONS
            else parse_transcript(path.read_bytes(), filename=path.name, language=args.lang)
        )
    except (OSError, TranscriptError, AudioError, SpeechError) as exc:
        print(f"cannot read transcript {path}: {exc}", file=sys.stderr)
        return 2
    spoken = detect_language(transcript.text)
    if args.lang and args.lang != spoken:
        # The rubric's markers are per language: scoring a Japanese call with the English ones finds nothing.
        print(
            f"dealcoach score: warning: --lang {args.lang} but the call is in {spoken}; "
            f"scored in {spoken}, the note is written in {args.lang}",
            file=sys.stderr,
        )
        transcript = type(transcript)(segments=transcript.segments, language=spoken)
    rubric = load_rubric_or_reference(args.rubric, transcript.language)
    phase = _stage_phase(args.stage, rubric)
    if args.rep and speaker_named(transcript, args.rep) is None:
        speakers = ", ".join(dict.fromkeys(s.speaker for s in transcript.segments))
        raise CliError(f"--rep {args.rep!r} is not a speaker of this call; speakers: {speakers}")
    try:
        card = score_call(
            transcript,
            rubric=rubric,
            mode=args.scorer,
            rep=args.rep,
            stage_phase=phase,
            llm=llm_from_env(os.environ) if args.scorer != "offline" else None,
        )
    except LlmNotConfigured as exc:
        print(str(exc), file=sys.stderr)
        return 2
    lang = args.lang or transcript.language
    if args.json:
        print(json.dumps(card_json(card, rubric, lang), ensure_ascii=False, indent=2))
    else:
        print(html_to_text(render_note_html(card, lang=lang, rubric=rubric, call_title=path.name)))
    return 0


def card_json(card: Any, rubric: Any, lang: str) -> dict[str, Any]:
    """The scorecard JSON with each phase and criterion labelled in the reader's language."""
    from scoring.reader import labelled
    from scoring.rubric import load_rubric_or_reference

    reader = rubric if rubric.language == lang else load_rubric_or_reference(rubric.id, lang)
    return labelled(card.to_dict(), reader)


def cmd_eval(args: argparse.Namespace) -> int:
    from scoring.agreement import labeller_evaluation, labels_from_files
    from scoring.evaluation import LabelsError, evaluate, load_labelled, read_labels_file
    from scoring.llm.config import llm_from_env
    from scoring.rubric import load_rubric_or_reference
    from scoring.scorer import LlmNotConfigured, score_call
    from scoring.transcript import Transcript, TranscriptError

    llm = llm_from_env(os.environ) if args.scorer != "offline" and not args.labeller else None
    if Path(args.labels_dir).is_file():
        return _eval_battery(args, llm)
    try:
        calls = load_labelled(Path(args.labels_dir), labels_from_files([Path(f) for f in args.labels or ()]))
        if args.labeller:
            ev = labeller_evaluation(calls, read_labels_file(Path(args.labeller)), args.labeller)
            return _print_eval(args, ev, f"{args.labels_dir} (labeller {args.labeller})")
    except LabelsError as exc:
        raise CliError(str(exc)) from exc

    def score(transcript: Transcript, labels: dict[str, Any]) -> Any:
        rubric = load_rubric_or_reference(args.rubric, transcript.language)
        return score_call(
            transcript,
            rubric=rubric,
            mode=args.scorer,
            stage_phase=labels.get("stage_phase"),
            rep=labels.get("rep_hint"),
            llm=llm,
        )

    try:
        ev = evaluate(calls, score)
    except LlmNotConfigured as exc:
        raise CliError(str(exc)) from exc
    except TranscriptError as exc:
        raise CliError(f"cannot read a transcript: {exc}") from exc
    return _print_eval(args, ev, f"{args.labels_dir} (scorer {args.scorer})")


def _print_eval(args: argparse.Namespace, ev: Any, title: str) -> int:
    from scoring.evaluation import report

    if args.labels and len(args.labels) > 1:
        title += f", on what {len(args.labels)} labels files agree"
    if args.json:
        print(json.dumps(ev.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(report(ev, title))
    return 0


def _eval_battery(args: argparse.Namespace, llm: Any) -> int:
    """`dealcoach eval BATTERY.json`: the scorer on short labelled exchanges, per concept (docs/scoring.md)."""
    from scoring.battery import battery_report, evaluate_battery, load_battery
    from scoring.evaluation import LabelsError
    from scoring.rubric import load_rubric_or_reference
    from scoring.scorer import LlmNotConfigured, score_call
    from scoring.transcript import Transcript

    try:
        items = load_battery(Path(args.labels_dir))
    except LabelsError as exc:
        raise CliError(str(exc)) from exc

    def score(transcript: Transcript) -> Any:
        rubric = load_rubric_or_reference(args.rubric, transcript.language)
        return score_call(transcript, rubric=rubric, mode=args.scorer, llm=llm)

    try:
        result = evaluate_battery(items, score)
    except LlmNotConfigured as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(battery_report(result, f"{args.labels_dir} (scorer {args.scorer})"))
    return 0
