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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import redis
from celery import current_app
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

_local = threading.local()

CLASSIFY_COMMENT = "moderation.tasks.classify_comment"
CLASSIFY_BATCH = "moderation.tasks.classify_batch"
NOTIFY_REPLIES = "moderation.tasks.notify_replies"
CONFIRM_REPLY_NOTIFICATIONS = "moderation.tasks.confirm_reply_notifications"

#: How long the key saying a classification task waits is trusted: a task lost with the
#: queue (purged, or a broker restarted with its data) holds new comments back no longer.
TASK_WAITING_SECONDS = 5

#: Per broker URL, a Redis client on its server for the waiting mark; None: not Redis.
_mark_clients: dict[str, redis.Redis | None] = {}

#: The broker URL schemes that name a Redis server, as kombu reads them, and redis-py's.
_REDIS_SCHEMES = {"redis": "redis", "rediss": "rediss", "redis+socket": "unix"}

#: The broker's transport options a redis-py client takes under the same names; a Unix
#: socket has no connect timeout nor keepalive (kombu leaves them out too).
_CLIENT_OPTIONS = (
    "socket_timeout",
    "socket_connect_timeout",
    "socket_keepalive",
    "socket_keepalive_options",
    "health_check_interval",
    "client_name",
)
_TCP_ONLY_OPTIONS = ("socket_connect_timeout", "socket_keepalive", "socket_keepalive_options")


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


def _mark_client() -> redis.Redis | None:
    """The client of the broker's Redis for the waiting mark, made once per process and
    broker URL; None if the broker is not Redis."""
    conf = current_app.conf
    url = conf.broker_write_url or conf.broker_url or ""
    if url not in _mark_clients:
        _mark_clients[url] = _redis_client(url, conf.broker_transport_options or {})
    return _mark_clients[url]


def _redis_client(url: str, transport_options: dict) -> redis.Redis | None:
    """A redis-py client on the server of broker ``url`` (the first of a failover list), with
    the transport's socket options. It connects on its first command. Its pool makes new
    connections in a forked process and replaces a connection the server closed (a restart)
    before using it; it does not retry: a reader's post does not wait for a broker that is
    down (the comment waits for the sweeper)."""
    scheme, _, rest = url.split(";")[0].partition("://")
    if scheme not in _REDIS_SCHEMES:
        return None
    options = {
        name: transport_options[name] for name in _CLIENT_OPTIONS if name in transport_options
    }
    if _REDIS_SCHEMES[scheme] == "unix":
        options = {k: v for k, v in options.items() if k not in _TCP_ONLY_OPTIONS}
    elif scheme == "rediss" and isinstance(current_app.conf.broker_use_ssl, dict):
        options.update(current_app.conf.broker_use_ssl)
    return redis.Redis.from_url(
        f"{_REDIS_SCHEMES[scheme]}://{rest}", retry=Retry(NoBackoff(), 0), **options
    )


def warm_up() -> None:
    """Import the broker's transport and build Celery's producer pool (a tenth of a second)
    where a web process starts, not in its first reader's post. Nothing connects: a server
    that forks after this (gunicorn --preload) shares no socket between its workers."""
    current_app.connection_for_write().transport  # noqa: B018 (imports the transport)
    current_app.amqp.producer_pool  # noqa: B018 (finalizes the app, builds the pool)


def _task_waiting_key() -> str:
    prefix = (current_app.conf.broker_transport_options or {}).get("global_keyprefix", "")
    return f"{prefix}moderation:classification-waiting:{current_app.conf.task_default_queue}"


def _mark_task_waiting() -> bool:
    """Mark a classification task as waiting; False if one already was (raises if the
    broker is down)."""
    client = _mark_client()
    if client is None:
        return True
    return bool(client.set(_task_waiting_key(), 1, nx=True, ex=TASK_WAITING_SECONDS))


def no_task_waiting() -> None:
    """Clear the mark: the classification task does as it starts, before it reads the
    pending comments, so that a comment stored from then on asks for a task of its own."""
    try:
        client = _mark_client()
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
