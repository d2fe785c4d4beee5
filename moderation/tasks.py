"""Celery tasks: thin, idempotent, taking ids; the work is done by ``services``."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.signals import worker_init

from moderation import dispatch, notifications, services
from moderation.conf import moderation_settings
from moderation.learning import loaded_models

logger = logging.getLogger(__name__)


@worker_init.connect
def _preload_models(**kwargs: object) -> None:
    """The worker loads scikit-learn once, before it forks its pool."""
    loaded_models.preload()


def _classify_or_retry(task, comment_ids: list[int]) -> int:
    """Classify; on any classifier failure retry with backoff, then decide without scores."""
    try:
        return services.classify_comments(comment_ids)
    except Exception as exc:
        retries = task.request.retries
        if retries < moderation_settings.CLASSIFIER_MAX_RETRIES:
            logger.warning("classification failed (%s); retry %d", exc, retries + 1)
            raise task.retry(exc=exc, countdown=min(2**retries, 30)) from exc
        logger.error("classifier unavailable after %d retries: %s", retries, exc)
        return services.decide_unclassified(comment_ids)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def classify_comment(self, comment_id: int) -> int:
    """Classify a pending comment, with the others waiting longest, and apply the decisions;
    if a whole batch was taken, more may wait: ask for another task."""
    dispatch.no_task_waiting()
    batch = services.pending_batch(comment_id)
    decided = _classify_or_retry(self, batch)
    if len(batch) >= moderation_settings.BATCH_SIZE:
        dispatch.enqueue_classification(batch[-1:])
    return decided


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True)
def classify_batch(self, comment_ids: list[int]) -> int:
    """Classify many pending comments in one vectorised call (drains a backlog)."""
    return _classify_or_retry(self, comment_ids)


@shared_task
def sweep_pending() -> int:
    """Enqueue again comments left pending too long (e.g. the broker was down), each at most
    once per ``PENDING_SWEEP_AFTER``."""
    return services.requeue_stale_pending()


@shared_task
def send_held_digest() -> int:
    """Mail the moderators one digest of newly held comments, at most once per interval."""
    return notifications.send_held_digest()


@shared_task
def notify_replies(comment_id: int) -> int:
    """Mail the author of a comment its new replies; within the interval, try again after it."""
    sent, wait = notifications.send_reply_digest(comment_id)
    if wait is not None:
        notify_replies.apply_async((comment_id,), countdown=wait)
    return sent


@shared_task
def confirm_reply_notifications(comment_id: int) -> bool:
    """Mail the author who asked for reply notifications the link that turns them on."""
    return notifications.send_reply_confirmation(comment_id)


@shared_task
def erase_expired_personal_data() -> int:
    """Erase IP addresses and user agents older than the retention period."""
    return services.erase_expired_personal_data()


@shared_task
def retrain_classifiers() -> list[str]:
    """Weekly, if ``AUTO_RETRAIN``: train a candidate per task on the moderators' labels."""
    from pathlib import Path

    from moderation.learning.retraining import train_candidate
    from moderation.learning.versions import RegistryError

    if not moderation_settings.AUTO_RETRAIN:
        return []
    data_dir = moderation_settings.RETRAIN_DATA_DIR
    versions = []
    for task in ("spam", "toxicity"):
        try:
            result = train_candidate(task, data_dir=Path(data_dir) if data_dir else None)
        except RegistryError as exc:
            logger.info("no %s candidate trained: %s", task, exc)
            continue
        versions.append(result.version.version)
    return versions
