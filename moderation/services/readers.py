"""Readers' own actions: edit, delete, report, stop reply notifications (docs/readers.md)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moderation import dispatch
from moderation.conf import moderation_settings
from moderation.models import AuthorRule, Comment, CommentReport, ModerationEvent, Status
from moderation.services._common import announce_on_commit
from moderation.services.errors import AlreadyReported, CommentError, EditWindowClosed
from moderation.services.transitions import transition

DELETED_BY_AUTHOR = "deleted by author"
REPORTED_BY_READERS = "reported by readers"
_EDITABLE = (Status.PENDING, Status.PUBLISHED)


def can_edit(comment: Comment) -> bool:
    """Whether the comment's author may still edit or delete it (the edit window is open)."""
    minutes = moderation_settings.EDIT_WINDOW_MINUTES
    return (
        bool(minutes)
        and comment.status in _EDITABLE
        and timezone.now() < comment.created_at + timedelta(minutes=minutes)
    )


def _lock_editable(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if not can_edit(locked):
        raise EditWindowClosed(_("This comment can no longer be changed."))
    return locked


def edit_comment(comment: Comment, *, text: str) -> Comment:
    """Replace the text; the comment goes back to pending and is classified again, as on submit.

    The previous text stays in the audit trail for moderators, so a comment takes at most
    ``EDITS_PER_COMMENT`` edits: what one author can make the site store stays bounded.
    """
    with transaction.atomic():
        locked = _lock_editable(comment)
        if text == locked.text:
            return locked
        edits = locked.events.filter(action="edited").count()
        if edits >= moderation_settings.EDITS_PER_COMMENT:
            raise EditWindowClosed(_("This comment can no longer be changed."))
        event = ModerationEvent.objects.create(
            comment=locked,
            actor=ModerationEvent.Actor.READER,
            action="edited",
            from_status=locked.status,
            to_status=Status.PENDING,
            previous_text=locked.text,
        )
        locked.text = text
        locked.status = Status.PENDING
        locked.decided_at = locked.spam_score = locked.toxicity_score = None
        locked.reasons, locked.explanation, locked.model_version = [], {}, ""
        locked.audit_pick, locked.audited_at = "", None  # the new text is drawn afresh
        locked.featured_at = None  # the editors picked the previous text
        locked.save()
        transaction.on_commit(lambda: dispatch.enqueue_classification([locked.pk]))
        announce_on_commit(locked, event)
    return locked


def delete_by_author(comment: Comment) -> Comment:
    """The author withdraws the comment: it is rejected, never shown, and the trail says why."""
    with transaction.atomic():
        locked = _lock_editable(comment)
        return transition(
            locked,
            Status.REJECTED,
            action="deleted",
            by=None,
            reason=DELETED_BY_AUTHOR,
            actor=ModerationEvent.Actor.READER,
        )


def _reporters_weight(reports: models.QuerySet[CommentReport]) -> int:
    """How much these reports weigh against ``REPORTS_TO_HOLD``: one per distinct network
    (a report whose network key was erased after its retention counts alone), one more for
    each reader a moderator trusts (``AuthorRule`` on their browser)."""
    rows = list(reports.values_list("pk", "network_key", "reader_key"))
    networks = {network or pk for pk, network, _reader in rows}
    trusted = AuthorRule.objects.filter(
        kind=AuthorRule.Kind.TRUST,
        field=AuthorRule.Field.READER,
        value__in=[reader for _pk, _network, reader in rows],
    ).count()
    return len(networks) + trusted


def report_comment(
    comment: Comment, *, reason: str, note: str, reader_key: str, network_key: str
) -> CommentReport:
    """Record a reader's report; enough reports since the last decision hold the comment."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Status.PUBLISHED:
            raise CommentError(_("This comment cannot be reported."))
        same_reader = Q(reader_key=reader_key) | Q(network_key=network_key)
        if locked.reports.filter(same_reader).exists():
            raise AlreadyReported(_("You have already reported this comment."))
        report = CommentReport.objects.create(
            comment=locked,
            reason=reason,
            note=note[:500],
            reader_key=reader_key,
            network_key=network_key,
        )
        Comment.objects.filter(pk=locked.pk).update(reports_count=models.F("reports_count") + 1)
        since_decision = locked.reports.all()
        if locked.decided_at is not None:
            since_decision = since_decision.filter(created_at__gt=locked.decided_at)
        threshold = moderation_settings.REPORTS_TO_HOLD
        if threshold and _reporters_weight(since_decision) >= threshold:
            transition(
                locked,
                Status.HELD,
                action="reported",
                by=None,
                reason=REPORTED_BY_READERS,
                actor=ModerationEvent.Actor.SYSTEM,
            )
    return report


def confirm_reply_notifications(comment: Comment) -> None:
    """The author confirmed, from the link mailed to them, the request made with ``comment``:
    replies are mailed from now on (double opt-in)."""
    Comment.objects.filter(pk=comment.pk, notify_replies_at__isnull=False).update(
        notify_replies=True
    )


def stop_reply_notifications(comment: Comment) -> None:
    """Withdraw the author's consent to mail about replies to ``comment``."""
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False, notify_replies_at=None)
