"""Judging models on the moderators' labels: the rows, the time split, the figures, and
whether a candidate has earned automatic promotion."""

from __future__ import annotations

from math import nan

import numpy as np
from sklearn.metrics import roc_auc_score

from ..classifiers import CommentInput, TextModel
from ..classifiers.metrics import macro_f1
from ..conf import moderation_settings
from ..models import TrainingLabel

#: Which label field says what a moderator's decision means for each task.
LABEL_FIELDS = {"spam": "is_spam", "toxicity": "is_toxic"}


def labelled_rows(task: str) -> tuple[list[CommentInput], np.ndarray]:
    """The moderators' verdicts on ``task``, oldest first; not WordPress's, brought by an
    import: an export leaves spam out, so they are nearly all "approved"."""
    field = LABEL_FIELDS[task]
    labels = (
        TrainingLabel.objects.filter(**{f"{field}__isnull": False})
        .exclude(action__startswith=TrainingLabel.IMPORTED_PREFIX)
        .order_by("created_at", "pk")
        .values_list("text", "author_name", "author_url", "author_email_domain", field)
    )
    items, y = [], []
    for text, name, url, domain, verdict in labels.iterator():
        email = f"x@{domain}" if domain else ""
        items.append(CommentInput(text, author_name=name, author_email=email, author_url=url))
        y.append(int(verdict))
    return items, np.asarray(y, dtype=int)


def time_split(n: int, holdout_share: float) -> int:
    """Index where the newest ``holdout_share`` of ``n`` time-ordered rows begins."""
    return n - round(n * holdout_share)


def figures(model: TextModel, items: list[CommentInput], y: np.ndarray) -> dict[str, float]:
    """ROC AUC, macro-F1 and share of legitimate comments flagged, at the model's threshold."""
    if not len(y):
        return {"rows": 0, "roc_auc": nan, "macro_f1": nan, "blocked_legitimate": nan}
    proba = model.predict_proba(items)
    flagged = proba >= model.threshold
    negatives = max(int((y == 0).sum()), 1)
    both = len(np.unique(y)) == 2
    return {
        "rows": len(y),
        "roc_auc": float(roc_auc_score(y, proba)) if both else float("nan"),
        "macro_f1": macro_f1(y, flagged),
        "blocked_legitimate": float((flagged & (y == 0)).sum() / negatives),
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
