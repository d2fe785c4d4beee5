"""What the comment section shows: the page of threads in the reader's chosen order (or the
editors' picks), the reader's own pending comments, the target's mode, and the form
pre-filled from the reader's consented cookie. A constant number of queries."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest

from moderation.conf import moderation_settings
from moderation.models import Comment, DiscussionMode, Status
from moderation.section import ordering
from moderation.section.cookies import is_private_reader, own_comment_ids, remembered_author
from moderation.section.forms import CommentForm
from moderation.section.http import COMMENT_PARAM, parse_id
from moderation.section.live import live_url
from moderation.section.threads import (
    REPLY_PARAM,
    build_threads,
    render_threads,
    uses_shipped_comment_template,
)
from moderation.services import can_edit, comments_open, discussion_mode

PAGE_PARAM = "cpage"


def _page_number(
    request: HttpRequest, visible: models.QuerySet, listed: models.QuerySet, newest_first: bool
) -> str:
    """The page asked for; else, for a link to a comment (``?commento=``), the page listing it
    or its thread; else the first."""
    if PAGE_PARAM in request.GET:
        return request.GET[PAGE_PARAM]
    comment_id = parse_id(request.GET.get(COMMENT_PARAM, ""))
    if not comment_id:
        return "1"
    return str(_page_listing(visible, listed, comment_id, newest_first))


def _page_listing(
    visible: models.QuerySet, listed: models.QuerySet, comment_id: int, newest_first: bool
) -> int:
    """The page of ``listed`` (by date, oldest first or ``newest_first``) holding the comment,
    else its thread's first comment; the first page for a comment this reader may not see, so
    that no link tells where one is."""
    comment = visible.filter(pk=comment_id).values("pk", "root_id").first()
    ids = [comment["pk"], comment["root_id"] or comment["pk"]] if comment else []
    found = {c.pk: c for c in listed.filter(pk__in=ids)}
    shown = next((found[pk] for pk in ids if pk in found), None)
    if shown is None:
        return 1
    earlier = "gt" if newest_first else "lt"
    before = listed.filter(
        models.Q(**{f"created_at__{earlier}": shown.created_at})
        | models.Q(created_at=shown.created_at, **{f"pk__{earlier}": shown.pk})
    ).count()
    return before // moderation_settings.COMMENTS_PER_PAGE + 1


def _order_links(order: str, picks: int) -> list[dict]:
    """The orders a reader can choose, the editors' picks only when there are some."""
    shown = [ordering.OLDEST, ordering.NEWEST, *([ordering.PICKS] if picks else [])]
    return [
        {"slug": ordering.SLUGS[o], "label": ordering.LABELS[o], "current": o == order}
        for o in shown
    ]


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
    published = models.Q(status=Status.PUBLISHED)
    counts = comments.aggregate(
        published=models.Count("pk", filter=published),
        picks=models.Count("pk", filter=published & models.Q(featured_at__isnull=False)),
        last_published=models.Max("pk", filter=published),
    )
    order = ordering.chosen_order(request, has_picks=bool(counts["picks"]))
    # The editors' picks stand alone, replies too, without their threads (docs/readers.md).
    listed = comments.featured() if order == ordering.PICKS else visible.filter(parent=None)
    newest_first = order == ordering.NEWEST
    listed = listed.order_by(*(("-created_at", "-pk") if newest_first else ("created_at", "pk")))
    paginator = Paginator(listed, moderation_settings.COMMENTS_PER_PAGE)
    asked = _page_number(request, visible, listed, newest_first)
    try:
        page = paginator.page(asked)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.page(paginator.num_pages if asked.isdecimal() else 1)
    top_level = list(page.object_list)
    replies = (
        list(
            visible.filter(root_id__in=[c.pk for c in top_level])
            .exclude(parent=None)
            .order_by("created_at", "pk")
        )
        if top_level and order != ordering.PICKS
        else []
    )

    reply_to = None
    if form is None:
        initial = remembered_author(request)
        reply_id = parse_id(request.GET.get(REPLY_PARAM, ""))
        if reply_id is not None:
            reply_to = next((c for c in (*top_level, *replies) if c.pk == reply_id), None)
            if reply_to is not None and reply_to.status == Status.PUBLISHED:
                initial["parent"] = reply_to.pk
            else:
                reply_to = None
        form = CommentForm(target=target, initial={**initial, "save_info": bool(initial)})
    elif form.is_bound and (parent_id := parse_id(form.data.get("parent", ""))) is not None:
        reply_to = Comment.objects.filter(pk=parent_id, status=Status.PUBLISHED).first()

    threads = build_threads(top_level, replies)
    mode = discussion_mode(target)
    open_ = mode != DiscussionMode.CLOSED and comments_open(target)
    max_depth = moderation_settings.MAX_THREAD_DEPTH
    # Links keep the reader's order (the default one leaves the URL as it was); reply and
    # cancel links also keep the page.
    order_query = ordering.query(order)
    view_query = order_query + (f"{PAGE_PARAM}={page.number}&" if page.number > 1 else "")
    # The reader's own comments still in their edit window (docs/readers.md).
    editable_ids = {c.pk for c in (*top_level, *replies) if c.pk in own_ids and can_edit(c)}
    # New comments arrive on the last page of the oldest-first order and the first of the
    # newest-first one: the pages an open page keeps up to date (docs/readers.md).
    arrive_here = not page.has_previous() if newest_first else not page.has_next()
    live = moderation_settings.LIVE_UPDATES and order != ordering.PICKS and arrive_here
    return {
        "target": target,
        "threads": threads,
        "threads_html": render_threads(
            threads,
            comments_open=open_,
            max_depth=max_depth,
            editable_ids=editable_ids,
            view_query=view_query,
        )
        if threads and uses_shipped_comment_template()
        else "",
        "page": page,
        "paginator": paginator,
        "page_param": PAGE_PARAM,
        "reply_param": REPLY_PARAM,
        "order": order,
        "order_param": ordering.ORDER_PARAM,
        "order_query": order_query,
        "view_query": view_query,
        "order_links": _order_links(order, counts["picks"]),
        "newest_first": newest_first,
        "count": counts["published"],
        "form": form,
        "reply_to": reply_to,
        "comments_open": open_,
        "closed_by_moderators": mode == DiscussionMode.CLOSED,
        "premoderated": mode == DiscussionMode.PREMODERATED,
        "max_depth": max_depth,
        "privacy_url": moderation_settings.PRIVACY_URL,
        "editable_ids": editable_ids,
        "live": {
            "url": live_url(target),
            "after": counts["last_published"] or 0,
            "poll": moderation_settings.LIVE_POLL_SECONDS,
            "poll_max": moderation_settings.LIVE_POLL_MAX_SECONDS,
        }
        if live
        else None,
        # A page shared through a cache carries no CSRF token: the comment form asks for one
        # only from private readers (views.post_comment, docs/deployment.md).
        "private_reader": is_private_reader(request),
    }


def template_names(target: models.Model, name: str) -> list[str]:
    """Most specific first: moderation/<app_label>/<model>/<name>, then moderation/<name>."""
    meta = target._meta
    return [f"moderation/{meta.app_label}/{meta.model_name}/{name}", f"moderation/{name}"]
