"""A comment written as HTML (WordPress stores them so) turned into this app's plain text.

The app keeps comments as text and writes them out escaped, with paragraphs, line breaks and
bare URLs made links (``section.formatting.comment_text_html``). So the HTML a reader
wrote elsewhere is reduced to what it meant: entities decoded once, a link as its words and
its address, paragraphs and line breaks as blank lines and newlines, a smiley image as its
alt text (``:-)``); every other tag is dropped, and the contents of scripts and styles with it.
Nothing of the HTML survives as markup, so nothing unsafe can pass.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_PARAGRAPH_TAGS = {
    "p",
    "div",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
_LINE_TAGS = {"br", "li", "tr"}
_HIDDEN_TAGS = {"script", "style", "template", "noscript", "iframe", "object"}
_LINK_SCHEMES = ("http://", "https://", "mailto:")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


def _is_smiley(attrs: dict[str, str]) -> bool:
    return "wp-smiley" in attrs.get("class", "").split() or "/smilies/" in attrs.get("src", "")


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.links: list[tuple[str, int]] = []  # (href, index of the first part of its words)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        elif tag in _LINE_TAGS:
            self.parts.append("\n")
        elif tag == "img" and _is_smiley(values):
            self.parts.append(values.get("alt", ""))
        elif tag == "a":
            self.links.append((values.get("href", "").strip(), len(self.parts)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HIDDEN_TAGS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in _PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.parts[start:]).strip()
            if href.lower().startswith(_LINK_SCHEMES) and href not in words:
                address = href.removeprefix("mailto:")
                self.parts[start:] = [f"{words} ({address})" if words else address]

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def text_from_html(html: str) -> str:
    """The plain text a reader meant by ``html`` (see the module's docstring)."""
    if "<" not in html and "&" not in html:
        return html.strip()
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    text = "".join(writer.parts).replace("\r\n", "\n").replace("\xa0", " ")
    return _BLANK_LINES.sub("\n\n", text).strip()
