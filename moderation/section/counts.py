"""Published comment counts for lists of targets: annotate a queryset once, and
``{% comment_count article %}`` reads the annotation instead of querying per article."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Cast, Coalesce

from moderation.models import Comment, Status

#: The attribute ``with_comment_counts`` sets on each target.
COUNT_ATTRIBUTE = "comment_count"


def with_comment_counts(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` with each target's published comments counted, in the same query."""
    published = (
        Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(queryset.model),
            object_pk=Cast(models.OuterRef("pk"), models.CharField()),
            status=Status.PUBLISHED,
        )
        .order_by()
        .values("object_pk")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return queryset.annotate(**{COUNT_ATTRIBUTE: Coalesce(models.Subquery(published), 0)})
