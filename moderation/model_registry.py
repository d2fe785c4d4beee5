"""The model registry: versions, training on moderators' labels, promotion, rollback, shadow.

Every trained model file is a ``ModelVersion``; ``activate`` is the only way a version
starts deciding, and it leaves a ``ModelActivation``. Commands, tasks and admin actions
call these functions.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from math import nan
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from sklearn.metrics import roc_auc_score

from . import policy, scoring
from .classifiers import CommentInput, ModelError, TextModel, load_model, retraining, training
from .classifiers.base import read_sidecar
from .classifiers.metrics import macro_f1
from .conf import moderation_settings
from .models import Comment, ModelActivation, ModelVersion, ShadowScore, Status, TrainingLabel

logger = logging.getLogger(__name__)
State = ModelVersion.State
#: Which label field says what a moderator's decision means for each task.
LABEL_FIELDS = {"spam": "is_spam", "toxicity": "is_toxic"}


class RegistryError(Exception):
    """A version that does not exist or cannot be trained, activated or loaded."""


# Versions ---------------------------------------------------------------------------------


def store_dir() -> Path:
    """Where models trained on the site are written: ``MODEL_STORE_DIR``, else under MEDIA_ROOT."""
    configured = moderation_settings.MODEL_STORE_DIR
    if configured:
        return Path(configured)
    if not django_settings.MEDIA_ROOT:
        raise ImproperlyConfigured("Set MODERATION['MODEL_STORE_DIR'] (or MEDIA_ROOT).")
    return Path(django_settings.MEDIA_ROOT) / "moderation-models"


def register(
    path: Path, metadata: dict[str, Any], *, decision_rows: int = 0, metrics: dict | None = None
) -> ModelVersion:
    """Record a model file as a candidate; earlier candidates of its task are retired."""
    task = metadata["task"]
    with transaction.atomic():
        ModelVersion.objects.filter(task=task, status=State.CANDIDATE).update(status=State.RETIRED)
        return ModelVersion.objects.create(
            task=task,
            version=metadata["version"],
            path=str(path),
            training_sets=metadata.get("training_sets", {}),
            training_rows=sum(metadata.get("training_sets", {}).values()),
            decision_rows=decision_rows,
            metrics=metrics or {},
        )


def activate(
    version: str, *, by: Any = None, reason: str = "", automatic: bool = False
) -> ModelActivation:
    """Make ``version`` the active model of its task (promotion or rollback), with an audit row.

    The file is loaded first: a version that cannot be loaded is never activated.
    """
    try:
        target = ModelVersion.objects.get(version=version)
    except ModelVersion.DoesNotExist as exc:
        raise RegistryError(f"no model version {version!r}") from exc
    try:
        load_model(Path(target.path))
    except ModelError as exc:
        raise RegistryError(str(exc)) from exc
    with transaction.atomic():
        previous = (
            ModelVersion.objects.select_for_update()
            .filter(task=target.task, status=State.ACTIVE)
            .first()
        )
        if previous is not None and previous.pk == target.pk:
            raise RegistryError(f"{version} is already active")
        if previous is not None:
            previous.status = State.RETIRED
            previous.save(update_fields=["status"])
        target.status = State.ACTIVE
        target.save(update_fields=["status"])
        return ModelActivation.objects.create(
            task=target.task,
            from_version=previous,
            to_version=target,
            user=by if getattr(by, "is_authenticated", False) else None,
            automatic=automatic,
            reason=reason[:255],
        )


def retire(version: str) -> None:
    """Stop a candidate from scoring in shadow (the active version is changed by ``activate``)."""
    ModelVersion.objects.filter(version=version, status=State.CANDIDATE).update(
        status=State.RETIRED
    )


def bootstrap() -> None:
    """Register the base files (``MODEL_DIR`` or shipped) of tasks without an active version."""
    has_active = set(
        ModelVersion.objects.filter(status=State.ACTIVE).values_list("task", flat=True)
    )
    for task in scoring.TASKS:
        path = scoring.model_dir() / f"{task}.skops"
        if task in has_active or not path.exists():
            continue
        try:
            metadata = read_sidecar(path)
        except ModelError:
            continue
        if metadata.get("task") != task or not metadata.get("version"):
            continue
        try:
            with transaction.atomic():
                version, _created = ModelVersion.objects.get_or_create(
                    version=metadata["version"],
                    defaults={
                        "task": task,
                        "path": str(path),
                        "training_sets": metadata.get("training_sets", {}),
                        "training_rows": sum(metadata.get("training_sets", {}).values()),
                        "metrics": metadata.get("evaluation", {}),
                    },
                )
                version.status = State.ACTIVE
                version.save(update_fields=["status"])
                ModelActivation.objects.create(
                    task=task, to_version=version, automatic=True, reason="first registration"
                )
        except IntegrityError:  # another worker registered it at the same moment
            continue


def current_paths() -> tuple[dict[str, Path], dict[str, Path]]:
    """The active and the shadowed (candidate) file of each task: one small indexed query."""
    rows = list(
        ModelVersion.objects.filter(status__in=(State.ACTIVE, State.CANDIDATE))
        .order_by("created_at", "pk")
        .values_list("task", "status", "path")
    )
    if {task for task, status, _ in rows if status == State.ACTIVE} != set(scoring.TASKS):
        bootstrap()
        rows = list(
            ModelVersion.objects.filter(status__in=(State.ACTIVE, State.CANDIDATE))
            .order_by("created_at", "pk")
            .values_list("task", "status", "path")
        )
    active = {task: Path(path) for task, status, path in rows if status == State.ACTIVE}
    shadow = {task: Path(path) for task, status, path in rows if status == State.CANDIDATE}
    return active, shadow


def active_model(task: str) -> TextModel:
    return scoring.get_models()[task]


# Moderators' labels -----------------------------------------------------------------------


def labelled_rows(task: str) -> tuple[list[CommentInput], np.ndarray]:
    """The moderators' verdicts on ``task``, oldest first."""
    field = LABEL_FIELDS[task]
    labels = (
        TrainingLabel.objects.filter(**{f"{field}__isnull": False})
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
    active = active_model(task)
    items, y = labelled_rows(task)
    cut = time_split(len(y), s.HOLDOUT_SHARE)
    train, test = (items[:cut], y[:cut]), (items[cut:], y[cut:])
    if not retraining.has_both_classes(train[1]):
        raise RegistryError(f"{task}: too few moderator labels of each class to learn from")
    if data_dir is not None:
        fit_cut = time_split(cut, s.HOLDOUT_SHARE)
        model, threshold, base_rows = retraining.refit(
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
        model, threshold = retraining.adapt(
            base.pipeline, train, c, max_fpr=retraining.max_fpr(task)
        )
        sets = {**base.metadata.get("training_sets", {}), "moderator labels": cut}
        recipe = {"method": "adapt", "C": c, "base": base.version}
    version = _new_version(task)
    metadata = retraining.metadata(task, threshold, version, training_sets=sets)
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


# Shadow scoring ---------------------------------------------------------------------------


def record_shadow_scores(
    items: dict[int, CommentInput],
    facts: dict[int, policy.Facts],
    decided: dict[int, str],
    rules: policy.PolicyRules,
) -> int:
    """Score the comments with the candidates and store what the policy would have decided.

    Never changes a comment; returns how many shadow scores were stored.
    """
    models = scoring.get_shadow_models()
    if models is None or not items:
        return 0
    ids = list(items)
    scores = scoring.score_with(models, [items[pk] for pk in ids])
    rows = []
    for pk, shadow in zip(ids, scores, strict=True):
        would = policy.decide(
            dataclasses.replace(
                facts[pk],
                spam_score=shadow.spam,
                toxicity_score=shadow.toxicity,
                spam_threshold=shadow.spam_threshold,
                toxicity_threshold=shadow.toxicity_threshold,
            ),
            rules,
        )
        rows.append(
            ShadowScore(
                comment_id=pk,
                model_version=shadow.model_version,
                spam=shadow.spam,
                toxicity=shadow.toxicity,
                would_decide=would.status,
                decided=decided[pk],
            )
        )
    ShadowScore.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# Threshold simulator ----------------------------------------------------------------------


@dataclass
class Simulation:
    """How many of the comments each policy would have published, held, marked spam, rejected."""

    comments: int
    current: dict[str, int]
    simulated: dict[str, int]
    changed: int
    #: Comments the simulated policy would publish that are now spam or rejected.
    published_but_removed: int


def simulate(last: int, overrides: dict[str, Any]) -> Simulation:
    """Decide the last ``last`` scored comments again, with the settings and with ``overrides``.

    ``overrides`` maps setting names to values (``PolicyRules.from_settings``). Scores are the
    stored ones; the models' own thresholds are the active models'. Author rules are not
    replayed: they do not depend on thresholds.
    """
    comments = list(
        Comment.objects.exclude(spam_score=None)
        .exclude(toxicity_score=None)
        .exclude(decided_at=None)
        .order_by("-decided_at", "-pk")
        .values_list("text", "spam_score", "toxicity_score", "status")[:last]
    )
    models = scoring.get_models()
    facts = [
        policy.Facts(
            text=text,
            spam_score=spam,
            toxicity_score=toxicity,
            spam_threshold=models["spam"].threshold,
            toxicity_threshold=models["toxicity"].threshold,
        )
        for text, spam, toxicity, _status in comments
    ]
    now_rules = policy.PolicyRules.from_settings()
    other_rules = policy.PolicyRules.from_settings(overrides)
    current = [policy.decide(f, now_rules).status for f in facts]
    simulated = [policy.decide(f, other_rules).status for f in facts]
    statuses = (Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED)
    removed = {Status.SPAM, Status.REJECTED}
    return Simulation(
        comments=len(facts),
        current={s: current.count(s) for s in statuses},
        simulated={s: simulated.count(s) for s in statuses},
        changed=sum(a != b for a, b in zip(current, simulated, strict=True)),
        published_but_removed=sum(
            new == Status.PUBLISHED and row[3] in removed
            for new, row in zip(simulated, comments, strict=True)
        ),
    )
