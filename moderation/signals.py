"""Signals that announce what happened to a comment. They inform; they never decide.

Every signal is sent with ``sender=Comment`` after the change is committed.
"""

from django.dispatch import Signal

#: A reader submitted a comment; it is saved as pending. Arguments: ``comment``.
comment_submitted = Signal()

#: A comment became public. Arguments: ``comment``, ``event`` (the ModerationEvent).
comment_published = Signal()

#: A comment was held for a moderator. Arguments: ``comment``, ``event``.
comment_held = Signal()

#: A comment was marked as spam or rejected. Arguments: ``comment``, ``event``.
comment_rejected = Signal()

#: Any status change, including the ones above. Arguments: ``comment``, ``event``.
comment_status_changed = Signal()
