"""Moderators' actions. Every status change outside classification goes through
``transition``: a row lock, an audit event, a training label when the action is a verdict,
and the signals after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from moderation.conf import moderation_settings
from moderation.models import (
    AuditPick,
    AuthorRule,
    Comment,
    ModerationEvent,
    RejectReason,
    Status,
    TrainingLabel,
)
from moderation.services._common import announce_on_commit, author_keys

_REJECTION_VERDICTS: dict[str, tuple[bool | None, bool | None]] = {
    RejectReason.SPAM: (True, None),
    RejectReason.OFFENSIVE: (None, True),
}


#: WordPress's decisions as an import brings them (``moderation.wordpress.importer``).
_WORDPRESS_VERDICTS: dict[str, tuple[bool | None, bool | None]] = {
    f"{TrainingLabel.IMPORTED_PREFIX}approved": (False, False),
    f"{TrainingLabel.IMPORTED_PREFIX}spam": (True, None),
}


def _verdict(action: str, reason: str) -> tuple[bool | None, bool | None] | None:
    """What a moderator's action says about a comment: (is spam, is toxic), None if nothing."""
    if action in _WORDPRESS_VERDICTS:
        return _WORDPRESS_VERDICTS[action]
    if action in ("approved", "marked_ham", AUDIT_CONFIRMED):
        return False, False
    if action == "marked_spam":
        return True, None
    if action == "rejected":
        return _REJECTION_VERDICTS.get(reason, (None, None))
    return None  # e.g. "restored": back to the queue, no verdict


Source = TrainingLabel.Source
#: The action of a moderator who confirms an audit pick as it is (published).
AUDIT_CONFIRMED = "audit_confirmed"


def label_source(comment: Comment, from_status: str) -> str:
    """How the comment came before the moderator who decided it from ``from_status``."""
    if comment.reports_count:
        return Source.REPORT
    if from_status == Status.PUBLISHED and comment.audit_pick:
        return Source.AUDIT_NEAR if comment.audit_pick == AuditPick.NEAR else Source.AUDIT_RANDOM
    if from_status in (Status.HELD, Status.PENDING):
        return Source.HELD
    return Source.OTHER


def label_weight(source: str) -> float:
    """How many comments of the stream a label of ``source`` stands for (inverse propensity).

    Every held comment is seen: 1. A random audit pick stands for the 1 / ``AUDIT_SHARE``
    published comments it was drawn from; near picks (all taken) and reports: 1. Imported
    labels weigh ``IMPORT_LABEL_WEIGHT``: another site's moderators, another time.
    """
    s = moderation_settings
    if source == Source.AUDIT_RANDOM and s.AUDIT_SHARE > 0:
        return 1.0 / s.AUDIT_SHARE
    if source == Source.IMPORT:
        return float(s.IMPORT_LABEL_WEIGHT)
    return 1.0


def record_training_label(
    comment: Comment, *, action: str, by: Any, reason: str, source: str
) -> None:
    """Keep a moderator's decision as an example for retraining, with the model's view of it
    and how it came to be chosen (``source``, which sets its weight)."""
    verdict = _verdict(action, reason)
    if verdict is None:
        return
    TrainingLabel.objects.create(
        comment=comment,
        text=comment.text,
        author_name=comment.author_name,
        author_url=comment.author_url,
        author_email_domain=comment.author_email.rpartition("@")[2].lower(),
        action=action,
        is_spam=verdict[0],
        is_toxic=verdict[1],
        spam_score=comment.spam_score,
        toxicity_score=comment.toxicity_score,
        model_version=comment.model_version,
        moderator=by if getattr(by, "is_authenticated", False) else None,
        source=source,
        weight=label_weight(source),
    )


def transition(
    comment: Comment,
    to_status: str,
    *,
    action: str,
    by: Any,
    reason: str = "",
    actor: str = ModerationEvent.Actor.MODERATOR,
    source: str | None = None,
) -> Comment:
    """Change the status of ``comment`` under a row lock, with its audit event and signals;
    the label's ``source`` is how the comment came before the moderator unless given."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        event = ModerationEvent.objects.create(
            comment=locked,
            actor=actor,
            user=by,
            action=action,
            from_status=locked.status,
            to_status=to_status,
            reason=reason[:255],
            spam_score=locked.spam_score,
            toxicity_score=locked.toxicity_score,
            model_version=locked.model_version,
        )
        source = source or label_source(locked, locked.status)
        locked.status = to_status
        locked.decided_at = timezone.now()
        if locked.audit_pick and locked.audited_at is None and actor == event.Actor.MODERATOR:
            locked.audited_at = locked.decided_at  # a decided audit pick leaves the audit queue
        locked.save(update_fields=["status", "decided_at", "audited_at"])
        record_training_label(locked, action=action, by=by, reason=reason, source=source)
        announce_on_commit(locked, event)
    comment.status, comment.decided_at = locked.status, locked.decided_at
    return locked


def approve(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return transition(comment, Status.PUBLISHED, action="approved", by=by, reason=reason)


def reject(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return transition(comment, Status.REJECTED, action="rejected", by=by, reason=reason)


def mark_spam(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return transition(comment, Status.SPAM, action="marked_spam", by=by, reason=reason)


def mark_ham(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return transition(comment, Status.PUBLISHED, action="marked_ham", by=by, reason=reason)


def confirm_audit(comment: Comment, *, by: Any) -> Comment:
    """A moderator confirms a published audit pick: it stays published, and is kept as a
    label (neither spam nor toxic) with its audit event. Confirming again changes nothing."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if not Comment.objects.to_audit().filter(pk=locked.pk).exists():
            return locked  # no pick, already audited, or no longer published
        ModerationEvent.objects.create(
            comment=locked,
            actor=ModerationEvent.Actor.MODERATOR,
            user=by,
            action=AUDIT_CONFIRMED,
            from_status=locked.status,
            to_status=locked.status,
            reason=f"audit pick: {locked.audit_pick}",
            spam_score=locked.spam_score,
            toxicity_score=locked.toxicity_score,
            model_version=locked.model_version,
        )
        locked.audited_at = timezone.now()
        locked.save(update_fields=["audited_at"])
        source = label_source(locked, locked.status)
        record_training_label(locked, action=AUDIT_CONFIRMED, by=by, reason="", source=source)
    comment.audited_at = locked.audited_at
    return locked


def restore(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    """Put a decided comment back in the moderators' queue."""
    return transition(comment, Status.HELD, action="restored", by=by, reason=reason)


def add_author_rule(comment: Comment, *, kind: str, field: str, by: Any) -> AuthorRule:
    """Block or trust the author of ``comment`` by one of its ``author_keys``; trust only
    by what the author proved (``AuthorRule.PROVEN_FIELDS``)."""
    if kind == AuthorRule.Kind.TRUST and field not in AuthorRule.PROVEN_FIELDS:
        raise ValueError(f"trust binds to an account or a browser, not to {field}")
    value = dict(author_keys(comment)).get(field)
    if not value:
        raise ValueError(f"the comment has no {field} to {kind}")
    rule, _created = AuthorRule.objects.get_or_create(
        kind=kind,
        field=field,
        value=value,
        defaults={"created_by": by, "note": f"from comment {comment.pk}"},
    )
    return rule
