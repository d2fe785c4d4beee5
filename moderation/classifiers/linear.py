"""A linear classifier over hashed features, with one calibrator and per-word explanations."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import lru_cache, reduce
from itertools import repeat
from operator import add, truediv

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression

from moderation.classifiers.base import CommentInput
from moderation.classifiers.features import HashedTextFeatures
from moderation.classifiers.hashing import WORD_PREFIX, char_grams, term_column
from moderation.classifiers.normalize import normalize


def _sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50, 50)))


#: Added to each column's count per class before the naive Bayes log-count ratio.
NB_SMOOTHING = 1.0


def telling(columns: sp.csr_matrix, y: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Per column, |log-count ratio| of the rows it occurs in per class, mean 1 (naive
    Bayes, as in Wang & Manning's NBSVM, 2012): scaling a column by it lightens the
    penalty on its weight when it tells the classes apart. With ``weights``, each row
    counts as that many."""
    present = columns.astype(bool).astype(np.float64)
    if weights is not None:
        present = sp.diags(weights) @ present
    bad = np.asarray(present[y == 1].sum(axis=0)).ravel() + NB_SMOOTHING
    good = np.asarray(present[y == 0].sum(axis=0)).ravel() + NB_SMOOTHING
    ratio = np.abs(np.log((bad / bad.sum()) / (good / good.sum())))
    return ratio / max(float(ratio.mean()), 1e-12)


class LinearTextClassifier(BaseEstimator, ClassifierMixin):
    """Logistic regression on ``features``, Platt-calibrated on a held-out split.

    ``fit`` learns the weights, ``calibrate`` fits the sigmoid that turns the margin into
    a probability on data the weights never saw (one calibrator, not a k-fold ensemble).
    ``nb_scaling`` scales the n-gram columns by their naive Bayes log-count ratio while
    fitting (folded into the weights afterwards); with ``score_name`` an author name
    holding a listed word is scored as a text of its own, and a comment's margin is the
    higher of the two.
    """

    def __init__(
        self,
        features: HashedTextFeatures,
        C: float = 4.0,
        max_iter: int = 200,
        random_state: int = 0,
        nb_scaling: bool = False,
        score_name: bool = False,
    ) -> None:
        self.features = features
        self.C = C
        self.max_iter = max_iter
        self.random_state = random_state
        self.nb_scaling = nb_scaling
        self.score_name = score_name

    def fit(
        self,
        items: Sequence[CommentInput],
        y: np.ndarray,
        sample_weight: np.ndarray | None = None,
    ) -> LinearTextClassifier:
        self.features.fit(items)
        matrix = self.features.transform(items)
        model = LogisticRegression(
            C=self.C, solver="liblinear", max_iter=self.max_iter, random_state=self.random_state
        )
        scale = np.ones(matrix.shape[1])
        if self.nb_scaling:
            used = np.unique(matrix.indices)
            used = used[used < self.features.n_features]  # the n-grams, not the extras
            scale[used] = telling(matrix[:, used], np.asarray(y))
            matrix = matrix @ sp.diags(scale)
        model.fit(matrix, y, sample_weight=sample_weight)
        self.coef_ = (model.coef_.ravel() * scale).astype(np.float32)
        self.intercept_ = float(model.intercept_[0])
        self.classes_ = np.array([0, 1])
        self.calibration_ = (1.0, 0.0)
        return self

    def decision_function(self, items: Sequence[CommentInput]) -> np.ndarray:
        """The margin (log-odds before calibration) of each item."""
        return self.margins(items, *self._counted(items))

    def _counted(self, items: Sequence[CommentInput]) -> tuple[list[str], sp.csr_matrix, list]:
        """The normalised texts, their n-gram counts and their words."""
        normalised = self.features.normalised(items)
        words = self.features.words(normalised)
        return normalised, self.features.text_counts(normalised, words), words

    def margins(
        self,
        items: Sequence[CommentInput],
        normalised: Sequence[str],
        counts: sp.csr_matrix,
        words: Sequence[list[str]] | None = None,
    ) -> np.ndarray:
        """Margins from the texts' n-gram counts, which models with equal ``text_key`` share
        (see ``text_margins``); with ``score_name``, the name's margin where it is higher."""
        margins = self.text_margins(items, normalised, counts, words)
        if self.score_name:
            margins = np.maximum(margins, self.name_margins(items))
        return margins

    def name_margins(self, items: Sequence[CommentInput]) -> np.ndarray:
        """Each author name's margin as a comment of its own, where the name holds a word
        of the featuriser's word lists; -inf elsewhere (ordinary names cost one lookup)."""
        result = np.full(len(items), -np.inf)
        listed = self.features.has_listed_word
        named = [
            row
            for row, item in enumerate(items)
            if item.author_name and listed(normalize(item.author_name[: self.features.max_chars]))
        ]
        if named:
            names = [CommentInput(items[row].author_name) for row in named]
            result[named] = self.text_margins(names, *self._counted(names))
        return result

    def text_margins(
        self,
        items: Sequence[CommentInput],
        normalised: Sequence[str],
        counts: sp.csr_matrix,
        words: Sequence[list[str]] | None = None,
    ) -> np.ndarray:
        """Margins of the texts alone, from their n-gram counts (``text_counts``).

        Models with equal ``text_key`` share the counts, the normalised texts and their
        ``words`` (split here if not given). Same as ``features.transform(items) @ coef_``
        without building the scaled matrix: the row lengths scale the text part instead.
        """
        features = self.features
        rows = np.repeat(np.arange(len(items)), np.diff(counts.indptr))
        lengths = np.sqrt(np.bincount(rows, weights=counts.data**2, minlength=len(items)))
        text_part = (counts @ self.coef_[: features.n_features]) / np.maximum(lengths, 1e-12)
        extras = features.extra_values(items, normalised, words)
        extra_part = extras @ self.coef_[features.n_features :]
        return text_part + extra_part + self.intercept_

    def calibrate(self, items: Sequence[CommentInput], y: np.ndarray) -> LinearTextClassifier:
        margins = self.decision_function(items).reshape(-1, 1)
        platt = LogisticRegression(C=1e4).fit(margins, y)
        self.calibration_ = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))
        return self

    def calibrated(self, margins: np.ndarray) -> np.ndarray:
        """Probability of the positive class for each margin."""
        slope, offset = self.calibration_
        return _sigmoid(slope * margins + offset)

    def predict_proba(self, items: Sequence[CommentInput]) -> np.ndarray:
        positive = self.calibrated(self.decision_function(items))
        return np.column_stack([1.0 - positive, positive])

    def contributions(self, item: CommentInput) -> dict[str, float]:
        """Each word's (and named feature's) share of the margin (see ``contributions_many``)."""
        return self.contributions_many([item])[0]

    def contributions_many(self, items: Sequence[CommentInput]) -> list[dict[str, float]]:
        """Each item's words' (and named features') shares of its margin.

        Exact for a linear model: the comment's own n-grams are hashed again to find their
        weights; a word bigram's share is split between its words, a character n-gram's
        among the words it occurs in, a word-count extra's among the words it counted.
        The feature matrix is built once for all the items.
        """
        features = self.features
        if self.score_name:  # a name scored higher than its text is what gets explained
            names = self.name_margins(items)
            named = np.isfinite(names)  # most names hold no listed word: no text to score
            if named.any():
                named = names > self.text_margins(items, *self._counted(items))
            items = [
                CommentInput(item.author_name) if by_name else item
                for item, by_name in zip(items, named, strict=True)
            ]
        normalised = features.normalised(items)
        text = features.text_matrix(normalised)
        extras = features.extra_values(items, normalised).tolist()
        # Each stored value times its weight, in double precision like ``float * float``.
        weighted = (
            text.data.astype(np.float64) * self.coef_[text.indices].astype(np.float64)
        ).tolist()
        indptr, indices = text.indptr.tolist(), text.indices.tolist()
        result = []
        for row, line in enumerate(normalised):
            start, end = indptr[row], indptr[row + 1]
            share_of = dict(zip(indices[start:end], weighted[start:end], strict=True))
            result.append(self._contributions(line, share_of, extras[row]))
        return result

    def _contributions(
        self, normalised: str, share_of: dict[int, float], extras: list[float]
    ) -> dict[str, float]:
        """One text's contributions; ``share_of`` maps its columns to value × weight."""
        features = self.features
        n_features = features.n_features
        char_range = tuple(features.char_ngram_range)
        words = normalised.split()
        grams_of = {word: _char_grams(word, char_range) for word in set(words)}
        columns_of = {word: _gram_columns(word, char_range, n_features) for word in grams_of}
        scores: defaultdict[str, float] = defaultdict(float)
        for term in set(features.word_terms(words)):
            share = share_of.get(_term_column(term, n_features), 0.0)
            term_words = term[len(WORD_PREFIX) :].split()
            for word in term_words:
                scores[word] += share / len(term_words)
        occurrences: Counter[str] = Counter()
        for word in words:
            occurrences.update(grams_of[word])
        for word in words:  # score += share / occurrences, gram by gram, looped in C
            shares = map(share_of.get, columns_of[word], repeat(0.0))
            divided = map(truediv, shares, map(occurrences.__getitem__, grams_of[word]))
            scores[word] = reduce(add, divided, scores[word])
        counted_words = features.extra_words(normalised)
        for position, name in enumerate(features.extra_names):
            if not extras[position]:
                continue
            value = extras[position] * float(self.coef_[n_features + position])
            for word in counted_words.get(name) or [name]:
                scores[word] += value / len(counted_words.get(name) or [name])
        return dict(scores)

    def explain(self, item: CommentInput, top: int = 5) -> list[tuple[str, float]]:
        return self.explain_many([item], top)[0]

    def explain_many(
        self, items: Sequence[CommentInput], top: int = 5
    ) -> list[list[tuple[str, float]]]:
        """Per item, the words that pushed its margin up most, strongest first."""
        return [_top(scores, top) for scores in self.contributions_many(items)]


def _top(scores: dict[str, float], top: int) -> list[tuple[str, float]]:
    ranked = sorted(scores.items(), key=lambda pair: pair[1], reverse=True)
    return [(term, round(score, 4)) for term, score in ranked[:top] if score > 0]


@lru_cache(maxsize=100_000)
def _char_grams(word: str, char_range: tuple[int, int]) -> tuple[str, ...]:
    return tuple(char_grams(word, char_range))


@lru_cache(maxsize=100_000)
def _gram_columns(word: str, char_range: tuple[int, int], n_features: int) -> tuple[int, ...]:
    """The column of each of ``_char_grams(word)``, cached."""
    return tuple(term_column(gram, n_features) for gram in _char_grams(word, char_range))


@lru_cache(maxsize=400_000)
def _term_column(term: str, n_features: int) -> int:
    """``features.columns`` for one term, cached (explanations hash the same words often)."""
    return term_column(term, n_features)
