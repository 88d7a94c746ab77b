"""`python -m bench.ng_text_probe`: could a text model learned from the labelled calls lift the offline NG recall?

A research probe, not part of the scorer. The offline rules find about half the NG behaviours the labels hold, and
five sessions of marker tuning moved that little. This trains, per NG id, a logistic regression on character
n-grams of what the rep said (TF-IDF, the `--k` n-grams most associated with the id by chi-squared, balanced class
weights) on every labelled set except the held-out ones, and prints the held-out NG precision and recall at a few
probability thresholds: the model alone, the model's ids added to the rules' ids, and the rules alone, with the
model's false ids by the call's labelled quality (those on excellent calls are the costly ones: they take points from a
rep who did well).

Needs scikit-learn (`pip install '.[probe]'`), which the service never imports. The rep is the one the offline
scorer identifies, as in production. Deterministic: same sets, same figures.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from scoring.evaluation import load_labelled, parse
from scoring.rubric import load_rubric_or_reference
from scoring.scorer import score_call

LABELLED = Path("tests/fixtures/transcripts/labelled")
MIN_POSITIVES = 5


def read_set(directory: Path) -> list[dict[str, Any]]:
    """Per call: the rep's words (as the offline scorer identifies the rep), the rules' NG ids and the labels."""
    out = []
    for call in load_labelled(directory):
        transcript = parse(call)
        labels = call.labels
        card = score_call(
            transcript,
            rubric=load_rubric_or_reference("sales-7-phase", transcript.language),
            mode="offline",
            stage_phase=labels.get("stage_phase"),
            rep=labels.get("rep_hint"),
        )
        rep = card.rep_speaker.name
        out.append(
            {
                "set": directory.name,
                "quality": labels.get("quality") or "unknown",
                "labelled": set(labels.get("ng_behaviors") or ()),
                "rules": {n.id for n in card.ng_behaviors},
                "rep_text": " ".join(s.text for s in transcript.segments if s.speaker == rep),
            }
        )
    return out


def probabilities(train: list[dict[str, Any]], test: list[dict[str, Any]], k: int, c: float) -> dict[str, list[float]]:
    """NG id → the held-out calls' probabilities, for every id with enough labelled calls to learn from."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.feature_selection import chi2
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), min_df=5, sublinear_tf=True)
    x_train = vectorizer.fit_transform([call["rep_text"] for call in train])
    x_test = vectorizer.transform([call["rep_text"] for call in test])
    out: dict[str, list[float]] = {}
    for ng_id in sorted({i for call in train for i in call["labelled"]}):
        y = np.array([ng_id in call["labelled"] for call in train])
        if y.sum() < MIN_POSITIVES:
            continue
        scores, _ = chi2(x_train, y)
        columns = np.argsort(-np.nan_to_num(scores))[:k]
        model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
        model.fit(x_train[:, columns], y)
        out[ng_id] = [float(p) for p in model.predict_proba(x_test[:, columns])[:, 1]]
    return out


def tally(calls: list[dict[str, Any]], found: list[set[str]]) -> tuple[str, Counter[str]]:
    tp = fp = fn = 0
    false_by_quality: Counter[str] = Counter()
    for call, ids in zip(calls, found, strict=True):
        tp += len(ids & call["labelled"])
        fp += len(ids - call["labelled"])
        fn += len(call["labelled"] - ids)
        false_by_quality[call["quality"]] += len(ids - call["labelled"])
    precision = tp / (tp + fp) if tp + fp else 0.0
    return f"P {precision:.2f} R {tp / (tp + fn) if tp + fn else 0.0:.2f} (tp {tp}, fp {fp}, fn {fn})", false_by_quality


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ng_text_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--test", nargs="+", required=True, help="held-out labelled sets (folder names)")
    parser.add_argument("--k", type=int, default=1000, help="n-grams kept per NG id (default 1000)")
    parser.add_argument("--c", type=float, default=4.0, help="inverse regularisation strength (default 4)")
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.6, 0.7])
    parser.add_argument("--root", type=Path, default=LABELLED)
    args = parser.parse_args(argv)
    try:
        import sklearn  # noqa: F401
    except ImportError:
        print("bench.ng_text_probe needs scikit-learn: pip install '.[probe]'", file=sys.stderr)
        return 2
    sets = sorted(p for p in args.root.iterdir() if p.is_dir())
    with Pool(2) as pool:
        read = dict(zip(sets, pool.map(read_set, sets), strict=True))
    held = set(args.test)
    train = [call for s, calls in read.items() if s.name not in held for call in calls]
    test = [call for s, calls in read.items() if s.name in held for call in calls]
    print(f"trained on {len(train)} calls, held out {len(test)} ({', '.join(sorted(held))}); k {args.k}, C {args.c}")
    figures, _ = tally(test, [call["rules"] for call in test])
    print(f"rules alone                 {figures}")
    probs = probabilities(train, test, args.k, args.c)
    for threshold in args.thresholds:
        model = [{i for i, p in probs.items() if p[n] >= threshold} for n in range(len(test))]
        alone, false_by_quality = tally(test, model)
        joined, _ = tally(test, [m | call["rules"] for m, call in zip(model, test, strict=True)])
        quality = ", ".join(f"{q} {false_by_quality[q]}" for q in ("excellent", "mixed", "poor"))
        print(f"threshold {threshold:.2f}: model {alone}; model's false ids by quality: {quality}")
        print(f"                 model + rules {joined}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
