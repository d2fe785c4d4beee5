"""What the comment section shows: the page of threads, the reader's own pending comments,
and the form pre-filled from the reader's consented cookie. A constant number of queries."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest

from .conf import moderation_settings
from .forms import CommentForm
from .http import parse_id
from .live import live_url
from .models import Comment, Status
from .reader_cookies import is_private_reader, own_comment_ids, remembered_author
from .services import can_edit, comments_open
from .thread_html import REPLY_PARAM, build_threads, render_threads, uses_shipped_comment_template

PAGE_PARAM = "cpage"


def _page_number(request: HttpRequest) -> str:
    return request.GET.get(PAGE_PARAM, "1")


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
        page = paginator.page(paginator.num_pages if _page_number(request).isdecimal() else 1)
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
    open_ = comments_open(target)
    max_depth = moderation_settings.MAX_THREAD_DEPTH
    # The reader's own comments still in their edit window (docs/readers.md).
    editable_ids = {c.pk for c in (*top_level, *replies) if c.pk in own_ids and can_edit(c)}
    published = comments.published().aggregate(count=models.Count("pk"), last_id=models.Max("pk"))
    # New comments arrive on the last page: the one an open page keeps up to date.
    live = moderation_settings.LIVE_UPDATES and not page.has_next()
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
        "count": published["count"],
        "form": form,
        "reply_to": reply_to,
        "comments_open": open_,
        "max_depth": max_depth,
        "privacy_url": moderation_settings.PRIVACY_URL,
        "editable_ids": editable_ids,
        "live": {
            "url": live_url(target),
            "after": published["last_id"] or 0,
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
