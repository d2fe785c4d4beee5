"""Bad ids anywhere are a 4xx, never a 500 (issue 18, row 8): every URL pattern of the site
(reader, API, admin) is requested with garbled values in its path and in the query parameters
the views read, anonymously and as a superuser, GET and POST."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from moderation.models import Comment, Status
from moderation.section.forms import sign_target
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

#: "²" passes str.isdigit() but not int(); a long number fits no column; the rest is not one.
BAD_VALUES = ["²", "abc", "9" * 40, "-1", "²-1", "999999-1"]
#: The query parameters the views read ids from, each given every bad value at once.
ID_PARAMETERS = ["target", "replytocom", "parent", "cpage", "p", "id", "content_type__id__exact"]
_GROUP = re.compile(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)")


def _routes(patterns, prefix: str = "") -> Iterator[str]:
    """Every route of the URLconf as written, converters and named groups included."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\", "")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def _urls(value: str) -> set[str]:
    """Every URL of the site with ``value`` in each path parameter; not the admin's logout,
    which would end the superuser's session half way."""
    routes = _routes(get_resolver().url_patterns)
    return {"/" + _GROUP.sub(value, route) for route in routes if "logout" not in route}


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client(HTTP_ACCEPT="text/html", raise_request_exception=False)
    client.force_login(User.objects.create_superuser("root", "root@example.org", "pw"))
    return client


@pytest.mark.slow
@pytest.mark.parametrize("value", BAD_VALUES)
def test_no_url_answers_a_garbled_id_with_a_500(an_article, superuser_client, value):
    make_comment(an_article, status=Status.PUBLISHED)
    anonymous = Client(HTTP_ACCEPT="text/html", raise_request_exception=False)
    failures = []
    for url in sorted(_urls(value)):  # the value in the path
        for client in (anonymous, superuser_client):
            for method in (client.get, client.post):
                if method(url).status_code >= 500:
                    failures.append(f"{method.__name__.upper()} {url}")
    pages = {url for url in _urls("") if "//" not in url} | {an_article.get_absolute_url()}
    for url in sorted(pages):  # the value in each query parameter, one at a time
        for name in ID_PARAMETERS:
            if superuser_client.get(url, {name: value}).status_code >= 500:
                failures.append(f"GET {url}?{name}={value}")
    assert failures == []


def test_the_sweep_reaches_the_reader_api_and_admin_urls():
    urls = _urls("²")
    assert {"/comments/²/edit/", "/api/comments/²/", "/admin/moderation/comment/²/moderate/"} <= (
        urls
    )


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("{page}?replytocom=%C2%B2", None),
        ("/comments/post/", {"parent": "²", "comment": "x", "author": "a", "email": "a@b.it"}),
        ("/comments/post/", {"parent": "²", "comment": "x", "author": "a", "email": "wrong"}),
        ("/api/comments/?target=articles.article:1", None),
        ("/admin/moderation/comment/?target=²-1", None),
        ("/admin/moderation/comment/?target=999999-1", None),
        ("/admin/moderation/comment/abc/moderate/", {"action": "approve"}),
    ],
)
def test_the_audits_bad_ids_are_answered_without_a_500(
    an_article, superuser_client, url, data, settings
):
    """The requests the audit found answered with a 500, one by one."""
    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"]}
    make_comment(an_article, status=Status.PUBLISHED)
    url = url.format(page=an_article.get_absolute_url())
    if data is None:
        response = superuser_client.get(url)
    else:
        response = superuser_client.post(url, {"target": sign_target(an_article), **data})
    assert response.status_code < 500
    assert Comment.objects.count() == 1
