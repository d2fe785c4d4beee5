"""Hands work to the Celery workers: the one place the app publishes tasks from outside them.

Tasks are sent by name (``send_task``), not imported, so the layers that enqueue work
(services, receivers) never import ``tasks``, which imports them. The app's routing and
default queue apply (the tasks set no publishing options of their own). Publishing fails
fast: if the broker does not take a message, the caller is told (``False``) and nothing is
lost (pending comments stay pending for the sweeper).

A new comment needs no message of its own while a classification task waits in the queue:
that task takes the comments waiting longest when it starts. A key on the broker's Redis
marks one as waiting, so under load most comments cost one Redis command
instead of a published message.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from celery import current_app
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

_local = threading.local()

CLASSIFY_COMMENT = "moderation.tasks.classify_comment"
CLASSIFY_BATCH = "moderation.tasks.classify_batch"
NOTIFY_REPLIES = "moderation.tasks.notify_replies"
CONFIRM_REPLY_NOTIFICATIONS = "moderation.tasks.confirm_reply_notifications"

#: How long the key saying a classification task waits is trusted: a task lost with the
#: queue (purged, or a broker restarted with its data) holds new comments back no longer.
TASK_WAITING_SECONDS = 5

#: Per broker URL, the kombu connection and a Redis client on its server; None: not Redis.
_broker_redis_clients: dict[str, tuple[Any, Any] | None] = {}


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


def _broker_redis() -> Any:
    """A Redis client on the broker's server, made once per process and broker (None if the
    broker is not Redis); it shares the transport's options and key prefix."""
    url = current_app.conf.broker_url
    if url not in _broker_redis_clients:
        connection = current_app.connection_for_write()
        if connection.transport.driver_type != "redis":
            _broker_redis_clients[url] = None
        else:
            channel = connection.default_channel  # connects: raises if the broker is down
            _broker_redis_clients[url] = (connection, channel.Client(connection_pool=channel.pool))
    found = _broker_redis_clients[url]
    return found and found[1]


def warm_up() -> None:
    """Import the broker's transport and build Celery's producer pool (a tenth of a second)
    where a web process starts, not in its first reader's post. Nothing connects: a server
    that forks after this (gunicorn --preload) shares no socket between its workers."""
    current_app.connection_for_write().transport  # noqa: B018 (imports the transport)
    current_app.amqp.producer_pool  # noqa: B018 (finalizes the app, builds the pool)


def _task_waiting_key() -> str:
    return f"moderation:classification-waiting:{current_app.conf.task_default_queue}"


def _mark_connection(client: Any) -> Any:
    """This thread's own connection to the broker's Redis for the waiting mark, made on its
    first use in this process, outside the client's pool: one command on it costs half the
    client's call, which takes a pooled connection and checks it each time."""
    kept = getattr(_local, "mark_connection", None)
    if kept is None or kept[0] is not client or kept[1] != os.getpid():  # new broker, or forked
        pool = client.connection_pool
        kept = _local.mark_connection = (
            client,
            os.getpid(),
            pool.connection_class(**pool.connection_kwargs),
        )
    return kept[2]


def _mark_task_waiting() -> bool:
    """Mark a classification task as waiting; False if one already was (raises if the
    broker is down; the connection then reconnects on its next command)."""
    client = _broker_redis()
    if client is None:
        return True
    connection = _mark_connection(client)
    try:
        return _set_mark(connection)
    except RedisConnectionError:  # closed by the broker (a restart): once more, connected anew
        return _set_mark(connection)


def _set_mark(connection: Any) -> bool:
    connection.send_command("SET", _task_waiting_key(), 1, "NX", "EX", TASK_WAITING_SECONDS)
    return connection.read_response() is not None


def no_task_waiting() -> None:
    """Clear the mark: the classification task does as it starts, before it reads the
    pending comments, so that a comment stored from then on asks for a task of its own."""
    try:
        client = _broker_redis()
        if client is not None:
            client.delete(_task_waiting_key())
    except Exception:  # the mark expires by itself
        logger.warning("broker unavailable; the waiting-task mark expires by itself")


def enqueue_classification(comment_ids: list[int]) -> bool:
    """Ask the workers to classify; if the broker is down, the sweeper will ask again.

    One task, seeded with the first comment, unless one already waits in the queue: it
    takes the comments waiting longest, and asks for another if more than a batch wait.
    """
    classify = getattr(_local, "classify", None)
    if classify is not None:
        classify(comment_ids)
        return True
    try:
        if not _mark_task_waiting():
            return True
    except Exception:  # the broker is down
        return _left_for_sweeper(comment_ids)
    if _publish(CLASSIFY_COMMENT, (comment_ids[0],)):
        return True
    no_task_waiting()
    return _left_for_sweeper(comment_ids)


def _left_for_sweeper(comment_ids: list[int]) -> bool:
    logger.warning("broker unavailable; %d comment(s) left for the sweeper", len(comment_ids))
    return False


def classify_batch(comment_ids: list[int]) -> bool:
    """Ask one worker to classify these comments together; False if the broker refused."""
    return _publish(CLASSIFY_BATCH, (comment_ids,))


def notify_replies(comment_id: int) -> bool:
    """Ask a worker to mail the author of ``comment_id`` its new replies."""
    return _publish(NOTIFY_REPLIES, (comment_id,))


def confirm_reply_notifications(comment_id: int) -> bool:
    """Ask a worker to mail the author of ``comment_id`` the link that confirms their request."""
    return _publish(CONFIRM_REPLY_NOTIFICATIONS, (comment_id,))
