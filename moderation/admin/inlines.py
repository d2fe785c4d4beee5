"""What a comment's page shows below it: its audit trail and the readers' reports."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.admin.markup import score_bar
from moderation.models import CommentReport, ModerationEvent
from moderation.roles import can_moderate


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under a comment that no one adds, changes or deletes here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ModerationEventInline(ReadOnlyInline):
    model = ModerationEvent
    verbose_name = _("audit trail entry")
    verbose_name_plural = _("audit trail")
    fields = readonly_fields = (
        "created_at",
        "actor",
        "user",
        "action",
        "from_status",
        "to_status",
        "reason",
        "scores",
        "model_version",
        "previous_text",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    @admin.display(description=_("scores"))
    def scores(self, event):
        if event.spam_score is None and event.toxicity_score is None:
            return "–"
        return format_html(
            "{}{}",
            score_bar(gettext("spam"), event.spam_score),
            score_bar(gettext("toxicity"), event.toxicity_score),
        )


class CommentReportInline(ReadOnlyInline):
    """Readers' reports of the comment (docs/readers.md); who reported is not shown."""

    model = CommentReport
    verbose_name = _("reader's report")
    verbose_name_plural = _("readers' reports")
    fields = readonly_fields = ("created_at", "reason", "note")

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)
