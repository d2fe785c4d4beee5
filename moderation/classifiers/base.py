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
        if not items:
            return np.zeros(0)
        return np.asarray(self.pipeline.predict_proba(items))[:, 1]

    def explain(self, item: CommentInput, top: int = 5) -> list[tuple[str, float]]:
        """The words or features that pushed this item's score up most, strongest first.

        Scores are contributions to the log-odds before calibration.
        """
        return self.pipeline.explain(item, top=top)

    def explain_many(
        self, items: list[CommentInput], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        """``explain`` for many items at once (one feature matrix for all of them)."""
        return self.pipeline.explain_many(items, top=top) if items else []


def read_sidecar(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read the metadata of {path}: {exc}") from exc


#: The only types a model file may contain beyond those skops trusts by default.
TRUSTED_TYPES = frozenset(
    (
        "moderation.classifiers.features.AddressedToxicityFeatures",
        "moderation.classifiers.features.SelfPromotionSpamFeatures",
        "moderation.classifiers.features.SpamFeatures",
        "moderation.classifiers.features.ToxicityFeatures",
        "moderation.classifiers.linear.LinearTextClassifier",
    )
)


def load_model(path: Path) -> TextModel:
    """Load a model file (skops format) and its JSON sidecar; raise ModelError if unusable.

    The file's types are checked against ``TRUSTED_TYPES`` before anything is built
    from it, so a tampered file fails here instead of running code; a model that cannot
    score one comment (written by an older version of the classes) fails here too.
    """
    import skops.io

    path = Path(path)
    metadata = read_sidecar(path)
    try:
        untrusted = set(skops.io.get_untrusted_types(file=path))
        unexpected = untrusted - TRUSTED_TYPES
        if unexpected:
            raise ModelError(f"{path} holds types outside the allow-list: {sorted(unexpected)}")
        pipeline = skops.io.load(path, trusted=sorted(untrusted))
    except ModelError:
        raise
    except Exception as exc:  # skops raises many kinds for truncated or garbage files
        raise ModelError(f"cannot load the model {path}: {exc}") from exc
    if type(pipeline).__module__ + "." + type(pipeline).__qualname__ not in TRUSTED_TYPES:
        raise ModelError(f"{path} does not hold a text classifier")
    try:  # a file written by an older version of the classes may load but not score
        pipeline.predict_proba([CommentInput("ok", author_name="ok")])
    except Exception as exc:
        raise ModelError(f"{path} cannot score with this version (retrain it): {exc!r}") from exc
    task = str(metadata.get("task", ""))
    if task not in ("spam", "toxicity"):
        raise ModelError(f"the metadata of {path} names no known task")
    return TextModel(task, pipeline, metadata)
