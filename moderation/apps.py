"""App configuration: registers the system checks, the settings-reset hook and the app's
signal receivers; loads no model."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Comment moderation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported for their side effects: the checks, the setting_changed receiver and the
        # reply notification receiver register themselves.
        from . import checks, conf, receivers  # noqa: F401
