"""App configuration: registers the system checks, the settings-reset hook, the Moderators
group and the app's signal receivers; loads no classifier."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Comment moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Imported for their side effects: the checks, the setting_changed receiver and the
        # reply notification receiver register themselves.
        from moderation import checks, conf, receivers  # noqa: F401
        from moderation.roles import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self)
