"""The small faults real WordPress exports carry, repaired line by line before parsing.

Text pasted from a word processor brings control characters (a vertical tab) that XML
forbids even in CDATA; an old plugin writes a Latin-1 byte into a UTF-8 file; a theme puts
``&nbsp;`` outside CDATA, an entity XML does not know. Each one alone makes the whole file
unreadable to an XML parser. ``repaired_lines`` fixes them and notes each fix with its line
number; it never adds markup, so a document type declaration, an undeclared entity that is
not HTML's, or a truncated file are still the parser's to refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from html.entities import html5

#: Characters XML 1.0 forbids anywhere (tab, line feed and carriage return are allowed).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ENTITY = re.compile(r"&(#?[A-Za-z0-9]*;?)")
_XML_ENTITIES = {"amp;", "lt;", "gt;", "quot;", "apos;"}
_CDATA_START, _CDATA_END = "<![CDATA[", "]]>"
#: Repairs listed one by one; beyond, only counted.
LISTED_REPAIRS = 50


@dataclass
class Repairs:
    """What was repaired, line by line (``listed``) and in all (``count``)."""

    listed: list[str] = field(default_factory=list)
    count: int = 0

    def note(self, line: int, what: str) -> None:
        self.count += 1
        if len(self.listed) < LISTED_REPAIRS:
            self.listed.append(f"line {line}: {what}")


def _decode(raw: bytes, line: int, repairs: Repairs) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    parts, rest = [], raw
    while rest:
        try:
            parts.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts.append(rest[: exc.start].decode("utf-8"))
            bad = rest[exc.start : exc.end]
            latin = bad.decode("cp1252", errors="replace")
            repairs.note(line, f"byte(s) {bad.hex(' ')} not UTF-8, read as Latin-1 {latin!r}")
            parts.append(latin)
            rest = rest[exc.end :]
    return "".join(parts)


def _entity(match: re.Match[str], line: int, repairs: Repairs) -> str:
    name = match.group(1)
    if name in _XML_ENTITIES or (name.startswith("#") and name.endswith(";") and len(name) > 2):
        return match.group(0)
    if name.endswith(";") and name in html5:
        repairs.note(line, f"HTML entity &{name} read as {html5[name]!r}")
        return "".join(f"&#{ord(char)};" for char in html5[name])
    repairs.note(line, f"stray '&' kept as text before {name[:20]!r}")
    return "&amp;" + name


def _entities(text: str, line: int, repairs: Repairs) -> str:
    """``text`` with each ``&`` outside an XML entity or character reference repaired."""
    return _ENTITY.sub(lambda m: _entity(m, line, repairs), text)


def _outside_cdata(text: str, in_cdata: bool, fix: Callable[[str], str]) -> tuple[str, bool]:
    """``text`` with ``fix`` applied to its parts outside CDATA sections."""
    parts, position = [], 0
    while position < len(text):
        if in_cdata:
            end = text.find(_CDATA_END, position)
            stop = len(text) if end < 0 else end + len(_CDATA_END)
            parts.append(text[position:stop])
            in_cdata = end < 0
        else:
            start = text.find(_CDATA_START, position)
            stop = len(text) if start < 0 else start + len(_CDATA_START)
            parts.append(fix(text[position:stop]))
            in_cdata = start >= 0
        position = stop
    return "".join(parts), in_cdata


def repaired_lines(lines: Iterable[bytes], repairs: Repairs) -> Iterator[bytes]:
    """Each line of the file as UTF-8 XML the parser can read, the repairs noted."""
    in_cdata = False
    for number, raw in enumerate(lines, start=1):
        text = _decode(raw, number, repairs)
        if _FORBIDDEN.search(text):
            for char in sorted(set(_FORBIDDEN.findall(text))):
                repairs.note(number, f"control character U+{ord(char):04X} removed")
            text = _FORBIDDEN.sub("", text)
        if "&" in text or in_cdata or _CDATA_START in text:
            text, in_cdata = _outside_cdata(
                text, in_cdata, partial(_entities, line=number, repairs=repairs)
            )
        yield text.encode("utf-8")
