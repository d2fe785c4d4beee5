"""Mail to moderators: one digest of held comments per interval, never one mail per comment.
Mail to readers who asked for it: the replies to their comment, at most one mail per interval.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from moderation.conf import moderation_settings
from moderation.models import Comment, DigestLog, ModerationEvent, Status
from moderation.section.http import link_to_comment, target_url


def _queue_url() -> str:
    try:
        return reverse("admin:moderation_comment_changelist") + "?status__exact=held"
    except NoReverseMatch:
        return ""


def send_held_digest() -> int:
    """Mail the comments held since the last digest, if the interval has passed. Returns count."""
    recipients = list(moderation_settings.NOTIFY_EMAILS)
    if not recipients:
        return 0
    now = timezone.now()
    with transaction.atomic():
        last = DigestLog.objects.select_for_update().order_by("-sent_at").first()
        if last and now - last.sent_at < timedelta(
            minutes=moderation_settings.NOTIFY_DIGEST_MINUTES
        ):
            return 0
        held = Comment.objects.filter(status=Status.HELD)
        if last:
            held = held.filter(decided_at__gt=last.sent_at)
        comments = list(held.order_by("decided_at")[:100])
        if not comments:
            return 0
        DigestLog.objects.create(comments=len(comments))
    context = {"comments": comments, "queue_url": _queue_url()}
    send_mail(
        subject=render_to_string("moderation/email/held_digest_subject.txt", context).strip(),
        message=render_to_string("moderation/email/held_digest.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(comments)


# Replies to a reader's comment ----------------------------------------------------------------

UNSUBSCRIBE_SALT = "moderation.reply-notifications.unsubscribe"
INVALID_UNSUBSCRIBE_LINK = _("This unsubscribe link is not valid.")
_MAX_REPLIES_PER_MAIL = 50


def unsubscribe_token(comment: Comment) -> str:
    """A signed, salted token naming the comment; it does not expire."""
    return signing.dumps(comment.pk, salt=UNSUBSCRIBE_SALT)


def comment_for_unsubscribe(token: str) -> Comment | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Comment.objects.filter(pk=pk).first() if isinstance(pk, int) else None


CONFIRM_SALT = "moderation.reply-notifications.confirm"
CONFIRM_MAX_AGE = 7 * 24 * 3600
INVALID_CONFIRM_LINK = _("This confirmation link is not valid or has expired.")
CONFIRMATION_MAILED = "reply confirmation mailed"


def confirmation_token(comment: Comment) -> str:
    """A signed token naming the comment and the address it was sent to; valid for a week."""
    return signing.dumps([comment.pk, comment.author_email.lower()], salt=CONFIRM_SALT)


def comment_for_confirmation(token: str) -> Comment | None:
    """The comment awaiting confirmation that ``token`` names (None once its email changed,
    e.g. erased, or its author unsubscribed)."""
    try:
        pk, email = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return Comment.objects.filter(
        pk=pk, author_email__iexact=email, notify_replies_at__isnull=False
    ).first()


def send_reply_confirmation(comment_id: int) -> bool:
    """Mail the author who asked for reply notifications the link that turns them on; once
    per comment (the audit trail records it), and only while the comment is published."""
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update()
            .filter(
                pk=comment_id,
                status=Status.PUBLISHED,
                notify_replies=False,
                notify_replies_at__isnull=False,
            )
            .first()
        )
        if comment is None or comment.events.filter(action=CONFIRMATION_MAILED).exists():
            return False
        ModerationEvent.objects.create(
            comment=comment,
            actor=ModerationEvent.Actor.SYSTEM,
            action=CONFIRMATION_MAILED,
            from_status=comment.status,
            to_status=comment.status,
        )
    with translation.override(comment.language or settings.LANGUAGE_CODE):
        link = reverse("moderation:confirm_replies", args=[confirmation_token(comment)])
        context = {
            "comment": comment,
            "comment_url": link_to_comment(_absolute(target_url(comment.target)), comment.pk),
            "confirm_url": _absolute(link),
        }
        subject = render_to_string("moderation/email/confirm_replies_subject.txt", context)
        body = render_to_string("moderation/email/confirm_replies.txt", context)
    EmailMessage(subject=" ".join(subject.split()), body=body, to=[comment.author_email]).send()
    return True


def _absolute(url: str) -> str:
    return moderation_settings.SITE_URL.rstrip("/") + url


def send_reply_digest(comment_id: int) -> tuple[int, float | None]:
    """Mail the author of a comment the replies published since the last mail.

    Returns how many replies were mailed, and when there are new replies but the last mail
    is too recent, the seconds to wait before trying again (else None).
    """
    now = timezone.now()
    with transaction.atomic():
        parent = (
            Comment.objects.select_for_update()
            .filter(pk=comment_id, notify_replies=True, status=Status.PUBLISHED)
            .first()
        )
        if parent is None:
            return 0, None
        replies = Comment.objects.filter(parent=parent, status=Status.PUBLISHED).exclude(
            author_email__iexact=parent.author_email
        )
        since = parent.replies_notified_at or parent.notify_replies_at
        if since is not None:
            replies = replies.filter(decided_at__gt=since)
        batch = list(replies.order_by("decided_at", "pk")[:_MAX_REPLIES_PER_MAIL])
        if not batch:
            return 0, None
        interval = timedelta(minutes=moderation_settings.REPLY_NOTIFY_MINUTES)
        last = parent.replies_notified_at
        if last is not None and now - last < interval:
            return 0, (last + interval - now).total_seconds()
        parent.replies_notified_at = now
        parent.save(update_fields=["replies_notified_at"])
        _mail_replies(parent, batch)
    return len(batch), None


def _mail_replies(parent: Comment, replies: list[Comment]) -> None:
    with translation.override(parent.language or settings.LANGUAGE_CODE):
        page = _absolute(target_url(parent.target))
        unsubscribe = _absolute(
            reverse("moderation:unsubscribe_replies", args=[unsubscribe_token(parent)])
        )
        context = {
            "comment": parent,
            "replies": [(reply, link_to_comment(page, reply.pk)) for reply in replies],
            "comment_url": link_to_comment(page, parent.pk),
            "unsubscribe_url": unsubscribe,
        }
        subject = render_to_string("moderation/email/replies_subject.txt", context)
        body = render_to_string("moderation/email/replies.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[parent.author_email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
