"""The shipped models, loaded lazily and once per process."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from .base import TextModel, load_model

#: Where ``train_classifiers`` writes and the app reads the models by default.
TRAINED_DIR = Path(__file__).resolve().parent.parent / "trained"
TASKS = ("spam", "toxicity")


def model_path(task: str, model_dir: Path | None = None) -> Path:
    return Path(model_dir or TRAINED_DIR) / f"{task}.skops"


@cache
def get_model(task: str, model_dir: Path | None = None) -> TextModel:
    """The model of ``task``, read from disk on first use and kept for the process."""
    return load_model(model_path(task, model_dir))
