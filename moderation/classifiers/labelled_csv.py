"""Scoring labelled CSV files with a shipped model, and timing it."""

from __future__ import annotations

import csv
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from moderation.classifiers.base import CommentInput, load_model
from moderation.classifiers.data import clean_text
from moderation.classifiers.metrics import scores_at
from moderation.classifiers.registry import model_path

_TRUE = {"1", "1.0", "true", "yes", "spam", "toxic", "off", "hateful"}
_FALSE = {"0", "0.0", "false", "no", "ham", "not", "non-hateful", "clean"}


def read_text(path: Path) -> str:
    """The file's text in the first encoding that fits (UTF-8 with or without BOM, cp1252)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read_labelled_csv(
    path: Path, text_column: str, label_column: str
) -> tuple[list[str], np.ndarray]:
    """Texts and 0/1 labels; rows with an unreadable label are skipped, empty text kept."""
    content = read_text(path)
    header = content.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)
    reader = csv.DictReader(io.StringIO(content, newline=""), delimiter=delimiter)
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in (text_column, label_column) if name not in columns]
    if missing:
        raise ValueError(f"{path} has no column {', '.join(missing)} (columns: {columns})")
    texts, labels = [], []
    for row in reader:
        row = {(key or "").strip(): value for key, value in row.items()}
        label = str(row.get(label_column) or "").strip().lower()
        if label in _TRUE:
            labels.append(1)
        elif label in _FALSE:
            labels.append(0)
        else:
            continue
        texts.append(clean_text(row.get(text_column) or ""))
    if not texts:
        raise ValueError(f"{path} has no rows with a 0/1 label in {label_column!r}")
    return texts, np.asarray(labels)


def median_ms(
    score: Callable[[list[CommentInput]], Any], items: list[CommentInput]
) -> tuple[float, float]:
    """Median milliseconds per comment scored one at a time, and per comment in a batch."""
    sample = items[:300]
    single = []
    for item in sample:
        started = time.perf_counter()
        score([item])
        single.append(time.perf_counter() - started)
    batches = []
    for _ in range(3):
        started = time.perf_counter()
        score(items)
        batches.append((time.perf_counter() - started) / len(items))
    return statistics.median(single) * 1000, statistics.median(batches) * 1000


def evaluate_csv(
    task: str,
    path: Path,
    *,
    text_column: str = "text",
    label_column: str = "label",
    model_dir: Path | None = None,
) -> dict[str, Any]:
    model = load_model(model_path(task, model_dir))
    texts, labels = read_labelled_csv(Path(path), text_column, label_column)
    items = [CommentInput(text) for text in texts]
    proba = model.predict_proba(items)
    ms_single, ms_batch = median_ms(model.predict_proba, items)
    return {
        **scores_at(labels, proba, model.threshold),
        "ms_single": ms_single,
        "ms_batch": ms_batch,
    }
