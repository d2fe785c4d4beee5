"""Tasks are sent by name: every name the dispatcher sends is a task the workers run. While a
classification task waits in the queue, new comments publish no message of their own."""

from __future__ import annotations

import os

import pytest
from celery import current_app
from django.test import Client

from moderation import dispatch, tasks
from tests.conftest import TEST_QUEUE


def test_each_name_the_dispatcher_sends_is_the_registered_task():
    sent = {
        dispatch.CLASSIFY_COMMENT: tasks.classify_comment,
        dispatch.CLASSIFY_BATCH: tasks.classify_batch,
        dispatch.NOTIFY_REPLIES: tasks.notify_replies,
        dispatch.CONFIRM_REPLY_NOTIFICATIONS: tasks.confirm_reply_notifications,
    }
    for name, task in sent.items():
        assert current_app.tasks[name] is task._get_current_object()


def queued() -> int:
    """How many messages wait in the tests' queue on the broker."""
    with current_app.connection_for_write() as connection:
        return connection.default_channel.queue_declare(TEST_QUEUE).message_count


@pytest.fixture
def post(an_article, post_comment, django_capture_on_commit_callbacks, settings):
    """Posts reader ``n``'s comment through the form, its hand-off run as it commits."""
    settings.MODERATION = {"FLOOD_INTERVAL": 0}

    def post_one(n: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            response = post_comment(
                Client(), an_article, comment=f"Commento numero {n}.", email=f"r{n}@example.org"
            )
        assert response.status_code == 303

    return post_one


@pytest.mark.slow
@pytest.mark.django_db
def test_comments_posted_while_a_task_waits_publish_no_message_of_their_own(broker, post):
    dispatch.no_task_waiting()  # as a worker does when it starts the last task queued
    before = queued()
    for n in range(3):
        post(n)
    assert queued() == before + 1  # the first comment's task will take the other two

    dispatch.no_task_waiting()  # a worker started that task: the next comment needs its own
    post(3)
    assert queued() == before + 2


@pytest.mark.slow
@pytest.mark.django_db
def test_after_the_broker_restarts_new_comments_are_handed_over_again(own_redis, post):
    """The connection each process keeps for the waiting mark is made again after it broke:
    the first comment after a restart is handed over as usual."""
    dispatch.no_task_waiting()
    post(0)  # marks on the kept connection
    own_redis.stop()
    own_redis.start()
    dispatch.no_task_waiting()  # the restarted broker holds no mark
    before = queued()
    post(1)
    assert queued() == before + 1
    post(2)
    assert queued() == before + 1


def test_the_mark_client_takes_the_brokers_server_and_socket_options_and_never_retries():
    options = {"socket_timeout": 0.5, "socket_connect_timeout": 1, "visibility_timeout": 300}
    tcp = dispatch._redis_client("redis://:secret@broker.example:6380/3", options)
    kwargs = tcp.connection_pool.connection_kwargs
    assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == (
        "broker.example",
        6380,
        3,
        "secret",
    )
    assert (kwargs["socket_timeout"], kwargs["socket_connect_timeout"]) == (0.5, 1)
    assert tcp.connection_pool.make_connection().retry.get_retries() == 0  # fails fast
    unix = dispatch._redis_client("redis+socket:///run/redis.sock", options)
    assert unix.connection_pool.connection_kwargs["path"] == "/run/redis.sock"
    assert unix.connection_pool.connection_kwargs["socket_timeout"] == 0.5
    assert dispatch._redis_client("amqp://guest@localhost//", options) is None


@pytest.mark.slow
def test_a_forked_process_marks_on_a_connection_of_its_own(broker):
    """A server that forks after its process marked (or warmed up) shares no socket with its
    workers: the child connects anew, and the parent's connection is left as it was."""
    dispatch.no_task_waiting()  # this process connects
    client = dispatch._mark_client()
    parent = client.client_id()
    pid = os.fork()
    if pid == 0:  # the child: exit status 0 if its connection is a new one
        code = 1
        try:
            code = 0 if client.client_id() != parent and dispatch._mark_task_waiting() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert client.client_id() == parent
    dispatch.no_task_waiting()
