"""The REST API as moderators use it: the permission to moderate, the queues, decisions,
author rules and discussion modes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from moderation import services
from moderation.models import (
    AuthorRule,
    Comment,
    DiscussionMode,
    DiscussionSettings,
    ModerationEvent,
    Status,
)
from tests.factories import make_comment
from tests.helpers import post, target_of, token_client

pytestmark = pytest.mark.django_db


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
