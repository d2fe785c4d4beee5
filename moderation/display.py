"""What the comment section shows: the page of threads, the reader's own pending comments,
and the form pre-filled from the reader's consented cookie. A constant number of queries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse

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

    return {
        "target": target,
        "threads": build_threads(top_level, replies),
        "page": page,
        "paginator": paginator,
        "page_param": PAGE_PARAM,
        "reply_param": REPLY_PARAM,
        "count": comments.published().count(),
        "form": form,
        "reply_to": reply_to,
        "comments_open": comments_open(target),
        "max_depth": moderation_settings.MAX_THREAD_DEPTH,
        "privacy_url": moderation_settings.PRIVACY_URL,
        # The reader's own comments still in their edit window (docs/readers.md).
        "editable_ids": {c.pk for c in (*top_level, *replies) if c.pk in own_ids and can_edit(c)},
    }


def template_names(target: models.Model, name: str) -> list[str]:
    """Most specific first: moderation/<app_label>/<model>/<name>, then moderation/<name>."""
    meta = target._meta
    return [f"moderation/{meta.app_label}/{meta.model_name}/{name}", f"moderation/{name}"]
