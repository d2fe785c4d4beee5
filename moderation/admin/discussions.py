"""The discussion mode on a target's own admin page: a mixin for the site's ModelAdmin.

    class ArticleAdmin(DiscussionModeAdminMixin, admin.ModelAdmin): ...

adds a "Comments" choice (open, pre-moderated, closed) to the article's form; moderators
change it, other editors see it. A ModelAdmin with ``fieldsets`` lists ``comment_mode`` in
one; a custom ``form`` subclasses ``DiscussionModeForm``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from moderation import services
from moderation.models import DiscussionMode
from moderation.roles import can_moderate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # What the mixin is mixed into, for the type checker: at run time it is a plain class.
    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object

FIELD = "comment_mode"


class DiscussionModeForm(forms.ModelForm):
    comment_mode = forms.ChoiceField(
        label=_("Comments"),
        choices=DiscussionMode.choices,
        initial=DiscussionMode.OPEN,
        help_text=_("Pre-moderated: every comment waits for a moderator, whatever its scores."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and FIELD in self.fields:
            self.fields[FIELD].initial = services.discussion_mode(self.instance)


class DiscussionModeAdminMixin(_ModelAdmin):
    """Shows the target's discussion mode on its page; saves a moderator's change of it."""

    form = DiscussionModeForm

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if can_moderate(request.user) else [*fields, FIELD]

    @admin.display(description=_("Comments"))
    def comment_mode(self, obj) -> StrOrPromise:
        mode = services.discussion_mode(obj) if obj.pk is not None else DiscussionMode.OPEN
        return DiscussionMode(mode).label

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if FIELD in form.changed_data:
            services.set_discussion_mode(obj, form.cleaned_data[FIELD], by=request.user)
