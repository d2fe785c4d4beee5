"""The REST API: readers' endpoints, the moderators' endpoints, permissions and privacy."""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from moderation import client_ip, services
from moderation.api.serializers import PUBLIC_STATUS
from moderation.api.tokens import status_token
from moderation.models import (
    AuthorRule,
    Comment,
    CommentReport,
    DiscussionMode,
    DiscussionSettings,
    ModerationEvent,
    Status,
)
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {"id", "parent", "depth", "name", "website", "text", "created_at", "featured"}
_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The posting throttle counts in the cache: every test starts with a clean slate."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The users' fixtures hash passwords; a slow hasher only slows the tests down."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def a_reader(db) -> User:
    return User.objects.create_user("reader", "reader@example.org")


def token_client(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def a_moderators_client(a_moderator) -> APIClient:
    return token_client(a_moderator)


def target_of(article) -> str:
    return f"articles.article:{article.pk}"


def post(client: APIClient, article, remote_addr: str | None = None, **fields):
    """Post a comment from its own address unless told otherwise (flood control keys on it)."""
    n = next(_addresses)
    data = {
        "target": target_of(article),
        "name": "Anna",
        "email": f"anna{n}@example.org",
        "text": f"Bella iniziativa, finalmente una pista sicura ({n}).",
        **fields,
    }
    return client.post(
        "/api/comments/",
        {k: v for k, v in data.items() if v is not None},
        format="json",
        REMOTE_ADDR=remote_addr or f"198.51.100.{n % 250 + 1}",
    )


# Reading ------------------------------------------------------------------------------------


def test_the_list_shows_the_published_comments_of_one_target_only(api, an_article, another_article):
    first = make_comment(an_article, author_url="https://anna.example.org")
    reply = make_comment(an_article, parent=first)
    for status in (Status.PENDING, Status.HELD, Status.SPAM, Status.REJECTED):
        make_comment(an_article, status=status)
    make_comment(another_article)
    response = api.get("/api/comments/", {"target": target_of(an_article)})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [c["id"] for c in results] == [first.pk, reply.pk]
    assert {frozenset(c) for c in results} == {frozenset(PUBLIC_FIELDS)}
    assert results[0]["website"] == "https://anna.example.org"
    assert (results[1]["parent"], results[1]["depth"]) == (first.pk, 1)


@override_settings(MODERATION={"API_TARGET_MODELS": ["articles.article"], "COMMENTS_PER_PAGE": 2})
def test_the_list_is_paginated_by_cursor(api, an_article):
    comments = [make_comment(an_article) for _ in range(3)]
    first = api.get("/api/comments/", {"target": target_of(an_article)}).json()
    assert [c["id"] for c in first["results"]] == [c.pk for c in comments[:2]]
    second = api.get(first["next"]).json()
    assert [c["id"] for c in second["results"]] == [comments[2].pk]
    assert second["next"] is None


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (None, "This field is required."),
        ("", "Name the target as app_label.model:pk"),
        ("articles.article", "Name the target as app_label.model:pk"),
        ("article:1", "Name the target as app_label.model:pk"),
        ("auth.user:1", "not available through the API"),
        ("nosuch.model:1", "not available through the API"),
        ("articles.article:999999", "The page you are commenting on does not exist."),
        ("articles.article:abc", "The page you are commenting on does not exist."),
    ],
)
@pytest.mark.parametrize("path", ["/api/comments/", "/api/comments/count/"])
def test_a_bad_target_is_a_400_with_a_clear_message(api, an_article, path, target, message):
    response = api.get(path, {} if target is None else {"target": target})
    assert response.status_code == 400
    assert message in response.json()["target"][0]


@override_settings(MODERATION={"API_TARGET_MODELS": []})
def test_by_default_no_model_is_open_to_the_api(api, an_article):
    make_comment(an_article)
    response = api.get("/api/comments/", {"target": target_of(an_article)})
    assert response.status_code == 400
    assert post(api, an_article).status_code == 400


@pytest.mark.parametrize("position", ["not-a-date", "2026-13-45T99:00:00"])
def test_a_forged_cursor_is_a_400(api, an_article, position):
    cursor = base64.b64encode(f"p={position}".encode()).decode()
    response = api.get("/api/comments/", {"target": target_of(an_article), "cursor": cursor})
    assert response.status_code == 400
    assert response.json()["cursor"] == ["This page cursor is not valid."]


def test_the_count_is_of_published_comments(api, an_article):
    make_comment(an_article)
    make_comment(an_article)
    make_comment(an_article, status=Status.HELD)
    response = api.get("/api/comments/count/", {"target": target_of(an_article)})
    assert response.json() == {"count": 2}


def test_a_published_comment_is_public_and_others_are_not_found(api, an_article):
    published = make_comment(an_article)
    response = api.get(f"/api/comments/{published.pk}/")
    assert response.status_code == 200
    assert set(response.json()) == PUBLIC_FIELDS
    for status in (Status.PENDING, Status.HELD, Status.SPAM, Status.REJECTED):
        hidden = make_comment(an_article, status=status)
        assert api.get(f"/api/comments/{hidden.pk}/").status_code == 404
    assert api.get("/api/comments/99999999999999999999999/").status_code == 404


# Posting ------------------------------------------------------------------------------------


def test_a_posted_comment_is_accepted_as_pending_through_the_services(api, an_article):
    response = api.post(
        "/api/comments/",
        {
            "target": target_of(an_article),
            "name": "Anna",
            "email": "anna@example.org",
            "website": "anna.example.org",
            "text": "Bella iniziativa.",
        },
        format="json",
        REMOTE_ADDR="192.0.2.44",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"id", "status", "token"}
    assert body["status"] == "pending"
    comment = Comment.objects.get(pk=body["id"])
    assert comment.status == Status.PENDING
    assert comment.target == an_article
    assert (comment.ip_address, comment.user_agent) == ("192.0.2.44", "TestBrowser/1.0")
    assert comment.author_url == "https://anna.example.org"  # the form's rule: https assumed
    assert comment.language == "en"
    assert ModerationEvent.objects.get(comment=comment).action == "submitted"


def test_a_reply_is_threaded_under_its_parent(api, an_article):
    parent = make_comment(an_article)
    response = post(api, an_article, parent=parent.pk)
    assert response.status_code == 202
    reply = Comment.objects.get(pk=response.json()["id"])
    assert (reply.parent, reply.depth, reply.root_id) == (parent, 1, parent.pk)


def test_a_reply_to_an_unpublished_comment_is_refused(api, an_article):
    held = make_comment(an_article, status=Status.HELD)
    response = post(api, an_article, parent=held.pk)
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["The comment you are replying to does not exist."]
    }


def test_a_logged_in_reader_is_recorded_as_the_author(a_reader, an_article):
    response = post(token_client(a_reader), an_article)
    assert Comment.objects.get(pk=response.json()["id"]).user == a_reader


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "name": ["This field is required."],
                "email": ["Enter a valid email address."],
                "website": ["Enter a valid URL."],
            },
        ),
        (
            "it",
            {
                "name": ["Campo obbligatorio."],
                "email": ["Inserisci un indirizzo email valido."],
                "website": ["Inserisci un URL valido"],
            },
        ),
    ],
)
def test_field_errors_come_in_the_requests_language(an_article, language, expected):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    response = post(client, an_article, name="", email="not-an-email", website="ftp://x.org")
    assert response.status_code == 400
    assert response.json() == expected
    assert not Comment.objects.exists()


def test_the_forms_rules_apply_to_the_api(api, an_article):
    response = post(api, an_article, website="javascript:alert(1)", text="x" * 65526)
    assert response.status_code == 400
    assert set(response.json()) == {"website", "text"}
    assert post(api, an_article, text=None).json() == {"text": ["This field is required."]}


def test_a_name_with_a_direction_override_is_refused_with_the_forms_message(api, an_article):
    response = post(api, an_article, name="Anna\u202egro.elpmaxe")
    assert response.status_code == 400
    assert response.json() == {
        "name": ["The name cannot contain control characters or text-direction marks."]
    }


def test_the_italian_messages_of_the_form_are_used_for_its_own_rules(an_article):
    response = post(APIClient(HTTP_ACCEPT_LANGUAGE="it"), an_article, website="ftp://x.org")
    assert response.json() == {"website": ["Inserisci un URL valido"]}


def test_a_duplicate_is_a_409(api, an_article):
    make_comment(an_article, author_name="Anna", text="Lo stesso commento.")
    response = post(api, an_article, text="Lo stesso commento.")
    assert response.status_code == 409
    assert "Duplicate comment" in response.json()["detail"]


def test_a_copy_of_a_held_comment_is_answered_the_same_whatever_the_email(api, an_article):
    """Issue 18, row 1: the right email once got a 409 revealing the held comment's author."""
    held = make_comment(an_article, status=Status.HELD, text="Un commento trattenuto.")
    answers = [
        post(api, an_article, text=held.text, email=email).status_code
        for email in (held.author_email, "guess@example.org")
    ]
    assert answers == [202, 202]


def test_posting_too_fast_is_a_429_in_italian(an_article):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="it")
    assert post(client, an_article, remote_addr="192.0.2.7").status_code == 202
    response = post(client, an_article, remote_addr="192.0.2.7")
    assert response.status_code == 429
    assert response.json() == {"detail": "Stai scrivendo commenti troppo in fretta. Rallenta."}
    assert response["Retry-After"] == "15"


@override_settings(MODERATION={"API_TARGET_MODELS": ["articles.article"], "CLOSE_AFTER_DAYS": 7})
def test_a_closed_target_is_a_403(api, an_article):
    an_article.published_at = timezone.now() - timedelta(days=8)
    an_article.save()
    response = post(api, an_article)
    assert response.status_code == 403
    assert response.json() == {"detail": "Comments are closed."}


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "2/minute"},
    }
)
def test_posting_is_throttled_per_client_address_whatever_it_forwards(api, an_article):
    statuses = [
        api.post(
            "/api/comments/",
            {
                "target": target_of(an_article),
                "name": "A",
                "email": f"a{n}@example.org",
                "text": f"{n}",
            },
            format="json",
            REMOTE_ADDR="192.0.2.200",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses[:2] != [429, 429]
    assert statuses[2] == 429
    assert api.get("/api/comments/", {"target": target_of(an_article)}).status_code == 200


# The author's token -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (Status.PENDING, "pending"),
        (Status.PUBLISHED, "published"),
        (Status.HELD, "held"),
        (Status.SPAM, "not_published"),
        (Status.REJECTED, "not_published"),
    ],
)
def test_the_token_shows_the_status_and_nothing_else(api, an_article, status, shown):
    posted = post(api, an_article).json()
    Comment.objects.filter(pk=posted["id"]).update(status=status)
    response = api.get(f"/api/comments/{posted['id']}/", HTTP_X_COMMENT_TOKEN=posted["token"])
    assert response.status_code == 200
    assert response.json() == {"id": posted["id"], "status": shown}
    assert PUBLIC_STATUS[status] == shown


def test_a_wrong_token_shows_nothing(api, an_article):
    mine = post(api, an_article).json()
    theirs = post(api, an_article).json()
    for token in ("", "forged", theirs["token"]):
        response = api.get(f"/api/comments/{mine['id']}/", HTTP_X_COMMENT_TOKEN=token)
        assert response.status_code == 404
        assert set(response.json()) == {"detail"}
    published = make_comment(an_article)
    other = api.get(f"/api/comments/{published.pk}/", HTTP_X_COMMENT_TOKEN=mine["token"])
    assert other.status_code == 404


# The author's edit and delete ----------------------------------------------------------------

EDITED = "Bella iniziativa, ma servono più rastrelliere per le bici."


def own_comment(client: APIClient, article, **fields) -> tuple[Comment, str]:
    """A comment posted through the API, and its URL; the client sends its token from now on."""
    posted = post(client, article, **fields).json()
    client.credentials(HTTP_X_COMMENT_TOKEN=posted["token"])
    return Comment.objects.get(pk=posted["id"]), f"/api/comments/{posted['id']}/"


def publish(comment: Comment) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        status=Status.PUBLISHED, decided_at=timezone.now(), spam_score=0.01, toxicity_score=0.02
    )


def age(comment: Comment, minutes: int) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_an_edit_within_the_window_goes_back_to_pending_and_is_classified_again(
    api, an_article, django_capture_on_commit_callbacks
):
    comment, url = own_comment(api, an_article)
    publish(comment)
    assert APIClient().get(f"/api/comments/{comment.pk}/").status_code == 200
    with (
        mock.patch("moderation.dispatch.enqueue_classification") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api.patch(url, {"text": EDITED}, format="json")
    assert response.status_code == 202
    assert response.json() == {"id": comment.pk, "status": "pending"}
    enqueue.assert_called_once_with([comment.pk])
    edited = Comment.objects.get(pk=comment.pk)
    assert (edited.text, edited.status) == (EDITED, Status.PENDING)
    assert (edited.spam_score, edited.toxicity_score, edited.decided_at) == (None, None, None)
    event = edited.events.get(action="edited")
    assert (event.actor, event.from_status, event.to_status) == ("reader", "published", "pending")
    assert event.previous_text == comment.text  # the moderators keep the text before the edit
    assert (
        APIClient().get(f"/api/comments/{comment.pk}/").status_code == 404
    )  # not public until classified
    assert api.get(url).json() == {"id": comment.pk, "status": "pending"}
    same = api.patch(url, {"text": EDITED}, format="json")  # the same text: nothing to do
    assert (same.status_code, same.json()["status"]) == (202, "pending")
    assert edited.events.filter(action="edited").count() == 1


def test_after_the_window_an_edit_or_delete_is_a_403_in_the_readers_language(an_article):
    italian = APIClient(HTTP_ACCEPT_LANGUAGE="it")
    comment, url = own_comment(italian, an_article)
    publish(comment)
    age(comment, 6)
    closed = {"detail": "Questo commento non può più essere modificato."}  # the form's message
    edit = italian.patch(url, {"text": EDITED}, format="json")
    assert (edit.status_code, edit.json()) == (403, closed)
    delete = italian.delete(url)
    assert (delete.status_code, delete.json()) == (403, closed)
    english = APIClient(HTTP_ACCEPT_LANGUAGE="en").delete(
        url, HTTP_X_COMMENT_TOKEN=status_token(comment.pk)
    )
    assert english.json() == {"detail": "This comment can no longer be changed."}
    unchanged = Comment.objects.get(pk=comment.pk)
    assert (unchanged.text, unchanged.status) == (comment.text, Status.PUBLISHED)
    assert list(unchanged.events.values_list("action", flat=True)) == ["submitted"]


@pytest.mark.parametrize("status", [Status.HELD, Status.SPAM, Status.REJECTED])
def test_a_held_or_refused_comment_cannot_be_edited_or_deleted_even_in_the_window(
    api, an_article, status
):
    comment, url = own_comment(api, an_article)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    assert api.patch(url, {"text": EDITED}, format="json").status_code == 403
    assert api.delete(url).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == status


def test_without_the_authors_token_nothing_changes_and_nothing_is_told(api, an_article):
    comment, _url = own_comment(api, an_article)
    publish(comment)
    theirs, _theirs_url = own_comment(api, an_article)
    api.credentials()
    base = f"/api/comments/{comment.pk}/"
    requests = [
        (base, None),
        (base, ""),
        (base, "forged"),
        (base, status_token(theirs.pk)),
        # a comment that does not exist answers the same, with any token
        ("/api/comments/999999/", "forged"),
        ("/api/comments/999999/", status_token(999999)),
    ]
    for url, token in requests:
        sent = {} if token is None else {"HTTP_X_COMMENT_TOKEN": token}
        for response in (
            api.patch(url, {"text": EDITED}, format="json", **sent),
            api.delete(url, **sent),
        ):
            assert response.status_code == 404, (url, token)
            assert response.json() == {"detail": "Not found."}
    # an invalid body does not tell a wrong token from a right one either
    wrong = api.patch(base, {"text": ""}, format="json", HTTP_X_COMMENT_TOKEN="forged")
    assert wrong.status_code == 404
    unchanged = Comment.objects.get(pk=comment.pk)
    assert (unchanged.text, unchanged.status) == (comment.text, Status.PUBLISHED)
    assert list(unchanged.events.values_list("action", flat=True)) == ["submitted"]


def test_the_authors_token_is_never_read_from_the_url(api, an_article):
    """URLs land in access logs: a token there opens nothing (issue 18, row 10)."""
    comment, url = own_comment(api, an_article)
    api.credentials()
    in_url = f"{url}?token={status_token(comment.pk)}"
    assert api.get(in_url).status_code == 404  # pending: not public, and no status shown
    assert api.patch(in_url, {"text": EDITED}, format="json").status_code == 404
    assert api.delete(in_url).status_code == 404
    unchanged = Comment.objects.get(pk=comment.pk)
    assert (unchanged.text, unchanged.status) == (comment.text, Status.PENDING)


def test_the_authors_token_may_travel_in_the_json_body(api, an_article):
    comment, url = own_comment(api, an_article)
    api.credentials()
    token = status_token(comment.pk)
    edited = api.patch(url, {"text": EDITED, "token": token}, format="json")
    assert (edited.status_code, edited.json()["status"]) == (202, "pending")
    assert api.delete(url, {"token": token}, format="json").status_code == 204
    assert Comment.objects.get(pk=comment.pk).status == Status.REJECTED


@pytest.mark.parametrize(
    ("language", "text", "message"),
    [
        ("en", "", "This field is required."),
        ("it", "", "Campo obbligatorio."),
        ("it", "   ", "Campo obbligatorio."),
        ("it", None, "Campo obbligatorio."),
        ("it", "x" * 65526, "Assicurati che questo valore non contenga più di 65525 caratteri"),
    ],
    ids=["blank", "blank-it", "spaces-it", "missing-it", "too-long-it"],
)
def test_an_invalid_edit_is_a_400_with_the_forms_message(an_article, language, text, message):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    comment, url = own_comment(client, an_article)
    response = client.patch(url, {} if text is None else {"text": text}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"text"}
    assert response.json()["text"][0].startswith(message)
    assert Comment.objects.get(pk=comment.pk).text == comment.text


def test_the_edit_body_is_json_and_text_is_required_in_the_schema_too(api, an_article):
    comment, url = own_comment(api, an_article)
    response = api.patch(url, f"text={EDITED}", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    schema = api.get("/api/schema/?format=json").json()
    assert schema["components"]["schemas"]["CommentEdit"]["required"] == ["text"]
    assert Comment.objects.get(pk=comment.pk).text == comment.text


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "2/minute"},
    }
)
def test_edits_count_with_posts_against_the_posting_rate(api, an_article):
    comment, url = own_comment(api, an_article, remote_addr="192.0.2.210")
    first = api.patch(url, {"text": EDITED}, format="json", REMOTE_ADDR="192.0.2.210")
    assert first.status_code == 202
    again = api.patch(url, {"text": EDITED + "!"}, format="json", REMOTE_ADDR="192.0.2.210")
    assert again.status_code == 429
    assert Comment.objects.get(pk=comment.pk).text == EDITED
    assert api.delete(url, REMOTE_ADDR="192.0.2.210").status_code == 204  # deleting is not


def test_delete_within_the_window_is_a_204_and_the_comment_is_gone(api, an_article):
    comment, url = own_comment(api, an_article)
    publish(comment)
    target = {"target": target_of(an_article)}
    assert api.get("/api/comments/count/", target).json() == {"count": 1}
    response = api.delete(url)
    assert response.status_code == 204
    assert not response.content
    deleted = Comment.objects.get(pk=comment.pk)
    assert deleted.status == Status.REJECTED
    event = deleted.events.get(action="deleted")
    assert (event.actor, event.reason) == ("reader", "deleted by author")
    assert APIClient().get(f"/api/comments/{comment.pk}/").status_code == 404
    assert api.get("/api/comments/", target).json()["results"] == []
    assert api.get("/api/comments/count/", target).json() == {"count": 0}
    assert api.get(url).json() == {"id": comment.pk, "status": "not_published"}
    assert api.delete(url).status_code == 403  # once deleted, for good


def test_a_logged_in_readers_session_needs_the_csrf_token_to_edit(an_article, a_reader):
    comment, url = own_comment(APIClient(), an_article)
    browser = APIClient(enforce_csrf_checks=True)
    browser.credentials(HTTP_X_COMMENT_TOKEN=status_token(comment.pk))
    browser.force_login(a_reader)
    for response in (browser.patch(url, {"text": EDITED}, format="json"), browser.delete(url)):
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
    assert Comment.objects.get(pk=comment.pk).status == Status.PENDING
    browser.get("/api/docs/")  # sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.patch(url, {"text": EDITED}, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 202


# Reports ------------------------------------------------------------------------------------

THANKS_IT = "Grazie. I moderatori esamineranno questo commento."


def report(comment: Comment, address: str = "10.0.0.1", language: str = "it", **body):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    return client.post(
        f"/api/comments/{comment.pk}/report/",
        {"reason": "offensive", **body},
        format="json",
        REMOTE_ADDR=address,
    )


def test_a_report_is_recorded_under_the_clients_keyed_address(an_article):
    comment = make_comment(an_article)
    response = report(comment, reason="off-topic", note="Non c'entra")
    assert response.status_code == 201
    assert response.json() == {"id": comment.pk, "message": THANKS_IT}
    recorded = CommentReport.objects.get()
    assert (recorded.comment, recorded.reason, recorded.note) == (
        comment,
        "off-topic",
        "Non c'entra",
    )
    assert "10.0.0.1" not in recorded.network_key + recorded.reader_key
    assert recorded.network_key  # the form's keyed hash of the address...
    assert recorded.reader_key == f"api:{recorded.network_key}"  # ...is the API reader's key
    comment.refresh_from_db()
    assert comment.reports_count == 1 and comment.status == Status.PUBLISHED


def test_a_second_report_from_the_same_client_is_a_409(an_article):
    comment = make_comment(an_article)
    assert report(comment).status_code == 201
    again = report(comment, reason="spam")
    assert again.status_code == 409
    assert again.json() == {"detail": "Hai già segnalato questo commento."}
    assert report(comment, address="10.0.0.2").status_code == 201  # another reader may
    assert CommentReport.objects.count() == 2


def test_the_form_and_the_api_share_one_report_per_address(an_article):
    comment = make_comment(an_article)
    assert report(comment, address="10.0.0.7").status_code == 201
    browser = Client(REMOTE_ADDR="10.0.0.7", HTTP_ACCEPT_LANGUAGE="it")
    page = browser.get(f"/comments/{comment.pk}/report/").content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    through_the_form = browser.post(
        f"/comments/{comment.pk}/report/", {"reason": "spam", "csrfmiddlewaretoken": csrf}
    )
    assert through_the_form.status_code == 409
    other = make_comment(an_article)
    browser.post(f"/comments/{other.pk}/report/", {"reason": "spam", "csrfmiddlewaretoken": csrf})
    assert report(other, address="10.0.0.7").status_code == 409
    assert CommentReport.objects.count() == 2


def test_clients_whose_address_is_unknown_share_one_report(an_article):
    comment = make_comment(an_article)
    assert report(comment, address="not-an-address").status_code == 201
    assert CommentReport.objects.get().reader_key == f"api:{client_ip.network_key_of(None)}"
    assert report(comment, address="").status_code == 409


def test_enough_reports_hold_the_comment(an_article, settings):
    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"], "REPORTS_TO_HOLD": 2}
    comment = make_comment(an_article)
    assert report(comment, address="10.0.0.1").status_code == 201
    assert Comment.objects.get(pk=comment.pk).status == Status.PUBLISHED
    assert report(comment, address="10.0.0.2").status_code == 201
    held = Comment.objects.get(pk=comment.pk)
    assert (held.status, held.reports_count) == (Status.HELD, 2)
    event = held.events.get(action="reported")
    assert (event.actor, event.reason) == ("system", "reported by readers")
    assert APIClient().get(f"/api/comments/{comment.pk}/").status_code == 404
    assert report(comment, address="10.0.0.3").status_code == 404  # no longer published


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.SPAM, Status.REJECTED])
def test_only_a_published_comment_can_be_reported(an_article, status):
    hidden = make_comment(an_article, status=status)
    response = report(hidden)
    assert response.status_code == 404
    assert response.json() == {"detail": "Non trovato."}
    assert report(hidden, reason="nonsense").status_code == 404  # the body is not even read
    assert (
        APIClient()
        .post("/api/comments/999999/report/", {"reason": "spam"}, format="json")
        .status_code
        == 404
    )
    assert not CommentReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"reason": None}, {"reason": ["Campo obbligatorio."]}),
        (
            {"reason": "nonsense"},
            {"reason": ["Scegli un'opzione valida. nonsense non è tra quelle disponibili."]},
        ),
        (
            {"note": "x" * 501},
            {
                "note": [
                    "Assicurati che questo valore non contenga più di 500 caratteri (ne ha 501)."
                ]
            },
        ),
    ],
    ids=["no-reason", "unknown-reason", "note-too-long"],
)
def test_an_invalid_report_is_a_400_with_the_forms_messages(an_article, body, errors):
    comment = make_comment(an_article)
    response = report(comment, **body)
    assert response.status_code == 400
    assert response.json() == errors
    assert not CommentReport.objects.exists()


@override_settings(
    REST_FRAMEWORK={
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "2/minute"},
    }
)
def test_reports_are_throttled_per_client_address_apart_from_posts(api, an_article):
    comments = [make_comment(an_article) for _ in range(3)]
    statuses = [
        APIClient()
        .post(
            f"/api/comments/{c.pk}/report/",
            {"reason": "spam"},
            format="json",
            REMOTE_ADDR="192.0.2.220",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .status_code
        for n, c in enumerate(comments)
    ]
    assert statuses == [201, 201, 429]
    assert CommentReport.objects.count() == 2
    assert post(api, an_article, remote_addr="192.0.2.220").status_code == 202


def test_a_logged_in_readers_session_needs_the_csrf_token_to_report(an_article, a_reader):
    comment = make_comment(an_article)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(a_reader)
    url = f"/api/comments/{comment.pk}/report/"
    response = browser.post(url, {"reason": "spam"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not CommentReport.objects.exists()
    assert (
        APIClient(enforce_csrf_checks=True).post(url, {"reason": "spam"}, format="json").status_code
        == 201
    )


# Moderators ---------------------------------------------------------------------------------

MODERATION_REQUESTS = [
    ("get", "/api/moderation/queue/", None),
    ("get", "/api/moderation/comments/{id}/", None),
    ("post", "/api/moderation/comments/{id}/decision/", {"action": "approve"}),
    ("post", "/api/moderation/decisions/", {"action": "approve", "ids": ["{id}"]}),
    ("post", "/api/moderation/comments/{id}/author-rule/", {"kind": "block", "field": "email"}),
    ("get", "/api/moderation/discussion/?target={target}", None),
    ("put", "/api/moderation/discussion/", {"target": "{target}", "mode": "closed"}),
]


def _request(client: APIClient, method: str, path: str, data, comment: Comment):
    target = f"articles.article:{comment.object_pk}"
    url = path.format(id=comment.pk, target=target)
    if data is None:
        return getattr(client, method)(url)
    placeholders = {"{target}": target}
    body = {
        k: [comment.pk] if v == ["{id}"] else placeholders.get(v, v) if isinstance(v, str) else v
        for k, v in data.items()
    }
    return getattr(client, method)(url, body, format="json")


@pytest.mark.parametrize(("method", "path", "data"), MODERATION_REQUESTS)
def test_moderation_needs_the_permission_to_moderate(
    an_article, a_reader, a_staff_member, a_moderator, method, path, data
):
    comment = make_comment(an_article, status=Status.HELD)
    staff_session = APIClient()
    staff_session.force_login(a_staff_member)
    assert _request(APIClient(), method, path, data, comment).status_code == 401
    assert _request(token_client(a_reader), method, path, data, comment).status_code == 403
    assert _request(staff_session, method, path, data, comment).status_code == 403
    assert _request(token_client(a_staff_member), method, path, data, comment).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == Status.HELD
    assert _request(token_client(a_moderator), method, path, data, comment).status_code == 200


def test_session_authenticated_writes_need_the_csrf_token(an_article, a_moderator):
    comment = make_comment(an_article, status=Status.HELD)
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(a_moderator)
    url = f"/api/moderation/comments/{comment.pk}/decision/"
    response = browser.post(url, {"action": "approve"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert Comment.objects.get(pk=comment.pk).status == Status.HELD
    browser.get("/api/docs/")  # sets the csrftoken cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(url, {"action": "approve"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_the_queue_holds_held_and_stale_pending_comments_with_private_details(
    a_moderators_client, an_article
):
    held = make_comment(
        an_article,
        status=Status.HELD,
        spam_score=0.71,
        toxicity_score=0.2,
        reasons=["spam score 0.71"],
        ip_address="203.0.113.5",
    )
    stale = make_comment(an_article, status=Status.PENDING)
    Comment.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=1))
    make_comment(an_article, status=Status.PENDING)  # fresh: the workers are on it
    make_comment(an_article)
    make_comment(an_article, status=Status.SPAM)
    results = a_moderators_client.get("/api/moderation/queue/").json()["results"]
    assert [c["id"] for c in results] == [stale.pk, held.pk]  # oldest first
    first = results[1]
    assert first["email"] == held.author_email
    assert first["ip_address"] == "203.0.113.5"
    assert (first["spam_score"], first["reasons"]) == (0.71, ["spam score 0.71"])
    assert first["target"] == target_of(an_article)


def test_the_queue_keeps_a_stale_pending_comment_the_sweeper_enqueued_again(
    a_moderators_client, an_article
):
    waiting = make_comment(an_article, status=Status.PENDING)
    Comment.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(hours=1), requeued_at=timezone.now()
    )
    results = a_moderators_client.get("/api/moderation/queue/").json()["results"]
    assert [c["id"] for c in results] == [waiting.pk]


def test_the_audit_queue_lists_published_picks_and_a_confirm_takes_one_off_it(
    a_moderators_client, a_moderator, an_article
):
    pick = make_comment(an_article, audit_pick="near", toxicity_score=0.5)
    make_comment(an_article)  # published, not picked
    make_comment(an_article, status=Status.HELD, audit_pick="random")  # no longer published
    results = a_moderators_client.get("/api/moderation/audit/").json()["results"]
    assert [(c["id"], c["audit_pick"]) for c in results] == [(pick.pk, "near")]
    url = f"/api/moderation/comments/{pick.pk}/decision/"
    for _ in range(2):  # a second confirmation changes nothing
        body = a_moderators_client.post(url, {"action": "confirm"}, format="json").json()
    assert body["status"] == Status.PUBLISHED and body["audited_at"]
    assert [(e["action"], e["user"]) for e in body["events"]] == [
        ("audit_confirmed", a_moderator.username)
    ]
    assert a_moderators_client.get("/api/moderation/audit/").json()["results"] == []


def test_a_moderator_sees_the_audit_trail_and_the_explanation(a_moderators_client, an_article):
    comment = make_comment(an_article, status=Status.HELD, explanation={"spam": [["casino", 0.8]]})
    ModerationEvent.objects.create(
        comment=comment, actor="classifier", action="classified", to_status=Status.HELD
    )
    body = a_moderators_client.get(f"/api/moderation/comments/{comment.pk}/").json()
    assert body["explanation"] == {"spam": [["casino", 0.8]]}
    assert [(e["actor"], e["action"]) for e in body["events"]] == [("classifier", "classified")]


@pytest.mark.parametrize(
    ("action", "status", "event"),
    [
        ("approve", Status.PUBLISHED, "approved"),
        ("reject", Status.REJECTED, "rejected"),
        ("spam", Status.SPAM, "marked_spam"),
        ("ham", Status.PUBLISHED, "marked_ham"),
        ("restore", Status.HELD, "restored"),
    ],
)
def test_a_decision_goes_through_the_services_and_is_audited(
    a_moderators_client, a_moderator, an_article, action, status, event
):
    comment = make_comment(
        an_article, status=Status.REJECTED if action == "restore" else Status.HELD
    )
    response = a_moderators_client.post(
        f"/api/moderation/comments/{comment.pk}/decision/",
        {"action": action, "reason": "checked by hand"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == status
    recorded = ModerationEvent.objects.get(comment=comment)
    assert (recorded.action, recorded.to_status, recorded.user, recorded.reason) == (
        event,
        status,
        a_moderator,
        "checked by hand",
    )
    assert response.json()["events"][-1]["user"] == a_moderator.username


def test_an_unknown_decision_is_a_400(a_moderators_client, an_article):
    comment = make_comment(an_article, status=Status.HELD)
    url = f"/api/moderation/comments/{comment.pk}/decision/"
    assert a_moderators_client.post(url, {"action": "publish"}, format="json").status_code == 400
    assert (
        a_moderators_client.post(
            "/api/moderation/comments/999999/decision/", {"action": "approve"}, format="json"
        ).status_code
        == 404
    )
    assert not ModerationEvent.objects.exists()


def test_bulk_decisions_apply_to_every_listed_comment(a_moderators_client, an_article):
    comments = [make_comment(an_article, status=Status.HELD) for _ in range(3)]
    response = a_moderators_client.post(
        "/api/moderation/decisions/",
        {"action": "spam", "ids": [c.pk for c in comments[:2]]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["comments"] == [{"id": c.pk, "status": "spam"} for c in comments[:2]]
    assert list(Comment.objects.values_list("status", flat=True)) == ["spam", "spam", "held"]
    assert ModerationEvent.objects.filter(action="marked_spam").count() == 2


def test_bulk_decisions_with_an_unknown_id_change_nothing(a_moderators_client, an_article):
    held = make_comment(an_article, status=Status.HELD)
    response = a_moderators_client.post(
        "/api/moderation/decisions/",
        {"action": "approve", "ids": [held.pk, 999999]},
        format="json",
    )
    assert response.status_code == 400
    assert "999999" in response.json()["ids"][0]
    assert Comment.objects.get(pk=held.pk).status == Status.HELD
    assert not ModerationEvent.objects.exists()


def test_a_moderator_blocks_or_trusts_an_author(a_moderators_client, a_moderator, an_article):
    comment = make_comment(
        an_article, author_email="Spam@Casino.example", ip_address="203.0.113.66"
    )
    url = f"/api/moderation/comments/{comment.pk}/author-rule/"
    blocked = a_moderators_client.post(url, {"kind": "block", "field": "domain"}, format="json")
    assert blocked.status_code == 200
    assert (blocked.json()["kind"], blocked.json()["value"]) == ("block", "casino.example")
    a_moderators_client.post(url, {"kind": "block", "field": "ip"}, format="json")
    assert set(AuthorRule.objects.values_list("kind", "field", "value", "created_by")) == {
        ("block", "domain", "casino.example", a_moderator.pk),
        ("block", "ip", "203.0.113.66", a_moderator.pk),
    }


@pytest.mark.parametrize("field", ["email", "domain", "ip"])
def test_trust_on_what_anyone_can_type_is_a_400(a_moderators_client, an_article, field):
    comment = make_comment(an_article, ip_address="203.0.113.66")
    response = a_moderators_client.post(
        f"/api/moderation/comments/{comment.pk}/author-rule/",
        {"kind": "trust", "field": field},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "field": ["Trust an account or a browser: anyone can type an email."]
    }
    assert not AuthorRule.objects.exists()


def test_an_author_rule_on_a_missing_address_is_a_400(a_moderators_client, an_article):
    comment = make_comment(an_article, ip_address=None)
    response = a_moderators_client.post(
        f"/api/moderation/comments/{comment.pk}/author-rule/",
        {"kind": "block", "field": "ip"},
        format="json",
    )
    assert response.status_code == 400
    assert not AuthorRule.objects.exists()


# Privacy ------------------------------------------------------------------------------------

PLANTED_EMAIL = "planted-7f3a9c@private.example"
PLANTED_IP = "203.0.113.177"
PLANTED_AGENT = "PlantedAgent/7f3a9c"


def test_no_public_response_reveals_the_email_ip_or_user_agent(an_article, a_reader):
    reader = APIClient(HTTP_ACCEPT_LANGUAGE="en", HTTP_USER_AGENT=PLANTED_AGENT)
    posted = post(reader, an_article, remote_addr=PLANTED_IP, email=PLANTED_EMAIL)
    assert posted.status_code == 202
    comment = Comment.objects.get(pk=posted.json()["id"])
    assert (comment.author_email, comment.ip_address, comment.user_agent) == (
        PLANTED_EMAIL,
        PLANTED_IP,
        PLANTED_AGENT,
    )
    status_url = f"/api/comments/{comment.pk}/"
    author = {"HTTP_X_COMMENT_TOKEN": posted.json()["token"]}
    pending_status = reader.get(status_url, **author)
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)
    target = target_of(an_article)
    responses = [posted, pending_status]
    for client in (APIClient(), token_client(a_reader)):
        responses += [
            client.get("/api/comments/", {"target": target}),
            client.get("/api/comments/count/", {"target": target}),
            client.get(f"/api/comments/{comment.pk}/"),
            client.get(status_url, **author),
            client.get("/api/schema/"),
            client.get("/api/docs/"),
            client.get(f"/api/moderation/comments/{comment.pk}/"),
            client.get("/api/moderation/queue/"),
        ]
    assert str(comment.pk) in responses[4].content.decode()  # the published comment is there
    report_url = f"/api/comments/{comment.pk}/report/"
    responses += [
        reader.post(report_url, {"reason": "spam"}, format="json", REMOTE_ADDR=PLANTED_IP),
        reader.post(report_url, {"reason": "spam"}, format="json", REMOTE_ADDR=PLANTED_IP),
        reader.patch(status_url, {"text": ""}, format="json", REMOTE_ADDR=PLANTED_IP, **author),
        reader.patch(status_url, {"text": EDITED}, format="json", REMOTE_ADDR=PLANTED_IP, **author),
        reader.delete(status_url, REMOTE_ADDR=PLANTED_IP, **author),
        reader.delete(status_url, REMOTE_ADDR=PLANTED_IP, **author),
    ]
    assert [r.status_code for r in responses[-6:]] == [201, 409, 400, 202, 204, 403]
    for response in responses:
        body = response.content.decode()
        for planted in (PLANTED_EMAIL, PLANTED_IP, PLANTED_AGENT, "7f3a9c"):
            assert planted not in body, (response.request["PATH_INFO"], planted)


def test_a_body_over_the_upload_limit_gets_a_json_413(an_article, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"target": "articles.article:1", "text": "x" * 2000})
    response = APIClient().post("/api/comments/", body, content_type="application/json")
    assert response.status_code == 413
    assert "detail" in response.json()
    assert not Comment.objects.exists()


def test_moderators_read_and_set_an_articles_discussion_mode(
    api, a_moderators_client, a_moderator, an_article, another_article
):
    url, ref = "/api/moderation/discussion/", f"articles.article:{an_article.pk}"
    assert a_moderators_client.get(url, {"target": ref}).json() == {"target": ref, "mode": "open"}
    response = a_moderators_client.put(url, {"target": ref, "mode": "closed"}, format="json")
    assert (response.status_code, response.json()) == (200, {"target": ref, "mode": "closed"})
    assert DiscussionSettings.objects.get().changed_by == a_moderator
    assert services.discussion_mode(another_article) == DiscussionMode.OPEN
    assert a_moderators_client.get(url, {"target": ref}).json()["mode"] == "closed"
    assert post(api, an_article).status_code == 403  # closed: readers' comments are refused


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"target": "articles.article:{pk}", "mode": "sometimes"}, "mode"),
        ({"target": "articles.article:999999", "mode": "closed"}, "target"),
        ({"target": "auth.user:1", "mode": "closed"}, "target"),
        ({"target": "nonsense", "mode": "closed"}, "target"),
        ({"mode": "closed"}, "target"),
    ],
)
def test_a_discussion_mode_request_that_names_no_article_or_mode_is_a_400(
    a_moderators_client, an_article, body, field
):
    body = {k: v.format(pk=an_article.pk) for k, v in body.items()}
    response = a_moderators_client.put("/api/moderation/discussion/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not DiscussionSettings.objects.exists()
