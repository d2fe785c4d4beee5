"""The block and trust rules on authors, listed so that a moderator can lift one."""

from __future__ import annotations

from django.contrib import admin


class AuthorRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "field", "value", "note", "created_by", "created_at"]
    list_filter = ["kind", "field"]
    search_fields = ["value", "note"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
