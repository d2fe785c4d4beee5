"""Insult, slur and spam word stems, written for this project, in Italian and English.

Entries follow ``compile_word_list``: normalised words, a trailing ``*`` for any ending.
They are prior knowledge beside the n-grams, so stems that also start common harmless
words ("fag*" would catch "fagioli") are spelled out instead.
"""

from __future__ import annotations

from functools import lru_cache

from moderation.classifiers.normalize import compile_word_list, normalize

ITALIAN_INSULTS = (
    "idiot*",
    "imbecill*",
    "cretin*",
    "stupid*",
    "deficient*",
    "scem*",
    "coglion*",
    "rincoglionit*",
    "stronz*",
    "vaffanculo",
    "fanculo",
    "cazz*",
    "merd*",
    "puttan*",
    "troia",
    "troie",
    "troiona",
    "zoccol*",
    "bastard*",
    "ritardat*",
    "mongoloid*",
    "mongolo",
    "mongola",
    "frocio",
    "froci",
    "frocia",
    "ricchion*",
    "culattone",
    "culattoni",
    "checca",
    "negro",
    "negri",
    "negra",
    "negre",
    "zingar*",
    "terron*",
    "polenton*",
    "sfigat*",
    "babbe*",
    "buffon*",
    "pagliacc*",
    "somar*",
    "asino",
    "asini",
    "cagna",
    "vacca",
    "vacche",
    "porco",
    "porca",
    "porci",
    "schifos*",
    "fetent*",
    "lurid*",
    "vermi",
    "verme",
    "feccia",
    "minchia",
    "minchion*",
    "cornut*",
    "bagasc*",
    "mignott*",
    "sgualdrin*",
    "baldracc*",
    "cesso",
    "demente",
    "dementi",
    "cerebroles*",
    "troglodit*",
    "beota",
    "beoti",
    "ebete",
    "ebeti",
    "zotic*",
    "cafon*",
    "inett*",
    "vigliacc*",
    "pezzente",
    "pezzenti",
    "parassit*",
    "crepa",
    "crepate",
    "crepare",
    "muori",
    "morite",
    "ammazzat*",
    "schifo",
    "taci",
    "tacete",
    "handicappat*",
    "subumano",
    "subumani",
    "bestie",
    "animali",
    "maiale",
    "maiali",
    "racchia",
    "cicciona",
    "balena",
    "acida",
    "gallina",
    "oca",
    "befana",
)

ENGLISH_INSULTS = (
    "idiot*",
    "stupid*",
    "moron*",
    "dumb*",
    "retard*",
    "fuck*",
    "fck*",
    "fuk*",
    "shit*",
    "bitch*",
    "cunt*",
    "dick",
    "dicks",
    "dickhead*",
    "asshole*",
    "ass",
    "arse*",
    "bastard*",
    "whore*",
    "slut*",
    "fag",
    "fags",
    "faggot*",
    "nigger*",
    "nigga*",
    "twat*",
    "wanker*",
    "jerk",
    "jerks",
    "loser*",
    "scum*",
    "douche*",
    "prick*",
    "piss*",
    "crap*",
    "suck*",
    "sucker*",
    "kill yourself",
    "kys",
    "hoe",
    "hoes",
    "trash",
    "pathetic",
    "ugly",
    "dyke*",
    "tranny",
    "trannies",
    "spic",
    "spics",
    "kike*",
    "chink*",
    "pussy",
    "pussies",
    "cock",
    "cocks",
    "cocksucker*",
    "motherfuck*",
    "stfu",
    "shut up",
    "worthless",
    "disgusting",
    "pig",
    "pigs",
    "imbecile*",
    "cretin*",
    "freak*",
    "nazi*",
    "hate you",
    "die",
)

SPAM_WORDS = (
    "subscrib*",
    "check out",
    "channel",
    "free",
    "win",
    "winner",
    "prize",
    "cash",
    "money",
    "earn",
    "click",
    "visit",
    "promo*",
    "offer*",
    "discount*",
    "buy",
    "cheap",
    "casino",
    "loan*",
    "bitcoin",
    "crypto",
    "viagra",
    "seo",
    "follow me",
    "guadagn*",
    "gratis",
    "iscriviti",
    "offerta",
    "sconto",
    "clicca",
    "visita",
)


class WordListMatcher:
    """Finds the entries of a word list in normalised text.

    Matches what ``compile_word_list`` matches, faster for long lists: single words are
    looked up per word (a set, and a tuple of stems for ``*`` entries), each word's answer
    cached; only phrases go through the regular expression, and only in texts that contain
    one of them. A phrase should not contain a listed single word, or both count.
    """

    def __init__(self, entries: tuple[str, ...]) -> None:
        words = [normalize(entry) for entry in entries]
        self.exact = frozenset(word for word in words if " " not in word and "*" not in word)
        self.stems = tuple(word[:-1] for word in words if " " not in word and "*" in word)
        phrases = [word for word in words if " " in word]
        self.phrases = compile_word_list(phrases)
        # What every match of ``phrases`` contains.
        self.phrase_stems = tuple(phrase.rstrip("*") for phrase in phrases)
        self.listed = lru_cache(maxsize=50_000)(self._listed)  # a few MB when full

    def _listed(self, token: str) -> bool:
        """Whether one word of a normalised text is listed (an answer ``listed`` caches)."""
        word = token.strip("*")
        return word in self.exact or word.startswith(self.stems)

    def _phrases(self, normalised: str) -> list[str]:
        if self.phrases is None:
            return []
        for stem in self.phrase_stems:
            if stem in normalised:
                return self.phrases.findall(normalised)
        return []

    def findall(self, normalised: str) -> list[str]:
        found = [token.strip("*") for token in normalised.split() if self.listed(token)]
        found.extend(self._phrases(normalised))
        return found

    def count(self, normalised: str, words: list[str] | None = None) -> int:
        """``len(self.findall(normalised))``; ``words``: ``normalised.split()`` if known."""
        if words is None:
            words = normalised.split()
        return sum(map(self.listed, words)) + len(self._phrases(normalised))


class ObfuscationAwareMatcher(WordListMatcher):
    """A ``WordListMatcher`` of whole words and phrases that also finds a listed word with
    one letter masked ("c*zzo", "str*nzo"); the words' Italian gender and number endings
    count too ("stronzo" also finds "stronza", "stronzi", "stronze")."""

    def __init__(self, entries: tuple[str, ...]) -> None:
        words = {normalize(entry) for entry in entries}
        words = {word for word in words if word and "*" not in word}
        super().__init__(tuple(sorted(words | {form for word in words for form in _endings(word)})))
        self.masked = frozenset(
            word[:i] + "*" + word[i + 1 :] for word in self.exact for i in range(len(word))
        )

    def _listed(self, token: str) -> bool:
        return super()._listed(token) or ("*" in token and token in self.masked)


def _endings(word: str) -> tuple[str, ...]:
    """The other endings of an Italian noun or adjective ending in a vowel (single words)."""
    if " " in word or len(word) < 5 or word[-1] not in "aeio":
        return ()
    return tuple(word[:-1] + ending for ending in "aeio")


ITALIAN_INSULTS_MATCHER = WordListMatcher(ITALIAN_INSULTS)
ENGLISH_INSULTS_MATCHER = WordListMatcher(ENGLISH_INSULTS)
SPAM_WORDS_MATCHER = WordListMatcher(SPAM_WORDS)
