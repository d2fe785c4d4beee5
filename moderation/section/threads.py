"""The comment threads: the tree of a page's comments, and the markup of
``moderation/comment.html`` for it written in Python (the template stays the reference)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from moderation.models import Comment, Status
from moderation.section.formatting import (
    comment_datetime_text,
    comment_text_html,
    reply_to_forms,
    reply_to_text,
)

REPLY_PARAM = "replytocom"
COMMENT_TEMPLATE = "moderation/comment.html"
_OWN_COMMENT_TEMPLATE = str(Path(__file__).resolve().parents[1] / "templates" / COMMENT_TEMPLATE)


@dataclass
class Node:
    comment: Comment
    children: list[Node] = field(default_factory=list)


def build_threads(top_level: list[Comment], replies: list[Comment]) -> list[Node]:
    nodes = {c.pk: Node(c) for c in (*top_level, *replies)}
    for reply in replies:
        parent = nodes.get(reply.parent_id) if reply.parent_id is not None else None
        if parent is not None:
            parent.children.append(nodes[reply.pk])
    return [nodes[c.pk] for c in top_level]


def render_threads_by_template(context: dict) -> str:
    """What ``render_threads`` must equal: ``moderation/comment.html`` rendered per thread."""
    return "".join(
        render_to_string(COMMENT_TEMPLATE, {**context, "node": node}) for node in context["threads"]
    )


def uses_shipped_comment_template() -> bool:
    """Whether ``moderation/comment.html`` is ours (then Python renders it) or the site's."""
    template = get_template(COMMENT_TEMPLATE)
    # Every template backend's templates have an origin; the stub's protocol names render only.
    return template.origin.name == _OWN_COMMENT_TEMPLATE  # type: ignore[attr-defined]


_PK_PLACEHOLDER = 2_147_483_647


def _url_pattern(name: str) -> str:
    """The escaped URL of ``name`` for any comment, with ``{pk}`` where its id goes."""
    return escape(reverse(name, args=[_PK_PLACEHOLDER])).replace(str(_PK_PLACEHOLDER), "{pk}")


def render_threads(
    threads: list[Node],
    *,
    comments_open: bool,
    max_depth: int,
    editable_ids: set[int],
    view_query: str = "",
) -> SafeString:
    """The markup of ``moderation/comment.html`` for each thread, without a template per comment.

    Gives byte for byte what the template gives; the template stays the reference and is used
    instead when a site overrides it. ``view_query`` (e.g. ``ordine=recenti&cpage=2&``) keeps
    the reader's order and page in the reply links.
    """
    words = {
        "awaiting": escape(gettext("Your comment is awaiting moderation.")),
        "featured": escape(gettext("Editors’ pick")),
        "view_query": escape(view_query),
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
    name = escape(c.display_name)
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
    if published and c.featured_at:
        parts.append(
            '<span class="mod-comment__featured"><span aria-hidden="true">★ </span>'
            f"{words['featured']}</span>"
        )
    if not published:
        parts.append(f'<em class="mod-comment__awaiting">{words["awaiting"]}</em>')
    parts.append(
        "\n    </footer>\n"
        f'    <div class="mod-comment__text">{comment_text_html(c.text)}</div>\n    '
    )
    if published and open_ and c.depth + 1 < max_depth:
        label = reply_to_text(c.display_name, words["reply_to"])
        parts.append(
            f'\n    <a class="mod-comment__reply" rel="nofollow" href="?{words["view_query"]}'
            f"{REPLY_PARAM}={pk}"
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
