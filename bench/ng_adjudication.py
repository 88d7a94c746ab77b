"""`python -m bench.ng_adjudication make|report|widened`: is an NG id the labels lack a scorer's error or the labels' gap?

NG precision is measured against one writer's labels, and a writer labels the faults they meant to write; a scorer
that finds a fault the writer wrote without meaning to is counted wrong. This measures how often that happens with a
blind judge and a control:

- `make OUT --answers ROOT --group SET... [--group SET...]` replays the LLM answers in `ROOT/<SET>` (as
  `bench.llm_replay eval`; with `--offline`, scores with the offline scorer instead) and, per call, lists for a
  judge the scorer's NG ids the labels lack (`extra`), the labelled ids it found or missed (`label_found`,
  `label_missed`) and one id of the call's phase neither gave (`decoy`), shuffled, with the rubric's text. The
  transcripts are copied under neutral names (`g1_c01.ja.vtt`: the file names tell the labels), one folder per
  `--group` of sets, one judge each; `OUT/key.json` keeps which id is which kind, and the judge never sees it.
- `report OUT` reads each `OUT/g*/answers.json` (`{file: {id: {"verdict": "shown|borderline|not_shown"}}}`) and
  prints the verdicts per kind and the scorer's NG precision with the extras the judge says are shown counted right.
- `widened SCORER...` measures each judged scorer (a folder, or folders joined by `+`) against the labels widened by
  every id a judge called shown in any of the folders, so that no scorer loses for a behaviour the writer did not
  label and a judge saw.

The decoys say how readily the judge says "shown" to an id nobody proposed; the labelled ids, how often the judge
agrees with the writer. Both bound how far the judge's word on the extras can be trusted.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bench.labelled import offline_card
from bench.llm_replay import _measure, request_key
from scoring.evaluation import load_labelled, parse
from scoring.rubric import load_rubric_or_reference
from tests.fakes.openai_server import FakeOpenAI, FakeReply

KINDS = ("extra", "label_found", "label_missed", "decoy", "dropped", "dropped_labelled")
# Kinds of id the judged scorer gives; `dropped*` (in `llm-prompt-v3-phase-gate`) are the ids the LLM merge's phase
# gate removed, before it was taken out.
GIVEN = ("extra", "label_found", "dropped", "dropped_labelled")
LABELLED = ("label_found", "label_missed", "dropped_labelled")
VERDICTS = ("shown", "borderline", "not_shown")


def ng_texts() -> dict[str, tuple[str, str]]:
    """Every NG id of the rubric with its Japanese and English text, in the rubric's order."""
    ja, en = (load_rubric_or_reference("sales-7-phase", lang) for lang in ("ja", "en"))
    english = {n.id: n.text for p in en.phases for n in p.ng_behaviors}
    return {
        n.id: (" ".join(n.text.split()), " ".join(english.get(n.id, "").split()))
        for p in ja.phases
        for n in p.ng_behaviors
    }


def scored_ng(labels_dir: Path, answers: Path | None, *, learned: bool = True) -> list[dict[str, Any]]:
    """Per labelled call (name order): the scorer's NG ids and the labelled ones; the LLM scorer on the written
    answers in `answers` (`learned=False`: the LLM alone, as every folder judged before 2026-12-06), or the offline
    scorer when it is None."""
    calls = load_labelled(labels_dir)
    if answers is None:
        transcripts = [parse(call) for call in calls]
        cards = [offline_card(call, transcript) for call, transcript in zip(calls, transcripts, strict=True)]
    else:
        replies = answers

        def responder(req: Any) -> FakeReply:
            nonce, part = request_key(req)
            return FakeReply.content((replies / f"{nonce}.{part}.answer.json").read_text(encoding="utf-8"))

        cards = []
        with FakeOpenAI(responder) as fake:
            _measure(labels_dir, fake, cards, learned=learned)
    return [
        {
            "set": labels_dir.name,
            "call": call.name,
            "path": str(call.path),
            "phase": call.labels.get("stage_phase"),
            "quality": call.labels.get("quality"),
            "got": [n.id for n in card.ng_behaviors],
            "want": sorted(call.labels.get("ng_behaviors") or []),
        }
        for call, card in zip(calls, cards, strict=True)
    ]


def kinds_for(call: dict[str, Any], texts: dict[str, tuple[str, str]], rng: random.Random) -> dict[str, str]:
    """What the judge is asked about one call, by kind: the scorer's ids and the labelled ones, with one decoy of the
    call's phase."""
    got, want = set(call["got"]), set(call["want"])
    kinds = {ng: "extra" for ng in sorted(got - want)}
    kinds.update({ng: "label_found" for ng in sorted(got & want)})
    kinds.update({ng: "label_missed" for ng in sorted(want - got)})
    pool = [ng for ng in texts if ng.startswith(f"{call['phase']}.") and ng not in kinds]
    if pool:
        kinds[rng.choice(pool)] = "decoy"
    return kinds


def make(out: Path, groups: list[list[dict[str, Any]]], *, seed: int) -> dict[str, Any]:
    """Write one judge's folder per group of calls and return the key (call id -> set, file, kind of each listed id)."""
    rng = random.Random(seed)
    texts = ng_texts()
    key: dict[str, Any] = {}
    questions: dict[str, dict[str, Any]] = {}
    numbered = [(f"g{g + 1}", i, call) for g, calls in enumerate(groups) for i, call in enumerate(calls)]
    for group, i, call in numbered:
        cid = f"{group}_c{i + 1:02d}"
        name = f"{cid}.{'en' if '.en.' in call['call'] else 'ja'}{Path(call['call']).suffix}"
        folder = out / group
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(call["path"], folder / name)
        kinds = kinds_for(call, texts, rng)
        ids = list(kinds)
        rng.shuffle(ids)
        questions.setdefault(group, {})[name] = [
            {"id": ng, "text_ja": texts[ng][0], "text_en": texts[ng][1]} for ng in ids
        ]
        key[cid] = {"set": call["set"], "call": call["call"], "quality": call["quality"], "kinds": kinds}
    for group, table in questions.items():
        (out / group / "questions.json").write_text(json.dumps(table, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    return key


def tally(key: dict[str, Any], answers: dict[str, dict[str, Any]]) -> dict[str, Counter[str]]:
    """Verdict counts per kind; `answers` maps a call id to its judged ids. A question left unanswered counts as `missing`."""
    out: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for cid, entry in key.items():
        judged = answers.get(cid, {})
        for ng, kind in entry["kinds"].items():
            verdict = (judged.get(ng) or {}).get("verdict")
            out[kind][verdict if verdict in VERDICTS else "missing"] += 1
    return out


def precision(counts: dict[str, Counter[str]], *, count_borderline: bool = False) -> tuple[float, float]:
    """The scorer's NG precision against the labels, and with the extras the judge calls shown counted right."""
    found = sum(counts["label_found"].values())
    extras = sum(counts["extra"].values())
    confirmed = counts["extra"]["shown"] + (counts["extra"]["borderline"] if count_borderline else 0)
    given = found + extras
    return (found / given if given else 0.0, (found + confirmed) / given if given else 0.0)


def read_answers(out: Path) -> dict[str, dict[str, Any]]:
    """Every judge's answers, keyed by call id (the file name without its extensions)."""
    answers: dict[str, dict[str, Any]] = {}
    for path in sorted(out.glob("g*/answers.json")):
        for name, judged in json.loads(path.read_text(encoding="utf-8")).items():
            answers[name.split(".", 1)[0]] = judged
    return answers


def report(out: Path) -> str:
    """The verdicts per kind, the control rates and the precision with confirmed extras."""
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    answers = read_answers(out)
    counts = tally(key, answers)
    lines = [f"{'kind':<18}{'asked':>7}{'shown':>7}{'border':>8}{'not':>6}{'missing':>9}  shown share"]
    for kind in KINDS:
        c = counts[kind]
        asked = sum(c.values())
        if not asked and kind.startswith("dropped"):
            continue
        share = f"{c['shown'] / asked:.2f}" if asked else "–"
        lines.append(
            f"{kind:<18}{asked:>7}{c['shown']:>7}{c['borderline']:>8}{c['not_shown']:>6}{c['missing']:>9}  {share}"
        )
    for quality in ("excellent", "mixed", "poor"):
        subset = {cid: entry for cid, entry in key.items() if entry.get("quality") == quality}
        decoys = tally(subset, answers)["decoy"] if subset else Counter()
        if decoys:
            lines.append(
                f"decoys on {quality} calls: {decoys['shown']} shown, {decoys['borderline']} borderline "
                f"of {sum(decoys.values())}"
            )
    if not sum(counts["extra"].values()) + sum(counts["label_found"].values()):
        return "\n".join(lines)
    against_labels, strict = precision(counts)
    _, lenient = precision(counts, count_borderline=True)
    lines.append(
        f"NG precision: {against_labels:.2f} against the labels; {strict:.2f} counting the extras judged shown; "
        f"{lenient:.2f} counting borderline ones too"
    )
    return "\n".join(lines)


def judged(out: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Per call file: each listed id's kind and verdict."""
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    answers = read_answers(out)
    return {
        entry["call"]: {
            ng: (kind, str((answers.get(cid, {}).get(ng) or {}).get("verdict"))) for ng, kind in entry["kinds"].items()
        }
        for cid, entry in key.items()
    }


def widened(specs: list[str]) -> str:
    """Each scorer against the labels, and against the labels plus every id a judge called shown in any folder.

    A scorer is a folder, or folders joined by `+` whose given ids are pooled (`llm+gate`: the LLM path's ids with the
    ones its phase gate dropped, i.e. the path without the gate). Calls are those judged in each scorer's first folder.
    """
    folders = {Path(part) for spec in specs for part in spec.split("+")}
    tables = {folder: judged(folder) for folder in folders}
    calls = sorted(set.intersection(*(set(tables[Path(spec.split("+")[0])]) for spec in specs)))

    def listed(call: str) -> list[tuple[str, str, str]]:
        return [(ng, kind, verdict) for t in tables.values() for ng, (kind, verdict) in t.get(call, {}).items()]

    labelled = {call: {ng for ng, kind, _ in listed(call) if kind in LABELLED} for call in calls}
    truth = {
        call: labelled[call]
        | {ng for ng, kind, verdict in listed(call) if kind in ("extra", "dropped") and verdict == "shown"}
        for call in calls
    }
    lines = [f"{len(calls)} calls judged in each scorer's first folder"]
    for spec in specs:
        parts = [tables[Path(part)] for part in spec.split("+")]
        plain: Counter[str] = Counter()
        wide: Counter[str] = Counter()
        for call in calls:
            given = {ng for t in parts for ng, (kind, _) in t.get(call, {}).items() if kind in GIVEN}
            for tally_, expected in ((plain, labelled[call]), (wide, truth[call])):
                tally_["tp"] += len(given & expected)
                tally_["fp"] += len(given - expected)
                tally_["fn"] += len(expected - given)
        name = "+".join(Path(part).name for part in spec.split("+"))
        for what, c in (("labels", plain), ("labels + judged extras", wide)):
            p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
            r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
            lines.append(f"{name} vs {what}: P {p:.2f}  R {r:.2f}  (tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ng_adjudication", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    mk = sub.add_parser("make")
    mk.add_argument("out", type=Path)
    mk.add_argument("--group", action="append", nargs="+", required=True, help="labelled set folders for one judge")
    source = mk.add_mutually_exclusive_group(required=True)
    source.add_argument("--answers", type=Path, help="folder holding one LLM answers folder per set")
    source.add_argument("--offline", action="store_true", help="judge the offline scorer's NG ids")
    mk.add_argument("--seed", type=int, default=0)
    mk.add_argument("--llm-alone", action="store_true", help="with --answers: without the learned NG ids lent")
    rp = sub.add_parser("report")
    rp.add_argument("out", type=Path)
    wd = sub.add_parser("widened")
    wd.add_argument("scorers", nargs="+", help="a judged folder, or folders joined by + for one scorer")
    args = parser.parse_args(argv)
    if args.mode == "widened":
        print(widened(args.scorers))
        return 0
    if args.mode == "report":
        print(report(args.out))
        return 0
    groups = [
        [
            c
            for labels_dir in map(Path, sets)
            for c in scored_ng(
                labels_dir, None if args.offline else args.answers / labels_dir.name, learned=not args.llm_alone
            )
        ]
        for sets in args.group
    ]
    key = make(args.out, groups, seed=args.seed)
    print(f"{len(key)} calls, {sum(len(k['kinds']) for k in key.values())} questions written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
