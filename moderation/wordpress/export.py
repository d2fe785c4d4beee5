"""Reading WordPress export (WXR) files, as a stream of posts with their comments.

``WordPressExport`` repairs the small faults of real files line by line
(``wordpress.repair``), parses with expat directly and refuses any document type
declaration, so no entity can be declared: neither external entities (file or network
access) nor nested ones ("billion laughs") can be expanded. It keeps only the fields it
needs, one post at a time, so the size of the export does not matter.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO
from urllib.parse import unquote
from xml.parsers import expat

from django.utils import timezone

from moderation.wordpress.repair import Repairs, repaired_lines

_POST_FIELDS = {"title", "link", "post_id", "post_name", "post_type"}
_COMMENT_FIELDS = {
    "comment_id",
    "comment_author",
    "comment_author_email",
    "comment_author_url",
    "comment_author_IP",
    "comment_date",
    "comment_date_gmt",
    "comment_content",
    "comment_approved",
    "comment_type",
    "comment_parent",
}
#: WXR's namespace, ``http://wordpress.org/export/1.2/`` and its other versions; a feed
#: without it is a plain RSS feed, which has no comments to import.
_WXR_NAMESPACE = "http://wordpress.org/export/"
_SITE_FIELDS = ("base_blog_url", "base_site_url", "link")
_CHUNK = 64 * 1024


class ExportError(Exception):
    """The file is not a readable WordPress export."""


@dataclass(frozen=True)
class WordPressComment:
    id: int
    parent_id: int
    author: str
    email: str
    url: str
    ip: str
    date: datetime | None
    content: str
    approved: str
    type: str


@dataclass
class WordPressPost:
    id: int
    title: str
    slug: str
    link: str
    type: str
    comments: list[WordPressComment] = field(default_factory=list)


def _parse_date(gmt: str, local: str) -> datetime | None:
    for value, tz in ((gmt, UTC), (local, timezone.get_current_timezone())):
        try:
            return datetime.strptime(value.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=tz)
        except ValueError:
            continue  # WordPress writes 0000-00-00 00:00:00 for "no date"
    return None


def _as_int(value: str) -> int:
    try:
        return int(value.strip() or 0)
    except ValueError as exc:
        raise ExportError(f"expected a number, found {value!r}") from exc


def _refuse_doctype(*args: object) -> None:
    raise ExportError("the file declares a document type; a WordPress export does not")


class _Reader:
    """Expat handlers that turn the element stream into posts with their comments."""

    def __init__(self) -> None:
        # The lines come repaired as UTF-8, whatever encoding the file declares.
        self.parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = _refuse_doctype
        self.parser.EntityDeclHandler = _refuse_doctype
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.path: list[str] = []
        self.text: list[str] = []
        self.site: dict[str, str] = {}
        self.post: dict[str, str] | None = None
        self.comments: list[dict[str, str]] = []
        self.comment: dict[str, str] | None = None
        self.ready: list[WordPressPost] = []
        self.is_export = False

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(data, final)
        except expat.ExpatError as exc:
            raise ExportError(
                f"malformed XML at line {exc.lineno}, column {exc.offset}: "
                f"{expat.ErrorString(exc.code)}"
            ) from exc

    def _start(self, name: str, attributes: dict) -> None:
        local = name.rpartition(" ")[2]
        self.path.append(local)
        self.text = []
        if not self.is_export and name.startswith(_WXR_NAMESPACE):
            self.is_export = True
        if self.path == ["rss", "channel", "item"]:
            self.post, self.comments = {}, []
        elif self.path[-2:] == ["item", "comment"] and self.post is not None:
            self.comment = {}

    def _text(self, data: str) -> None:
        self.text.append(data)

    def _end(self, name: str) -> None:
        local = self.path[-1]
        parent = self.path[-2] if len(self.path) > 1 else ""
        value = "".join(self.text)
        if self.path[:2] == ["rss", "channel"] and len(self.path) == 3 and local in _SITE_FIELDS:
            self.site.setdefault(local, value.strip())
        elif parent == "item" and self.post is not None and local in _POST_FIELDS:
            self.post[local] = value
        elif parent == "comment" and self.comment is not None and local in _COMMENT_FIELDS:
            self.comment[local] = value
        elif local == "comment" and parent == "item" and self.comment is not None:
            self.comments.append(self.comment)
            self.comment = None
        elif self.path == ["rss", "channel", "item"] and self.post is not None:
            self.ready.append(self._build_post())
            self.post = None
        self.path.pop()
        self.text = []

    def _build_post(self) -> WordPressPost:
        post = self.post or {}
        return WordPressPost(
            id=_as_int(post.get("post_id", "0")),
            title=post.get("title", "").strip(),
            slug=unquote(post.get("post_name", "").strip()),
            link=post.get("link", "").strip(),
            type=post.get("post_type", "").strip(),
            comments=[
                WordPressComment(
                    id=_as_int(c.get("comment_id", "")),
                    parent_id=_as_int(c.get("comment_parent", "0")),
                    author=c.get("comment_author", "").strip(),
                    email=c.get("comment_author_email", "").strip(),
                    url=c.get("comment_author_url", "").strip(),
                    ip=c.get("comment_author_IP", "").strip(),
                    date=_parse_date(c.get("comment_date_gmt", ""), c.get("comment_date", "")),
                    content=c.get("comment_content", ""),
                    approved=c.get("comment_approved", "").strip(),
                    type=c.get("comment_type", "").strip(),
                )
                for c in self.comments
            ],
        )


class WordPressExport:
    """An opened WXR file: ``site`` once the header is read, then ``posts()`` one by one."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._reader = _Reader()
        self.repairs = Repairs()

    @property
    def site(self) -> str:
        """The WordPress site's address, the namespace of its comment ids."""
        for key in _SITE_FIELDS:
            if self._reader.site.get(key):
                return self._reader.site[key].rstrip("/")
        return ""

    def posts(self) -> Iterator[WordPressPost]:
        """The posts in file order; ``repairs`` grows as the file is read."""
        batch: list[bytes] = []
        size = 0
        for line in repaired_lines(self._stream, self.repairs):
            batch.append(line)
            size += len(line)
            if size >= _CHUNK:
                yield from self._feed(b"".join(batch))
                batch, size = [], 0
        yield from self._feed(b"".join(batch), final=True)
        if not self._reader.is_export:
            raise ExportError(
                "this is not a WordPress export (no element in WordPress's export namespace "
                f"{_WXR_NAMESPACE}…; a plain RSS feed has no comments): export the site "
                "from Tools → Export in WordPress"
            )

    def _feed(self, data: bytes, final: bool = False) -> Iterator[WordPressPost]:
        self._reader.feed(data, final=final)
        posts, self._reader.ready = self._reader.ready, []
        yield from posts
