"""Personal data: the retention of IP addresses, and a commenter's export (GDPR art. 15) and
erasure (art. 17)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from moderation.client_ip import network_key_of
from moderation.conf import moderation_settings
from moderation.models import AuthorRule, Comment, CommentReport, ModerationEvent, TrainingLabel
from moderation.page_versions import comments_changed


def erase_expired_personal_data() -> int:
    """Blank the IP address (and its network) and user agent of comments older than
    ``IP_RETENTION_DAYS`` and the network key of reports older than
    ``REPORT_NETWORK_RETENTION_DAYS``; how many rows."""
    now = timezone.now()
    cutoff = now - timedelta(days=moderation_settings.IP_RETENTION_DAYS)
    comments = (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address=None, network="", user_agent="")
        .update(ip_address=None, network="", user_agent="")
    )
    report_cutoff = now - timedelta(days=moderation_settings.REPORT_NETWORK_RETENTION_DAYS)
    reports = (
        CommentReport.objects.filter(created_at__lt=report_cutoff)
        .exclude(network_key="")
        .update(network_key="")
    )
    return comments + reports


#: What an erased commenter is called, in the language of their comment.
ERASED_AUTHOR_NAME = _("Anonymous")
#: What an erased comment says when its text is removed too.
ERASED_TEXT = _("This comment was removed at its author's request.")
#: Addresses under the reserved .invalid domain (RFC 2606) can never receive mail.
ERASED_EMAIL_DOMAIN = "erased.invalid"


def commenter_comments(email: str) -> models.QuerySet[Comment]:
    """Every comment written with ``email`` (case does not matter)."""
    return Comment.objects.filter(author_email__iexact=email.strip())


def _system_event(comment: Comment, action: str, reason: str = "") -> ModerationEvent:
    return ModerationEvent(
        comment=comment,
        actor=ModerationEvent.Actor.SYSTEM,
        action=action,
        from_status=comment.status,
        to_status=comment.status,
        reason=reason,
    )


def _as_data(instance: models.Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    data = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.name in exclude:
            continue
        value = getattr(instance, model_field.attname)
        data[model_field.attname] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def export_commenter_data(email: str) -> dict[str, Any]:
    """Everything stored about the author of ``email`` (GDPR art. 15), as JSON-ready data.

    Each exported comment gets a ``ModerationEvent`` "exported" (actor: system).
    """
    with transaction.atomic():
        comments = list(
            commenter_comments(email).select_related("content_type").prefetch_related("events")
        )
        ips = {c.ip_address for c in comments if c.ip_address}
        rules = AuthorRule.objects.filter(
            Q(field=AuthorRule.Field.EMAIL, value__iexact=email.strip())
            | Q(field=AuthorRule.Field.IP, value__in=ips)
        )
        data = {
            "email": email.strip(),
            "exported_at": timezone.now().isoformat(),
            "comments": [
                {
                    **_as_data(comment),
                    "target": f"{comment.content_type.app_label}.{comment.content_type.model}",
                    "events": [_as_data(e, exclude=("comment",)) for e in comment.events.all()],
                }
                for comment in comments
            ],
            "author_rules": [_as_data(rule, exclude=("created_by",)) for rule in rules],
            "training_labels": [
                _as_data(label, exclude=("moderator",))
                for label in TrainingLabel.objects.filter(comment__in=comments)
            ],
        }
        ModerationEvent.objects.bulk_create([_system_event(c, "exported") for c in comments])
    return data


def erase_commenter_data(email: str, *, remove_text: bool = False) -> int:
    """Anonymise every comment of ``email`` (GDPR art. 17); returns how many.

    Name, email, website, IP address, user agent and the link to a user account are
    erased, and so is every copy of them: the texts before the author's edits, the
    subscription to replies (no mail is sent afterwards), the rules naming the email, and
    the keys of the reports sent from the commenter's addresses. The text goes too with
    ``remove_text`` (else it stays, published or not, without a name), with the notes of
    the reports on it, which may quote it. The comments' training labels lose the author's
    details, or are deleted with ``remove_text``. Each comment gets a ``ModerationEvent``
    "erased" (actor: system).
    """
    with transaction.atomic():
        comments = list(commenter_comments(email).select_for_update())
        _erase_copies(email, comments, remove_text=remove_text)
        for comment in comments:
            with translation.override(comment.language or settings.LANGUAGE_CODE):
                comment.author_name = str(ERASED_AUTHOR_NAME)
                if remove_text:
                    comment.text = str(ERASED_TEXT)
                    comment.explanation = {}
            comment.author_email = f"erased-{comment.pk}@{ERASED_EMAIL_DOMAIN}"
            comment.author_url = ""
            comment.ip_address = None
            comment.network = ""
            comment.user_agent = ""
            comment.reader_key = ""
            comment.user = None
            comment.notify_replies = False
            comment.notify_replies_at = None
        Comment.objects.bulk_update(
            comments,
            [
                "author_name",
                "author_email",
                "author_url",
                "ip_address",
                "network",
                "user_agent",
                "reader_key",
                "user",
                "text",
                "explanation",
                "notify_replies",
                "notify_replies_at",
            ],
        )
        labels = TrainingLabel.objects.filter(comment__in=comments)
        if remove_text:
            labels.delete()
        else:
            labels.update(
                author_name=str(ERASED_AUTHOR_NAME), author_url="", author_email_domain=""
            )
        reason = "personal data and text erased" if remove_text else "personal data erased"
        ModerationEvent.objects.bulk_create([_system_event(c, "erased", reason) for c in comments])
        comments_changed(comments)
    return len(comments)


def _erase_copies(email: str, comments: list[Comment], *, remove_text: bool) -> None:
    """The copies of a commenter's data outside their comments' own fields."""
    ModerationEvent.objects.filter(comment__in=comments).exclude(previous_text="").update(
        previous_text=""
    )
    AuthorRule.objects.filter(field=AuthorRule.Field.EMAIL, value__iexact=email.strip()).delete()
    networks = {network_key_of(c.ip_address) for c in comments if c.ip_address}
    for report in CommentReport.objects.filter(network_key__in=networks):
        # Still one report each (the constraint), but no longer linkable to the commenter.
        report.reader_key, report.network_key = f"erased-{report.pk}", ""
        report.save(update_fields=["reader_key", "network_key"])
    if remove_text:
        CommentReport.objects.filter(comment__in=comments).exclude(note="").update(note="")
