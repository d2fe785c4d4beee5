"""Live updates: the signed address an open page polls, and the answer listing the comments
published on its target after a given one (docs/readers.md, "New comments"); the view that
serves it is ``views.live``."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import ngettext

from moderation.conf import moderation_settings
from moderation.models import Comment, DiscussionMode, Status
from moderation.section.threads import (
    COMMENT_TEMPLATE,
    REPLY_PARAM,
    Node,
    render_threads,
    uses_shipped_comment_template,
)
from moderation.services import comments_open, discussion_mode

LIVE_SALT = "moderation.live"
#: Comments sent in one answer at most; the page asks again for the next ones.
MAX_COMMENTS = 50


def live_url(target: models.Model) -> str:
    """The address listing the target's new comments: signed, the same for every reader (so
    that a cache can share it), and without an expiry (a page may stay open for days)."""
    content_type = ContentType.objects.get_for_model(target)
    token = signing.Signer(salt=LIVE_SALT).sign(f"{content_type.pk}.{target.pk}")
    return reverse("moderation:live", args=[token])


def _comment_html(comment: Comment, *, open_: bool) -> str:
    max_depth = moderation_settings.MAX_THREAD_DEPTH
    node = Node(comment)
    if uses_shipped_comment_template():
        return render_threads([node], comments_open=open_, max_depth=max_depth, editable_ids=set())
    context = {
        "node": node,
        "comments_open": open_,
        "max_depth": max_depth,
        "reply_param": REPLY_PARAM,
        "editable_ids": set(),
    }
    return render_to_string(COMMENT_TEMPLATE, context)


def new_comments(target: models.Model, after: int, published: int) -> dict:
    content_type_id, object_pk = ContentType.objects.get_for_model(target).pk, str(target.pk)
    # Reply links as on the page: not on an article closed by date or by the moderators.
    open_ = comments_open(target) and discussion_mode(target) != DiscussionMode.CLOSED
    rows = list(
        Comment.objects.filter(
            content_type_id=content_type_id,
            object_pk=object_pk,
            status=Status.PUBLISHED,
            pk__gt=after,
        ).order_by("pk")[: MAX_COMMENTS + 1]
    )
    comments = rows[:MAX_COMMENTS]
    count = len(comments)
    return {
        "count": count,
        "more": len(rows) > MAX_COMMENTS,
        "last_id": comments[-1].pk if comments else after,
        "notice": ngettext("%(count)s new comment — show", "%(count)s new comments — show", count)
        % {"count": count},
        "title": ngettext("%(counter)s comment", "%(counter)s comments", published)
        % {"counter": published},
        "comments": [
            {"id": c.pk, "parent": c.parent_id, "html": _comment_html(c, open_=open_)}
            for c in comments
        ],
    }


def unsign(token: str) -> tuple[int, str] | None:
    """The ``(content type id, object pk)`` a live address names, or None if it is forged."""
    try:
        content_type_id, _dot, object_pk = (
            signing.Signer(salt=LIVE_SALT).unsign(token).partition(".")
        )
    except signing.BadSignature:
        return None
    return int(content_type_id), object_pk
