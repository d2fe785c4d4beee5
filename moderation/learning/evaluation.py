"""Judging models on the moderators' labels: the rows, the time split, the figures, and
whether a candidate has earned automatic promotion."""

from __future__ import annotations

from dataclasses import dataclass
from math import nan

import numpy as np
from sklearn.metrics import roc_auc_score

from moderation.classifiers import CommentInput, TextModel
from moderation.classifiers.metrics import macro_f1
from moderation.conf import moderation_settings
from moderation.models import TrainingLabel

#: Which label field says what a moderator's decision means for each task.
LABEL_FIELDS = {"spam": "is_spam", "toxicity": "is_toxic"}


Source = TrainingLabel.Source
#: Labels whose comments were chosen with a known chance, so that weighted by its inverse
#: they estimate the whole stream: every held comment, every comment published just under a
#: threshold (near picks), a random share of the other published ones. Reports, imports and
#: other decisions are chosen by readers or another site: used to learn, never to judge.
UNBIASED_SOURCES = (Source.HELD, Source.AUDIT_NEAR, Source.AUDIT_RANDOM)


@dataclass
class LabelledRows:
    """The moderators' verdicts on a task, oldest first, with how each was chosen."""

    items: list[CommentInput]
    y: np.ndarray
    weights: np.ndarray
    sources: np.ndarray

    def take(self, index: np.ndarray) -> tuple[list[CommentInput], np.ndarray, np.ndarray]:
        return [self.items[i] for i in index], self.y[index], self.weights[index]


def labelled_rows(task: str) -> LabelledRows:
    """The moderators' verdicts on ``task``, oldest first."""
    field = LABEL_FIELDS[task]
    labels = (
        TrainingLabel.objects.filter(**{f"{field}__isnull": False})
        .order_by("created_at", "pk")
        .values_list(
            "text", "author_name", "author_url", "author_email_domain", field, "weight", "source"
        )
    )
    items, y, weights, sources = [], [], [], []
    for text, name, url, domain, verdict, weight, source in labels.iterator():
        email = f"x@{domain}" if domain else ""
        items.append(CommentInput(text, author_name=name, author_email=email, author_url=url))
        y.append(int(verdict))
        weights.append(weight)
        sources.append(source)
    return LabelledRows(
        items, np.asarray(y, dtype=int), np.asarray(weights, dtype=float), np.asarray(sources)
    )


def time_split(n: int, holdout_share: float) -> int:
    """Index where the newest ``holdout_share`` of ``n`` time-ordered rows begins."""
    return n - round(n * holdout_share)


def holdout_split(rows: LabelledRows, holdout_share: float) -> tuple[np.ndarray, np.ndarray]:
    """Indexes of the rows to learn from and of the newest ``holdout_share`` of the unbiased
    rows, on which a candidate and the active model are judged."""
    unbiased = np.flatnonzero(np.isin(rows.sources, UNBIASED_SOURCES))
    judged = unbiased[time_split(len(unbiased), holdout_share) :]
    learn = np.setdiff1d(np.arange(len(rows.y)), judged)
    return learn, judged


def figures(
    model: TextModel,
    items: list[CommentInput],
    y: np.ndarray,
    weights: np.ndarray | None = None,
) -> dict[str, float]:
    """ROC AUC, macro-F1 and share of legitimate comments flagged, at the model's threshold;
    with ``weights``, each row counts as that many comments of the stream."""
    if not len(y):
        return {"rows": 0, "roc_auc": nan, "macro_f1": nan, "blocked_legitimate": nan}
    w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
    proba = model.predict_proba(items)
    flagged = proba >= model.threshold
    negatives = max(float(w[y == 0].sum()), 1e-12)
    both = len(np.unique(y)) == 2
    return {
        "rows": len(y),
        "roc_auc": float(roc_auc_score(y, proba, sample_weight=w)) if both else float("nan"),
        "macro_f1": macro_f1(y, flagged, sample_weight=w),
        "blocked_legitimate": float(w[flagged & (y == 0)].sum() / negatives),
    }


def promotion_verdict(comparison: dict[str, dict[str, float]]) -> tuple[bool, str]:
    """Whether a candidate may be promoted automatically, and why (language-neutral)."""
    candidate, active = comparison["candidate"], comparison["active"]
    s = moderation_settings
    if candidate["rows"] < s.PROMOTION_MIN_LABELS:
        return False, f"{candidate['rows']} held-out labels < {s.PROMOTION_MIN_LABELS}"
    gain = candidate["macro_f1"] - active["macro_f1"]
    if gain < s.PROMOTION_MARGIN:
        return False, f"macro-F1 gain {gain:+.3f} < {s.PROMOTION_MARGIN:.3f}"
    if candidate["blocked_legitimate"] > active["blocked_legitimate"]:
        return False, (
            f"blocks more legitimate comments: {candidate['blocked_legitimate']:.3f} > "
            f"{active['blocked_legitimate']:.3f}"
        )
    return True, f"macro-F1 {active['macro_f1']:.3f} → {candidate['macro_f1']:.3f}"
