"""Text normalisation shared by the classifiers and the moderators' word lists.

Italian comments are full of accents and elisions, and spammers and trolls obfuscate
("1d10ta", "i.d.i.o.t.a"): both sides of every comparison go through ``normalize``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LEET = str.maketrans(
    {"1": "i", "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "€": "e"}
)
# The Unicode blocks of combining diacritical marks (what NFKD splits off Latin letters).
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A word with obfuscating digits or symbols; ``normalize`` translates them (``_LEET``).
_OBFUSCATED = re.compile(r"\w*[a-z][\w@$€]*")
# A whole run of word characters and @ $ € holding a character ``_LEET`` changes. Every
# ``_OBFUSCATED`` match lies in one such run and ends where the run ends, so translating
# the matches within these runs alone changes the text exactly as translating all matches.
_LEET_KEYS = re.escape("".join(map(chr, _LEET)))
_LEET_RUN = re.compile(rf"(?<![\w@$€])[\w@$€]*?[{_LEET_KEYS}][\w@$€]*")
_LEET_KEY = re.compile(f"[{_LEET_KEYS}]")  # cheaper to look for than the runs
_NON_WORD = re.compile(r"[^a-z0-9*]+")
# ``_NON_WORD`` for ASCII bytes: every byte it matches becomes a space.
_NON_WORD_BYTES = bytes(
    byte if chr(byte) in "abcdefghijklmnopqrstuvwxyz0123456789*" else ord(" ")
    for byte in range(256)
)
_REPEATS = re.compile(r"([a-z])\1{2,}")
# Runs of single letters split by spaces or punctuation: "i d i o t a", "i.d.i.o.t.a".
_SPACED_LETTERS = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")


def strip_accents(text: str) -> str:
    if text.isascii():
        return text
    return _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text))


def _translate_leet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def _deobfuscate_run(match: re.Match[str]) -> str:
    return _OBFUSCATED.sub(_translate_leet, match.group(0))


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Lower-case, accent-free, de-obfuscated words separated by single spaces (the last
    2,048 cached: a batch's texts and names are read by both models, held ones explained).

    Apostrophes split elisions ("dell'articolo" → "dell articolo"); letters repeated three
    times or more are squeezed to one ("cretinooo" → "cretino").
    """
    text = strip_accents(text.casefold())
    # Digits and symbols inside words are obfuscation; leave plain numbers alone.
    if _LEET_KEY.search(text):
        text = _LEET_RUN.sub(_deobfuscate_run, text)
    if text.isascii():
        # Runs of non-word characters become one space (bytes.split splits only on those).
        text = b" ".join(text.encode("ascii").translate(_NON_WORD_BYTES).split()).decode("ascii")
    else:
        text = _NON_WORD.sub(" ", text).strip()
    text = _SPACED_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    return _REPEATS.sub(r"\1", text)


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def compile_word_list(words: list[str] | tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern matching any listed word (or phrase) as whole normalised words.

    A trailing ``*`` matches any ending: ``idiot*`` catches "idiota", "idioti", "idiots".
    """
    parts = []
    for word in words:
        norm = normalize(word)
        if not norm:
            continue
        stem = re.escape(norm.rstrip("*")).replace(r"\ ", " ")
        parts.append(stem + (r"\w*" if norm.endswith("*") else ""))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)")
