"""Training a candidate on the moderators' labels, judging it against the active model on
the newest labels, registering it, and promoting it when allowed and earned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.utils import timezone

from moderation.classifiers import TextModel, load_model, training
from moderation.classifiers import adaptation as recipes
from moderation.conf import moderation_settings
from moderation.learning import loaded_models
from moderation.learning.evaluation import (
    LabelledRows,
    figures,
    holdout_split,
    labelled_rows,
    promotion_verdict,
    time_split,
)
from moderation.learning.versions import RegistryError, activate, register, store_dir
from moderation.models import ModelVersion, TrainingLabel


@dataclass
class TrainingResult:
    version: ModelVersion
    #: Per model, its figures (floats) and the active model's version or the audited rows.
    comparison: dict[str, dict[str, Any]]
    promoted: bool
    verdict: str


def _adaptation_base(active: TextModel) -> TextModel:
    """The model the active one was adapted from, if any: labels are never counted twice."""
    base = active.metadata.get("settings", {}).get("base")
    row = ModelVersion.objects.filter(version=base).first() if base else None
    return load_model(Path(row.path)) if row is not None else active


def _new_version(task: str) -> str:
    return f"{task}-{timezone.now():%Y.%m.%d-%H%M%S}-site"


class CandidateRefused(RegistryError):
    """No candidate is proposed: too few unbiased labels to judge it, or it is no better."""


def _audited_rows(rows: LabelledRows, index: np.ndarray) -> int:
    return int((rows.sources[index] == TrainingLabel.Source.AUDIT_RANDOM).sum())


def train_candidate(
    task: str, *, data_dir: Path | None = None, auto_promote: bool | None = None
) -> TrainingResult:
    """Train a candidate on the moderators' labels, compare it with the active model, register it.

    Both models are judged on the newest ``HOLDOUT_SHARE`` of the unbiased labels (held
    comments and audit picks), weighted as the stream they stand for; the candidate learns
    from every other label, weighted too. With ``data_dir`` the public sets are refitted
    with the labels (slow); without, the active model is adapted to them. Raises
    ``CandidateRefused``, registering nothing, when fewer than ``CANDIDATE_MIN_AUDITED``
    random audit picks are held out or when the candidate is not better than the active
    model there. Auto-promotes when earned and allowed (``auto_promote``, by default the
    ``AUTO_PROMOTE`` setting).
    """
    s = moderation_settings
    active = loaded_models.get_models()[task]
    rows = labelled_rows(task)
    learn, judged = holdout_split(rows, s.HOLDOUT_SHARE)
    items, y, weights = rows.take(learn)
    if not recipes.has_both_classes(y):
        raise RegistryError(f"{task}: too few moderator labels of each class to learn from")
    audited = _audited_rows(rows, judged)
    if audited < s.CANDIDATE_MIN_AUDITED:
        raise CandidateRefused(
            f"{task}: {audited} random audit labels held out < {s.CANDIDATE_MIN_AUDITED}: "
            "too few to judge a candidate on what the models publish"
        )
    if data_dir is not None:
        fit = time_split(len(y), s.HOLDOUT_SHARE)
        model, threshold, base_rows = recipes.refit(
            task,
            data_dir,
            (items[:fit], y[:fit]),
            (items[fit:], y[fit:]),
            s.DECISION_WEIGHT,
            sample_weight=weights[:fit],
        )
        sets = {"public data sets (shipped recipe)": base_rows, "moderator labels": len(y)}
        recipe = {"method": "refit", "decision_weight": s.DECISION_WEIGHT}
    else:
        base = _adaptation_base(active)
        c = float(base.metadata.get("settings", {}).get("C", training.TOXICITY_C))
        # Never more of the stream's clean comments flagged than the active model does.
        limit = min(recipes.max_fpr(task), figures(active, items, y, weights)["blocked_legitimate"])
        model, threshold = recipes.adapt(
            base.pipeline, (items, y), c, max_fpr=limit, sample_weight=weights
        )
        sets = {**base.metadata.get("training_sets", {}), "moderator labels": len(y)}
        recipe = {"method": "adapt", "C": c, "base": base.version}
    version = _new_version(task)
    metadata = recipes.metadata(task, threshold, version, training_sets=sets)
    metadata["settings"] = {**active.metadata.get("settings", {}), **recipe}
    candidate = TextModel(task, model, metadata)
    test = rows.take(judged)
    comparison: dict[str, dict[str, Any]] = {
        "candidate": figures(candidate, *test),
        "active": figures(active, *test),
    }
    comparison["active"]["version"] = active.version
    comparison["candidate"]["audited_rows"] = audited
    gain = comparison["candidate"]["macro_f1"] - comparison["active"]["macro_f1"]
    if not gain > 0:
        raise CandidateRefused(
            f"{task}: candidate no better than {active.version} on {len(judged)} held-out "
            f"unbiased labels (weighted macro-F1 {gain:+.3f})"
        )
    metadata["evaluation"] = {"newest unbiased moderator labels (held out)": comparison}
    path = training.save(model, metadata, store_dir() / version)
    registered = register(path, metadata, decision_rows=len(y), metrics=comparison)
    allowed, verdict = promotion_verdict(comparison)
    promoted = bool((s.AUTO_PROMOTE if auto_promote is None else auto_promote) and allowed)
    if promoted:
        activate(version, automatic=True, reason=verdict)
        registered.refresh_from_db()
    return TrainingResult(registered, comparison, promoted, verdict)
