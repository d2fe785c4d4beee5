"""Editors' picks: a moderator features a published comment, or takes it out of the picks.
Each change leaves an event in the comment's audit trail (who, when)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation.models import Comment, ModerationEvent, Status
from moderation.page_versions import comments_changed
from moderation.services.errors import CommentError

FEATURED, UNFEATURED = "featured", "unfeatured"


def _record(comment: Comment, action: str, by: Any) -> None:
    """The pick's audit event; cached pages show the change once it commits."""
    comments_changed([comment])
    ModerationEvent.objects.create(
        comment=comment,
        actor=ModerationEvent.Actor.MODERATOR,
        user=by if getattr(by, "is_authenticated", False) else None,
        action=action,
        from_status=comment.status,
        to_status=comment.status,
    )


def feature(comment: Comment, *, by: Any) -> Comment:
    """Make a published comment an editors' pick; featuring a pick again changes nothing."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Status.PUBLISHED:
            raise CommentError(_("Only a published comment can be an editors' pick."))
        if locked.featured_at is None:
            locked.featured_at = timezone.now()
            locked.save(update_fields=["featured_at"])
            _record(locked, FEATURED, by)
    comment.featured_at = locked.featured_at
    return locked


def unfeature(comment: Comment, *, by: Any) -> Comment:
    """Take a comment, in any status, out of the editors' picks."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.featured_at is not None:
            locked.featured_at = None
            locked.save(update_fields=["featured_at"])
            _record(locked, UNFEATURED, by)
    comment.featured_at = None
    return locked
