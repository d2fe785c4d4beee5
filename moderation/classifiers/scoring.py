"""Scoring several models on the same comments, sharing the work their features share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .base import CommentInput, TextModel


def score_all(models: Sequence[TextModel], items: list[CommentInput]) -> dict[str, np.ndarray]:
    """Each model's calibrated probabilities, by task.

    Models whose features hash the text the same way (equal ``text_key``) normalise and
    count the n-grams once; only their weights and named extras differ.
    """
    shared: dict[tuple, tuple[list[str], object]] = {}
    scores = {}
    for model in models:
        features = model.pipeline.features
        if features.text_key not in shared:
            normalised = features.normalised(items)
            shared[features.text_key] = (normalised, features.text_counts(normalised))
        normalised, counts = shared[features.text_key]
        margins = model.pipeline.margins(items, normalised, counts)
        scores[model.task] = model.pipeline.calibrated(margins)
    return scores
