"""Tasks are sent by name: every name the dispatcher sends is a task the workers run."""

from __future__ import annotations

from celery import current_app

from moderation import dispatch, tasks


def test_each_name_the_dispatcher_sends_is_the_registered_task():
    sent = {
        dispatch.CLASSIFY_COMMENT: tasks.classify_comment,
        dispatch.CLASSIFY_BATCH: tasks.classify_batch,
        dispatch.NOTIFY_REPLIES: tasks.notify_replies,
        dispatch.CONFIRM_REPLY_NOTIFICATIONS: tasks.confirm_reply_notifications,
    }
    for name, task in sent.items():
        assert current_app.tasks[name] is task._get_current_object()
