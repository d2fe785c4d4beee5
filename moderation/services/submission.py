"""A reader's new comment: checks (open, parent, duplicate, flood), saving it as pending, and
enqueuing its classification after commit."""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Exists, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import dispatch, signals
from ..conf import moderation_settings
from ..models import Comment, DiscussionMode, ModerationEvent, Status
from .discussions import settings_for
from .errors import TOO_FAST_MESSAGE, CommentsClosed, DuplicateComment, InvalidParent, TooFast


@dataclass(frozen=True)
class Submission:
    """A reader's comment as it arrives from the form or the API, already validated."""

    target: models.Model
    author_name: str
    author_email: str
    text: str
    author_url: str = ""
    parent: Comment | None = None
    ip_address: str | None = None
    user_agent: str = ""
    language: str = ""
    user: Any = None
    notify_replies: bool = False  # the reader consented to mail about replies
    #: The comments this reader proved are theirs (the signed ``moderation_own`` cookie).
    #: Never the typed email: what the checks answer must not tell whose an address is.
    own_comment_ids: tuple[int, ...] = ()
    reader_key: str = ""  # the token of the browser's signed reader cookie (form only)


def _own_comments(sub: Submission) -> Q:
    """The comments of the reader who sent ``sub``, as far as they proved it: the ids of
    their signed cookie and, when logged in, their account's comments."""
    own = Q(pk__in=sub.own_comment_ids)
    if getattr(sub.user, "is_authenticated", False):
        own |= Q(user=sub.user)
    return own


def comments_open(target: models.Model) -> bool:
    days = moderation_settings.CLOSE_AFTER_DAYS
    published = getattr(target, moderation_settings.TARGET_DATE_FIELD, None)
    if days is None or published is None:
        return True
    return timezone.now() < published + timedelta(days=days)


def _flood_query(sub: Submission) -> models.QuerySet[Comment] | None:
    """The author's comments within the flood interval, or None if flood control is off."""
    interval = moderation_settings.FLOOD_INTERVAL
    if not interval:
        return None
    keys = []
    if "ip" in moderation_settings.FLOOD_KEYS and sub.ip_address:
        keys.append(Q(ip_address=sub.ip_address))
    if "reader" in moderation_settings.FLOOD_KEYS:
        keys.append(_own_comments(sub))
    if not keys:
        return None
    since = timezone.now() - timedelta(seconds=interval)
    return Comment.objects.filter(functools.reduce(operator.or_, keys), created_at__gte=since)


def check_submission(sub: Submission) -> None:
    """Refuse ``sub`` if comments are closed, its parent is wrong, it repeats a published
    comment or one of the reader's own, or the reader posts too fast. Nothing here reads
    the typed email or name: the answer is the same whoever's address it is."""
    if not comments_open(sub.target):
        raise CommentsClosed(_("Comments are closed."))
    content_type = ContentType.objects.get_for_model(sub.target)
    if sub.parent is not None:
        target_key = (content_type.id, str(sub.target.pk))
        same_target = (sub.parent.content_type_id, sub.parent.object_pk) == target_key
        if not same_target or sub.parent.status != Status.PUBLISHED:
            raise InvalidParent(_("The comment you are replying to does not exist."))
        if sub.parent.depth + 1 >= moderation_settings.MAX_THREAD_DEPTH:
            raise InvalidParent(_("This thread cannot take more replies."))
    checks = {
        "closed": Exists(settings_for(sub.target).filter(mode=DiscussionMode.CLOSED)),
        "duplicate": Exists(
            Comment.objects.for_target(sub.target).filter(
                Q(status=Status.PUBLISHED) | _own_comments(sub), text=sub.text
            )
        ),
    }
    flood = _flood_query(sub)
    if flood is not None:
        checks["flood"] = Exists(flood)
    # Both checks in one round trip: a single row holding two EXISTS subqueries. Each is
    # uncorrelated, so the database plans it as it would alone, on its own index (one
    # WHERE with the two conditions ORed could scan the table). The ORM only selects FROM
    # a table: the row of the target's ContentType, which always exists (get_for_model
    # fetched or created it), carries them. A duplicate is reported before a flood. Whether
    # the moderators closed the target (services.discussions) rides along in the same row.
    found = dict(ContentType.objects.filter(pk=content_type.pk).values(**checks).get())
    if found["closed"]:  # by the moderators (docs/admin.md)
        raise CommentsClosed(_("Comments are closed."))
    if found["duplicate"]:
        raise DuplicateComment(
            _("Duplicate comment detected; it looks as though you’ve already said that!")
        )
    if found.get("flood"):
        raise TooFast(TOO_FAST_MESSAGE)


def create_comment(sub: Submission, status: str) -> Comment:
    """Save ``sub`` with ``status`` as it is: no checks, no audit event, nothing enqueued."""
    parent = sub.parent
    comment = Comment(
        content_type=ContentType.objects.get_for_model(sub.target),
        object_pk=str(sub.target.pk),
        parent=parent,
        # The thread's top-level comment; NULL for a top-level one, so that one INSERT
        # writes the comment. A top-level parent has no root (or itself, if written by
        # code older than migration 0007), hence ``or parent.pk``.
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user=sub.user if getattr(sub.user, "is_authenticated", False) else None,
        author_name=sub.author_name,
        author_email=sub.author_email,
        author_url=sub.author_url,
        text=sub.text,
        ip_address=sub.ip_address,
        user_agent=sub.user_agent[:255],
        reader_key=sub.reader_key,
        language=sub.language[:10],
        status=status,
        # Asked, not yet confirmed: the mail with the confirmation link turns it on.
        notify_replies_at=timezone.now() if sub.notify_replies else None,
    )
    comment.save()
    return comment


def submit_comment(sub: Submission) -> Comment:
    """Check and save a reader's comment as pending; classification is enqueued on commit."""
    with transaction.atomic():
        check_submission(sub)
        comment = create_comment(sub, Status.PENDING)
        ModerationEvent.objects.create(
            comment=comment,
            actor=ModerationEvent.Actor.READER,
            action="submitted",
            to_status=Status.PENDING,
        )
        transaction.on_commit(lambda: dispatch.enqueue_classification([comment.pk]))
        transaction.on_commit(
            lambda: signals.comment_submitted.send(sender=Comment, comment=comment)
        )
    return comment


def submit_trapped_spam(sub: Submission, reason: str) -> Comment:
    """Keep a comment caught by a trap (the honeypot) as spam, without classifying it, after
    the same duplicate and flood checks as any comment: it counts against its sender's
    flood interval, and a bot posting fast stores one, not thousands."""
    with transaction.atomic():
        check_submission(sub)
        comment = create_comment(sub, Status.SPAM)
        ModerationEvent.objects.create(
            comment=comment,
            actor=ModerationEvent.Actor.SYSTEM,
            action="trapped",
            to_status=Status.SPAM,
            reason=reason,
            reasons=[reason],
        )
    return comment
