"""What the comment section shows: the page of threads, the reader's own pending comments,
and the form pre-filled from the reader's consented cookie. A constant number of queries."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from datetime import time as dt_time
from functools import lru_cache
from pathlib import Path

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, pgettext

from .conf import moderation_settings
from .forms import CommentForm
from .models import Comment, Status
from .services import can_edit, comments_open

OWN_COMMENTS_COOKIE = "moderation_own"
OWN_COMMENTS_SALT = "moderation.own-comments"
REMEMBER_COOKIE = "moderation_author"
REMEMBER_SALT = "moderation.remember"
PAGE_PARAM = "cpage"
REPLY_PARAM = "replytocom"
_MAX_OWN = 50
COMMENT_TEMPLATE = "moderation/comment.html"
_OWN_COMMENT_TEMPLATE = str(Path(__file__).resolve().parent / "templates" / COMMENT_TEMPLATE)
# Languages that write month names in lower case inside a sentence ("28 novembre 2026").
_LOWER_CASE_MONTHS = {"it", "es", "fr", "pt", "ca", "ro"}


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)


# The reader's own comments (signed cookie) --------------------------------------------------


def own_comment_ids(request: HttpRequest) -> list[int]:
    value = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE,
        default="",
        salt=OWN_COMMENTS_SALT,
        max_age=moderation_settings.OWN_COMMENTS_COOKIE_AGE,
    )
    return [int(pk) for pk in value.split(",") if pk.isdigit()]


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    ids = [comment.pk, *own_comment_ids(request)][:_MAX_OWN]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=OWN_COMMENTS_SALT,
        max_age=moderation_settings.OWN_COMMENTS_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


# "Save my name, email and website" ----------------------------------------------------------


def remembered_author(request: HttpRequest) -> dict[str, str]:
    raw = request.get_signed_cookie(
        REMEMBER_COOKIE,
        default="",
        salt=REMEMBER_SALT,
        max_age=moderation_settings.REMEMBER_COOKIE_AGE,
    )
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: str(data[k]) for k in ("author", "email", "url") if k in data}


def update_remembered_author(
    request: HttpRequest, response: HttpResponse, cleaned: dict, consent: bool
) -> None:
    """Store name, email and website with consent; without it, forget what was stored."""
    if not consent:
        response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
        return
    value = json.dumps({k: cleaned.get(k) or "" for k in ("author", "email", "url")})
    response.set_signed_cookie(
        REMEMBER_COOKIE,
        value,
        salt=REMEMBER_SALT,
        max_age=moderation_settings.REMEMBER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


# The section --------------------------------------------------------------------------------


def _page_number(request: HttpRequest) -> str:
    return request.GET.get(PAGE_PARAM, "1")


def build_threads(top_level: list[Comment], replies: list[Comment]) -> list[Node]:
    nodes = {c.pk: Node(c) for c in (*top_level, *replies)}
    for reply in replies:
        parent = nodes.get(reply.parent_id)
        if parent is not None:
            parent.children.append(nodes[reply.pk])
    return [nodes[c.pk] for c in top_level]


def section_context(
    request: HttpRequest, target: models.Model, form: CommentForm | None = None
) -> dict:
    """Everything the section template needs, in a fixed number of queries."""
    comments = Comment.objects.for_target(target)
    own_ids = own_comment_ids(request)
    visible = comments.filter(
        models.Q(status=Status.PUBLISHED)
        | models.Q(pk__in=own_ids, status__in=(Status.PENDING, Status.HELD))
    )
    paginator = Paginator(
        visible.filter(parent=None).order_by("created_at", "pk"),
        moderation_settings.COMMENTS_PER_PAGE,
    )
    try:
        page = paginator.page(_page_number(request))
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(paginator.num_pages if _page_number(request).isdigit() else 1)
    top_level = list(page.object_list)
    replies = (
        list(
            visible.filter(root_id__in=[c.pk for c in top_level])
            .exclude(parent=None)
            .order_by("created_at", "pk")
        )
        if top_level
        else []
    )

    reply_to = None
    if form is None:
        initial = remembered_author(request)
        reply_id = request.GET.get(REPLY_PARAM, "")
        if reply_id.isdigit():
            reply_to = next((c for c in (*top_level, *replies) if c.pk == int(reply_id)), None)
            if reply_to is not None and reply_to.status == Status.PUBLISHED:
                initial["parent"] = reply_to.pk
            else:
                reply_to = None
        form = CommentForm(target=target, initial={**initial, "save_info": bool(initial)})
    elif form.is_bound and form.data.get("parent", "").isdigit():
        reply_to = Comment.objects.filter(pk=form.data["parent"], status=Status.PUBLISHED).first()

    threads = build_threads(top_level, replies)
    open_ = comments_open(target)
    max_depth = moderation_settings.MAX_THREAD_DEPTH
    # The reader's own comments still in their edit window (docs/readers.md).
    editable_ids = {c.pk for c in (*top_level, *replies) if c.pk in own_ids and can_edit(c)}
    return {
        "target": target,
        "threads": threads,
        "threads_html": render_threads(
            threads, comments_open=open_, max_depth=max_depth, editable_ids=editable_ids
        )
        if threads and uses_shipped_comment_template()
        else "",
        "page": page,
        "paginator": paginator,
        "page_param": PAGE_PARAM,
        "reply_param": REPLY_PARAM,
        "count": comments.published().count(),
        "form": form,
        "reply_to": reply_to,
        "comments_open": open_,
        "max_depth": max_depth,
        "privacy_url": moderation_settings.PRIVACY_URL,
        "editable_ids": editable_ids,
    }


# One comment's markup -----------------------------------------------------------------------


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


def render_threads_by_template(context: dict) -> str:
    """What ``render_threads`` must equal: ``moderation/comment.html`` rendered per thread."""
    return "".join(
        render_to_string(COMMENT_TEMPLATE, {**context, "node": node}) for node in context["threads"]
    )


def uses_shipped_comment_template() -> bool:
    """Whether ``moderation/comment.html`` is ours (then Python renders it) or the site's."""
    return get_template(COMMENT_TEMPLATE).origin.name == _OWN_COMMENT_TEMPLATE


_PK_PLACEHOLDER = 2_147_483_647


def _url_pattern(name: str) -> str:
    """The escaped URL of ``name`` for any comment, with ``{pk}`` where its id goes."""
    return escape(reverse(name, args=[_PK_PLACEHOLDER])).replace(str(_PK_PLACEHOLDER), "{pk}")


def render_threads(
    threads: list[Node], *, comments_open: bool, max_depth: int, editable_ids: set[int]
) -> SafeString:
    """The markup of ``moderation/comment.html`` for each thread, without a template per comment.

    Gives byte for byte what the template gives; the template stays the reference and is used
    instead when a site overrides it.
    """
    words = {
        "awaiting": escape(gettext("Your comment is awaiting moderation.")),
        "reply": escape(gettext("Reply")),
        "reply_to": reply_to_forms(),
        "edit": escape(gettext("Edit or delete")),
        "report": escape(gettext("Report")),
        "edit_url": _url_pattern("moderation:edit"),
        "report_url": _url_pattern("moderation:report"),
        "editable": editable_ids,
    }
    parts: list[str] = []
    for node in threads:
        _render_node(node, parts, words, comments_open, max_depth)
    return mark_safe("".join(parts))  # noqa: S308  (every value is escaped where it is joined)


def _render_node(node: Node, parts: list[str], words: dict, open_: bool, max_depth: int) -> None:
    c = node.comment
    pk = c.pk
    name = escape(c.author_name)
    published = c.status == Status.PUBLISHED
    author = (
        f'<a href="{escape(c.author_url)}" rel="nofollow ugc noopener" class="url">{name}</a>'
        if c.author_url
        else name
    )
    created = timezone.localtime(c.created_at)
    css = "mod-comment" if published else "mod-comment mod-comment--pending"
    parts.append(
        f'\n<li id="comment-{pk}" class="{css}">'
        '\n  <article class="mod-comment__body">\n    <footer class="mod-comment__meta">'
        f'\n      <b class="mod-comment__author">{author}</b>'
        f'\n      <a class="mod-comment__date" href="#comment-{pk}"><time datetime="'
        f'{created.isoformat()}">{comment_datetime_text(c.created_at)}</time></a>\n      '
    )
    if not published:
        parts.append(f'<em class="mod-comment__awaiting">{words["awaiting"]}</em>')
    parts.append(
        "\n    </footer>\n"
        f'    <div class="mod-comment__text">{comment_text_html(c.text)}</div>\n    '
    )
    if published and open_ and c.depth + 1 < max_depth:
        label = reply_to_text(c.author_name, words["reply_to"])
        parts.append(
            f'\n    <a class="mod-comment__reply" rel="nofollow" href="?{REPLY_PARAM}={pk}'
            f'#respond" data-comment-id="{pk}" data-author="{name}">{words["reply"]}'
            f'<span class="visually-hidden"> {label}</span></a>\n    '
        )
    parts.append("\n    ")
    if pk in words["editable"]:
        edit_url = words["edit_url"].format(pk=pk)
        parts.append(
            f'<a class="mod-comment__edit" rel="nofollow" href="{edit_url}">{words["edit"]}</a>'
        )
    parts.append("\n    ")
    if published:
        report_url = words["report_url"].format(pk=pk)
        parts.append(
            f'<a class="mod-comment__report" rel="nofollow" href="{report_url}">'
            f"{words['report']}</a>"
        )
    parts.append("\n  </article>\n  ")
    if node.children:
        parts.append('\n  <ol class="mod-comment-list mod-comment-list--children">\n    ')
        for child in node.children:
            _render_node(child, parts, words, open_, max_depth)
        parts.append("\n  </ol>\n  ")
    parts.append("\n</li>\n")


def template_names(target: models.Model, name: str) -> list[str]:
    """Most specific first: moderation/<app_label>/<model>/<name>, then moderation/<name>."""
    meta = target._meta
    return [f"moderation/{meta.app_label}/{meta.model_name}/{name}", f"moderation/{name}"]
