"""How a comment is written out: its text as safe HTML, its date and time in the reader's
language, and the "to NAME" after "Reply" with the preposition Italian wants before a name."""

from __future__ import annotations

import unicodedata
from datetime import date
from datetime import time as dt_time
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

# Languages that write month names in lower case inside a sentence ("28 novembre 2026").
_LOWER_CASE_MONTHS = {"it", "es", "fr", "pt", "ca", "ro"}

# What urlize needs to see in a word to make it a link: a scheme, "www.", one of the seven
# top-level domains it knows, or an "@" (django.utils.html.Urlizer.handle_word).
_LINK_MARKERS = ("http", "www.", ".com", ".edu", ".gov", ".int", ".mil", ".net", ".org")


def _may_hold_link(text: str) -> bool:
    if "@" in text:
        return True
    lowered = text.lower()
    return any(marker in lowered for marker in _LINK_MARKERS)


@lru_cache(maxsize=4096)
def comment_text_html(text: str) -> SafeString:
    """The comment escaped, paragraphs and line breaks kept, bare URLs made nofollow links.

    Cached: the same texts are shown on every view of a page, and urlize is the costly part;
    it is skipped for texts without anything it would link, where it only escapes.
    """
    if _may_hold_link(text):
        linked = urlize(text, nofollow=True, autoescape=True)
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc"')
    else:
        linked = escape(text)
    return mark_safe(linebreaks(linked))  # noqa: S308  (urlize escaped every part of the text)


@lru_cache(maxsize=1024)
def _date_text(day: date, language: str) -> str:
    text = dateformat.format(day, pgettext("comment date", "F j, Y"))
    return text.lower() if language.split("-")[0] in _LOWER_CASE_MONTHS else text


@lru_cache(maxsize=4096)
def _time_text(hour: int, minute: int, language: str) -> str:
    return dateformat.time_format(dt_time(hour, minute), pgettext("comment time", "g:i a"))


@lru_cache(maxsize=64)
def _at_text(language: str) -> str:
    return gettext("%(date)s at %(time)s")


def comment_datetime_text(value) -> str:
    """'28 novembre 2026 alle 14:05' in Italian, 'November 28, 2026 at 2:05 pm' in English.

    The date and the time of day are formatted once per language and cached apart: the
    comments of a page share a few dates and at most 1,440 times of day.
    """
    value = timezone.localtime(value)
    language = get_language() or ""
    return _at_text(language) % {
        "date": _date_text(value.date(), language),
        "time": _time_text(value.hour, value.minute, language),
    }


def starts_with_a(name: str) -> bool:
    """Whether ``name`` begins with the letter a, accented or not."""
    return unicodedata.normalize("NFD", name.strip())[:1].lower() == "a"


def reply_to_forms() -> tuple[str, str]:
    """The translations of "to NAME": the plain one and the one before a name starting
    with a (the same context as the form's "Reply to NAME")."""
    return gettext("to %(name)s"), pgettext("before a name starting with A", "to %(name)s")


def reply_to_text(name: str, forms: tuple[str, str] | None = None) -> SafeString:
    """What follows "Reply" for screen readers: 'to Anna', in Italian 'ad Anna' / 'a Marco'.

    ``forms``: ``reply_to_forms()`` when the caller has translated them once for many names.
    """
    plain, before_a = forms or reply_to_forms()
    text = before_a if starts_with_a(name) else plain
    return mark_safe(text % {"name": escape(name)})  # noqa: S308  (the name is escaped)
