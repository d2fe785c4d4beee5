"""The actions on comments, each written once and called by views, admin, API and tasks.

Nothing else changes a comment's status: every change goes through ``_transition`` or
``apply_decisions`` and leaves a ``ModerationEvent``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import Exists, Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from . import dispatch, loaded_models, policy, signals
from .classifiers import CommentInput
from .conf import moderation_settings
from .learning import shadow
from .models import (
    AuthorRule,
    Comment,
    CommentReport,
    ModerationEvent,
    RejectReason,
    Status,
    TrainingLabel,
)

logger = logging.getLogger(__name__)


class CommentError(Exception):
    """A comment that cannot be accepted; the message is meant for the reader."""

    status_code = 400

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


class CommentsClosed(CommentError):
    status_code = 403


class DuplicateComment(CommentError):
    status_code = 409


class TooFast(CommentError):
    status_code = 429


class InvalidParent(CommentError):
    status_code = 400


class EditWindowClosed(CommentError):
    status_code = 403


class AlreadyReported(CommentError):
    status_code = 409


@dataclass(frozen=True)
class Submission:
    """A reader's comment as it arrives from the form or the API, already validated."""

    target: models.Model
    author_name: str
    author_email: str
    text: str
    author_url: str = ""
    parent: Comment | None = None
    ip_address: str | None = None
    user_agent: str = ""
    language: str = ""
    user: Any = None
    notify_replies: bool = False  # the reader consented to mail about replies


# Reading comments -------------------------------------------------------------------------


def comments_open(target: models.Model) -> bool:
    days = moderation_settings.CLOSE_AFTER_DAYS
    published = getattr(target, moderation_settings.TARGET_DATE_FIELD, None)
    if days is None or published is None:
        return True
    return timezone.now() < published + timedelta(days=days)


# Submitting -------------------------------------------------------------------------------


def _flood_query(sub: Submission) -> models.QuerySet[Comment] | None:
    """The author's comments within the flood interval, or None if flood control is off."""
    interval = moderation_settings.FLOOD_INTERVAL
    if not interval:
        return None
    keys = Q()
    if "ip" in moderation_settings.FLOOD_KEYS and sub.ip_address:
        keys |= Q(ip_address=sub.ip_address)
    if "email" in moderation_settings.FLOOD_KEYS:
        keys |= Q(author_email__iexact=sub.author_email)
    if not keys:
        return None
    since = timezone.now() - timedelta(seconds=interval)
    return Comment.objects.filter(keys, created_at__gte=since)


def _check_submission(sub: Submission) -> None:
    if not comments_open(sub.target):
        raise CommentsClosed(_("Comments are closed."))
    content_type = ContentType.objects.get_for_model(sub.target)
    if sub.parent is not None:
        target_key = (content_type.id, str(sub.target.pk))
        same_target = (sub.parent.content_type_id, sub.parent.object_pk) == target_key
        if not same_target or sub.parent.status != Status.PUBLISHED:
            raise InvalidParent(_("The comment you are replying to does not exist."))
        if sub.parent.depth + 1 >= moderation_settings.MAX_THREAD_DEPTH:
            raise InvalidParent(_("This thread cannot take more replies."))
    checks = {
        "duplicate": Exists(
            Comment.objects.for_target(sub.target).filter(
                Q(author_email__iexact=sub.author_email) | Q(author_name=sub.author_name),
                text=sub.text,
            )
        )
    }
    flood = _flood_query(sub)
    if flood is not None:
        checks["flood"] = Exists(flood)
    # Both checks in one round trip: a single row holding two EXISTS subqueries. Each is
    # uncorrelated, so the database plans it as it would alone, on its own index (one
    # WHERE with the two conditions ORed could scan the table). The ORM only selects FROM
    # a table: the row of the target's ContentType, which always exists (get_for_model
    # fetched or created it), carries them. A duplicate is reported before a flood.
    found = ContentType.objects.filter(pk=content_type.pk).values(**checks).get()
    if found["duplicate"]:
        raise DuplicateComment(
            _("Duplicate comment detected; it looks as though you’ve already said that!")
        )
    if found.get("flood"):
        raise TooFast(_("You are posting comments too quickly. Slow down."))


def _new_comment(sub: Submission, status: str) -> Comment:
    parent = sub.parent
    comment = Comment(
        content_type=ContentType.objects.get_for_model(sub.target),
        object_pk=str(sub.target.pk),
        parent=parent,
        # The thread's top-level comment; NULL for a top-level one, so that one INSERT
        # writes the comment. A top-level parent has no root (or itself, if written by
        # code older than migration 0007), hence ``or parent.pk``.
        root_id=(parent.root_id or parent.pk) if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user=sub.user if getattr(sub.user, "is_authenticated", False) else None,
        author_name=sub.author_name,
        author_email=sub.author_email,
        author_url=sub.author_url,
        text=sub.text,
        ip_address=sub.ip_address,
        user_agent=sub.user_agent[:255],
        language=sub.language[:10],
        status=status,
        notify_replies=sub.notify_replies,
        notify_replies_at=timezone.now() if sub.notify_replies else None,
    )
    comment.save()
    return comment


def submit_comment(sub: Submission) -> Comment:
    """Check and save a reader's comment as pending; classification is enqueued on commit."""
    with transaction.atomic():
        _check_submission(sub)
        comment = _new_comment(sub, Status.PENDING)
        ModerationEvent.objects.create(
            comment=comment,
            actor=ModerationEvent.Actor.READER,
            action="submitted",
            to_status=Status.PENDING,
        )
        transaction.on_commit(lambda: dispatch.enqueue_classification([comment.pk]))
        transaction.on_commit(
            lambda: signals.comment_submitted.send(sender=Comment, comment=comment)
        )
    return comment


def submit_trapped_spam(sub: Submission, reason: str) -> Comment:
    """Keep a comment caught by a trap (the honeypot) as spam, without classifying it."""
    with transaction.atomic():
        comment = _new_comment(sub, Status.SPAM)
        ModerationEvent.objects.create(
            comment=comment,
            actor=ModerationEvent.Actor.SYSTEM,
            action="trapped",
            to_status=Status.SPAM,
            reason=reason,
            reasons=[reason],
        )
    return comment


# Classification ---------------------------------------------------------------------------


def _as_input(comment: Comment) -> CommentInput:
    return CommentInput(
        text=comment.text,
        author_name=comment.author_name,
        author_email=comment.author_email,
        author_url=comment.author_url,
    )


# Language-neutral, like every reason the policy records.
_BLOCK_REASONS = {
    AuthorRule.Field.EMAIL: "blocked email",
    AuthorRule.Field.DOMAIN: "blocked email domain",
    AuthorRule.Field.IP: "blocked IP",
}


def _author_rules(
    comments: list[Comment],
) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
    """The block and trust rules that apply to these comments' authors, fetched at once."""
    emails = {c.author_email.lower() for c in comments}
    domains = {e.rpartition("@")[2] for e in emails}
    ips = {c.ip_address for c in comments if c.ip_address}
    rules = AuthorRule.objects.filter(
        Q(field=AuthorRule.Field.EMAIL, value__in=emails)
        | Q(field=AuthorRule.Field.DOMAIN, value__in=domains)
        | Q(field=AuthorRule.Field.IP, value__in=ips)
    )
    blocked, trusted = {}, set()
    for rule in rules:
        if rule.kind == AuthorRule.Kind.BLOCK:
            blocked[(rule.field, rule.value)] = _BLOCK_REASONS[rule.field]
        else:
            trusted.add((rule.field, rule.value))
    return blocked, trusted


def _author_keys(comment: Comment) -> list[tuple[str, str]]:
    email = comment.author_email.lower()
    keys = [(AuthorRule.Field.EMAIL, email), (AuthorRule.Field.DOMAIN, email.rpartition("@")[2])]
    if comment.ip_address:
        keys.append((AuthorRule.Field.IP, comment.ip_address))
    return keys


def _approved_counts(comments: list[Comment], rules: policy.PolicyRules) -> dict[str, int]:
    if not rules.first_comments_held:
        return {}
    emails = {c.author_email.lower() for c in comments}
    rows = (
        Comment.objects.filter(author_email__in=emails, status=Status.PUBLISHED)
        .values("author_email")
        .annotate(n=models.Count("pk"))
    )
    return {row["author_email"].lower(): row["n"] for row in rows}


def classify_comments(comment_ids: list[int]) -> int:
    """Score the pending comments among ``comment_ids`` and apply the policy's decisions.

    Raises ``ModelError`` when the models cannot be loaded, so that the caller may retry.
    Returns how many comments were decided.
    """
    comments = list(Comment.objects.filter(pk__in=comment_ids, status=Status.PENDING))
    if not comments:
        return 0
    scores = loaded_models.score([_as_input(c) for c in comments])
    rules = policy.PolicyRules.from_settings()
    blocked, trusted = _author_rules(comments)
    approved = _approved_counts(comments, rules)
    decisions, facts_by_pk = {}, {}
    held = []
    for comment, s in zip(comments, scores, strict=True):
        keys = _author_keys(comment)
        facts = policy.Facts(
            text=comment.text,
            spam_score=s.spam,
            toxicity_score=s.toxicity,
            spam_threshold=s.spam_threshold,
            toxicity_threshold=s.toxicity_threshold,
            blocked_by=next((blocked[k] for k in keys if k in blocked), ""),
            trusted=any(k in trusted for k in keys),
            approved_before=approved.get(comment.author_email.lower(), 0),
        )
        decision = policy.decide(facts, rules)
        facts_by_pk[comment.pk] = facts
        decisions[comment.pk] = (decision, s, {})
        if decision.status == Status.HELD:
            held.append(comment)
    # The words behind the scores, for the moderators who will read a held comment.
    explanations = loaded_models.explain_many([_as_input(comment) for comment in held])
    for comment, explanation in zip(held, explanations, strict=True):
        decision, s, _none = decisions[comment.pk]
        decisions[comment.pk] = (decision, s, explanation)
    decided = apply_decisions(decisions, scored_texts={c.pk: c.text for c in comments})
    statuses = {pk: d.status for pk, (d, _s, _e) in decisions.items()}
    _shadow_score(comments, facts_by_pk, statuses, rules)
    return decided


def _shadow_score(
    comments: list[Comment],
    facts: dict[int, policy.Facts],
    statuses: dict[int, str],
    rules: policy.PolicyRules,
) -> None:
    """Let the candidate models score beside the active ones; never changes a comment."""
    try:
        items = {c.pk: _as_input(c) for c in comments}
        shadow.record_shadow_scores(items, facts, statuses, rules)
    except Exception:  # a broken candidate must not stop or retry the real classification
        logger.exception("shadow scoring failed")


_DECISION_FIELDS = (
    "status",
    "reasons",
    "explanation",
    "decided_at",
    "spam_score",
    "toxicity_score",
    "model_version",
)


def _store_decisions(comments: list[Comment]) -> None:
    """Write the decision fields of many rows with one statement sent many times.

    ``executemany`` pipelines the rows (psycopg) instead of a round trip each, and skips the
    CASE expressions that make ``bulk_update`` slow; each field adapts its own values.
    """
    fields = [Comment._meta.get_field(name) for name in _DECISION_FIELDS]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    table, pk = quote(Comment._meta.db_table), quote(Comment._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608 (quoted model names)
    rows = [
        [field.get_db_prep_save(getattr(c, field.attname), connection) for field in fields] + [c.pk]
        for c in comments
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def apply_decisions(
    decisions: dict[int, tuple[policy.Decision, loaded_models.Scores | None, dict]],
    scored_texts: dict[int, str] | None = None,
) -> int:
    """Store the classifier's decisions for comments still pending, exactly once each.

    With ``scored_texts``, a comment whose text changed since it was scored (its author
    edited it meanwhile) is left pending for the classification its edit enqueued.
    """
    now = timezone.now()
    with transaction.atomic():
        comments = [
            c
            for c in Comment.objects.select_for_update(skip_locked=True).filter(
                pk__in=decisions, status=Status.PENDING
            )
            if scored_texts is None or scored_texts.get(c.pk) == c.text
        ]
        events = []
        for comment in comments:
            decision, scores, explanation = decisions[comment.pk]
            comment.status = decision.status
            comment.reasons = decision.reasons
            comment.explanation = {k: [list(t) for t in v] for k, v in explanation.items()}
            comment.decided_at = now
            if scores is not None:
                comment.spam_score, comment.toxicity_score = scores.spam, scores.toxicity
                comment.model_version = scores.model_version
            events.append(
                ModerationEvent(
                    comment=comment,
                    actor=ModerationEvent.Actor.CLASSIFIER,
                    action="classified",
                    from_status=Status.PENDING,
                    to_status=decision.status,
                    reason="; ".join(decision.reasons)[:255],
                    reasons=decision.reasons,
                    spam_score=comment.spam_score,
                    toxicity_score=comment.toxicity_score,
                    model_version=comment.model_version,
                )
            )
        _store_decisions(comments)
        ModerationEvent.objects.bulk_create(events)
        for comment, event in zip(comments, events, strict=True):
            _announce_on_commit(comment, event)
    return len(comments)


def decide_unclassified(comment_ids: list[int]) -> int:
    """The classifier kept failing: hold the comments (or publish them, if the owner opted in)."""
    if moderation_settings.PUBLISH_UNCLASSIFIED:
        decision = policy.Decision(
            Status.PUBLISHED, ["classifier unavailable: published unchecked"]
        )
    else:
        decision = policy.Decision(Status.HELD, ["classifier unavailable"])
    return apply_decisions({pk: (decision, None, {}) for pk in comment_ids})


def pending_batch(comment_id: int) -> list[int]:
    """``comment_id`` and the comments waiting longest, up to ``BATCH_SIZE`` in all.

    Under load a worker so decides the queue in vectorised batches; the tasks of the others
    then find their comment decided and return at once.
    """
    others = (
        Comment.objects.filter(status=Status.PENDING)
        .exclude(pk=comment_id)
        .order_by("created_at")
        .values_list("pk", flat=True)[: moderation_settings.BATCH_SIZE - 1]
    )
    return [comment_id, *others]


overdue_pending = Comment.objects.overdue  # moved: merge fixes callers


def stale_pending_ids(limit: int = 10_000) -> list[int]:
    return list(Comment.objects.stale().order_by("created_at").values_list("pk", flat=True)[:limit])


def requeue_stale_pending() -> int:
    """Enqueue the stale pending comments again, in batches of ``BATCH_SIZE``.

    A batch is marked (``requeued_at``) only once the broker has taken it, so a backlog is
    not enqueued again on every pass; if the broker is down, the rest stay unmarked for the
    next pass. Returns how many comments were enqueued.
    """
    ids = stale_pending_ids()
    size = moderation_settings.BATCH_SIZE
    for start in range(0, len(ids), size):
        batch = ids[start : start + size]
        if not dispatch.classify_batch(batch):
            logger.warning(
                "broker unavailable; %d stale comment(s) left for the next sweep",
                len(ids) - start,
            )
            return start
        Comment.objects.filter(pk__in=batch, status=Status.PENDING).update(
            requeued_at=timezone.now()
        )
    return len(ids)


# Moderators' actions ----------------------------------------------------------------------

_SIGNAL_FOR_STATUS = {
    Status.PUBLISHED: signals.comment_published,
    Status.HELD: signals.comment_held,
    Status.SPAM: signals.comment_rejected,
    Status.REJECTED: signals.comment_rejected,
}


def _announce_on_commit(comment: Comment, event: ModerationEvent) -> None:
    def send() -> None:
        signals.comment_status_changed.send(sender=Comment, comment=comment, event=event)
        specific = _SIGNAL_FOR_STATUS.get(comment.status)
        if specific is not None:
            specific.send(sender=Comment, comment=comment, event=event)

    transaction.on_commit(send)


def _verdict(action: str, reason: str) -> tuple[bool | None, bool | None] | None:
    """What a moderator's action says about a comment: (is spam, is toxic), None if nothing."""
    if action in ("approved", "marked_ham"):
        return False, False
    if action == "marked_spam":
        return True, None
    if action == "rejected":
        return {RejectReason.SPAM: (True, None), RejectReason.OFFENSIVE: (None, True)}.get(
            reason, (None, None)
        )
    return None  # e.g. "restored": back to the queue, no verdict


def _record_training_label(comment: Comment, *, action: str, by: Any, reason: str) -> None:
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


def _transition(
    comment: Comment,
    to_status: str,
    *,
    action: str,
    by: Any,
    reason: str = "",
    actor: str = ModerationEvent.Actor.MODERATOR,
) -> Comment:
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
        _record_training_label(locked, action=action, by=by, reason=reason)
        _announce_on_commit(locked, event)
    comment.status, comment.decided_at = locked.status, locked.decided_at
    return locked


def approve(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return _transition(comment, Status.PUBLISHED, action="approved", by=by, reason=reason)


def reject(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return _transition(comment, Status.REJECTED, action="rejected", by=by, reason=reason)


def mark_spam(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return _transition(comment, Status.SPAM, action="marked_spam", by=by, reason=reason)


def mark_ham(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    return _transition(comment, Status.PUBLISHED, action="marked_ham", by=by, reason=reason)


def restore(comment: Comment, *, by: Any, reason: str = "") -> Comment:
    """Put a decided comment back in the moderators' queue."""
    return _transition(comment, Status.HELD, action="restored", by=by, reason=reason)


def add_author_rule(comment: Comment, *, kind: str, field: str, by: Any) -> AuthorRule:
    """Block or trust the author of ``comment`` by email, email domain or IP."""
    value = dict(_author_keys(comment)).get(field)
    if not value:
        raise ValueError(f"the comment has no {field} to {kind}")
    rule, _created = AuthorRule.objects.get_or_create(
        kind=kind,
        field=field,
        value=value,
        defaults={"created_by": by, "note": f"from comment {comment.pk}"},
    )
    return rule


# Readers' own actions: edit, delete, report, stop reply notifications (docs/readers.md) ---

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

    The previous text stays in the audit trail for moderators.
    """
    with transaction.atomic():
        locked = _lock_editable(comment)
        if text == locked.text:
            return locked
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
        locked.save()
        transaction.on_commit(lambda: dispatch.enqueue_classification([locked.pk]))
        _announce_on_commit(locked, event)
    return locked


def delete_by_author(comment: Comment) -> Comment:
    """The author withdraws the comment: it is rejected, never shown, and the trail says why."""
    with transaction.atomic():
        locked = _lock_editable(comment)
        return _transition(
            locked,
            Status.REJECTED,
            action="deleted",
            by=None,
            reason=DELETED_BY_AUTHOR,
            actor=ModerationEvent.Actor.READER,
        )


def report_comment(
    comment: Comment, *, reason: str, note: str, reader_key: str, network_key: str
) -> CommentReport:
    """Record a reader's report; enough reports since the last decision hold the comment."""
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.status != Status.PUBLISHED:
            raise CommentError(_("This comment cannot be reported."))
        same_reader = Q(reader_key=reader_key)
        if network_key:
            same_reader |= Q(network_key=network_key)
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
        if threshold and since_decision.count() >= threshold:
            _transition(
                locked,
                Status.HELD,
                action="reported",
                by=None,
                reason=REPORTED_BY_READERS,
                actor=ModerationEvent.Actor.SYSTEM,
            )
    return report


def stop_reply_notifications(comment: Comment) -> None:
    """Withdraw the author's consent to mail about replies to ``comment``."""
    Comment.objects.filter(pk=comment.pk).update(notify_replies=False, notify_replies_at=None)


# Privacy ----------------------------------------------------------------------------------


def erase_expired_personal_data() -> int:
    """Blank the IP address and user agent of comments older than the retention period."""
    cutoff = timezone.now() - timedelta(days=moderation_settings.IP_RETENTION_DAYS)
    return (
        Comment.objects.filter(created_at__lt=cutoff)
        .exclude(ip_address=None, user_agent="")
        .update(ip_address=None, user_agent="")
    )


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
    erased; the text too with ``remove_text`` (else it stays, published or not, without a
    name). The comments' training labels lose the author's details, or are deleted with
    ``remove_text``. Each comment gets a ``ModerationEvent`` "erased" (actor: system).
    """
    with transaction.atomic():
        comments = list(commenter_comments(email).select_for_update())
        for comment in comments:
            with translation.override(comment.language or settings.LANGUAGE_CODE):
                comment.author_name = str(ERASED_AUTHOR_NAME)
                if remove_text:
                    comment.text = str(ERASED_TEXT)
                    comment.explanation = {}
            comment.author_email = f"erased-{comment.pk}@{ERASED_EMAIL_DOMAIN}"
            comment.author_url = ""
            comment.ip_address = None
            comment.user_agent = ""
            comment.user = None
        Comment.objects.bulk_update(
            comments,
            [
                "author_name",
                "author_email",
                "author_url",
                "ip_address",
                "user_agent",
                "user",
                "text",
                "explanation",
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
    return len(comments)
