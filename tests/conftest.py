"""Shared fixtures: sample targets and users, the real Redis broker and a real Celery worker."""

from __future__ import annotations

import html
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from moderation.section.forms import forget_recent_targets
from moderation.section.second_thought import acknowledgement
from project.articles.models import Article
from project.embedded_redis import EmbeddedRedis
from tests.helpers import (
    Broker,
    WorkerProcess,
    database_url_for_subprocess,
    point_producer_at,
    token_client,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Every test session gets its own queue, so that parallel runs on one Redis never mix.
TEST_QUEUE = f"moderation-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real hashing costs a second per user; the tests do not test Django's hashers."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _site_language():
    """Requests handled in the test thread leave their language active: start each test clean."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_caches():
    """Cached pages, comment versions and the objects a process read lately outlive a test's
    database: each test starts without."""
    for cache in caches.all():
        cache.clear()
    forget_recent_targets()


@pytest.fixture
def an_article(db) -> Article:
    return Article.objects.create(
        title="Nuova pista ciclabile lungo il fiume",
        slug="pista-ciclabile",
        body="Aperto il primo tratto.",
    )


@pytest.fixture
def another_article(db) -> Article:
    return Article.objects.create(title="Il mercato coperto riapre", slug="mercato", body="...")


@pytest.fixture
def a_moderator(db) -> User:
    user = User.objects.create_user("mod", "mod@example.org", "pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))
    return user


@pytest.fixture
def a_staff_member(db) -> User:
    """Staff, but without the permission to moderate."""
    return User.objects.create_user("staff", "staff@example.org", "pw-for-tests", is_staff=True)


@pytest.fixture
def a_reader(db) -> User:
    return User.objects.create_user("reader", "reader@example.org")


@pytest.fixture
def api() -> APIClient:
    """A client of the REST API, in English."""
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def a_moderators_client(a_moderator) -> APIClient:
    """A client of the REST API with the moderator's token."""
    return token_client(a_moderator)


@pytest.fixture
def italian_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="it")


@pytest.fixture
def english_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of the comment form in a rendered page (target, csrf token)."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


@pytest.fixture
def post_comment():
    """Post a comment through the article page's form, as a browser would.

    If a second thought is asked, the reader posts anyway (``second_thought`` is the "post
    anyway" button), so that tests of everything else see the classic flow; the tests of the
    prompt pass ``acknowledge=False``.
    """

    def post(
        client: Client, article: Article, *, acknowledge: bool = True, query: str = "", **fields
    ):
        page = client.get(article.get_absolute_url() + query).content.decode()
        hidden = form_fields(page)
        # The form's action, as the page wrote it (a closed discussion shows no form).
        form = re.search(r'<form action="([^"]+)" method="post" id="commentform"', page)
        action = html.unescape(form[1]) if form else "/comments/post/"
        data = {
            "comment": "Bella iniziativa, finalmente una pista sicura.",
            "author": "Anna",
            "email": "anna@example.org",
            "url": "",
            "target": hidden["target"],
            **fields,
        }
        if acknowledge and isinstance(data["comment"], str):
            data.setdefault("second_thought", acknowledgement(data["comment"]))
        return client.post(action, {k: v for k, v in data.items() if v is not None})

    return post


# Real broker and worker ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> Broker:
    """The machine's Redis at REDIS_URL (CI), else an embedded one started for this session."""
    broker = Broker.start(os.environ.get("REDIS_URL"), tmp_path_factory.mktemp("redis"))
    broker.use_for_producer(TEST_QUEUE)
    yield broker
    broker.stop()


@pytest.fixture
def own_redis(broker, tmp_path):
    """A Redis of this test's own, which the test may stop and start; the producer uses it."""
    redis = EmbeddedRedis(tmp_path / "own.sock").start()
    point_producer_at(redis.url, TEST_QUEUE)
    yield redis
    redis.stop()
    point_producer_at(broker.url, TEST_QUEUE)


@pytest.fixture
def worker(broker, transactional_db, django_db_blocker):
    """A real Celery worker process consuming this session's queue, on the test database."""
    process = WorkerProcess(broker.url, TEST_QUEUE, database_url_for_subprocess())
    process.start()
    yield process
    process.stop()


# A real browser -------------------------------------------------------------------------------

# Without the background-networking flags Chromium's connections are refused here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless. Missing: skipped on a workstation, a failure in CI."""
    # Imported here: only the browser tests need Playwright installed.
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        message = "Chromium is not installed (apt-get install chromium) - browser tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API keeps an event loop in this thread; the ORM calls of the tests and
    # of the database teardown between two browser steps are synchronous all the same.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
