"""The REST API as a comment's author uses it, with the token given when posting: the status
of their comment, and its edit and delete within the window."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from moderation.api.serializers import PUBLIC_STATUS
from moderation.api.tokens import status_token
from moderation.models import Comment, Status
from tests.factories import make_comment
from tests.helpers import EDITED, post, target_of

pytestmark = pytest.mark.django_db


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
