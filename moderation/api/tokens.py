"""The private token returned to a comment's author, with which they may check its status."""

from __future__ import annotations

from django.core import signing
from django.utils.crypto import constant_time_compare

STATUS_SIGNATURE_SALT = "moderation.api.comment-status"


def status_token(comment_id: int) -> str:
    return signing.Signer(salt=STATUS_SIGNATURE_SALT).signature(str(comment_id))


def is_status_token(comment_id: int, token: str) -> bool:
    return constant_time_compare(status_token(comment_id), token)
