"""Comments in a given state, made directly (the pipeline tests make them the real way)."""

from __future__ import annotations

import itertools

from django.contrib.contenttypes.models import ContentType

from moderation.models import Comment, Status

_numbers = itertools.count(1)


def make_comment(target, *, status=Status.PUBLISHED, parent=None, **fields) -> Comment:
    n = next(_numbers)
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_pk=str(target.pk),
        parent=parent,
        root_id=(parent.root_id or parent.pk) if parent else None,  # as services.create_comment
        depth=parent.depth + 1 if parent else 0,
        author_name=fields.pop("author_name", f"Lettore {n}"),
        author_email=fields.pop("author_email", f"lettore{n}@example.org"),
        text=fields.pop("text", f"Commento numero {n}."),
        status=status,
        **fields,
    )
    return comment
