"""The private token returned to a comment's author, with which they may check its status."""

from __future__ import annotations

from collections.abc import Mapping

from django.core import signing
from django.utils.crypto import constant_time_compare

STATUS_SIGNATURE_SALT = "moderation.api.comment-status"


def status_token(comment_id: int) -> str:
    return signing.Signer(salt=STATUS_SIGNATURE_SALT).signature(str(comment_id))


def is_status_token(comment_id: int, token: str) -> bool:
    return constant_time_compare(status_token(comment_id), token)


TOKEN_HEADER = "X-Comment-Token"  # noqa: S105 (a header name, not a secret)


def author_token(request) -> str | None:
    """The token the author sent in the ``X-Comment-Token`` header or as ``token`` in the body.

    Never read from the query string: URLs end up in access logs, proxies and Referer headers.
    """
    token = request.headers.get(TOKEN_HEADER)
    if token is None and isinstance(request.data, Mapping):
        token = request.data.get("token")
    return token if isinstance(token, str) else None
