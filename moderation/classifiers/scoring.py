"""Scoring several models on the same comments, sharing the work their features share."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from moderation.classifiers.base import CommentInput, TextModel


def score_all(models: Sequence[TextModel], items: list[CommentInput]) -> dict[str, np.ndarray]:
    """Each model's calibrated probabilities, by task.

    Models whose features hash the text the same way (equal ``text_key``) normalise, split
    into words and count the n-grams once; only their weights and named extras differ.
    """
    shared: dict[tuple, tuple[list[str], list[list[str]], object]] = {}
    scores = {}
    for model in models:
        features = model.pipeline.features
        if features.text_key not in shared:
            normalised = features.normalised(items)
            words = features.words(normalised)
            counts = features.text_counts(normalised, words)
            shared[features.text_key] = (normalised, words, counts)
        normalised, words, counts = shared[features.text_key]
        margins = model.pipeline.margins(items, normalised, counts, words)
        scores[model.task] = model.pipeline.calibrated(margins)
    return scores
