"""Training a candidate on the moderators' labels, judging it against the active model on
the newest labels, registering it, and promoting it when allowed and earned."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

from ..classifiers import TextModel, load_model, training
from ..classifiers import retraining as recipes
from ..conf import moderation_settings
from ..models import ModelVersion
from . import loaded_models
from .evaluation import figures, labelled_rows, promotion_verdict, time_split
from .versions import RegistryError, activate, register, store_dir


@dataclass
class TrainingResult:
    version: ModelVersion
    comparison: dict[str, dict[str, float]]
    promoted: bool
    verdict: str


def _adaptation_base(active: TextModel) -> TextModel:
    """The model the active one was adapted from, if any: labels are never counted twice."""
    base = active.metadata.get("settings", {}).get("base")
    row = ModelVersion.objects.filter(version=base).first() if base else None
    return load_model(Path(row.path)) if row is not None else active


def _new_version(task: str) -> str:
    return f"{task}-{timezone.now():%Y.%m.%d-%H%M%S}-site"


def train_candidate(task: str, *, data_dir: Path | None = None) -> TrainingResult:
    """Train a candidate on the moderators' labels, compare it with the active model, register it.

    The newest ``HOLDOUT_SHARE`` of the labels is kept aside; both models are judged on it.
    With ``data_dir`` the public sets are refitted with the older labels (slow); without,
    the active model is adapted to the older labels. Auto-promotes when allowed and earned.
    """
    s = moderation_settings
    active = loaded_models.get_models()[task]
    items, y = labelled_rows(task)
    cut = time_split(len(y), s.HOLDOUT_SHARE)
    train, test = (items[:cut], y[:cut]), (items[cut:], y[cut:])
    if not recipes.has_both_classes(train[1]):
        raise RegistryError(f"{task}: too few moderator labels of each class to learn from")
    if data_dir is not None:
        fit_cut = time_split(cut, s.HOLDOUT_SHARE)
        model, threshold, base_rows = recipes.refit(
            task,
            data_dir,
            (train[0][:fit_cut], train[1][:fit_cut]),
            (train[0][fit_cut:], train[1][fit_cut:]),
            s.DECISION_WEIGHT,
        )
        sets = {"public data sets (shipped recipe)": base_rows, "moderator labels": cut}
        recipe = {"method": "refit", "decision_weight": s.DECISION_WEIGHT}
    else:
        base = _adaptation_base(active)
        c = float(base.metadata.get("settings", {}).get("C", training.TOXICITY_C))
        model, threshold = recipes.adapt(base.pipeline, train, c, max_fpr=recipes.max_fpr(task))
        sets = {**base.metadata.get("training_sets", {}), "moderator labels": cut}
        recipe = {"method": "adapt", "C": c, "base": base.version}
    version = _new_version(task)
    metadata = recipes.metadata(task, threshold, version, training_sets=sets)
    metadata["settings"] = {**active.metadata.get("settings", {}), **recipe}
    candidate = TextModel(task, model, metadata)
    comparison = {"candidate": figures(candidate, *test), "active": figures(active, *test)}
    comparison["active"]["version"] = active.version
    metadata["evaluation"] = {"newest moderator labels (held out)": comparison}
    path = training.save(model, metadata, store_dir() / version)
    registered = register(path, metadata, decision_rows=cut, metrics=comparison)
    allowed, verdict = promotion_verdict(comparison)
    promoted = bool(s.AUTO_PROMOTE and allowed)
    if promoted:
        activate(version, automatic=True, reason=verdict)
        registered.refresh_from_db()
    return TrainingResult(registered, comparison, promoted, verdict)
