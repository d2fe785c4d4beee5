"""Who may reach what: every admin URL, moderation endpoint and statistics page refuses
anonymous visitors and staff without ``can_moderate``; the readers' endpoints change nothing
without the author's token; CSRF on every POST, PATCH and DELETE; rate limits; no
unjustified bandit finding. URLs come from the URL configuration, so a new one is
checked as soon as it exists."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from moderation.api.tokens import status_token
from moderation.models import AuthorRule, Comment, CommentReport, ModelVersion, Status
from moderation.section.cookies import OWN_COMMENTS_COOKIE, READER_COOKIE, REMEMBER_COOKIE
from tests.factories import make_comment

ROOT = Path(__file__).resolve().parent.parent
SECRET_TEXT = "Testo riservato ai moderatori 4c1d"

#: API endpoints readers may use without an account; every other one is for moderators.
PUBLIC_API = {
    "moderation-api:comments",
    "moderation-api:comment-count",
    "moderation-api:comment",
    "moderation-api:comment-report",
}
#: Admin pages anyone may open: logging in (and out).
PUBLIC_ADMIN = {"admin:login", "admin:logout"}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, e.g. "admin:moderation_comment_statistics"
    params: tuple[str, ...]

    def url(self, values: dict[str, str]) -> str:
        """The URL with ``values`` filled in; ``model:param`` keys win for that model's URLs."""
        model = self.name.split(":")[-1].split("_")[1] if "_" in self.name else ""
        return reverse(
            self.name, kwargs={p: values.get(f"{model}:{p}", values[p]) for p in self.params}
        )


# POSTs that need no CSRF token, and why.
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe from a mail client: the signed token is the authority.
    "moderation:unsubscribe_replies",
}


def routes(resolver: URLResolver | None = None, namespace: str = "") -> list[Route]:
    """Every named URL of the site, with the names of its parameters."""
    found = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            params = getattr(pattern, "converters", None) or pattern.regex.groupindex
            found.append(Route(f"{namespace}{entry.name}", tuple(params)))
    return found


ADMIN = [r for r in routes() if r.name.startswith("admin:") and r.name not in PUBLIC_ADMIN]
MODERATION_ADMIN = [
    r for r in ADMIN if r.name.startswith("admin:moderation_") or "app_label" in r.params
]
MODERATION_API = [
    r for r in routes() if r.name.startswith("moderation-api:") and r.name not in PUBLIC_API
]


def test_the_walk_finds_the_moderators_pages_and_endpoints():
    names = {r.name for r in ADMIN + MODERATION_API}
    assert {
        "admin:moderation_comment_changelist",
        "admin:moderation_comment_change",
        "admin:moderation_comment_moderate",
        "admin:moderation_comment_statistics",
        "admin:moderation_authorrule_changelist",
        "moderation-api:queue",
        "moderation-api:decision",
        "moderation-api:decisions",
        "moderation-api:author-rule",
        "moderation-api:moderation-comment",
    } <= names


@pytest.fixture
def url_values(an_article) -> dict[str, str]:
    comment = make_comment(an_article, status=Status.HELD, text=SECRET_TEXT)
    rule = AuthorRule.objects.create(kind="block", field="email", value="x@spam.example")
    return {
        "object_id": str(comment.pk),
        "authorrule:object_id": str(rule.pk),
        "pk": str(comment.pk),
        "id": str(comment.pk),
        "app_label": "moderation",
        "content_type_id": str(ContentType.objects.get_for_model(Comment).pk),
        "token": "not-a-signed-token",
    }


def assert_refused(response, url: str, allowed: set[int]) -> None:
    assert response.status_code in allowed, f"{url}: {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login")), url
    assert SECRET_TEXT not in response.content.decode(errors="replace"), url


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_login_page_from_every_admin_url(url_values):
    client = Client()
    for route in ADMIN:
        url = route.url(url_values)
        assert_refused(client.get(url), url, {302})
        assert_refused(client.post(url, {"action": "approve"}), url, {302})


@pytest.mark.django_db
def test_staff_without_can_moderate_get_403_from_every_moderation_admin_url(
    url_values, a_staff_member
):
    client = Client()
    client.force_login(a_staff_member)
    for route in MODERATION_ADMIN:
        url = route.url(url_values)
        # 404: the app's index of an app the user may not see does not exist for them.
        allowed = {403, 404} if "app_label" in route.params else {403}
        assert_refused(client.get(url), url, allowed)
        assert_refused(client.post(url, {"action": "approve"}), url, allowed)
    assert Comment.objects.get(text=SECRET_TEXT).status == Status.HELD


@pytest.mark.django_db
def test_the_model_registry_is_hidden_from_staff_holding_its_model_permissions(a_staff_member):
    """Issue 18: change_modelversion alone (e.g. an editors' group given every permission of
    the app but moderating) opened the registry and its activate action."""
    a_staff_member.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="moderation").exclude(
            codename="can_moderate"
        )
    )
    version = ModelVersion.objects.create(task="spam", version="spam-x", path="spam.skops")
    client = Client()
    client.force_login(a_staff_member)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/moderation/modelversion/" not in index
    changelist = reverse("admin:moderation_modelversion_changelist")
    assert client.get(changelist).status_code == 403
    activate = {"action": "activate_version", "_selected_action": [version.pk]}
    assert client.post(changelist, activate).status_code == 403
    assert ModelVersion.objects.get().status == version.status


@pytest.mark.django_db
def test_every_moderation_endpoint_of_the_api_refuses_anonymous_and_staff(
    url_values, a_staff_member
):
    anonymous, staff = Client(), Client()
    staff.force_login(a_staff_member)
    for route in MODERATION_API:
        url = route.url(url_values)
        for client, refusals in ((anonymous, {401, 403}), (staff, {403})):
            assert_refused(client.get(url), url, refusals)
            body = json.dumps({"action": "approve", "ids": [int(url_values["pk"])]})
            post = client.post(url, body, content_type="application/json")
            assert_refused(post, url, refusals)
    assert Comment.objects.get(text=SECRET_TEXT).status == Status.HELD


@pytest.mark.django_db
def test_the_readers_api_endpoints_change_and_show_nothing_of_a_held_comment(url_values, settings):
    """Without its author's token a comment cannot be edited or deleted, and only published
    comments can be reported: every unsafe method on every public endpoint of one comment."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "1000/minute"},
    }
    cache.clear()
    client = Client()
    checked = set()
    for route in routes():
        if route.name not in PUBLIC_API or "pk" not in route.params:
            continue
        author = status_token(int(url_values["pk"]))  # held: no longer editable
        for token in (None, "", url_values["token"], author):
            url = route.url(url_values)
            sent = {} if token is None else {"HTTP_X_COMMENT_TOKEN": token}
            body = json.dumps({"text": "Testo sostituito", "reason": "spam"})
            for method in ("post", "put", "patch", "delete"):
                response = getattr(client, method)(
                    url, body, content_type="application/json", **sent
                )
                assert_refused(response, url, {403, 404, 405} if token == author else {404, 405})
        checked.add(route.name)
    assert checked == {"moderation-api:comment", "moderation-api:comment-report"}
    comment = Comment.objects.get(text=SECRET_TEXT)
    assert comment.status == Status.HELD
    assert not CommentReport.objects.exists()
    cache.clear()


@pytest.mark.django_db
def test_a_moderator_does_reach_them_so_the_refusals_above_mean_something(url_values, a_moderator):
    client = Client()
    client.force_login(a_moderator)
    for name in ("admin:moderation_comment_statistics", "moderation-api:queue"):
        assert client.get(reverse(name)).status_code == 200


# CSRF ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_post_without_a_csrf_token_is_refused_even_for_a_logged_in_moderator(
    url_values, a_moderator, an_article
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(a_moderator)
    checked = 0
    for route in routes():
        if route.name in CSRF_EXEMPT:
            continue
        url = route.url({**url_values, "slug": an_article.slug})
        response = client.post(url, {"action": "approve", "comment": "x", "language": "en"})
        assert response.status_code == 403, f"{url}: {response.status_code}"
        checked += 1
    assert Comment.objects.get(text=SECRET_TEXT).status == Status.HELD
    assert checked > 40


@pytest.mark.django_db
def test_every_patch_and_delete_without_a_csrf_token_is_refused_too(
    url_values, a_moderator, an_article
):
    """The author's edit and delete in the API are the first PATCH and DELETE endpoints: a
    session needs the CSRF token for them as for any POST, even with the author's token of a
    comment still in its edit window."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(a_moderator)
    editable = make_comment(an_article, status=Status.PENDING, text="Testo originale")
    values = {**url_values, "pk": str(editable.pk), "id": str(editable.pk)}
    author = {"HTTP_X_COMMENT_TOKEN": status_token(editable.pk)}
    for route in routes():
        if route.name in CSRF_EXEMPT:
            continue
        url = route.url({**values, "slug": an_article.slug})
        body = json.dumps({"text": "Testo sostituito"})
        for response in (
            client.patch(url, body, content_type="application/json", **author),
            client.delete(url, **author),
        ):
            assert response.status_code == 403, f"{url}: {response.status_code}"
    editable.refresh_from_db()
    assert (editable.text, editable.status) == ("Testo originale", Status.PENDING)
    assert Comment.objects.get(text=SECRET_TEXT).status == Status.HELD
    # With the CSRF token the same edit goes through: the refusals above were CSRF's.
    cache.clear()  # the throttle's counts of other tests
    client.get("/api/docs/")  # sets the csrftoken cookie
    url = reverse("moderation-api:comment", args=[editable.pk])
    body = json.dumps({"text": "Testo sostituito"})
    csrf = client.cookies["csrftoken"].value
    response = client.patch(
        url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf, **author
    )
    assert response.status_code == 202


@pytest.mark.django_db
def test_the_comment_form_refuses_a_post_without_its_csrf_token_from_a_reader_with_cookies(
    an_article,
):
    """Readers without cookies post from a shared page without a token (tests/test_caching.py);
    a reader with the app's cookies or a session needs theirs."""
    for cookie in (REMEMBER_COOKIE, OWN_COMMENTS_COOKIE, READER_COOKIE, "sessionid"):
        client = Client(enforce_csrf_checks=True)
        client.cookies[cookie] = "x"
        response = client.post(
            "/comments/post/", {"comment": "x", "author": "A", "email": "a@example.org"}
        )
        assert response.status_code == 403, cookie
    assert not Comment.objects.exists()


# Cookies in production ----------------------------------------------------------------------


def production_settings(*names: str) -> dict:
    """Settings as a production deployment loads them (DJANGO_DEBUG=0), in a fresh process."""
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789",
        "ALLOWED_HOSTS": "news.example",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_in_production_session_and_csrf_cookies_are_secure_and_the_session_http_only():
    values = production_settings(
        "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE", "DEBUG"
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SECURE": True,
        "DEBUG": False,
    }


# Rate limits --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flood_through_the_form_stores_one_comment_and_answers_429_to_the_rest(
    an_article, post_comment
):
    client = Client()
    statuses = [
        post_comment(
            client, an_article, comment=f"Commento a raffica {i}", email=f"f{i}@x.org"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [303] + [429] * 5
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_a_flood_through_the_api_is_throttled_after_the_configured_rate(an_article, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0, "API_TARGET_MODELS": ["articles.article"]}
    cache.clear()
    client = Client()
    statuses = []
    for i in range(15):
        body = {
            "target": f"articles.article:{an_article.pk}",
            "text": f"Commento via API numero {i}",
            "name": f"Lettore {i}",
            "email": f"api{i}@example.org",
        }
        response = client.post(
            "/api/comments/", body, content_type="application/json", HTTP_X_FORWARDED_FOR=f"10.{i}"
        )
        statuses.append(response.status_code)
    assert statuses == [202] * 10 + [429] * 5
    assert Comment.objects.count() == 10
    cache.clear()


# Static analysis ----------------------------------------------------------------------------

JUSTIFIED = re.compile(r"#\s*(nosec|noqa: S\d+)\b.*\(.+\)")


def source_line(filename: str, number: int) -> str:
    return (ROOT / filename).read_text().splitlines()[number - 1]


@pytest.mark.slow
def test_bandit_reports_no_medium_or_high_finding_without_a_justification_on_its_line():
    pytest.importorskip("bandit", reason="bandit is in requirements-dev.txt")
    report = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "moderation", "-ll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    findings = json.loads(report.stdout)["results"]
    unjustified = [
        f"{f['filename']}:{f['line_number']} {f['test_id']} {f['issue_text']}"
        for f in findings
        if not JUSTIFIED.search(source_line(f["filename"], f["line_number"]))
    ]
    assert not unjustified, "\n".join(unjustified)
