"""What the API reads and writes for readers, and what every endpoint shares: the target
reference, the error bodies (the moderators' side: ``moderator_serializers``).

Public serializers have no private field (email, IP address, user agent, scores): they are
not hidden, they are simply not there. A submission, an edit and a report are validated by
the reader's forms (``CommentForm``, ``EditCommentForm``, ``ReportForm``), so the API and
the forms share every rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.settings import api_settings

from moderation.api import targets
from moderation.models import Comment, ReportReason, Status
from moderation.section.forms import (
    CommentForm,
    EditCommentForm,
    ReportForm,
    sign_target,
    text_limit,
)

#: The largest id the database can hold: larger ones in a list lookup would crash the query.
MAX_COMMENT_ID = connection.ops.integer_field_range(Comment._meta.pk.get_internal_type())[1]

#: The API's field names and the form's names for them.
FORM_NAMES = {
    "text": "comment",
    "name": "author",
    "email": "email",
    "website": "url",
    "parent": "parent",
}

#: What a comment's author learns of its status: spam and rejected look alike.
PUBLIC_STATUS: dict[str, str] = {
    Status.PENDING: "pending",
    Status.PUBLISHED: "published",
    Status.HELD: "held",
    Status.SPAM: "not_published",
    Status.REJECTED: "not_published",
}
PUBLIC_STATUS_CHOICES = sorted(set(PUBLIC_STATUS.values()))


@extend_schema_field(
    {"type": "string", "pattern": targets.TARGET_PATTERN, "example": "articles.article:42"}
)
class TargetField(serializers.Field):
    """An object readers may comment on, named as ``app_label.model:pk``."""

    default_error_messages = {
        "malformed": _("Name the target as app_label.model:pk, for example articles.article:42."),
        "not_open": _("Comments on this kind of object are not available through the API."),
        "missing": _("The page you are commenting on does not exist."),
    }

    def to_internal_value(self, data: Any) -> Any:
        try:
            return targets.parse_target(data)
        except targets.MalformedTarget:
            self.fail("malformed")
        except targets.TargetNotOpen:
            self.fail("not_open")
        except targets.TargetMissing:
            self.fail("missing")

    def to_representation(self, value: Any) -> str:
        return targets.target_ref(value._meta.label_lower, str(value.pk))


class TargetQuerySerializer(serializers.Serializer):
    target = TargetField(help_text=_("The commented object, as app_label.model:pk."))


def query_target(request: Any) -> Any:
    """The object the request names in ``?target=``; a 400 saying what is wrong otherwise."""
    query = TargetQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data["target"]


# Readers ------------------------------------------------------------------------------------


class PublicCommentSerializer(serializers.ModelSerializer):
    # A declared field, taken off the class by DRF's metaclass: not Field.parent (the stub's).
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", allow_null=True, read_only=True
    )
    name = serializers.CharField(source="author_name", read_only=True)
    website = serializers.CharField(source="author_url", read_only=True)
    featured = serializers.SerializerMethodField(help_text="An editors' pick.")

    class Meta:
        model = Comment
        fields = ["id", "parent", "depth", "name", "website", "text", "created_at", "featured"]
        read_only_fields = fields

    def get_featured(self, comment: Comment) -> bool:
        return comment.featured_at is not None


class CommentStatusSerializer(serializers.Serializer):
    """All a comment's author sees with the private token."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PUBLIC_STATUS_CHOICES)


class CommentCountSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)


class FormValidatedSerializer(serializers.Serializer):
    """Fields checked by their own rules, then by the reader's form with the same data: the
    API and the form share every rule, and the form's message wins for a field."""

    form_class: type[forms.Form]
    #: The API's field names and the form's names for them.
    form_names: dict[str, str]

    def extra_form_data(self, attrs: dict) -> dict:
        """Form data that is not one of the request's fields."""
        return {}

    def from_form(self, attrs: dict, cleaned_data: dict) -> dict:
        """The validated data, from the fields' values and the form's cleaned data."""
        return cleaned_data

    def to_internal_value(self, data: Any) -> dict:
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        errors: dict[str, Any] = {}
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as error:
            # A serializer's own errors are by field name (a dict), never a list.
            errors, attrs = dict(cast("dict[str, Any]", error.detail)), {}
        form_data = {
            form_name: data[name]
            for name, form_name in self.form_names.items()
            if isinstance(data.get(name), str | int)
        }
        form = self.form_class(data={**form_data, **self.extra_form_data(attrs)})
        api_names = {form_name: name for name, form_name in self.form_names.items()}
        api_names[NON_FIELD_ERRORS] = api_settings.NON_FIELD_ERRORS_KEY
        for field, messages in form.errors.items():
            if field in api_names:
                errors[api_names[field]] = messages
        if errors:
            raise serializers.ValidationError(errors)
        return self.from_form(attrs, form.cleaned_data)


class CommentSubmissionSerializer(FormValidatedSerializer):
    """A reader's comment; the limits below are the form's, and the form validates it."""

    form_class = CommentForm
    form_names = FORM_NAMES

    target = TargetField(help_text=_("The commented object, as app_label.model:pk."))
    # A declared field, taken off the class by DRF's metaclass: not Field.parent (the stub's).
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_COMMENT_ID,
        help_text=_("The comment replied to."),
    )
    name = serializers.CharField(max_length=text_limit(CommentForm, "author"))
    email = serializers.EmailField(
        max_length=text_limit(CommentForm, "email"),
        help_text=_("Never published."),
    )
    website = serializers.CharField(
        max_length=text_limit(CommentForm, "url"),
        required=False,
        allow_blank=True,
        help_text=_("An http or https address."),
    )
    text = serializers.CharField(max_length=text_limit(CommentForm, "comment"))

    def extra_form_data(self, attrs: dict) -> dict:
        target = attrs.get("target")
        return {"target": sign_target(target) if target else ""}

    def from_form(self, attrs: dict, cleaned_data: dict) -> dict:
        return {"target": attrs["target"], "form_data": cleaned_data}


class SubmittedCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(
        choices=PUBLIC_STATUS_CHOICES, help_text=_("Always pending at first.")
    )
    token = serializers.CharField(
        help_text=_(
            "Private: lets the author read the comment's status at comments/<id>/, "
            "and edit or delete it there within the edit window."
        )
    )


class CommentEditSerializer(FormValidatedSerializer):
    """The author's new text, validated by the reader's edit form."""

    form_class = EditCommentForm
    form_names = {"text": "comment"}

    text = serializers.CharField(
        max_length=text_limit(EditCommentForm, "comment"),
        help_text=_("The new text: the comment goes back to pending and is classified again."),
    )
    token = serializers.CharField(
        required=False,
        write_only=True,
        help_text=_("The author's token, when not sent in the X-Comment-Token header."),
    )

    # Never partial: this PATCH replaces the one field it takes, so ``text`` stays required,
    # in the schema too (drf-spectacular makes every field of a PATCH body optional).
    @property
    def partial(self) -> bool:
        return False

    @partial.setter
    def partial(self, value: bool) -> None:
        pass

    def from_form(self, attrs: dict, cleaned_data: dict) -> dict:
        return {"text": cleaned_data["comment"]}


class ReportSerializer(FormValidatedSerializer):
    """A reader's report of a published comment, validated by the reader's report form."""

    form_class = ReportForm
    form_names = {"reason": "reason", "note": "note"}

    reason = serializers.ChoiceField(choices=ReportReason.choices)
    note = serializers.CharField(
        max_length=text_limit(ReportForm, "note"),
        required=False,
        allow_blank=True,
        help_text=_("Optional: what the moderators should know."),
    )


class ReportReceivedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The reported comment."))
    message = serializers.CharField(help_text=_("Thanks, in the request's language."))


# Errors, as documented in the schema --------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


def _messages(**kwargs: Any) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), required=False, **kwargs)


class SubmissionErrorsSerializer(serializers.Serializer):
    """Field-level messages, in the request's language."""

    target = _messages()
    # A declared field, taken off the class by DRF's metaclass: not Field.parent (the stub's).
    parent = _messages()  # type: ignore[assignment]
    name = _messages()
    email = _messages()
    website = _messages()
    text = _messages()
    non_field_errors = _messages()


class EditErrorsSerializer(serializers.Serializer):
    """Field-level messages, in the request's language."""

    text = _messages()
    non_field_errors = _messages()


class ReportErrorsSerializer(serializers.Serializer):
    """Field-level messages, in the request's language."""

    reason = _messages()
    note = _messages()
    non_field_errors = _messages()


class QueryErrorsSerializer(serializers.Serializer):
    target = _messages()
    cursor = _messages()


class ValidationErrorsSerializer(serializers.Serializer):
    """Messages keyed by the names of the request's fields (lists of them for list items)."""

    non_field_errors = _messages()
