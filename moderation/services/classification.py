"""Classification: score pending comments, let the policy decide, store the decisions once
each with their audit events; the classifier-unavailable fallback, batching and the sweep of
comments left pending; the candidates' shadow scores."""

from __future__ import annotations

import functools
import logging
import operator
from collections.abc import Sequence

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from moderation import dispatch, policy
from moderation.classifiers import CommentInput
from moderation.conf import moderation_settings
from moderation.learning import loaded_models, shadow
from moderation.models import AuthorRule, Comment, ModerationEvent, Status
from moderation.services import _bulk
from moderation.services._common import announce_all_on_commit, author_keys
from moderation.services.audit import audit_pick
from moderation.services.discussions import premoderated_targets
from moderation.services.submission import Submission

logger = logging.getLogger(__name__)


def classifier_input(source: Comment | Submission) -> CommentInput:
    """What the classifiers read of a saved comment or of a submission not yet saved."""
    return CommentInput(
        text=source.text,
        author_name=source.author_name,
        author_email=source.author_email,
        author_url=source.author_url,
    )


# Language-neutral, like every reason the policy records.
#: A comment's decision, the scores behind it and the words that weighed (held comments).
Verdict = tuple[policy.Decision, loaded_models.Scores | None, dict]

_BLOCK_REASONS: dict[str, str] = {
    AuthorRule.Field.EMAIL: "blocked email",
    AuthorRule.Field.DOMAIN: "blocked email domain",
    AuthorRule.Field.IP: "blocked IP",
    AuthorRule.Field.USER: "blocked account",
    AuthorRule.Field.READER: "blocked browser",
}


def _author_rules(
    comments: list[Comment],
) -> tuple[dict[tuple[str, str], str], set[tuple[str, str]]]:
    """The block and trust rules that apply to these comments' authors, fetched at once.

    Trust counts only on what an author proves (an account, a signed browser cookie): a
    trust rule on a typed email, its domain or an address is ignored."""
    values: dict[str, set[str]] = {}
    for comment in comments:
        for field, value in author_keys(comment):
            values.setdefault(field, set()).add(value)
    rules = AuthorRule.objects.filter(
        functools.reduce(
            operator.or_,
            (Q(field=field, value__in=found) for field, found in values.items()),
        )
    )
    blocked, trusted = {}, set()
    for rule in rules:
        if rule.kind == AuthorRule.Kind.BLOCK:
            blocked[(rule.field, rule.value)] = _BLOCK_REASONS[rule.field]
        elif rule.field in AuthorRule.PROVEN_FIELDS:
            trusted.add((rule.field, rule.value))
    return blocked, trusted


def _proven_author(comment: Comment) -> tuple[str, str] | None:
    """The account, else the browser, that posted ``comment``; None if it proved neither."""
    if comment.user_id:
        return AuthorRule.Field.USER, str(comment.user_id)
    if comment.reader_key:
        return AuthorRule.Field.READER, comment.reader_key
    return None


def _approved_counts(
    comments: list[Comment], rules: policy.PolicyRules
) -> dict[tuple[str, str], int]:
    """Published comments per proven author (``_proven_author``), for ``FIRST_COMMENTS_HELD``:
    a typed email would let anyone borrow an approved author's history."""
    if not rules.first_comments_held:
        return {}
    published = Comment.objects.filter(status=Status.PUBLISHED)
    users = {c.user_id for c in comments if c.user_id}
    readers = {c.reader_key for c in comments if c.reader_key and not c.user_id}
    by_user = published.filter(user_id__in=users).values("user_id").annotate(n=models.Count("pk"))
    by_reader = (
        published.filter(reader_key__in=readers).values("reader_key").annotate(n=models.Count("pk"))
    )
    return {
        **{(AuthorRule.Field.USER, str(row["user_id"])): row["n"] for row in by_user},
        **{(AuthorRule.Field.READER, row["reader_key"]): row["n"] for row in by_reader},
    }


def classify_comments(comment_ids: list[int]) -> int:
    """Score the pending comments among ``comment_ids`` and apply the policy's decisions.

    Raises ``ModelError`` when the models cannot be loaded, so that the caller may retry.
    Returns how many comments were decided.
    """
    pending = Comment.objects.filter(pk__in=comment_ids, status=Status.PENDING)
    comments = list(pending.defer("reasons", "explanation"))  # JSON the decision replaces
    if not comments:
        return 0
    scores = loaded_models.score([classifier_input(c) for c in comments])
    rules = policy.PolicyRules.from_settings(moderation_settings)
    blocked, trusted = _author_rules(comments)
    approved = _approved_counts(comments, rules)
    premoderated = premoderated_targets(comments)
    decisions: dict[int, Verdict] = {}
    facts_by_pk: dict[int, policy.Facts] = {}
    held, picks = [], {}
    for comment, s in zip(comments, scores, strict=True):
        keys = author_keys(comment)
        author = _proven_author(comment)
        facts = policy.Facts(
            text=comment.text,
            spam_score=s.spam,
            toxicity_score=s.toxicity,
            spam_threshold=s.spam_threshold,
            toxicity_threshold=s.toxicity_threshold,
            blocked_by=next((blocked[k] for k in keys if k in blocked), ""),
            trusted=any(k in trusted for k in keys),
            approved_before=approved.get(author, 0) if author else 0,
            premoderated=(comment.content_type_id, comment.object_pk) in premoderated,
        )
        decision = policy.decide(facts, rules)
        facts_by_pk[comment.pk] = facts
        decisions[comment.pk] = (decision, s, {})
        if decision.status == Status.HELD:
            held.append(comment)
        elif decision.status == Status.PUBLISHED:
            picks[comment.pk] = audit_pick(comment.pk, facts, rules)
    # The words behind the scores, for the moderators who will read a held comment.
    explanations = loaded_models.explain_many([classifier_input(comment) for comment in held])
    for comment, explanation in zip(held, explanations, strict=True):
        decision, comment_scores, _none = decisions[comment.pk]
        decisions[comment.pk] = (decision, comment_scores, explanation)
    decided = apply_decisions(decisions, scored=comments, audit_picks=picks)
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
        items = {c.pk: classifier_input(c) for c in comments}
        shadow.record_shadow_scores(items, facts, statuses, rules)
    except Exception:  # a broken candidate must not stop or retry the real classification
        logger.exception("shadow scoring failed")


#: What a decision writes on its comment.
_DECISION_FIELDS = (
    "status",
    "reasons",
    "explanation",
    "decided_at",
    "spam_score",
    "toxicity_score",
    "model_version",
    "audit_pick",
)


def apply_decisions(
    decisions: dict[int, Verdict],
    scored: Sequence[Comment] | None = None,
    audit_picks: dict[int, str] | None = None,
) -> int:
    """Store the classifier's decisions for comments still pending, exactly once each.

    With ``scored`` (the comments as they were scored), a comment whose text changed since
    (its author edited it meanwhile) is left pending for the classification its edit
    enqueued; the others are locked without being read again.
    ``audit_picks`` says which published comments go before the moderators to confirm.
    """
    now = timezone.now()
    with transaction.atomic():
        pending = Comment.objects.select_for_update(skip_locked=True).filter(
            pk__in=decisions, status=Status.PENDING
        )
        if scored is None:
            comments = list(pending)
        else:
            texts = dict(pending.values_list("pk", "text"))
            comments = [c for c in scored if c.pk in texts and texts[c.pk] == c.text]
        events = []
        for comment in comments:
            decision, scores, explanation = decisions[comment.pk]
            comment.status = decision.status
            comment.reasons = decision.reasons
            comment.explanation = {k: [list(t) for t in v] for k, v in explanation.items()}
            comment.decided_at = now
            comment.audit_pick = (audit_picks or {}).get(comment.pk, "")
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
        _bulk.update(comments, _DECISION_FIELDS)
        _bulk.insert(events)
        announce_all_on_commit(list(zip(comments, events, strict=True)))
    return len(comments)


def decide_unclassified(comment_ids: list[int]) -> int:
    """The classifier kept failing: hold the comments (or publish them, if the owner opted in,
    except on pre-moderated targets)."""
    unavailable = "classifier unavailable"
    if not moderation_settings.PUBLISH_UNCLASSIFIED:
        held = policy.Decision(Status.HELD, [unavailable])
        return apply_decisions({pk: (held, None, {}) for pk in comment_ids})
    published = policy.Decision(Status.PUBLISHED, [f"{unavailable}: published unchecked"])
    premoderated = policy.Decision(Status.HELD, [unavailable, policy.PREMODERATED_REASON])
    comments = list(Comment.objects.filter(pk__in=comment_ids))
    keys = premoderated_targets(comments)
    return apply_decisions(
        {
            c.pk: (
                premoderated if (c.content_type_id, c.object_pk) in keys else published,
                None,
                {},
            )
            for c in comments
        }
    )


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
