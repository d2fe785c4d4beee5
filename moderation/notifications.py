"""Mail to moderators: one digest of held comments per interval, never one mail per comment."""

from __future__ import annotations

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .conf import moderation_settings
from .models import Comment, DigestLog, Status


def _queue_url() -> str:
    try:
        return reverse("admin:moderation_comment_changelist") + "?status__exact=held"
    except NoReverseMatch:
        return ""


def send_held_digest() -> int:
    """Mail the comments held since the last digest, if the interval has passed. Returns count."""
    recipients = list(moderation_settings.NOTIFY_EMAILS)
    if not recipients:
        return 0
    now = timezone.now()
    with transaction.atomic():
        last = DigestLog.objects.select_for_update().order_by("-sent_at").first()
        if last and now - last.sent_at < timedelta(
            minutes=moderation_settings.NOTIFY_DIGEST_MINUTES
        ):
            return 0
        held = Comment.objects.filter(status=Status.HELD)
        if last:
            held = held.filter(decided_at__gt=last.sent_at)
        comments = list(held.order_by("decided_at")[:100])
        if not comments:
            return 0
        DigestLog.objects.create(comments=len(comments))
    context = {"comments": comments, "queue_url": _queue_url()}
    send_mail(
        subject=render_to_string("moderation/email/held_digest_subject.txt", context).strip(),
        message=render_to_string("moderation/email/held_digest.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
    return len(comments)
