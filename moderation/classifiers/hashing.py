"""Hashing text into columns: word and character n-grams as ``FeatureHasher``
(non-alternating) places them, a word's columns cached once per process."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from functools import lru_cache

from sklearn.utils import murmurhash3_32

#: Keeps word n-grams apart from character n-grams in the hashed space.
WORD_PREFIX = "\x01"


def char_grams(word: str, char_range: tuple[int, int]) -> list[str]:
    """Character n-grams of one word padded with spaces (like scikit-learn's char_wb)."""
    padded = f" {word} "
    low, high = char_range
    return [
        padded[start : start + size]
        for size in range(low, min(high, len(padded)) + 1)
        for start in range(len(padded) - size + 1)
    ]


def term_column(term: str, n_features: int) -> int:
    """The column ``FeatureHasher`` (non-alternating) gives ``term``."""
    return abs(murmurhash3_32(term, seed=0)) % n_features


def word_columns_function(
    n_features: int, word_range: tuple[int, int], char_range: tuple[int, int]
) -> Callable[[str], bytes]:
    """``_word_columns`` for these settings as a function of the word alone, cached.

    Called once per word of every text, so it takes one argument (the cheapest call of an
    ``lru_cache``) and keeps its own cache of up to 200,000 words; it returns the columns
    packed as int32, which ``bytes.join`` concatenates without making an int of each.
    """
    key = (n_features, word_range, char_range)
    if key not in _WORD_COLUMNS:

        @lru_cache(maxsize=200_000)
        def columns(word: str) -> bytes:
            return array("i", _word_columns(word, n_features, word_range, char_range)).tobytes()

        _WORD_COLUMNS[key] = columns
    return _WORD_COLUMNS[key]


_WORD_COLUMNS: dict[tuple, Callable[[str], bytes]] = {}


def _word_columns(
    word: str, n_features: int, word_range: tuple[int, int], char_range: tuple[int, int]
) -> tuple[int, ...]:
    """Columns of one word's character n-grams, and of the word itself if unigrams count."""
    terms = char_grams(word, char_range)
    if word_range[0] <= 1:
        terms.append(WORD_PREFIX + word)
    return tuple(term_column(term, n_features) for term in terms)
