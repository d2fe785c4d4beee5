"""Training on a site's own moderator labels, beside or instead of the public data sets.

Two ways, both giving a plain ``LinearTextClassifier`` (same file type, same speed):

- ``adapt``: the active model corrected by the labels alone. A logistic regression on
  the labels sees the comment's features, each scaled by how well it separates the
  labels' classes (naive Bayes log-count ratio, as in Wang & Manning's NBSVM, 2012), plus
  the active model's margin (scaled so that its weight is barely regularised); the result
  folds back into one weight vector: ``a * active + correction``. Fast, and needs no
  public data at run time.
- ``refit``: the shipped model's recipe (``training.shipped_rows``) with the labels added,
  each weighing ``decision_weight`` rows of a public set. Slow (minutes).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from moderation.classifiers.linear import LinearTextClassifier, telling
from moderation.classifiers.metrics import best_threshold, macro_f1
from moderation.classifiers.training import (
    SEED,
    SPAM_MAX_FPR,
    Rows,
    _metadata,
    fit_shipped,
    shipped_rows,
)

#: Divides the active model's margin column, so that its weight escapes most of the penalty.
MARGIN_SCALE = 10.0
#: Folds of the cross-fitted margins that calibrate an adapted model and pick its threshold.
CALIBRATION_FOLDS = 5
#: Fewer labels of either class than this: calibrate on the labels is not attempted.
MIN_CLASS_LABELS = 10


def max_fpr(task: str) -> float:
    return SPAM_MAX_FPR if task == "spam" else 1.0


def _correction(
    base: LinearTextClassifier,
    matrix: sp.csr_matrix,
    margins: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray,
    c: float,
) -> tuple[np.ndarray, float]:
    used = np.unique(matrix.indices)  # liblinear is slow on a million mostly empty columns
    scale = telling(matrix[:, used], y, weights)
    columns = sp.hstack(
        [matrix[:, used] @ sp.diags(scale), (margins / MARGIN_SCALE)[:, None]]
    ).tocsr()
    model = LogisticRegression(C=c, solver="liblinear").fit(columns, y, sample_weight=weights)
    base_weight = float(model.coef_[0, -1]) / MARGIN_SCALE
    coef = base_weight * base.coef_
    coef[used] += model.coef_[0, :-1] * scale
    return coef.astype(np.float32), base_weight * base.intercept_ + float(model.intercept_[0])


def has_both_classes(y: np.ndarray, minimum: int = MIN_CLASS_LABELS) -> bool:
    y = np.asarray(y)
    return int((y == 1).sum()) >= minimum and int((y == 0).sum()) >= minimum


def adapt(
    base: LinearTextClassifier,
    rows: Rows,
    c: float,
    max_fpr: float = 1.0,
    sample_weight: np.ndarray | None = None,
) -> tuple[LinearTextClassifier, float]:
    """``base`` corrected by the labelled ``rows``; return the new model and its threshold.

    The model is fitted on all rows; its calibrator and threshold come from margins
    cross-fitted on the same rows (each row scored by a model that did not see it); the
    threshold flags at most ``max_fpr`` of the clean ones. ``sample_weight`` says how many
    comments each row stands for (default: one): calibrator, threshold and limit are the
    stream's, not the labelled rows'.
    """
    items, y = rows
    y = np.asarray(y, dtype=int)
    if not has_both_classes(y):
        raise ValueError("too few labels of one class to learn from")
    weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
    matrix = base.features.transform(items)
    margins = base.decision_function(items)
    held_out = np.zeros(len(y))
    folds = StratifiedKFold(CALIBRATION_FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(np.zeros(len(y)), y):
        coef, intercept = _correction(
            base, matrix[train], margins[train], y[train], weights[train], c
        )
        held_out[test] = matrix[test] @ coef + intercept
    model = LinearTextClassifier(
        base.features, C=c, max_iter=base.max_iter, score_name=base.score_name
    )
    model.coef_, model.intercept_ = _correction(base, matrix, margins, y, weights, c)
    model.classes_ = np.array([0, 1])
    platt = LogisticRegression(C=1e4).fit(held_out.reshape(-1, 1), y, sample_weight=weights)
    model.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
    # The threshold maximises the figure a candidate's promotion is judged on, within the
    # share of the stream's clean comments it may flag (both weighted as the stream).
    proba = model.calibrated(held_out)
    score = partial(macro_f1, sample_weight=weights)
    return model, best_threshold(y, proba, max_fpr=max_fpr, score=score, sample_weight=weights)


def refit(
    task: str,
    data_dir: Path,
    rows: Rows,
    calibration: Rows | None,
    decision_weight: float,
    sample_weight: np.ndarray | None = None,
) -> tuple[LinearTextClassifier, float, int]:
    """The shipped recipe of ``task`` plus the labelled ``rows`` weighing ``decision_weight``
    (times ``sample_weight``, how many comments each row stands for).

    ``calibration`` (newer labels, not in ``rows``) calibrates the model and picks its
    threshold when it has enough of both classes; otherwise the public calibration split.
    Returns the model, its threshold and how many public rows went in.
    """
    base_rows, base_weights, base_calibration, base_fpr_rows = shipped_rows(task, data_dir)
    items = [*base_rows[0], *rows[0]]
    y = np.concatenate([base_rows[1], np.asarray(rows[1], dtype=int)])
    label_weights = np.ones(len(rows[1])) if sample_weight is None else sample_weight
    weights = np.concatenate([base_weights, decision_weight * np.asarray(label_weights, float)])
    fpr_rows = None  # the site's own labels: every clean one counts
    if calibration is None or not has_both_classes(calibration[1]):
        calibration, fpr_rows = base_calibration, base_fpr_rows
    model, threshold = fit_shipped(task, data_dir, (items, y), weights, calibration, fpr_rows)
    return model, threshold, len(base_rows[1])


def metadata(task: str, threshold: float, version: str, **fields: Any) -> dict[str, Any]:
    """The sidecar of a model trained on a site's labels (same fields as the shipped ones)."""
    return {**_metadata(task, threshold, **fields), "version": version}
