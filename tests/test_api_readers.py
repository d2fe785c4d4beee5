"""The REST API as readers use it: reading, posting and reporting comments, and no public
answer showing a commenter's private data. The author's own endpoints: test_api_authors.py;
the moderators': test_api_moderators.py."""

from __future__ import annotations

import base64
import json
import re
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from moderation import client_ip
from moderation.models import Comment, CommentReport, ModerationEvent, Status
from tests.factories import make_comment
from tests.helpers import EDITED, post, target_of, token_client

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {"id", "parent", "depth", "name", "website", "text", "created_at", "featured"}


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
