"""How fast the toxicity model learns from moderators: streams of HaSpeeDe decisions.

Usage, from the project root:  python -m bench.learning_curve --data ../shared/datasets

HaSpeeDe 2018 (Italian hate speech, Facebook + Twitter; never in the shipped model, which
may not train on it) is shuffled and played as if moderators decided the comments in that
order. Every ``--every`` decisions the shipped model is adapted to all decisions so far
(``classifiers.retraining.adapt``, what ``train_classifiers --with-decisions`` does without
``--data``) and judged on the next, unseen block of the stream: ROC AUC, macro-F1 at the
adapted model's own threshold, and the macro-F1 the best threshold in hindsight would have
reached on that block (how much of the gap is ranking, how much the threshold). Beside it,
the ROC AUC of a model trained from scratch on the same decisions alone (character 2-5-gram
TF-IDF and a logistic regression, scikit-learn's usual recipe). One block
of 500 rows varies by about ±0.02, so the stream is played in ``--orders`` shuffles (the
first with the seed of the earlier reports) and the mean is reported beside each order.
Writes bench/results/learning_curve.json and docs/learning_curve.png.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline

from moderation.classifiers import TextModel, load_model
from moderation.classifiers import data as datasets
from moderation.classifiers.adaptation import adapt
from moderation.classifiers.metrics import macro_f1
from moderation.classifiers.registry import model_path
from moderation.classifiers.training import SEED

ROOT = Path(__file__).resolve().parent.parent


def _figures(y: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    candidates = np.unique(np.round(proba, 3))
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "macro_f1": round(macro_f1(y, proba >= threshold), 4),
        "macro_f1_best_threshold": round(max(macro_f1(y, proba >= t) for t in candidates), 4),
    }


def _from_scratch(items: list, y: np.ndarray, learned: int, test: slice) -> float | None:
    """ROC AUC of a model that knows only the decisions (no shipped model, no public data)."""
    if not learned:
        return None
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LogisticRegression(C=4.0, solver="liblinear"),
    )
    model.fit([item.text for item in items[:learned]], y[:learned])
    scores = model.decision_function([item.text for item in items[test]])
    return round(float(roc_auc_score(y[test], scores)), 4)


def curve(shipped: TextModel, items: list, y: np.ndarray, every: int) -> list[dict]:
    """The figures on each next block after adapting to every ``every`` decisions."""
    c = float(shipped.metadata["settings"]["C"])
    points = []
    for learned in range(0, len(y) - every // 2, every):
        started = time.perf_counter()
        if learned == 0:
            model, threshold = shipped.pipeline, shipped.threshold
        else:
            model, threshold = adapt(shipped.pipeline, (items[:learned], y[:learned]), c)
        seconds = time.perf_counter() - started
        test = slice(learned, learned + every)
        proba = model.predict_proba(items[test])[:, 1]
        point = {
            "decisions": learned,
            "test_rows": len(y[test]),
            **_figures(y[test], proba, threshold),
            "scratch_roc_auc": _from_scratch(items, y, learned, test),
            "threshold": round(threshold, 4),
            "train_seconds": round(seconds, 2),
        }
        print(point, flush=True)
        points.append(point)
    return points


FIGURES = ("roc_auc", "macro_f1", "macro_f1_best_threshold", "scratch_roc_auc")


def _mean(curves: list[list[dict]]) -> list[dict]:
    """Per number of decisions, the mean, lowest and highest of each figure over the orders."""
    summary = []
    for points in zip(*curves, strict=True):
        row: dict[str, float] = {"decisions": points[0]["decisions"]}
        for name in FIGURES:
            values = [p[name] for p in points if p[name] is not None]
            if not values:
                continue
            row[name] = round(float(np.mean(values)), 4)
            row[f"{name}_range"] = [min(values), max(values)]
        summary.append(row)
    return summary


def run(data_dir: Path, every: int, orders: int) -> dict:
    labelled = datasets.haspeede(data_dir)
    shipped: TextModel = load_model(model_path("toxicity"))
    curves = []
    for seed in range(SEED, SEED + orders):
        order = np.random.default_rng(seed).permutation(len(labelled))
        print(f"stream order {seed}", flush=True)
        items = [labelled.items[i] for i in order]
        curves.append(curve(shipped, items, labelled.y[order].astype(int), every))
    return {
        "stream": f"haspeede2018 FB + TW (evaluation only), {len(labelled)} rows, "
        f"{float(labelled.y.mean()):.3f} hateful, shuffled with seeds {SEED}…{SEED + orders - 1}",
        "method": "shipped toxicity model adapted to all decisions so far "
        "(classifiers.retraining.adapt); judged on the next block of the stream",
        "base_model": shipped.version,
        "retrain_every": every,
        "mean": _mean(curves),
        "orders": [
            {"seed": seed, "points": points}
            for seed, points in zip(range(SEED, SEED + orders), curves, strict=True)
        ],
    }


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mean = result["mean"]
    x = [p["decisions"] for p in mean]
    figure, axes = plt.subplots(figsize=(7, 4))
    for name, label, marker in (("roc_auc", "ROC AUC", "o"), ("macro_f1", "macro-F1", "s")):
        line = axes.plot(x, [p[name] for p in mean], marker=marker, label=f"{label} (mean)")
        low, high = zip(*(p[f"{name}_range"] for p in mean), strict=True)
        axes.fill_between(x, low, high, color=line[0].get_color(), alpha=0.15)
    axes.axhline(0.80, color="grey", linestyle=":", linewidth=1, label="goal: macro-F1 0.80")
    axes.set_xlabel("moderators' decisions learned from")
    axes.set_ylabel(f"on the next {result['retrain_every']} decisions")
    orders = len(result["orders"])
    axes.text(
        0.01,
        0.01,
        f"bands: lowest to highest of {orders} stream orders",
        transform=axes.transAxes,
        fontsize=8,
        color="grey",
    )
    axes.set_title("Toxicity model learning from moderators (HaSpeeDe 2018 stream)")
    lowest = min(min(p["roc_auc_range"][0], p["macro_f1_range"][0]) for p in mean)
    axes.set_ylim(min(0.5, round(lowest - 0.05, 1)), 1.0)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the datasets folder")
    parser.add_argument("--every", type=int, default=500, help="decisions between retrainings")
    parser.add_argument("--orders", type=int, default=5, help="shuffles of the stream played")
    args = parser.parse_args()
    result = run(args.data, args.every, args.orders)
    out = ROOT / "bench" / "results" / "learning_curve.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plot(result, ROOT / "docs" / "learning_curve.png")
    print(f"wrote {out.relative_to(ROOT)} and docs/learning_curve.png")


if __name__ == "__main__":
    main()
