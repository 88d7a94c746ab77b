"""The offline card of a labelled call, as `dealcoach eval --scorer offline` scores it: shared by the bench's
measurement scripts (adjudication, the learned models' probes)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from scoring.evaluation import LabelledCall
from scoring.offline import score_transcript
from scoring.rubric import load_rubric_or_reference
from scoring.scorecard import Scorecard
from scoring.transcript import Transcript


def offline_card(call: LabelledCall, transcript: Transcript, *, learned: bool = True) -> Scorecard:
    """The reference rubric in the call's language, the labels' phase and rep hint, the offline scorer (what
    `score_call` returns in offline mode); `learned=False`: the rules alone, as the learned models' training reads
    them."""
    return score_transcript(
        transcript,
        rubric=load_rubric_or_reference("sales-7-phase", transcript.language),
        stage_phase=call.labels.get("stage_phase"),
        rep=call.labels.get("rep_hint"),
        learned=learned,
    )


def has_sklearn(prog: str) -> bool:
    """Whether scikit-learn, which only the learned models' probes use, is installed; says how to get it when not."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print(f"{prog} needs scikit-learn: pip install '.[probe]'", file=sys.stderr)
        return False
    return True


def add_set_options(parser: argparse.ArgumentParser) -> None:
    """`--without SET` (repeatable) and `--sets-of MODEL.json`: which labelled sets a learned model's probe reads."""
    parser.add_argument(
        "--without", action="append", default=[], metavar="SET", help="a labelled set to leave out, repeatable"
    )
    parser.add_argument(
        "--sets-of",
        type=Path,
        metavar="MODEL_JSON",
        help="only the sets a model file was trained on (its trained_on): rebuilds a shipped model exactly, whatever "
        "sets were opened since",
    )


def chosen_sets(root: Path, args: argparse.Namespace) -> list[Path]:
    """The labelled sets under `root` the options choose, in name order."""
    names = {p.name for p in root.iterdir() if p.is_dir()}
    if args.sets_of is not None:
        wanted = set(json.loads(args.sets_of.read_text(encoding="utf-8"))["trained_on"])
        if missing := sorted(wanted - names):
            raise SystemExit(f"{args.sets_of} names sets that are not under {root}: {', '.join(missing)}")
        names = wanted
    return [root / n for n in sorted(names - set(args.without))]


def set_flags(args: argparse.Namespace) -> str:
    """The set options as typed, for a model file's `about` line."""
    chosen = f"--sets-of {args.sets_of} " if args.sets_of is not None else ""
    return chosen + "".join(f"--without {s} " for s in args.without)
