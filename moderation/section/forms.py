"""The reader's comment form: the source site's fields, rules and signed target."""

from __future__ import annotations

import time
import unicodedata
from typing import TYPE_CHECKING

from django import forms
from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.signals import setting_changed
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.conf import moderation_settings
from moderation.models import Comment, ReportReason, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TARGET_SALT = "moderation.target"


class TargetError(Exception):
    """The form's target reference is forged, expired or names nothing."""

    def __init__(self, message: StrOrPromise, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


def sign_target(target: models.Model) -> str:
    ref = f"{target._meta.label_lower}:{target.pk}"
    return signing.TimestampSigner(salt=TARGET_SALT).sign(ref)


#: Targets read lately by this process, by reference: ``(when, object)``. A reader's POST
#: needs the object (its date, its URL); whether it still exists is checked again, in the
#: same statement that stores the comment (``services.submission``).
_recent_targets: dict[str, tuple[float, models.Model]] = {}
_RECENT_TARGETS_MAX = 256


def forget_recent_targets(**kwargs: object) -> None:
    _recent_targets.clear()


def resolve_target(ref: str) -> models.Model | None:
    """The object named by ``app_label.model:pk``, or None when there is no such object; read
    at most once per ``TARGET_CACHE_SECONDS`` by this process."""
    now, max_age = time.monotonic(), moderation_settings.TARGET_CACHE_SECONDS
    recent = _recent_targets.get(ref)
    if recent is not None and now - recent[0] < max_age:
        return recent[1]
    label, _sep, pk = ref.rpartition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    try:
        target = model._default_manager.get(pk=pk)
    except (model.DoesNotExist, ValueError, ValidationError):
        return None
    if max_age:
        if len(_recent_targets) >= _RECENT_TARGETS_MAX:
            _recent_targets.clear()
        _recent_targets[ref] = (now, target)
    return target


setting_changed.connect(forget_recent_targets)


def load_target(signed: str) -> models.Model:
    """The object a signed reference points to; TargetError if forged, expired or missing."""
    signer = signing.TimestampSigner(salt=TARGET_SALT)
    try:
        ref = signer.unsign(signed, max_age=moderation_settings.TARGET_SIGNATURE_MAX_AGE)
    except signing.SignatureExpired:
        raise TargetError(
            _("This form has expired. Please check your comment and send it again."),
            expired=True,
        ) from None
    except signing.BadSignature:
        raise TargetError(
            _("This form is not valid. Please reload the page and try again.")
        ) from None
    target = resolve_target(ref)
    if target is None:
        raise TargetError(_("The page you are commenting on does not exist."))
    return target


def target_of_expired(signed: str) -> models.Model | None:
    """The target of an authentic but expired reference, to show the form again."""
    try:
        ref = signing.TimestampSigner(salt=TARGET_SALT).unsign(signed)
    except signing.BadSignature:
        return None
    return resolve_target(ref)


#: Marks that change the direction of the text around them: in a name they can make it,
#: and whatever follows it on the page, read as something else ("moc.elpmaxe").
_DIRECTION_MARKS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def validate_plain_name(value: str) -> None:
    """Refuse a name holding control characters (a new line, an escape) or direction marks."""
    if any(ch in _DIRECTION_MARKS or unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(
            _("The name cannot contain control characters or text-direction marks."),
            code="control_characters",
        )


class HttpURLField(forms.URLField):
    """A website address: http or https only (no javascript:, data:, ftp:)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class CommentForm(forms.Form):
    """Fields in the source site's order: comment, name, email, website, save-info consent."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=65525,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
    )
    author = forms.CharField(
        label=_("Name"),
        max_length=245,
        validators=[validate_plain_name],
        widget=forms.TextInput(attrs={"autocomplete": "name", "size": 30}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=100,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "size": 30, "aria-describedby": "email-notes"}
        ),
    )
    url = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        widget=forms.URLInput(attrs={"autocomplete": "url", "size": 30}),
    )
    save_info = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    notify_replies = forms.BooleanField(
        label=_("Notify me by email when someone replies to my comment."),
        required=False,
    )
    target = forms.CharField(widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    # A field people never see and bots fill in.
    honeypot = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, target: models.Model | None = None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "%s")  # the source site's ids: comment, author, email, url
        super().__init__(*args, **kwargs)
        if target is not None and not self.is_bound:
            self.initial.setdefault("target", sign_target(target))
        self.target_object = None

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        parent_id = data.get("parent")
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id, status=Status.PUBLISHED).first()
            if parent is None:
                self.add_error(None, _("The comment you are replying to does not exist."))
            data["parent"] = parent
        return data

    def full_clean(self) -> None:
        super().full_clean()
        if self.errors.get("email"):  # announce the error as well as the privacy note
            self.fields["email"].widget.attrs["aria-describedby"] = "email-notes email_error"

    @property
    def is_trapped(self) -> bool:
        return bool(self.cleaned_data.get("honeypot"))


class EditCommentForm(forms.Form):
    """The author's new text for a comment, within the edit window."""

    comment = forms.CharField(
        label=_("Comment"),
        max_length=65525,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 45}),
    )


def text_limit(form: type[forms.Form], name: str) -> int:
    """The ``max_length`` of one of ``form``'s text fields: the API and the WordPress import
    apply the form's limits."""
    field = form.base_fields[name]
    if not isinstance(field, forms.CharField) or field.max_length is None:
        raise TypeError(f"{form.__name__}.{name} is not a text field with a max_length")
    return field.max_length


class ReportForm(forms.Form):
    """A reader's report of a published comment."""

    reason = forms.ChoiceField(
        label=_("Why are you reporting this comment?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 45}),
    )
