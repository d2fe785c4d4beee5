"""Why a reader's comment or action was refused: the message is meant for the reader, the
status code for the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: The answer to a client over the posting rate, whether it posts or edits.
TOO_FAST_MESSAGE = _("You are posting comments too quickly. Slow down.")


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


class TargetGone(CommentError):
    """The commented object was deleted since the page was shown."""

    status_code = 404


class EditWindowClosed(CommentError):
    status_code = 403


class AlreadyReported(CommentError):
    status_code = 409
