"""How fast the toxicity model learns from moderators: a stream of HaSpeeDe decisions.

Usage, from the project root:  python -m bench.learning_curve --data ../shared/datasets

HaSpeeDe 2018 (Italian hate speech, Facebook + Twitter; never in the shipped model, which
may not train on it) is shuffled with a fixed seed and played as if moderators decided
the comments in that order. Every ``--every`` decisions the shipped model is adapted to all
decisions so far (``classifiers.retraining.adapt``, what ``train_classifiers
--with-decisions`` does without ``--data``) and judged on the next, unseen block of the
stream. Writes bench/results/learning_curve.json and docs/learning_curve.png.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score, roc_auc_score

from moderation.classifiers import TextModel, load_model
from moderation.classifiers import data as datasets
from moderation.classifiers.registry import model_path
from moderation.classifiers.retraining import adapt
from moderation.classifiers.training import SEED

ROOT = Path(__file__).resolve().parent.parent


def _figures(y: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float]:
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "macro_f1": round(float(f1_score(y, proba >= threshold, average="macro")), 4),
    }


def run(data_dir: Path, every: int) -> dict:
    labelled = datasets.haspeede(data_dir)
    order = np.random.default_rng(SEED).permutation(len(labelled))
    items = [labelled.items[i] for i in order]
    y = labelled.y[order].astype(int)
    shipped: TextModel = load_model(model_path("toxicity"))
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
            "threshold": round(threshold, 4),
            "train_seconds": round(seconds, 2),
        }
        print(point, flush=True)
        points.append(point)
    return {
        "stream": "haspeede2018 FB + TW (evaluation only), shuffled with seed "
        f"{SEED}, {len(y)} rows, {float(y.mean()):.3f} hateful",
        "method": "shipped toxicity model adapted to all decisions so far "
        "(classifiers.retraining.adapt); judged on the next block of the stream",
        "base_model": shipped.version,
        "retrain_every": every,
        "points": points,
    }


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = result["points"]
    x = [p["decisions"] for p in points]
    figure, axes = plt.subplots(figsize=(7, 4))
    axes.plot(x, [p["roc_auc"] for p in points], marker="o", label="ROC AUC")
    axes.plot(x, [p["macro_f1"] for p in points], marker="s", label="macro-F1")
    axes.axhline(0.80, color="grey", linestyle=":", linewidth=1, label="goal: macro-F1 0.80")
    axes.set_xlabel("moderators' decisions learned from")
    axes.set_ylabel(f"on the next {result['retrain_every']} decisions")
    axes.set_title("Toxicity model learning from moderators (HaSpeeDe 2018 stream)")
    lowest = min(min(p["roc_auc"], p["macro_f1"]) for p in points)
    axes.set_ylim(min(0.5, round(lowest - 0.05, 1)), 1.0)
    axes.grid(alpha=0.3)
    axes.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the datasets folder")
    parser.add_argument("--every", type=int, default=500, help="decisions between retrainings")
    args = parser.parse_args()
    result = run(args.data, args.every)
    out = ROOT / "bench" / "results" / "learning_curve.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    plot(result, ROOT / "docs" / "learning_curve.png")
    print(f"wrote {out.relative_to(ROOT)} and docs/learning_curve.png")


if __name__ == "__main__":
    main()
