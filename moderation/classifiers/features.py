"""Feature extraction: hashed word and character n-grams plus a few named columns.

The transformers are stateless (hashing: no vocabulary to fit or ship) and importable,
so skops can load them by name. ``SpamFeatures`` adds the metadata Akismet looks at;
``ToxicityFeatures`` adds counts of the Italian and English insult lexicon.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import compress

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize as normalize_rows
from sklearn.utils import murmurhash3_32

from moderation.classifiers import cues
from moderation.classifiers.base import CommentInput
from moderation.classifiers.hashing import (
    WORD_PREFIX,
    char_grams,
    term_column,
    word_columns_function,
)
from moderation.classifiers.language import is_english
from moderation.classifiers.lexicon import (
    ENGLISH_INSULTS_MATCHER,
    ITALIAN_INSULTS_MATCHER,
    SPAM_WORDS_MATCHER,
    ObfuscationAwareMatcher,
    WordListMatcher,
)
from moderation.classifiers.normalize import normalize


def _pair(ngram_range: Sequence[int]) -> tuple[int, int]:
    """An n-gram range as a hashable pair (a parameter set by scikit-learn may be a list)."""
    low, high = ngram_range
    return low, high


class HashedTextFeatures(BaseEstimator, TransformerMixin):
    """Word n-grams and character n-grams of the normalised text, plus named extras.

    Both kinds of n-gram are hashed into one space and each row scaled to unit length;
    the extras follow as named columns. The text part depends only on the n-gram ranges
    and size, so models sharing them can share it (see ``scoring.score_all``).
    Subclasses name their extra columns in ``extra_names`` and compute them in ``extras``.
    """

    extra_names: tuple[str, ...] = ()

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (3, 5),
        n_features: int = 2**20,
        max_chars: int = 3000,
    ) -> None:
        self.word_ngram_range = word_ngram_range
        self.char_ngram_range = char_ngram_range
        self.n_features = n_features
        self.max_chars = max_chars

    def fit(self, items: Sequence[CommentInput], y: object = None) -> HashedTextFeatures:
        return self

    @property
    def text_key(self) -> tuple:
        """Equal for featurisers whose text part is identical."""
        return (
            tuple(self.word_ngram_range),
            tuple(self.char_ngram_range),
            self.n_features,
            self.max_chars,
        )

    def extras(
        self, item: CommentInput, normalised: str, words: list[str] | None = None
    ) -> list[float]:
        """The named extras of one item; ``words``: ``normalised.split()`` if known."""
        return []

    def extra_words(self, normalised: str) -> dict[str, list[str]]:
        """For extras counted from words, the words of the text that were counted."""
        return {}

    def has_listed_word(self, normalised: str) -> bool:
        """Whether the text holds a word of one of the featuriser's word lists."""
        return False

    def word_terms(self, words: list[str]) -> list[str]:
        low, high = self.word_ngram_range
        return [
            WORD_PREFIX + " ".join(words[start : start + size])
            for size in range(low, high + 1)
            for start in range(len(words) - size + 1)
        ]

    def char_grams(self, word: str) -> list[str]:
        return char_grams(word, _pair(self.char_ngram_range))

    def text_terms(self, normalised: str) -> list[str]:
        """All n-grams of a normalised text, repeated as often as they occur."""
        words = normalised.split()
        terms = self.word_terms(words)
        for word, count in Counter(words).items():
            terms.extend(self.char_grams(word) * count)
        return terms

    def normalised(self, items: Sequence[CommentInput]) -> list[str]:
        return [normalize(item.text[: self.max_chars]) for item in items]

    def words(self, normalised: Sequence[str]) -> list[list[str]]:
        """Each normalised text's words, which ``text_counts`` and ``extra_values`` take."""
        return [text.split() for text in normalised]

    def text_counts(
        self, normalised: Sequence[str], words: Sequence[list[str]] | None = None
    ) -> sp.csr_matrix:
        """How often each hashed n-gram occurs in each text (rows not yet scaled).

        The matrix scikit-learn's ``FeatureHasher`` (non-alternating) builds from
        ``text_terms``, faster: a word's unigram and character n-gram columns are hashed
        once per process and cached as packed int32; the word n-grams of all the texts are
        hashed in one pass and turned into columns in one numpy operation; one sort of all
        the (text, column) pairs counts them.
        """
        word_range, char_range = _pair(self.word_ngram_range), _pair(self.char_ngram_range)
        n_features = self.n_features
        word_columns = word_columns_function(n_features, word_range, char_range)
        sizes = range(max(word_range[0], 2), word_range[1] + 1)
        # Each text's words' columns; the raw hashes of all word n-grams, and how many a text has.
        word_parts: list[bytes] = []
        hashes, gram_counts = array("i"), array("q")
        for text_words in self.words(normalised) if words is None else words:
            word_parts.append(b"".join(map(word_columns, text_words)))
            before = len(hashes)
            for size in sizes:
                # The word n-grams in order: " ".join(words[start : start + size]).
                shifted = (text_words[start:] for start in range(size))
                grams = map(" ".join, zip(*shifted, strict=False))  # stops at the last n-gram
                hashes.extend(map(murmurhash3_32, map(WORD_PREFIX.__add__, grams)))
            gram_counts.append(len(hashes) - before)
        # ``term_column`` of every hash at once.
        gram_columns = np.abs(np.frombuffer(hashes, dtype=np.int32).astype(np.int64)) % n_features
        word_counts = np.fromiter(map(len, word_parts), dtype=np.int64, count=len(word_parts))
        rows = np.arange(len(word_parts), dtype=np.int64)
        return _counts_matrix(
            np.concatenate([rows.repeat(word_counts // 4), rows.repeat(gram_counts)]),
            np.concatenate([np.frombuffer(b"".join(word_parts), dtype=np.int32), gram_columns]),
            len(word_parts),
            n_features,
        )

    def text_matrix(self, normalised: Sequence[str]) -> sp.csr_matrix:
        return normalize_rows(self.text_counts(normalised), copy=False)

    def extra_values(
        self,
        items: Sequence[CommentInput],
        normalised: Sequence[str],
        words: Sequence[list[str]] | None = None,
    ) -> np.ndarray:
        if words is None:
            words = self.words(normalised)
        rows = list(map(self.extras, items, normalised, words))
        return np.asarray(rows, dtype=np.float32).reshape(len(items), len(self.extra_names))

    def transform(self, items: Sequence[CommentInput]) -> sp.csr_matrix:
        """Scaled n-gram columns, then the named extras (what the classifier is fitted on)."""
        normalised = self.normalised(items)
        text = self.text_matrix(normalised)
        if not self.extra_names:
            return text
        extra = sp.csr_matrix(self.extra_values(items, normalised))
        return sp.hstack([text, extra], format="csr")

    def columns(self, terms: Sequence[str]) -> np.ndarray:
        """The hashed column of each text term, as ``text_counts`` places it."""
        return np.asarray([term_column(term, self.n_features) for term in terms], dtype=np.int64)


def _counts_matrix(
    rows: np.ndarray, columns: np.ndarray, n_rows: int, n_features: int
) -> sp.csr_matrix:
    """The CSR matrix counting the (row, column) pairs, given in any order.

    What ``sum_duplicates`` makes of a matrix with a 1 per pair (sorted indices, one entry
    per column), faster: each pair becomes the key row × n_features + column, and one sort
    of the keys and their run lengths give the sorted columns and their counts.
    """
    keys = rows * n_features + columns
    keys.sort()
    # Where each run of equal keys starts, then the end of the last one.
    bounds = np.empty(len(keys) + 1, dtype=bool)
    bounds[0] = bounds[-1] = True
    np.not_equal(keys[1:], keys[:-1], out=bounds[1:-1])
    starts = np.flatnonzero(bounds)
    unique = keys[starts[:-1]]
    counts = (starts[1:] - starts[:-1]).astype(np.float32)
    key_rows = unique // n_features
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(key_rows, minlength=n_rows), out=indptr[1:])
    indices = (unique - key_rows * n_features).astype(np.int32)
    return sp.csr_matrix((counts, indices, indptr), shape=(n_rows, n_features))


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0


class SpamFeatures(HashedTextFeatures):
    """Text n-grams plus the comment and author metadata spam filters rely on.

    Links, currency signs and capitals are lost in normalisation, so they come back as
    named columns.
    """

    extra_names: tuple[str, ...] = (
        "links in the text",
        "website given",
        "website host has digits or hyphens",
        "website has a path",
        "author name looks like a URL",
        "author name looks like a keyword",
        "author name has digits",
        "email given",
        "free-mail address",
        "disposable email address",
        "email domain matches the website",
        "repeated characters",
        "share of capitals",
        "phone number",
        "currency",
        "spam words",
        "length",
    )

    def extra_words(self, normalised: str) -> dict[str, list[str]]:
        return {"spam words": SPAM_WORDS_MATCHER.findall(normalised)}

    def extras(
        self, item: CommentInput, normalised: str, words: list[str] | None = None
    ) -> list[float]:
        text, name, url = item.text, item.author_name.strip(), item.author_url.strip()
        email = item.author_email.strip().lower()
        host = cues.host(url) if url else ""
        email_domain = email.rsplit("@", 1)[-1] if "@" in email else ""
        return [
            math.log1p(len(cues.URL.findall(text))),
            float(bool(url)),
            float(bool(host) and bool(cues.DIGIT_OR_HYPHEN.search(host))),
            float(bool(url) and "/" in cues.SCHEME.sub("", url.lower()).rstrip("/")),
            float(bool(cues.URL.search(name))),
            float(bool(cues.KEYWORD_NAME.search(name)) or len(name.split()) >= 4),
            float(bool(cues.DIGITS.search(name))),
            float(bool(email)),
            float(email_domain in cues.FREE_MAIL),
            float(email_domain in cues.DISPOSABLE_MAIL),
            float(bool(host) and bool(email_domain) and host.endswith(email_domain)),
            math.log1p(len(cues.REPEATED_CHARS.findall(text))),
            cues.capital_share(item.text),
            float(bool(cues.PHONE.search(text))),
            float(bool(cues.CURRENCY.search(text))),
            math.log1p(SPAM_WORDS_MATCHER.count(normalised, words)),
            math.log1p(len(text)) / 8,
        ]


class SelfPromotionSpamFeatures(SpamFeatures):
    """``SpamFeatures`` plus what marks spam on any video: self-promotion phrasing,
    exclamation marks and words in capitals."""

    extra_names: tuple[str, ...] = (
        *SpamFeatures.extra_names,
        "self-promotion phrasing",
        "exclamation marks",
        "share of words in capitals",
    )

    def extras(
        self, item: CommentInput, normalised: str, words: list[str] | None = None
    ) -> list[float]:
        text = item.text
        return [
            *super().extras(item, normalised, words),
            math.log1p(len(cues.SELF_PROMOTION.findall(text))),
            math.log1p(text.count("!")),
            _share(len(cues.CAPITAL_WORD.findall(text)), len(cues.LETTER_WORD.findall(text))),
        ]


class ToxicityFeatures(HashedTextFeatures):
    """Text n-grams plus counts of Italian and English insult and slur stems, and of the
    words of published offensive-word lists (``lexicon``: read when training, stored in
    the model, matched with their masked forms and Italian endings), and the language."""

    extra_names: tuple[str, ...] = (
        "Italian insult words",
        "English insult words",
        "share of insult words",
        "share of capitals",
        "listed offensive words",
        "any listed offensive word",
        "English text",
    )

    def __init__(
        self,
        word_ngram_range: tuple[int, int] = (1, 2),
        char_ngram_range: tuple[int, int] = (3, 5),
        n_features: int = 2**20,
        max_chars: int = 3000,
        lexicon: tuple[str, ...] = (),
    ) -> None:
        super().__init__(word_ngram_range, char_ngram_range, n_features, max_chars)
        self.lexicon = lexicon

    def extra_words(self, normalised: str) -> dict[str, list[str]]:
        italian = ITALIAN_INSULTS_MATCHER.findall(normalised)
        english = ENGLISH_INSULTS_MATCHER.findall(normalised)
        listed = lexicon_matcher(tuple(self.lexicon)).findall(normalised)
        return {
            "Italian insult words": italian,
            "English insult words": english,
            "share of insult words": italian + english,
            "listed offensive words": listed,
            "any listed offensive word": listed,
        }

    def word_matchers(self) -> tuple[WordListMatcher, ...]:
        """The matchers of every word list the featuriser counts."""
        return (
            ITALIAN_INSULTS_MATCHER,
            ENGLISH_INSULTS_MATCHER,
            lexicon_matcher(tuple(self.lexicon)),
        )

    def has_listed_word(self, normalised: str) -> bool:
        words = normalised.split()
        return any(matcher.count(normalised, words) for matcher in self.word_matchers())

    def extras(
        self, item: CommentInput, normalised: str, words: list[str] | None = None
    ) -> list[float]:
        if words is None:
            words = normalised.split()
        italian = ITALIAN_INSULTS_MATCHER.count(normalised, words)
        english = ENGLISH_INSULTS_MATCHER.count(normalised, words)
        listed = lexicon_matcher(tuple(self.lexicon)).count(normalised, words)
        return [
            math.log1p(italian),
            math.log1p(english),
            _share(italian + english, len(words)),
            cues.capital_share(item.text),
            math.log1p(listed),
            float(listed > 0),
            float(is_english(words)),
        ]


@lru_cache(maxsize=8)
def lexicon_matcher(lexicon: tuple[str, ...]) -> ObfuscationAwareMatcher:
    """The matcher of a model's stored word list, built once per process."""
    return ObfuscationAwareMatcher(lexicon)


#: Words that address the reader or a group ("sei", "siete", "tu", "you"...): a listed
#: word right after one of them is an insult aimed at someone ("sei un idiota").
ADDRESSING_WORDS = frozenset(
    (
        "sei",
        "siete",
        "sembri",
        "sembrate",
        "resti",
        "restate",
        "rimani",
        "tu",
        "te",
        "ti",
        "voi",
        "vi",
        "you",
        "youre",
        "re",
        "ur",
        "u",
        "are",
    )
)
#: How many words after an addressing word a listed word may come ("sei proprio un idiota").
ADDRESSING_REACH = 3


class AddressedToxicityFeatures(ToxicityFeatures):
    """``ToxicityFeatures`` plus where the listed words stand: addressed to someone ("sei
    un idiota", "you are an idiot"), opening the comment ("Idiota, ..."), and their share
    of the words."""

    extra_names: tuple[str, ...] = (
        *ToxicityFeatures.extra_names,
        "listed word addressed to someone",
        "listed word first",
        "share of listed words",
    )

    def extra_words(self, normalised: str) -> dict[str, list[str]]:
        words = normalised.split()
        listed = self._listed_positions(words)
        return {
            **super().extra_words(normalised),
            "listed word addressed to someone": [words[i] for i in listed if _addressed(words, i)],
            "listed word first": [words[0]] if 0 in listed else [],
            "share of listed words": [words[i] for i in listed],
        }

    def _listed_positions(self, words: list[str]) -> list[int]:
        """Positions of the words of any of the featuriser's word lists."""
        return list(compress(range(len(words)), map(_any_listed(self.word_matchers()), words)))

    def extras(
        self, item: CommentInput, normalised: str, words: list[str] | None = None
    ) -> list[float]:
        if words is None:
            words = normalised.split()
        listed = self._listed_positions(words)
        addressed = sum(_addressed(words, i) for i in listed)
        return [
            *super().extras(item, normalised, words),
            math.log1p(addressed),
            float(0 in listed),
            _share(len(listed), len(words)),
        ]


@lru_cache(maxsize=8)
def _any_listed(matchers: tuple[WordListMatcher, ...]) -> Callable[[str], bool]:
    """Whether a word is listed by any of ``matchers``, cached per word."""
    return lru_cache(maxsize=50_000)(lambda word: any(m.listed(word) for m in matchers))


def _addressed(words: list[str], position: int) -> bool:
    """Whether an addressing word comes at most ``ADDRESSING_REACH`` words before."""
    return not ADDRESSING_WORDS.isdisjoint(words[max(position - ADDRESSING_REACH, 0) : position])
