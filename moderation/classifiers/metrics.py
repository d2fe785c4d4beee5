"""Figures of merit shared by training, the evaluate command and the benchmark."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    f1_score,
    matthews_corrcoef,
    precision_score,
    recall_score,
    roc_auc_score,
)


def scores_at(y_true: np.ndarray, proba: np.ndarray, threshold: float) -> dict[str, float | int]:
    """Rows, ranking quality and the confusion figures at ``threshold``."""
    y_true = np.asarray(y_true, dtype=int)
    predicted = (np.asarray(proba) >= threshold).astype(int)
    both_classes = len(np.unique(y_true)) == 2
    negatives = int((y_true == 0).sum())
    false_positives = int(((predicted == 1) & (y_true == 0)).sum())
    return {
        "rows": len(y_true),
        "roc_auc": float(roc_auc_score(y_true, proba)) if both_classes else float("nan"),
        "average_precision": float(average_precision_score(y_true, proba))
        if both_classes
        else float("nan"),
        "f1": float(f1_score(y_true, predicted, zero_division=0)),
        "macro_f1": macro_f1(y_true, predicted),
        "mcc": float(matthews_corrcoef(y_true, predicted)),
        "precision": float(precision_score(y_true, predicted, zero_division=0)),
        "recall": float(recall_score(y_true, predicted, zero_division=0)),
        "fpr": false_positives / negatives if negatives else float("nan"),
    }


def macro_f1(
    y_true: np.ndarray, predicted: np.ndarray, sample_weight: np.ndarray | None = None
) -> float:
    """The mean of both classes' F1: what the promotion of a retrained model compares.

    With ``sample_weight``, each row counts as that many comments.
    """
    return float(
        f1_score(y_true, predicted, average="macro", zero_division=0, sample_weight=sample_weight)
    )


def best_threshold(
    y_true: np.ndarray,
    proba: np.ndarray,
    max_fpr: float = 1.0,
    fpr_rows: np.ndarray | None = None,
    score: Callable[[np.ndarray, np.ndarray], float] = matthews_corrcoef,
    sample_weight: np.ndarray | None = None,
) -> float:
    """The threshold of highest ``score`` (by default MCC) among those flagging at most
    ``max_fpr`` of negatives.

    With ``fpr_rows`` (a boolean mask), only the negatives among those rows count for the
    ``max_fpr`` limit (e.g. the Italian ones); the score is still over all rows. With
    ``sample_weight``, each negative counts for that many in the limit.
    """
    y_true = np.asarray(y_true, dtype=int)
    proba = np.asarray(proba)
    limited = y_true == 0 if fpr_rows is None else (y_true == 0) & np.asarray(fpr_rows, bool)
    weights = np.ones(len(y_true)) if sample_weight is None else np.asarray(sample_weight, float)
    limited_weights = np.where(limited, weights, 0.0)
    negatives = max(float(limited_weights.sum()), 1e-12)
    # Rounded down to the 4 digits a threshold is stored with, so each candidate still
    # flags the row it came from (rounding up would miss a row at 0.99996).
    candidates = np.unique(np.floor(proba * 1e4) / 1e4)
    best, best_score = 0.5, -2.0
    for threshold in candidates:
        predicted = proba >= threshold
        if limited_weights[predicted].sum() / negatives > max_fpr:
            continue
        value = score(y_true, predicted)
        if value > best_score:
            best, best_score = float(threshold), value
    return best
