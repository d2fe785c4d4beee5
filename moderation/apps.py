"""App configuration: registers the system checks, the settings-reset hook and the Moderators
group; loads no classifier."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Comment moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks, conf  # noqa: F401  (registers checks and the setting_changed receiver)
        from .roles import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self)
