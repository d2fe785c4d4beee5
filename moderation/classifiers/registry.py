"""Where the models of each task live (the app loads them in ``learning.loaded_models``)."""

from __future__ import annotations

from pathlib import Path

#: Where ``train_classifiers`` writes and the app reads the models by default.
TRAINED_DIR = Path(__file__).resolve().parent.parent / "trained"
TASKS = ("spam", "toxicity")


def model_path(task: str, model_dir: Path | None = None) -> Path:
    return Path(model_dir or TRAINED_DIR) / f"{task}.skops"
