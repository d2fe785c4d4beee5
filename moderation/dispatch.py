"""Hands work to the Celery workers: the one place the app publishes tasks from outside them.

Tasks are sent by name (``send_task``), not imported, so the layers that enqueue work
(services, receivers) never import ``tasks``, which imports them. The app's routing and
default queue apply (the tasks set no publishing options of their own). Publishing fails
fast: if the broker does not take a message, the caller is told (``False``) and nothing is
lost (pending comments stay pending for the sweeper).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from celery import current_app

logger = logging.getLogger(__name__)

_local = threading.local()

CLASSIFY_COMMENT = "moderation.tasks.classify_comment"
CLASSIFY_BATCH = "moderation.tasks.classify_batch"
NOTIFY_REPLIES = "moderation.tasks.notify_replies"
CONFIRM_REPLY_NOTIFICATIONS = "moderation.tasks.confirm_reply_notifications"


def _publish(task_name: str, args: tuple) -> bool:
    """Hand one message to the broker, failing fast; False if the broker did not take it."""
    try:
        current_app.send_task(task_name, args, retry=False)
    except Exception:  # any broker failure: the caller decides what waits for later
        return False
    return True


@contextmanager
def classifying_in_process(classify: Callable[[list[int]], object]) -> Iterator[None]:
    """Within the block, this thread classifies new comments itself with ``classify`` (the
    service the task calls) instead of asking the workers: a replay needs no broker."""
    _local.classify = classify
    try:
        yield
    finally:
        del _local.classify


def enqueue_classification(comment_ids: list[int]) -> bool:
    """Ask the workers to classify; if the broker is down, the sweeper will ask again."""
    classify = getattr(_local, "classify", None)
    if classify is not None:
        classify(comment_ids)
        return True
    for pk in comment_ids:
        if not _publish(CLASSIFY_COMMENT, (pk,)):
            logger.warning(
                "broker unavailable; %d comment(s) left for the sweeper", len(comment_ids)
            )
            return False
    return True


def classify_batch(comment_ids: list[int]) -> bool:
    """Ask one worker to classify these comments together; False if the broker refused."""
    return _publish(CLASSIFY_BATCH, (comment_ids,))


def notify_replies(comment_id: int) -> bool:
    """Ask a worker to mail the author of ``comment_id`` its new replies."""
    return _publish(NOTIFY_REPLIES, (comment_id,))


def confirm_reply_notifications(comment_id: int) -> bool:
    """Ask a worker to mail the author of ``comment_id`` the link that confirms their request."""
    return _publish(CONFIRM_REPLY_NOTIFICATIONS, (comment_id,))
