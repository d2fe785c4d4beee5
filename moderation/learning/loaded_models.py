"""The process's model cache and ``score()``: the active versions, loaded lazily, once per
process (the Django-free scoring of a batch is ``classifiers.scoring``).

Which file is active comes from the model versions (``learning.versions``), checked at most
every ``MODEL_REFRESH_SECONDS``, so workers pick up a promotion or rollback without a
restart. Without a registered version (or a database) the files in ``MODEL_DIR`` (default:
the shipped models) are used.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.signals import setting_changed
from django.db import DatabaseError, connections

from moderation.classifiers import CommentInput, ModelError, TextModel, load_model
from moderation.classifiers.registry import TASKS, model_path
from moderation.classifiers.scoring import score_all
from moderation.conf import moderation_settings
from moderation.learning import versions

logger = logging.getLogger(__name__)

_lock = threading.Lock()
#: Every model file this process has read, by path; only current ones are kept.
_loaded: dict[Path, TextModel] = {}
#: The files in use per task, and when the registry was last asked.
_active: dict[str, Path] = {}
_shadow: dict[str, Path] = {}
_checked_at = float("-inf")


def preload() -> None:
    """Import skops.io and scikit-learn (a second or more) now, not with the first comment
    scored or prompted about. Called where a process starts to serve: before a Celery worker
    forks its pool (``tasks``), in the site's WSGI module; management commands that do not
    classify never pay it."""
    import skops.io  # noqa: F401


def warm_up() -> None:
    """Load the active models where a web process starts, when it asks readers for a second
    thought, so that its first reader does not wait for them. The database connection this
    opens is closed: a server that forks after loading (gunicorn --preload) must not share it."""
    preload()
    if not moderation_settings.SECOND_THOUGHT:
        return
    try:
        get_models()
    except ModelError as exc:  # the prompt is a courtesy; the request path logs it again
        logger.warning("models not loaded at start-up: %s", exc)
    finally:
        connections.close_all()


@dataclass(frozen=True)
class Scores:
    spam: float
    toxicity: float
    spam_threshold: float
    toxicity_threshold: float
    model_version: str


def _refresh() -> None:
    """Ask the registry which files are active and shadowed, at most once per interval."""
    global _checked_at
    now = time.monotonic()
    if _active and now - _checked_at < moderation_settings.MODEL_REFRESH_SECONDS:
        return
    try:
        active, shadow = versions.current_paths()
    except DatabaseError as exc:  # no table yet (before migrate), database down: use the files
        logger.warning("model registry unavailable (%s); using %s", exc, versions.model_dir())
        active, shadow = {}, {}
    _active.clear()
    _active.update(
        {task: active.get(task) or model_path(task, versions.model_dir()) for task in TASKS}
    )
    _shadow.clear()
    _shadow.update(shadow if moderation_settings.SHADOW_SCORING else {})
    for path in set(_loaded) - set(_active.values()) - set(_shadow.values()):
        del _loaded[path]
    _checked_at = now


def _load(task: str, path: Path) -> TextModel:
    """The model at ``path``; for a registry version this release cannot score (trained by an
    older one, or damaged), the shipped model of ``task``, with an error in the log."""
    if path not in _loaded:
        shipped = model_path(task, versions.model_dir())
        try:
            _loaded[path] = load_model(path)
        except ModelError as exc:
            if path == shipped:
                raise
            logger.error("%s; scoring %s with the shipped model until it is retrained", exc, task)
            _loaded[path] = _load(task, shipped)
    return _loaded[path]


def get_models() -> dict[str, TextModel]:
    """Both active models, loaded on first use; a failed load raises ModelError and is retried."""
    with _lock:
        _refresh()
        return {task: _load(task, _active[task]) for task in TASKS}


def get_shadow_models() -> dict[str, TextModel] | None:
    """The candidates scoring in shadow, the active model for a task without one; or None."""
    with _lock:
        _refresh()
        if not _shadow:
            return None
        return {task: _load(task, _shadow.get(task, _active[task])) for task in TASKS}


def forget_models() -> None:
    """Drop the loaded models and ask the registry again on next use."""
    global _checked_at
    with _lock:
        _loaded.clear()
        _active.clear()
        _shadow.clear()
        _checked_at = float("-inf")


def _forget_on_change(*, setting: str, **kwargs: Any) -> None:
    if setting == "MODERATION":
        forget_models()


setting_changed.connect(_forget_on_change)


def score_with(models: dict[str, TextModel], items: list[CommentInput]) -> list[Scores]:
    """Spam and toxicity probabilities of ``models`` for many comments at once (vectorised)."""
    spam, toxicity = models["spam"], models["toxicity"]
    probabilities = score_all([spam, toxicity], items)
    spam_p, toxicity_p = probabilities["spam"], probabilities["toxicity"]
    version = f"{spam.version}+{toxicity.version}"
    return [
        Scores(float(s), float(t), spam.threshold, toxicity.threshold, version)
        for s, t in zip(spam_p, toxicity_p, strict=True)
    ]


def score(items: list[CommentInput]) -> list[Scores]:
    """Spam and toxicity probabilities of the active models for many comments at once."""
    return score_with(get_models(), items)


def explain(item: CommentInput, top: int = 5) -> dict[str, list[tuple[str, float]]]:
    """Per task, the words of the comment that pushed its score up most."""
    return explain_many([item], top)[0]


def explain_many(
    items: list[CommentInput], top: int = 5
) -> list[dict[str, list[tuple[str, float]]]]:
    """``explain`` for many comments, each model explaining them all in one batch."""
    per_task = {task: model.explain_many(items, top) for task, model in get_models().items()}
    return [{task: lists[i] for task, lists in per_task.items()} for i in range(len(items))]
