"""Template tags for the admin's templates: the badge of comments awaiting review."""

from __future__ import annotations

from django import template

from moderation.models import Comment
from moderation.roles import can_moderate

register = template.Library()


@register.inclusion_tag("admin/moderation/awaiting_review_badge.html", takes_context=True)
def awaiting_review_badge(context) -> dict:
    """The number of comments awaiting review, linked to the queue, for moderators only."""
    user = getattr(context.get("request"), "user", None)
    allowed = can_moderate(user)
    return {
        "allowed": allowed,
        "count": Comment.objects.awaiting_review().count() if allowed else 0,
    }
