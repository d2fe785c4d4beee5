"""A reader's new comment: checks (open, parent, duplicate, flood), saving it as pending, and
enqueuing its classification after commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation import dispatch, signals
from moderation.client_ip import client_network
from moderation.conf import moderation_settings
from moderation.models import Comment, DiscussionMode, DiscussionSettings, ModerationEvent, Status
from moderation.services import _sql as sql
from moderation.services.errors import (
    TOO_FAST_MESSAGE,
    CommentsClosed,
    DuplicateComment,
    InvalidParent,
    TargetGone,
    TooFast,
)


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


def _own_comments(sub: Submission) -> list[sql.Condition]:
    """The comments of the reader who sent ``sub``, as far as they proved it: the ids of
    their signed cookie and, when logged in, their account's comments."""
    own = []
    if sub.own_comment_ids:
        placeholders = ", ".join("%s" for _ in sub.own_comment_ids)
        own.append((f"{sql.column('id')} IN ({placeholders})", list(sub.own_comment_ids)))
    if getattr(sub.user, "is_authenticated", False):
        own.append((f"{sql.column('user')} = %s", [sub.user.pk]))
    return own


def comments_open(target: models.Model) -> bool:
    days = moderation_settings.CLOSE_AFTER_DAYS
    published = getattr(target, moderation_settings.TARGET_DATE_FIELD, None)
    if days is None or published is None:
        return True
    return timezone.now() < published + timedelta(days=days)


def _check_target_and_parent(sub: Submission) -> None:
    """Refuse ``sub`` if comments are closed or its parent is wrong (no query)."""
    if not comments_open(sub.target):
        raise CommentsClosed(_("Comments are closed."))
    if sub.parent is not None:
        content_type = ContentType.objects.get_for_model(sub.target)
        target_key = (content_type.id, str(sub.target.pk))
        same_target = (sub.parent.content_type_id, sub.parent.object_pk) == target_key
        if not same_target or sub.parent.status != Status.PUBLISHED:
            raise InvalidParent(_("The comment you are replying to does not exist."))
        if sub.parent.depth + 1 >= moderation_settings.MAX_THREAD_DEPTH:
            raise InvalidParent(_("This thread cannot take more replies."))


def _refusals(sub: Submission) -> dict[str, sql.Condition]:
    """What refuses ``sub``, by check, in this order: the target is gone (the object was read
    up to ``TARGET_CACHE_SECONDS`` ago); the moderators closed it (``services.discussions``);
    a published comment or one of the reader's own with the
    same text on the target; one of the reader's comments (by network or proven as theirs)
    within the flood interval. Nothing here reads the typed email or name: the answer is the
    same whoever's address it is."""
    content_type = ContentType.objects.get_for_model(sub.target)
    closed = sql.row_exists(
        DiscussionSettings,
        content_type=content_type.pk,
        object_pk=str(sub.target.pk),
        mode=DiscussionMode.CLOSED,
    )
    here = (
        f"{sql.column('content_type')} = %s AND {sql.column('object_pk')} = %s",
        [content_type.pk, str(sub.target.pk)],
    )
    published = (f"{sql.column('status')} = %s", [Status.PUBLISHED])
    target_meta = sub.target._meta
    exists = sql.row_exists(type(sub.target), **{target_meta.pk.name: sub.target.pk})
    refusals = {
        "gone": (f"NOT {exists[0]}", exists[1]),
        "closed": closed,
        "duplicate": sql.comment_exists(
            here, sql.same_text(sub.text), sql.any_of([published, *_own_comments(sub)])
        ),
    }
    interval, keys = moderation_settings.FLOOD_INTERVAL, moderation_settings.FLOOD_KEYS
    senders = _own_comments(sub) if "reader" in keys else []
    if "ip" in keys and sub.ip_address:  # the same IPv4 address, or the same IPv6 /64
        senders.append((f"{sql.column('network')} = %s", [client_network(sub.ip_address)]))
    if interval and senders:
        since = timezone.now() - timedelta(seconds=interval)
        recent = (f"{sql.column('created_at')} >= %s", [sql.db_value("created_at", since)])
        refusals["flood"] = sql.comment_exists(recent, sql.any_of(senders))
    return refusals


def check_submission(sub: Submission) -> None:
    """Refuse ``sub`` if comments are closed, its parent is wrong, it repeats a published
    comment or one of the reader's own, or the reader posts too fast."""
    _check_target_and_parent(sub)
    found = sql.found(_refusals(sub))
    if found["gone"]:
        raise TargetGone(_("The page you are commenting on does not exist."))
    if found["closed"]:
        raise CommentsClosed(_("Comments are closed."))
    if found["duplicate"]:
        raise DuplicateComment(
            _("Duplicate comment detected; it looks as though you’ve already said that!")
        )
    if found.get("flood"):
        raise TooFast(TOO_FAST_MESSAGE)


def new_comment(sub: Submission, status: str) -> Comment:
    """``sub`` as an unsaved comment with ``status``."""
    parent = sub.parent
    return Comment(
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
        network=client_network(sub.ip_address) if sub.ip_address else "",
        user_agent=sub.user_agent[:255],
        reader_key=sub.reader_key,
        language=sub.language[:10],
        status=status,
        # Asked, not yet confirmed: the mail with the confirmation link turns it on.
        notify_replies_at=timezone.now() if sub.notify_replies else None,
    )


def create_comment(sub: Submission, status: str) -> Comment:
    """Save ``sub`` with ``status`` as it is: no checks, no audit event, nothing enqueued."""
    comment = new_comment(sub, status)
    comment.save()
    return comment


def _store_checked(sub: Submission, status: str, **event: Any) -> Comment:
    """Check ``sub`` and save it with ``status`` and its first audit event, the checks and
    the writes in one round trip (``_insert``); the refusal the checks met, if any."""
    _check_target_and_parent(sub)
    comment = new_comment(sub, status)
    first_event = ModerationEvent(comment=comment, to_status=status, **event)
    if not sql.insert_unless(comment, first_event, list(_refusals(sub).values())):
        check_submission(sub)  # tells which check refused it
        raise TooFast(TOO_FAST_MESSAGE)  # what refused it is gone since: a retry will do
    return comment


def submit_comment(sub: Submission) -> Comment:
    """Check and save a reader's comment as pending; classification is enqueued on commit."""
    comment = _store_checked(
        sub, Status.PENDING, actor=ModerationEvent.Actor.READER, action="submitted"
    )
    transaction.on_commit(lambda: dispatch.enqueue_classification([comment.pk]))
    transaction.on_commit(lambda: signals.comment_submitted.send(sender=Comment, comment=comment))
    return comment


def submit_trapped_spam(sub: Submission, reason: str) -> Comment:
    """Keep a comment caught by a trap (the honeypot) as spam, without classifying it, after
    the same duplicate and flood checks as any comment: it counts against its sender's
    flood interval, and a bot posting fast stores one, not thousands."""
    return _store_checked(
        sub,
        Status.SPAM,
        actor=ModerationEvent.Actor.SYSTEM,
        action="trapped",
        reason=reason,
        reasons=[reason],
    )
