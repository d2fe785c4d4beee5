"""Who moderates: the one moderate permission, and the Moderators group made by the migrations
and made again after every migrate or flush."""

from __future__ import annotations

from typing import Any

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

MODERATE_CODENAME = "can_moderate"
MODERATE_PERMISSION = f"moderation.{MODERATE_CODENAME}"
MODERATORS_GROUP = "Moderators"
MODERATOR_PERMISSIONS = (
    MODERATE_CODENAME,
    "view_comment",
    "change_comment",
    "view_moderationevent",
    "view_authorrule",
    "add_authorrule",
    "change_authorrule",
    "delete_authorrule",
)


def can_moderate(user: Any) -> bool:
    """Whether ``user`` holds the moderate permission (being staff is not enough)."""
    return user is not None and user.has_perm(MODERATE_PERMISSION)


def ensure_moderators_group(group_model: Any, permission_model: Any) -> Any:
    """The group with the app's moderation permissions (models may be historical ones)."""
    group, _created = group_model.objects.get_or_create(name=MODERATORS_GROUP)
    group.permissions.add(
        *permission_model.objects.filter(
            content_type__app_label="moderation", codename__in=MODERATOR_PERMISSIONS
        )
    )
    return group


def ensure_after_migrate(
    sender: Any, apps: Any = global_apps, using: str = "default", **kwargs: Any
) -> None:
    """post_migrate receiver: the permissions first (their own receiver may come later).

    A flush sends the signal without ``apps``: the installed apps stand in for them.
    """
    create_permissions(sender, verbosity=0, using=using, apps=apps)
    ensure_moderators_group(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))
