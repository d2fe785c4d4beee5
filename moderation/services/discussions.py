"""Per-target discussion modes (open, pre-moderated, closed): reading them for one target
or for a batch of comments, and a moderator setting them."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from moderation.models import Comment, DiscussionMode, DiscussionSettings
from moderation.page_versions import targets_changed


def settings_for(target: models.Model) -> models.QuerySet[DiscussionSettings]:
    """The (at most one) settings row of ``target``, as a queryset to read or nest."""
    return DiscussionSettings.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_pk=str(target.pk)
    )


def discussion_mode(target: models.Model) -> str:
    """The mode the moderators chose for ``target``; open when they chose none."""
    return settings_for(target).values_list("mode", flat=True).first() or DiscussionMode.OPEN


def _set_mode(content_type_id: int, object_pk: str, mode: str, by: Any) -> None:
    if mode not in DiscussionMode.values:
        raise ValueError(f"not a discussion mode: {mode}")
    user = by if getattr(by, "is_authenticated", False) else None
    DiscussionSettings.objects.update_or_create(
        content_type_id=content_type_id,
        object_pk=object_pk,
        defaults={"mode": mode, "changed_by": user},
    )
    targets_changed([(content_type_id, object_pk)])  # cached pages show the new mode


def set_discussion_mode(target: models.Model, mode: str, *, by: Any) -> None:
    """Make ``target`` open, pre-moderated or closed, recording who chose it."""
    _set_mode(ContentType.objects.get_for_model(target).pk, str(target.pk), mode, by)


def set_targets_mode(comments: models.QuerySet[Comment], mode: str, *, by: Any) -> int:
    """Give the targets of ``comments`` the mode ``mode``; returns how many targets."""
    keys = set(comments.values_list("content_type_id", "object_pk"))
    for content_type_id, object_pk in keys:
        _set_mode(content_type_id, object_pk, mode, by)
    return len(keys)


def premoderated_targets(comments: list[Comment]) -> set[tuple[int, str]]:
    """The ``(content_type_id, object_pk)`` of these comments' targets that are pre-moderated,
    in one query."""
    keys = {(c.content_type_id, c.object_pk) for c in comments}
    if not keys:
        return set()
    rows = DiscussionSettings.objects.filter(
        mode=DiscussionMode.PREMODERATED,
        content_type_id__in={content_type for content_type, _pk in keys},
        object_pk__in={pk for _content_type, pk in keys},
    ).values_list("content_type_id", "object_pk")
    return set(rows) & keys
