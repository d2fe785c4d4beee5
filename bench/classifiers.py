"""Compare the shipped classifiers with alt-profanity-check on held-out splits, and time them.

Usage, from the project root:  python -m bench.classifiers --data ../shared/datasets
Prints a table and writes bench/results/classifiers.json. The held-out figures of our
models are those ``train_classifiers`` measured (models fitted without the test rows) and
stored in the sidecars; alt-profanity-check is scored here on exactly the same rows.

``--italian-cv`` instead re-fits the toxicity recipe 5 times (~10 min), each time without
a fifth of the 1,502 Jigsaw Italian rows, and prints the ranking figures of the pooled
held-out scores: a steadier Italian figure than the 226-row test part.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

import numpy as np
from profanity_check import predict_prob
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold

from moderation.classifiers import CommentInput, load_model, training
from moderation.classifiers import data as datasets
from moderation.classifiers.labelled_csv import median_ms
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


#: The Jigsaw Italian folds of ``--italian-cv`` (stratified, this seed).
CV_FOLDS, CV_SEED = 5, 7
#: Share of clean Italian comments held at which ``--italian-cv`` reads the recall.
CV_MAX_FPR = 0.03


def italian_cv(data_dir: Path) -> dict[str, float]:
    """ROC AUC and recall at 3 % clean held of the Jigsaw Italian rows, each scored by a
    model fitted without its fold (plus the other sets' train parts); HaSpeeDe and the
    OLID test part scored by the first two folds' models (mean)."""
    weighted = training.toxicity_parts(data_dir)
    jigsaw = datasets.jigsaw_it(data_dir)
    jigsaw_weights = training.toxicity_row_weights(jigsaw)
    others = {name: parts for name, parts in weighted.items() if name != "jigsaw_it"}
    (other_items, other_y), other_weights = training._toxicity_rows(others, ("train",))
    lexicon = training.offensive_words(data_dir)[1]
    haspeede = datasets.haspeede(data_dir)
    olid_items, olid_y = weighted["olid"]["test"][0]
    pooled = np.zeros(len(jigsaw))
    others_auc: dict[str, list[float]] = {"haspeede2018": [], "olid (test part)": []}
    folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=CV_SEED)
    for fold, (train, test) in enumerate(folds.split(np.zeros(len(jigsaw)), jigsaw.y)):
        print(f"fold {fold + 1} of {CV_FOLDS}", flush=True)
        model = training.toxicity_model(lexicon).fit(
            other_items + [jigsaw.items[i] for i in train],
            np.concatenate([other_y, jigsaw.y[train]]),
            sample_weight=np.concatenate([other_weights, jigsaw_weights[train]]),
        )
        pooled[test] = model.decision_function([jigsaw.items[i] for i in test])
        if fold < 2:
            for name, (items, y) in (
                ("haspeede2018", (haspeede.items, haspeede.y)),
                ("olid (test part)", (olid_items, olid_y)),
            ):
                others_auc[name].append(roc_auc_score(y, model.decision_function(items)))
    fpr, tpr, _ = roc_curve(jigsaw.y, pooled)
    return {
        "jigsaw_it ROC AUC (5-fold)": float(roc_auc_score(jigsaw.y, pooled)),
        "jigsaw_it recall at 3 % clean held (5-fold)": float(tpr[fpr <= CV_MAX_FPR].max()),
        **{f"{name} ROC AUC": float(np.mean(aucs)) for name, aucs in others_auc.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--output", type=Path, default=ROOT / "bench/results/classifiers.json")
    parser.add_argument("--italian-cv", action="store_true", help="5-fold Jigsaw Italian only")
    args = parser.parse_args()
    if args.italian_cv:
        for name, value in italian_cv(args.data).items():
            print(f"{name:48} {value:.4f}")
        return
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
