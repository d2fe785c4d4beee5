"""The classifiers as the app uses them: loaded lazily, once per process, from ``MODEL_DIR``."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .classifiers import CommentInput, TextModel, load_model
from .classifiers.registry import TASKS, TRAINED_DIR, model_path
from .classifiers.scoring import score_all
from .conf import moderation_settings

_lock = threading.Lock()
_loaded: dict[Path, dict[str, TextModel]] = {}


@dataclass(frozen=True)
class Scores:
    spam: float
    toxicity: float
    spam_threshold: float
    toxicity_threshold: float
    model_version: str


def model_dir() -> Path:
    return Path(moderation_settings.MODEL_DIR or TRAINED_DIR)


def get_models() -> dict[str, TextModel]:
    """Both models, loaded on first use; a failed load raises ModelError and is tried again."""
    directory = model_dir()
    with _lock:
        if directory not in _loaded:
            _loaded[directory] = {task: load_model(model_path(task, directory)) for task in TASKS}
        return _loaded[directory]


def forget_models() -> None:
    with _lock:
        _loaded.clear()


def score(items: list[CommentInput]) -> list[Scores]:
    """Spam and toxicity probabilities for many comments at once (vectorised)."""
    models = get_models()
    spam, toxicity = models["spam"], models["toxicity"]
    probabilities = score_all([spam, toxicity], items)
    spam_p, toxicity_p = probabilities["spam"], probabilities["toxicity"]
    version = f"{spam.version}+{toxicity.version}"
    return [
        Scores(float(s), float(t), spam.threshold, toxicity.threshold, version)
        for s, t in zip(spam_p, toxicity_p, strict=True)
    ]


def explain(item: CommentInput, top: int = 5) -> dict[str, list[tuple[str, float]]]:
    """Per task, the words of the comment that pushed its score up most."""
    return {task: model.explain(item, top) for task, model in get_models().items()}
