"""How a comment is written out: its text as safe HTML, its date and time in the reader's
language, and the "to NAME" after "Reply" with the preposition Italian wants before a name."""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
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


class RenderedTextCache:
    """The most recently shown texts as HTML, bounded by the characters held (keys and HTML),
    not by the number of entries: readers decide how long texts are, so a count bounds nothing.
    A text longer than ``max_entry_chars`` (with its HTML) is rendered on every view instead."""

    def __init__(self, max_chars: int, max_entry_chars: int) -> None:
        self.max_chars = max_chars
        self.max_entry_chars = max_entry_chars
        self.chars = 0
        self._items: OrderedDict[str, SafeString] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, text: str, render: Callable[[str], SafeString]) -> SafeString:
        with self._lock:
            html = self._items.get(text)
            if html is not None:
                self._items.move_to_end(text)
                return html
        html = render(text)
        size = len(text) + len(html)
        if size <= self.max_entry_chars:
            with self._lock:
                if text not in self._items:
                    self._items[text] = html
                    self.chars += size
                while self.chars > self.max_chars:
                    old_text, old_html = self._items.popitem(last=False)
                    self.chars -= len(old_text) + len(old_html)
        return html

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.chars = 0


#: About 4 to 16 MB per process, whatever readers post (1 to 4 bytes a character); the
#: few long comments (over some 5,000 characters) are rendered each time.
RENDERED_TEXTS = RenderedTextCache(max_chars=4_000_000, max_entry_chars=12_000)


def _render_text_html(text: str) -> SafeString:
    if _may_hold_link(text):
        linked = urlize(text, nofollow=True, autoescape=True)
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc"')
    else:
        linked = escape(text)
    return mark_safe(linebreaks(linked))  # noqa: S308  (urlize escaped every part of the text)


def comment_text_html(text: str) -> SafeString:
    """The comment escaped, paragraphs and line breaks kept, bare URLs made nofollow links.

    Cached (``RENDERED_TEXTS``): the same texts are shown on every view of a page, and
    urlize is the costly part; it is skipped for texts without anything it would link,
    where it only escapes.
    """
    return RENDERED_TEXTS.get_or_render(text, _render_text_html)


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
