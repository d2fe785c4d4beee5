"""Model versions: every model file is a ``ModelVersion``; which one of each task is active.

``activate`` is the only way a version starts deciding, and it leaves a ``ModelActivation``.
The loaded models (``loaded_models``) ask ``current_paths`` which files to use; nothing here
loads a model for scoring.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from moderation.classifiers import ModelError, load_model
from moderation.classifiers.base import read_sidecar
from moderation.classifiers.registry import TASKS, TRAINED_DIR, model_path
from moderation.conf import moderation_settings
from moderation.models import ModelActivation, ModelVersion

State = ModelVersion.State


class RegistryError(Exception):
    """A version that does not exist or cannot be trained, activated or loaded."""


def model_dir() -> Path:
    """Where the base models are: ``MODEL_DIR``, else the models shipped with the app."""
    return Path(moderation_settings.MODEL_DIR or TRAINED_DIR)


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
    for task in TASKS:
        path = model_path(task, model_dir())
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
    if {task for task, status, _ in rows if status == State.ACTIVE} != set(TASKS):
        bootstrap()
        rows = list(
            ModelVersion.objects.filter(status__in=(State.ACTIVE, State.CANDIDATE))
            .order_by("created_at", "pk")
            .values_list("task", "status", "path")
        )
    active = {task: Path(path) for task, status, path in rows if status == State.ACTIVE}
    shadow = {task: Path(path) for task, status, path in rows if status == State.CANDIDATE}
    return active, shadow
