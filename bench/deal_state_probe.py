"""`python -m bench.deal_state_probe eval|export`: the deal-state model, learned from the labelled calls.

The offline rules (`scoring/deal_state.py`, seed 003's plan, price and timing) give the labelled deal state on about
0.72 of unseen calls. This trains the model `scoring/deal_model.py` reads: one multinomial logistic regression over
character 2–4-grams (sublinear TF-IDF, n-grams in at least five training calls, the `--k` most associated with the
state by chi-squared) of what the customer said and of the call's last `--tail` turns, plus the rules' own state
and the call's phase as one-hot inputs.

- `eval --test SET...` trains on every labelled set but the held-out ones and prints held-out accuracy beside the
  rules', with the confusion table.
- `export OUT` trains on every labelled set (or `--sets-of` a shipped model's, less `--without`) and writes
  `rubrics/deal-model.json`.

Needs scikit-learn (`pip install '.[probe]'`), which the service never imports. The rules' state is read with the
learned models off, so the file does not depend on the model already shipped. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.labelled import add_set_options, chosen_sets, has_sklearn, offline_card, set_flags
from scoring import deal_model, ng_model, speakers
from scoring.evaluation import load_labelled, parse
from scoring.rubric import load_rubric

LABELLED = Path("tests/fixtures/transcripts/labelled")
PHASES = (*load_rubric().phase_ids, None)  # the rubric's phases, and a call given none
MIN_DF = 5
# Held out, on calls with fewer customer turns the rules were right more often than the model (104 vs 88 of 110).
MIN_CUSTOMER_TURNS = 10
PARITY = 1e-3  # the weights are rounded to six decimals
ONEHOT = 3.0


def read_set(directory: Path, tail_turns: int) -> list[dict[str, Any]]:
    """Per call: the model's reading of it (the rules' state before the model), its label and its length."""
    out = []
    for call in load_labelled(directory):
        transcript = parse(call)
        card = offline_card(call, transcript, learned=False)
        named, _ = speakers.with_speakers(transcript)  # the segments the scorer reads, speakers named
        text = deal_model.call_text(
            named.segments, card.rep_speaker.name, card.deal_state, call.labels.get("stage_phase"), tail_turns
        )
        out.append(
            {
                "set": directory.name,
                "label": call.labels.get("deal_state"),
                "text": text,
                "customer": ng_model.counts(text.customer),
                "tail": ng_model.counts(text.tail),
            }
        )
    return out


def read_all(sets: list[Path], tail_turns: int) -> dict[str, list[dict[str, Any]]]:
    """The chosen labelled sets (`bench.labelled.chosen_sets`: those left out are out of training and testing alike)."""
    with Pool(2) as pool:
        read = pool.starmap(read_set, [(s, tail_turns) for s in sets])
    return {s.name: calls for s, calls in zip(sets, read, strict=True)}


def train(calls: list[dict[str, Any]], k: int, c: float, tail_turns: int) -> deal_model.DealModel:
    """The model over `calls`: per text block the vocabulary, IDF and k n-grams by chi-squared; one regression."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_selection import chi2
    from sklearn.linear_model import LogisticRegression

    y = [deal_model.state_name(call["label"]) for call in calls]
    n = len(calls)

    def matrix(block: str, vocab: dict[str, float]) -> tuple[Any, list[str]]:
        names = sorted(vocab)
        col = {g: i for i, g in enumerate(names)}
        rows, cols, vals = [], [], []
        for r, call in enumerate(calls):
            for g, v in ng_model.tfidf(call[block], vocab).items():
                rows.append(r)
                cols.append(col[g])
                vals.append(v)
        return csr_matrix((vals, (rows, cols)), shape=(n, len(names))), names

    idf: dict[str, dict[str, float]] = {}
    blocks = []
    for block in deal_model.TEXT_BLOCKS:
        df: Counter[str] = Counter()
        for call in calls:
            df.update(call[block].keys())
        full = {g: math.log((1 + n) / (1 + d)) + 1.0 for g, d in sorted(df.items()) if d >= MIN_DF}
        x, names = matrix(block, full)
        scores, _ = chi2(x, y)
        kept = {names[j] for j in np.argsort(-np.nan_to_num(scores), kind="stable")[:k]}
        idf[block] = {g: round(full[g], 6) for g in sorted(kept)}
        blocks.append(matrix(block, idf[block]))
    rules_names = [deal_model.state_name(s) for s in deal_model.STATES]
    phase_names = [deal_model.state_name(p) for p in PHASES]
    onehots = csr_matrix(
        [
            [ONEHOT * (deal_model.state_name(call["text"].rules_state) == s) for s in rules_names]
            + [ONEHOT * (deal_model.state_name(call["text"].phase) == p) for p in phase_names]
            for call in calls
        ]
    )
    x = hstack([m for m, _ in blocks] + [onehots]).tocsr()
    fit = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    states = {}
    for row, name in enumerate(fit.classes_):
        coef = [round(float(w), 6) for w in fit.coef_[row]]
        at = 0
        text = {}
        for block, (_, names) in zip(deal_model.TEXT_BLOCKS, blocks, strict=True):
            text[block] = {g: w for g, w in zip(names, coef[at : at + len(names)], strict=True) if w}
            at += len(names)
        rules = dict(zip(rules_names, coef[at : at + len(rules_names)], strict=True))
        phase = dict(zip(phase_names, coef[at + len(rules_names) :], strict=True))
        states[str(name)] = deal_model.StateWeights(
            intercept=round(float(fit.intercept_[row]), 6), text=text, rules=rules, phase=phase
        )
    model = deal_model.DealModel(
        idf=idf, states=states, onehot=ONEHOT, tail_turns=tail_turns, min_customer_turns=0, trained_on=()
    )
    # The plain-Python reading must be the regression's own: compare on every training call.
    expected = fit.predict_proba(x)
    for row, call in enumerate(calls):
        got = model.probabilities(call["text"])
        for col, name in enumerate(fit.classes_):
            state = None if name == deal_model.NONE else str(name)
            if abs(got[state] - expected[row, col]) > PARITY:
                raise AssertionError(f"plain-Python probability {got[state]} != scikit-learn's {expected[row, col]}")
    return model


def confusion(calls: list[dict[str, Any]], found: list[str | None]) -> list[str]:
    names = [deal_model.state_name(s) for s in deal_model.STATES]
    table = Counter(
        (deal_model.state_name(c["label"]), deal_model.state_name(f)) for c, f in zip(calls, found, strict=True)
    )
    lines = ["            " + "".join(f"{n:>8}" for n in names)]
    lines += [f"{row:<12}" + "".join(f"{table[row, col]:>8}" for col in names) for row in names]
    return lines


def accuracy(calls: list[dict[str, Any]], found: list[str | None]) -> str:
    right = sum(f == c["label"] for c, f in zip(calls, found, strict=True))
    return f"{right / len(calls):.3f} ({right} of {len(calls)})"


def cmd_eval(args: argparse.Namespace) -> int:
    read = read_all(chosen_sets(args.root, args), args.tail)
    held = set(args.test)
    train_calls = [call for s, calls in read.items() if s not in held for call in calls]
    test = [call for s, calls in read.items() if s in held for call in calls]
    print(f"trained on {len(train_calls)} calls, held out {len(test)} ({', '.join(sorted(held))})")
    print(f"k {args.k}, C {args.c}, last {args.tail} turns")
    rules = [c["text"].rules_state for c in test]
    model = train(train_calls, args.k, args.c, args.tail)
    found = [model.state(c["text"]) for c in test]
    print(f"rules alone: accuracy {accuracy(test, rules)}")
    print("\n".join(confusion(test, rules)))
    print(f"rules + model: accuracy {accuracy(test, found)}")
    print("\n".join(confusion(test, found)))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    read = read_all(chosen_sets(args.root, args), args.tail)
    calls = [call for s in sorted(read) for call in read[s]]
    model = train(calls, args.k, args.c, args.tail)
    floor = args.min_customer_turns
    doc = {
        "format": 1,
        "about": "Deal state from the customer's words, the last turns, the rules' state and the phase; written by "
        + "python -m bench.deal_state_probe "
        + set_flags(args)
        + f"--k {args.k} --c {args.c} --tail {args.tail} export --min-customer-turns {floor} "
        + "(scoring/deal_model.py reads it)",
        "trained_on": sorted(read),
        "onehot": model.onehot,
        "tail_turns": model.tail_turns,
        "min_customer_turns": floor,
        "idf": {block: dict(sorted(v.items())) for block, v in model.idf.items()},
        "states": {
            name: {
                "intercept": w.intercept,
                "text": {block: dict(sorted(v.items())) for block, v in w.text.items()},
                "rules": w.rules,
                "phase": w.phase,
            }
            for name, w in sorted(model.states.items())
        },
    }
    deal_model.parse_model(doc, set(load_rubric().phase_ids))
    args.out.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    sizes = ", ".join(f"{len(v)} {block} n-grams" for block, v in model.idf.items())
    print(f"{len(calls)} calls, {sizes}, floor {floor} customer turns, written to {args.out}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.deal_state_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=1000, help="n-grams kept per text block (default 1000)")
    parser.add_argument("--c", type=float, default=16.0, help="inverse regularisation strength (default 16)")
    parser.add_argument("--tail", type=int, default=12, help="the call's last turns read as a block (default 12)")
    parser.add_argument("--root", type=Path, default=LABELLED)
    add_set_options(parser)
    sub = parser.add_subparsers(dest="cmd", required=True)
    ev = sub.add_parser("eval", help="held-out figures")
    ev.add_argument("--test", nargs="+", required=True, help="held-out labelled sets (folder names)")
    ex = sub.add_parser("export", help="train on every labelled set and write the model")
    ex.add_argument("out", type=Path)
    ex.add_argument(
        "--min-customer-turns",
        type=int,
        default=MIN_CUSTOMER_TURNS,
        help=f"the rules' state stands on calls with fewer customer turns (default {MIN_CUSTOMER_TURNS})",
    )
    args = parser.parse_args(argv)
    if not has_sklearn("bench.deal_state_probe"):
        return 2
    return cmd_eval(args) if args.cmd == "eval" else cmd_export(args)


if __name__ == "__main__":
    sys.exit(main())
