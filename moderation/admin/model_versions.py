"""The model registry in the admin, for moderators only: the registered versions with their
figures and shadow disagreements, activating or retiring one, and every activation."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from moderation.learning import versions
from moderation.models import ModelVersion, ShadowScore
from moderation.roles import can_moderate


@admin.action(description=_("Activate the selected version (promote or roll back)"))
def activate_version(modeladmin, request, queryset):
    if not can_moderate(request.user):
        raise PermissionDenied
    if queryset.count() != 1:
        messages.error(request, gettext("Select exactly one version to activate."))
        return
    try:
        versions.activate(queryset.get().version, by=request.user, reason="admin")
    except versions.RegistryError as exc:
        messages.error(request, str(exc))
        return
    messages.success(request, gettext("Activated %s.") % queryset.get().version)


@admin.action(description=_("Stop the selected candidates scoring in shadow"))
def retire_versions(modeladmin, request, queryset):
    if not can_moderate(request.user):
        raise PermissionDenied
    for version in queryset:
        versions.retire(version.version)


class ModeratorsOnly(admin.ModelAdmin):
    """Views of the registry for moderators only, refused before an object is even looked up."""

    def has_view_permission(self, request, obj=None):
        return can_moderate(request.user)

    def has_change_permission(self, request, obj=None):
        # Django's own check grants it to any holder of change_<model>: not enough here.
        return can_moderate(request.user) and super().has_change_permission(request, obj)

    def get_object(self, request, object_id, from_field=None):
        if not can_moderate(request.user):
            raise PermissionDenied
        return super().get_object(request, object_id, from_field)


class ModelVersionAdmin(ModeratorsOnly):
    """The registered models: figures on the newest moderators' labels, shadow disagreements."""

    list_display = [
        "version",
        "task",
        "status",
        "decision_rows",
        "held_out_figures",
        "shadow_disagreements",
        "created_at",
    ]
    list_filter = ["task", "status"]
    actions = [activate_version, retire_versions]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("held-out labels: candidate / active macro-F1"))
    def held_out_figures(self, version: ModelVersion) -> str:
        candidate, active = version.metrics.get("candidate"), version.metrics.get("active")
        if not candidate or not active:
            return "—"
        return f"{candidate['macro_f1']:.3f} / {active['macro_f1']:.3f} ({candidate['rows']})"

    @admin.display(description=_("shadow: decided differently"))
    def shadow_disagreements(self, version: ModelVersion) -> SafeString | str:
        scores = ShadowScore.objects.filter(model_version__contains=version.version)
        total = scores.count()
        if not total:
            return "—"
        differing = scores.exclude(would_decide=F("decided")).count()
        url = reverse("admin:moderation_comment_changelist") + "?shadow=differs"
        return format_html('<a href="{}">{} / {}</a>', url, differing, total)


class ModelActivationAdmin(ModeratorsOnly):
    """Every promotion and rollback: who, when, from which version to which, why."""

    list_display = [
        "created_at",
        "task",
        "from_version",
        "to_version",
        "user",
        "automatic",
        "reason",
    ]
    list_filter = ["task", "automatic"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
