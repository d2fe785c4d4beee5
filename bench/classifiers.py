"""Compare the shipped classifiers with alt-profanity-check on held-out splits, and time them.

Usage, from the project root:  python -m bench.classifiers --data ../shared/datasets
Prints a table and writes bench/results/classifiers.json. The held-out figures of our
models are those ``train_classifiers`` measured (models fitted without the test rows) and
stored in the sidecars; alt-profanity-check is scored here on exactly the same rows.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from profanity_check import predict_prob

from moderation.classifiers import CommentInput, load_model
from moderation.classifiers import data as datasets
from moderation.classifiers.evaluation import median_ms
from moderation.classifiers.metrics import scores_at
from moderation.classifiers.registry import model_path
from moderation.classifiers.scoring import score_all
from moderation.classifiers.training import split_parts

ROOT = Path(__file__).resolve().parent.parent

COMPARED = {
    "jigsaw_it (test part)": lambda d: split_parts(datasets.jigsaw_it(d))["test"],
    "jigsaw_toxic_en_sample (test part)": lambda d: split_parts(datasets.jigsaw_en(d))["test"],
    "olid (test part)": lambda d: split_parts(datasets.olid(d))["test"],
    "haspeede2018 (evaluation only)": lambda d: _whole(datasets.haspeede(d)),
    "ethos (evaluation only)": lambda d: _whole(datasets.ethos(d)),
}


def _whole(labelled: datasets.LabelledSet) -> tuple[list[CommentInput], object]:
    return labelled.items, labelled.y


def _timings(score, items: list[CommentInput]) -> dict[str, float]:
    ms_single, ms_batch = median_ms(score, items)
    return {"ms_single": ms_single, "per_second_batch": 1000 / ms_batch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/classifiers.json")
    args = parser.parse_args()
    spam, toxicity = load_model(model_path("spam")), load_model(model_path("toxicity"))

    rows = []
    for name, figures in spam.metadata["evaluation"].items():
        rows.append({"task": "spam", "split": name, "ours": figures})
    timing_items: list[CommentInput] = []
    for name, read in COMPARED.items():
        items, labels = read(args.data)
        timing_items.extend(items[:1000])
        theirs = scores_at(labels, predict_prob([i.text for i in items]), 0.5)
        rows.append(
            {
                "task": "toxicity",
                "split": name,
                "ours": toxicity.metadata["evaluation"][name],
                "alt_profanity_check": theirs,
            }
        )

    def both(items: list[CommentInput]) -> None:
        score_all([spam, toxicity], items)

    speed = {
        "comments": len(timing_items),
        "mean_chars": statistics.mean(len(i.text) for i in timing_items),
        "ours_both_models": _timings(both, timing_items),
        "alt_profanity_check": _timings(
            lambda items: predict_prob([i.text for i in items]), timing_items
        ),
    }
    result = {
        "spam_version": spam.version,
        "toxicity_version": toxicity.version,
        "splits": rows,
        "speed": speed,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"{'task':9} {'split':44} {'AUC':>6} {'AP':>6} {'MCC':>6} {'FPR':>6} {'APC AUC':>8}")
    for row in rows:
        ours, theirs = row["ours"], row.get("alt_profanity_check")
        their_auc = f"{theirs['roc_auc']:.3f}" if theirs else "-"
        print(
            f"{row['task']:9} {row['split']:44} {ours['roc_auc']:6.3f} "
            f"{ours['average_precision']:6.3f} {ours['mcc']:6.3f} {ours['fpr']:6.3f} "
            f"{their_auc:>8}"
        )
    print(
        f"speed on {speed['comments']} comments of {speed['mean_chars']:.0f} characters on average "
        "(median of 300 single calls; median of 3 batches):"
    )
    for who in ("ours_both_models", "alt_profanity_check"):
        figures = speed[who]
        print(
            f"{who:22} {figures['ms_single']:.3f} ms alone, "
            f"{figures['per_second_batch']:.0f} comments/s in a batch"
        )


if __name__ == "__main__":
    main()
