"""What marks comment spam besides its words: links, phone numbers, prices, shouting,
self-promotion, and the author's name, address and website."""

from __future__ import annotations

import re
from functools import lru_cache

URL = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:com|net|org|info|biz|it|ly|me|tk|ru|co|io|tv)\b",
    re.IGNORECASE,
)
REPEATED_CHARS = re.compile(r"(.)\1{3,}")
PHONE = re.compile(r"(?:\+?\d[\s.-]?){8,}")
CURRENCY = re.compile(r"[$€£]|\b(?:usd|eur|euro|dollars?)\b", re.IGNORECASE)
LETTER = re.compile(r"[^\W\d_]")
CAPITAL = re.compile(r"[A-ZÀ-ÖØ-Þ]")
DIGITS = re.compile(r"\d")
KEYWORD_NAME = re.compile(
    r"\b(?:cheap|buy|best|free|online|loan|casino|seo|shop|store|sale|deal|pills?|"
    r"marketing|bitcoin|crypto|official|music|channel|tv)\b",
    re.IGNORECASE,
)
FREE_MAIL = frozenset(
    (
        "gmail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "libero.it",
        "virgilio.it",
        "alice.it",
        "tiscali.it",
        "icloud.com",
        "live.com",
        "hotmail.it",
        "yahoo.it",
    )
)
DISPOSABLE_MAIL = frozenset(
    (
        "mailinator.com",
        "guerrillamail.com",
        "10minutemail.com",
        "yopmail.com",
        "trashmail.com",
        "tempmail.com",
        "sharklasers.com",
        "getnada.com",
    )
)


@lru_cache(maxsize=4096)
def capital_share(text: str) -> float:
    """Share of the letters that are capitals (cached: both models' features ask)."""
    letters = len(LETTER.findall(text))
    return len(CAPITAL.findall(text)) / letters if letters else 0.0


SCHEME = re.compile(r"^[a-z]+://")
DIGIT_OR_HYPHEN = re.compile(r"[\d-]")


def host(url: str) -> str:
    url = SCHEME.sub("", url.strip().lower())
    return url.split("/", 1)[0].split("@")[-1].split(":", 1)[0]


#: Self-promotion, the phrasing of comment spam whatever the video: "check out my
#: channel", "please subscribe", "sub to me", "thumbs up", "like this comment".
SELF_PROMOTION = re.compile(
    r"\b(?:my|our)\s+(?:new\s+)?(?:channel|videos?|vids?|music|page|songs?|youtube|cover|"
    r"blog|website|site)\b|\bcheck\s+(?:out\s+)?(?:my|this|our)\b|"
    r"\bsub(?:scribe)?\s+(?:to|me|back)\b|\bplease\s+(?:like|share|subscribe|check|visit|"
    r"watch|help)\b|\bthumbs\s+up\b|\blike\s+this\s+comment\b|\bfollow\s+me\b",
    re.IGNORECASE,
)
CAPITAL_WORD = re.compile(r"\b[A-Z]{2,}\b")
LETTER_WORD = re.compile(r"\b[^\W\d_]{2,}\b")
