"""Which objects the API lets readers comment on, named as ``app_label.model:pk``."""

from __future__ import annotations

import re

from django.db import models
from django.db.models import Q

from moderation.conf import moderation_settings
from moderation.models import Comment
from moderation.section.forms import resolve_target

TARGET_PATTERN = r"^[A-Za-z_]\w*\.[A-Za-z_]\w*:[^\s:]{1,64}$"
_TARGET_RE = re.compile(TARGET_PATTERN)


class MalformedTarget(ValueError):
    """The reference is not of the form ``app_label.model:pk``."""


class TargetNotOpen(ValueError):
    """The API is not open to comments on this model (``API_TARGET_MODELS``)."""


class TargetMissing(ValueError):
    """No object of an open model has this primary key."""


def open_models() -> set[str]:
    return {label.lower() for label in moderation_settings.API_TARGET_MODELS}


def target_ref(content_type_label: str, object_pk: str) -> str:
    return f"{content_type_label}:{object_pk}"


def parse_target(ref: object) -> models.Model:
    """The object a reference names; raises one of the errors above, never anything else."""
    if not isinstance(ref, str) or not _TARGET_RE.match(ref):
        raise MalformedTarget(ref)
    label, _sep, pk = ref.partition(":")
    if label.lower() not in open_models():
        raise TargetNotOpen(label)
    target = resolve_target(f"{label.lower()}:{pk}")
    if target is None:
        raise TargetMissing(ref)
    return target


def comments_on_open_models() -> models.QuerySet[Comment]:
    """Comments whose target's model the API is open to; none when no model is open."""
    condition = Q(pk__in=[])
    for label in open_models():
        app_label, _dot, model = label.partition(".")
        condition |= Q(content_type__app_label=app_label, content_type__model=model)
    return Comment.objects.filter(condition)
