"""A comment's status, as plain enum values: the models store it, the pure policy returns it."""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    PENDING = "pending", _("Pending")  # not classified yet: never public
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held for review")
    SPAM = "spam", _("Spam")
    REJECTED = "rejected", _("Rejected")
