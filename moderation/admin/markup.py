"""Small pieces of HTML and text the moderation admin shows: the words behind the scores
highlighted, a score as a bar, a duration, and whether a website may be linked."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext


def highlight(text: str, explanation: dict[str, list[list]]) -> SafeString:
    """``text`` escaped, with the explanation's words wrapped in ``<mark>`` per score.

    Words are matched in the raw text (whole words, any case), and every piece is escaped
    on its own, so neither the text nor the words can inject markup.
    """
    weights: dict[str, dict[str, float]] = {}
    for score, pairs in (explanation or {}).items():
        for pair in pairs or []:
            word, weight = str(pair[0]), float(pair[1])
            if word.strip():
                weights.setdefault(word.lower(), {})[str(score)] = weight
    if not weights:
        return escape(text)
    words = sorted(weights, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[position : match.start()]))
        scores = weights[match.group(0).lower()]
        pieces.append(
            format_html(
                '<mark class="{}" title="{}">{}</mark>',
                " ".join(f"mod-hl-{score}" for score in sorted(scores)),
                ", ".join(f"{score} {weight:+.2f}" for score, weight in sorted(scores.items())),
                match.group(0),
            )
        )
        position = match.end()
    pieces.append(escape(text[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def score_bar(label: str, score: float | None) -> SafeString:
    """The score as a coloured bar with its value; a dash when it was not scored."""
    if score is None:
        return format_html('<span class="mod-bar mod-bar--none">{} –</span>', label)
    band = "high" if score >= 0.8 else "mid" if score >= 0.5 else "low"
    value = f"{score:.2f}"
    return format_html(
        '<span class="mod-bar mod-bar--{}" title="{} {}">'
        '<span class="mod-bar__label">{}</span>'
        '<span class="mod-bar__track"><span class="mod-bar__fill" style="width: {}%"></span>'
        '</span><span class="mod-bar__value">{}</span></span>',
        band,
        label,
        value,
        label,
        round(max(0.0, min(score, 1.0)) * 100),
        value,
    )


def duration(value: timedelta | None) -> str:
    """Hours and minutes, e.g. '2 h 05 min'; empty for no value."""
    if value is None:
        return ""
    minutes = round(value.total_seconds() / 60)
    return gettext("%(hours)d h %(minutes)02d min") % {
        "hours": minutes // 60,
        "minutes": minutes % 60,
    }


def is_web_url(url: str) -> bool:
    """Whether ``url`` is an http(s) address, the only kind the admin makes a link of."""
    return url.lower().startswith(("http://", "https://"))
