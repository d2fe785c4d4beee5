"""The app's own listeners: they only enqueue the work a signal calls for, or mark a
target's cached pages out of date."""

from __future__ import annotations

import logging

from django.db.models.signals import post_delete
from django.dispatch import receiver

from moderation import dispatch, page_versions, signals
from moderation.models import Comment

logger = logging.getLogger(__name__)


@receiver(signals.comment_published, dispatch_uid="moderation.notify_reply")
def notify_reply(sender, comment: Comment, **kwargs) -> None:
    """A reply was published: have a worker mail the parent's author, if they asked for it."""
    if comment.parent_id is None:
        return
    if not Comment.objects.filter(pk=comment.parent_id, notify_replies=True).exists():
        return
    if not dispatch.notify_replies(comment.parent_id):  # a courtesy mail never stops publishing
        logger.warning("broker unavailable; reply notification for %s dropped", comment.parent_id)


@receiver(signals.comment_published, dispatch_uid="moderation.confirm_reply_notifications")
def confirm_reply_notifications(sender, comment: Comment, **kwargs) -> None:
    """A comment whose author asked for reply notifications is public: have a worker mail
    them the confirmation link (double opt-in; only published comments, so the form cannot
    be used to mail any address it is given)."""
    if comment.notify_replies or comment.notify_replies_at is None:
        return
    if not dispatch.confirm_reply_notifications(comment.pk):
        logger.warning("broker unavailable; reply confirmation for %s dropped", comment.pk)


@receiver(signals.comment_status_changed, dispatch_uid="moderation.comment_status_versions")
def status_changed(sender, comment: Comment, **kwargs) -> None:
    """Cached pages and live answers of the comment's target are out of date."""
    page_versions.comments_changed([comment])


@receiver(post_delete, sender=Comment, dispatch_uid="moderation.comment_deleted_versions")
def comment_deleted(sender, instance: Comment, **kwargs) -> None:
    """A comment deleted (from the admin, or with its target) leaves its target's pages."""
    page_versions.comments_changed([instance])
