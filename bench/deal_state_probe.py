"""`python -m bench.deal_state_probe --test SET...`: could a model learned from the labelled calls lift the deal state?

A research probe, not part of the scorer. The offline deal state (`scoring/deal_state.py`, seed 003's plan, price and
timing) is right on about 0.7 of unseen calls. This trains one multinomial logistic regression on every labelled set
but the held-out ones and prints held-out accuracy beside the rules'. Features: character 2–4-grams (TF-IDF) of what
the customer said and of the call's last turns (where terms are agreed or declined), the rules' own state and the
call's phase. Needs scikit-learn (`pip install '.[probe]'`); deterministic.
"""

from __future__ import annotations

import argparse
import sys
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from bench.labelled import offline_card
from scoring import speakers
from scoring.evaluation import load_labelled, parse
from scoring.rubric import load_rubric

LABELLED = Path("tests/fixtures/transcripts/labelled")
PHASES = (*load_rubric().phase_ids, None)  # the rubric's phases, and a call given none
STATES = ("shodan", "wadai", "botsu", None)
LAST_TURNS = 12


def read_set(directory: Path) -> list[dict[str, Any]]:
    """Per call: the customer's words, the last turns, the rules' state, the phase and the label."""
    out = []
    for call in load_labelled(directory):
        transcript = parse(call)
        labels = call.labels
        card = offline_card(call, transcript)
        named, _ = speakers.with_speakers(transcript)
        out.append(
            {
                "set": directory.name,
                "label": labels.get("deal_state"),
                "rules": card.deal_state,
                "phase": labels.get("stage_phase"),
                "customer": " ".join(s.text for s in named.segments if s.speaker != card.rep_speaker.name),
                "tail": " ".join(s.text for s in named.segments[-LAST_TURNS:]),
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.deal_state_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--test", nargs="+", required=True, help="held-out labelled sets (folder names)")
    parser.add_argument("--c", type=float, nargs="+", default=[1.0, 4.0, 16.0], help="inverse regularisation strengths")
    parser.add_argument("--root", type=Path, default=LABELLED)
    args = parser.parse_args(argv)
    try:
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        print("bench.deal_state_probe needs scikit-learn: pip install '.[probe]'", file=sys.stderr)
        return 2
    sets = sorted(p for p in args.root.iterdir() if p.is_dir())
    with Pool(2) as pool:
        calls = [c for group in pool.map(read_set, sets) for c in group]
    held = set(args.test)
    train = [c for c in calls if c["set"] not in held]
    test = [c for c in calls if c["set"] in held]
    customer = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), min_df=5, sublinear_tf=True)
    tail = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), min_df=5, sublinear_tf=True)

    def onehots(group: list[dict[str, Any]]) -> Any:
        rows = [[3.0 * (c["rules"] == s) for s in STATES] + [3.0 * (c["phase"] == p) for p in PHASES] for c in group]
        return csr_matrix(rows)

    x_train = hstack(
        [
            customer.fit_transform([c["customer"] for c in train]),
            tail.fit_transform([c["tail"] for c in train]),
            onehots(train),
        ]
    ).tocsr()
    x_test = hstack(
        [customer.transform([c["customer"] for c in test]), tail.transform([c["tail"] for c in test]), onehots(test)]
    ).tocsr()
    y_train = [str(c["label"]) for c in train]
    rules = sum(str(c["rules"]) == str(c["label"]) for c in test) / len(test)
    print(f"trained on {len(train)} calls, held out {len(test)} ({', '.join(sorted(held))})")
    print(f"rules alone: accuracy {rules:.3f}")
    for c in args.c:
        model = LogisticRegression(C=c, max_iter=5000).fit(x_train, y_train)
        right = sum(p == str(call["label"]) for p, call in zip(model.predict(x_test), test, strict=True))
        print(f"model, C {c:g}: accuracy {right / len(test):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
