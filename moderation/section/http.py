"""What the HTML views and the API views share: where a comment lives on the site, the
reader's submission built from a request, and the answer when the database is away."""

from __future__ import annotations

from django import db
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.client_ip import client_ip
from moderation.models import Comment
from moderation.section.cookies import own_comment_ids

UNAVAILABLE_MESSAGE = _(
    "Your comment could not be saved because the site is busy. "
    "Please wait a moment and send it again."
)
#: Seconds a client is asked to wait (``Retry-After``) when the database is unavailable.
UNAVAILABLE_RETRY_AFTER = "5"


class SeeOther(HttpResponseRedirect):
    status_code = 303


def target_url(target) -> str:
    """The page of the commented object, or the site's root when it has none."""
    get_url = getattr(target, "get_absolute_url", None)
    return get_url() if get_url else "/"


#: Names a comment in a link to its object's page: the section opens on the page listing it.
COMMENT_PARAM = "commento"


def link_to_comment(page_url: str, comment_id: int, order_query: str = "") -> str:
    """``page_url`` opened where the comment is: on the page of comments that lists it (or its
    thread), scrolled to it; ``order_query`` (``ordering.query``) keeps the reader's order."""
    separator = "&" if "?" in page_url else "?"
    query = f"{order_query}{COMMENT_PARAM}={comment_id}"
    return f"{page_url}{separator}{query}#comment-{comment_id}"


def comment_url(comment: Comment) -> str:
    """The comment on the page of its object."""
    return link_to_comment(target_url(comment.target), comment.pk)


def parse_id(value: str) -> int | None:
    """The row id written in ``value``, or None for anything else: ``"²"`` passes
    ``isdigit()`` but not ``int()``, and a thousand digits fit no database column."""
    return int(value) if value.isdecimal() and value.isascii() and len(value) <= 18 else None


def build_submission(
    request: HttpRequest, target, data: dict, reader_key: str = ""
) -> services.Submission:
    """The reader's submission from the form's cleaned data and the request's metadata;
    ``reader_key`` is the browser's reader cookie token (the form has one, the API not)."""
    return services.Submission(
        target=target,
        author_name=data["author"],
        author_email=data["email"],
        author_url=data.get("url") or "",
        text=data["comment"],
        parent=data.get("parent"),
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        language=get_language() or "",
        user=request.user,
        notify_replies=bool(data.get("notify_replies")),
        own_comment_ids=tuple(own_comment_ids(request)),
        reader_key=reader_key,
    )


def drop_connection() -> None:
    """Close the connection after a database error so that the next query opens a new one
    (kept inside a transaction, whose owner must roll it back first)."""
    if not db.connection.in_atomic_block:
        db.connection.close()
