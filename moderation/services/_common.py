"""Private helpers shared by the services modules: the after-commit announcement of
status changes, and the keys an author rule can match."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

from moderation import page_versions, signals
from moderation.models import AuthorRule, Comment, ModerationEvent, Status

_SIGNAL_FOR_STATUS: dict[str, Signal] = {
    Status.PUBLISHED: signals.comment_published,
    Status.HELD: signals.comment_held,
    Status.SPAM: signals.comment_rejected,
    Status.REJECTED: signals.comment_rejected,
}


def announce_on_commit(comment: Comment, event: ModerationEvent) -> None:
    """Send the status-change signals once the transaction commits."""
    announce_all_on_commit([(comment, event)])


def announce_all_on_commit(changes: list[tuple[Comment, ModerationEvent]]) -> None:
    """Send the status-change signals of many comments once the transaction commits; a
    target's cached pages are marked out of date once, however many of its comments changed."""

    def send_all() -> None:
        with page_versions.one_bump_per_target():
            for comment, event in changes:
                signals.comment_status_changed.send(sender=Comment, comment=comment, event=event)
                specific = _SIGNAL_FOR_STATUS.get(comment.status)
                if specific is not None:
                    specific.send(sender=Comment, comment=comment, event=event)

    transaction.on_commit(send_all)


def author_keys(comment: Comment) -> list[tuple[str, str]]:
    """The ``(field, value)`` pairs an author rule can match for ``comment``."""
    email = comment.author_email.lower()
    keys: list[tuple[str, str]] = [
        (AuthorRule.Field.EMAIL, email),
        (AuthorRule.Field.DOMAIN, email.rpartition("@")[2]),
    ]
    if comment.ip_address:
        keys.append((AuthorRule.Field.IP, comment.ip_address))
    if comment.user_id:
        keys.append((AuthorRule.Field.USER, str(comment.user_id)))
    if comment.reader_key:
        keys.append((AuthorRule.Field.READER, comment.reader_key))
    return keys
