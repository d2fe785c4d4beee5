"""N-gram counts as (text, column) pairs, and the text part of a linear margin from them.

Building a sparse matrix costs more than counting the n-grams of one comment, so a few
texts are scored from their ``CountedColumns`` directly, to the same floats.
"""

from __future__ import annotations

from itertools import pairwise
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp


class CountedColumns(NamedTuple):
    """The (text, column) pairs of some texts' n-grams, each once with how often it occurs,
    ordered by text then column: a CSR matrix's rows, ``indices`` and ``data``."""

    rows: np.ndarray
    columns: np.ndarray
    counts: np.ndarray


#: Up to this many texts are scored from their ``CountedColumns``, without a sparse matrix.
FEW_TEXTS = 8


def count_pairs(rows: np.ndarray | None, columns: np.ndarray, n_features: int) -> CountedColumns:
    """The (row, column) pairs, given in any order, counted as ``sum_duplicates`` would.

    Each pair becomes the key row × n_features + column; one sort of the keys and their
    run lengths give the sorted pairs and their counts. ``rows`` None: the columns are all
    of one text (a form's comment), the keys the columns themselves.
    """
    keys = columns.copy() if rows is None else rows * n_features + columns
    keys.sort()
    # Where each run of equal keys starts, then the end of the last one.
    bounds = np.empty(len(keys) + 1, dtype=bool)
    bounds[0] = bounds[-1] = True
    np.not_equal(keys[1:], keys[:-1], out=bounds[1:-1])
    starts = np.flatnonzero(bounds)
    unique = keys[starts[:-1]]
    counts = (starts[1:] - starts[:-1]).astype(np.float32)
    if rows is None:
        one_row = np.zeros(len(unique), dtype=np.int64)
        return CountedColumns(one_row, unique.astype(np.int32), counts)
    key_rows = unique // n_features
    return CountedColumns(key_rows, (unique - key_rows * n_features).astype(np.int32), counts)


def text_parts(
    counts: sp.csr_matrix | CountedColumns, weights: np.ndarray, n_texts: int
) -> np.ndarray:
    """Each text's n-gram counts times ``weights``, over the length of its counts.

    From ``CountedColumns``, a text's float32 sum is the last of its cumulative sums: numpy
    adds them in column order, as scipy's matrix product does, so both give the same floats.
    """
    if isinstance(counts, CountedColumns):
        rows, columns, values = counts
        weighted = values * weights[columns]
        if n_texts == 1:  # a form's comment: no rows to find
            sums = np.cumsum(weighted)[-1:] if len(weighted) else np.zeros(1, dtype=np.float32)
        else:
            bounds = np.searchsorted(rows, np.arange(n_texts + 1)).tolist()
            sums = np.zeros(n_texts, dtype=np.float32)
            for row, (start, end) in enumerate(pairwise(bounds)):
                if end > start:
                    sums[row] = np.cumsum(weighted[start:end])[-1]
    else:
        rows, values = np.repeat(np.arange(n_texts), np.diff(counts.indptr)), counts.data
        sums = counts @ weights
    lengths = np.sqrt(np.bincount(rows, weights=values**2, minlength=n_texts))
    return sums / np.maximum(lengths, 1e-12)
