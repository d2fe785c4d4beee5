"""The interface every classifier offers to the rest of the app."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np


class ModelError(Exception):
    """A model file is missing, unreadable or not a model of the expected kind."""


@dataclass(frozen=True)
class CommentInput:
    """What a classifier may look at: the text and the author's public-facing details."""

    text: str
    author_name: str = ""
    author_email: str = ""
    author_url: str = ""


class TextModel:
    """A trained model of one task ("spam" or "toxicity") with its metadata sidecar."""

    def __init__(self, task: str, pipeline: Any, metadata: dict[str, Any]) -> None:
        self.task = task
        self.pipeline = pipeline
        self.metadata = metadata

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unversioned"))

    @property
    def threshold(self) -> float:
        """The decision threshold chosen on validation data and stored with the model."""
        return float(self.metadata.get("threshold", 0.5))

    def predict_proba(self, items: list[CommentInput]) -> np.ndarray:
        """Calibrated probability of the positive class (spam / toxic) for each item."""
        raise NotImplementedError

    def explain(self, item: CommentInput, top: int = 5) -> list[tuple[str, float]]:
        """The words or features that pushed this item's score up most, strongest first."""
        raise NotImplementedError


def read_sidecar(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the metadata of {path}: {exc}") from exc


def load_model(path: Path) -> TextModel:
    """Load a model file (skops format) and its JSON sidecar; raise ModelError if unusable."""
    raise ModelError(f"no model loader yet for {path}")
