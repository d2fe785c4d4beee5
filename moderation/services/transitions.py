"""Moderators' actions. Every status change outside classification goes through
``transition``: a row lock, an audit event, a training label when the action is a verdict,
and the signals after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ..models import AuthorRule, Comment, ModerationEvent, RejectReason, Status, TrainingLabel
from ._common import announce_on_commit, author_keys

_REJECTION_VERDICTS: dict[str, tuple[bool | None, bool | None]] = {
    RejectReason.SPAM: (True, None),
    RejectReason.OFFENSIVE: (None, True),
}


#: WordPress's decisions as an import brings them (``moderation.wordpress``).
_WORDPRESS_VERDICTS: dict[str, tuple[bool | None, bool | None]] = {
    f"{TrainingLabel.IMPORTED_PREFIX}approved": (False, False),
    f"{TrainingLabel.IMPORTED_PREFIX}spam": (True, None),
}


def _verdict(action: str, reason: str) -> tuple[bool | None, bool | None] | None:
    """What a moderator's action says about a comment: (is spam, is toxic), None if nothing."""
    if action in _WORDPRESS_VERDICTS:
        return _WORDPRESS_VERDICTS[action]
    if action in ("approved", "marked_ham"):
        return False, False
    if action == "marked_spam":
        return True, None
    if action == "rejected":
        return _REJECTION_VERDICTS.get(reason, (None, None))
    return None  # e.g. "restored": back to the queue, no verdict


def record_training_label(comment: Comment, *, action: str, by: Any, reason: str) -> None:
    """Keep a moderator's decision as an example for retraining, with the model's view of it."""
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
    )


def transition(
    comment: Comment,
    to_status: str,
    *,
    action: str,
    by: Any,
    reason: str = "",
    actor: str = ModerationEvent.Actor.MODERATOR,
) -> Comment:
    """Change the status of ``comment`` under a row lock, with its audit event and signals."""
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
        locked.status = to_status
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        record_training_label(locked, action=action, by=by, reason=reason)
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


def restore(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    """Put a decided comment back in the moderators' queue."""
    return transition(comment, Status.HELD, action="restored", by=by, reason=reason)


def add_author_rule(comment: Comment, *, kind: str, field: str, by: Any) -> AuthorRule:
    """Block or trust the author of ``comment`` by email, email domain or IP."""
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
