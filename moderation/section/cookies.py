"""The reader's cookies, all signed: the comments they posted from this browser (to show them
while pending and to let them edit), the name, email and website they asked to be remembered,
and the random token that tells one reporting browser from another (see ``client_ip``)."""

from __future__ import annotations

import json
import secrets
from typing import cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from moderation.conf import moderation_settings
from moderation.models import Comment

OWN_COMMENTS_COOKIE = "moderation_own"
OWN_COMMENTS_SALT = "moderation.own-comments"
_MAX_OWN = 50
REMEMBER_COOKIE = "moderation_author"
REMEMBER_SALT = "moderation.remember"
READER_COOKIE = "moderation_reader"
READER_SALT = "moderation.reader"
READER_COOKIE_AGE = 365 * 24 * 3600


def _set(request: HttpRequest, response: HttpResponse, name: str, value: str, **kwargs) -> None:
    """Set a signed cookie scripts cannot read, sent back on links from other sites."""
    response.set_signed_cookie(
        name, value, httponly=True, samesite="Lax", secure=request.is_secure(), **kwargs
    )


def _get(request: HttpRequest, name: str, salt: str, max_age: int | None = None) -> str:
    """The value of a signed cookie; "" when it is missing, forged or expired."""
    value = request.get_signed_cookie(name, default="", salt=salt, max_age=max_age)
    # The stub returns str | None whatever the default; Django returns the default given.
    return cast(str, value)


# The reader's own comments ------------------------------------------------------------------


def own_comment_ids(request: HttpRequest) -> list[int]:
    value = _get(
        request, OWN_COMMENTS_COOKIE, OWN_COMMENTS_SALT, moderation_settings.OWN_COMMENTS_COOKIE_AGE
    )
    return [int(pk) for pk in value.split(",") if pk.isdecimal()]


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    ids = [comment.pk, *own_comment_ids(request)][:_MAX_OWN]
    _set(
        request,
        response,
        OWN_COMMENTS_COOKIE,
        ",".join(map(str, ids)),
        salt=OWN_COMMENTS_SALT,
        max_age=moderation_settings.OWN_COMMENTS_COOKIE_AGE,
    )


# "Save my name, email and website" ----------------------------------------------------------


def remembered_author(request: HttpRequest) -> dict[str, str]:
    raw = _get(request, REMEMBER_COOKIE, REMEMBER_SALT, moderation_settings.REMEMBER_COOKIE_AGE)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: str(data[k]) for k in ("author", "email", "url") if k in data}


def update_remembered_author(
    request: HttpRequest, response: HttpResponse, cleaned: dict, consent: bool
) -> None:
    """Store name, email and website with consent; without it, forget what was stored."""
    if not consent:
        if REMEMBER_COOKIE in request.COOKIES:
            response.delete_cookie(REMEMBER_COOKIE, samesite="Lax")
        return
    value = json.dumps({k: cleaned.get(k) or "" for k in ("author", "email", "url")})
    _set(
        request,
        response,
        REMEMBER_COOKIE,
        value,
        salt=REMEMBER_SALT,
        max_age=moderation_settings.REMEMBER_COOKIE_AGE,
    )


# The reporting browser ----------------------------------------------------------------------


def browser_reader_key(request: HttpRequest) -> tuple[str, bool]:
    """The random token of this browser's signed cookie, and whether it is new."""
    token = _get(request, READER_COOKIE, READER_SALT)
    return (token, False) if token else (secrets.token_urlsafe(24), True)


def remember_reader(request: HttpRequest, response: HttpResponse, reader_key: str) -> None:
    """Give the browser its reader cookie (set on its first report)."""
    _set(request, response, READER_COOKIE, reader_key, salt=READER_SALT, max_age=READER_COOKIE_AGE)


# Private readers ----------------------------------------------------------------------------


def is_private_reader(request: HttpRequest) -> bool:
    """Whether the request carries this app's reader cookies, a session or a signed-in user:
    its pages may show what is the reader's own (a pending comment, remembered details), are
    never shared through a cache, and its posts need their CSRF token."""
    names = (OWN_COMMENTS_COOKIE, REMEMBER_COOKIE, READER_COOKIE, settings.SESSION_COOKIE_NAME)
    if any(name in request.COOKIES for name in names):
        return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)
