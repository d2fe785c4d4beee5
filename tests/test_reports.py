"""Readers report comments: one report per reader per comment, and enough reports send a
published comment back to the moderators, who see the reports in the queue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from moderation import services, tasks
from moderation.models import AuthorRule, CommentReport, ModerationEvent, Status
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The form's reports count in the cache against the API's rate: start each test clean."""
    cache.clear()


@pytest.fixture
def a_comment(an_article):
    return make_comment(an_article, text="Secondo me la pista è inutile.")


def _reader(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.0.0.{n}", HTTP_ACCEPT_LANGUAGE="it")


def _report(client: Client, comment, reason: str = "offensive", note: str = ""):
    page = client.get(f"/comments/{comment.pk}/report/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    return client.post(
        f"/comments/{comment.pk}/report/",
        {"reason": reason, "note": note, "csrfmiddlewaretoken": token},
    )


def test_published_comments_carry_a_report_link(italian_client, an_article, a_comment):
    pending = make_comment(an_article, status=Status.PENDING)
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert f'href="/comments/{a_comment.pk}/report/"' in html
    assert ">Segnala</a>" in html
    assert f"/comments/{pending.pk}/report/" not in html


def test_the_report_page_works_without_javascript(italian_client, a_comment):
    html = italian_client.get(f"/comments/{a_comment.pk}/report/").content.decode()
    assert 'method="post"' in html and 'name="csrfmiddlewaretoken"' in html
    for label in ("Spam", "Offensivo", "Fuori tema", "Altro", "Nota (facoltativa)"):
        assert label in html


def test_a_report_is_recorded_and_the_reader_thanked(a_comment):
    reader = _reader(1)
    response = _report(reader, a_comment, reason="off-topic", note="Non c'entra")
    assert response.status_code == 303
    report = CommentReport.objects.get()
    assert (report.comment, report.reason, report.note) == (a_comment, "off-topic", "Non c'entra")
    assert "10.0.0.1" not in report.network_key  # a keyed hash, not the address
    thanks = reader.get(response["Location"]).content.decode()
    assert "Grazie." in thanks
    a_comment.refresh_from_db()
    assert a_comment.reports_count == 1 and a_comment.status == Status.PUBLISHED


def test_one_report_per_reader_per_comment(a_comment):
    reader = _reader(1)
    _report(reader, a_comment)
    again = _report(reader, a_comment)
    assert again.status_code == 409
    assert "Hai già segnalato questo commento." in again.content.decode()
    same_network = _report(_reader(1), a_comment)  # cookies cleared, same address
    assert same_network.status_code == 409
    assert CommentReport.objects.count() == 1


def test_enough_reports_send_the_comment_back_to_the_queue(a_comment, an_article):
    for n in (1, 2):
        _report(_reader(n), a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.PUBLISHED
    _report(_reader(3), a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.HELD
    event = a_comment.events.get(action="reported")
    assert (event.actor, event.reason) == (ModerationEvent.Actor.SYSTEM, "reported by readers")
    assert a_comment.text not in Client().get(an_article.get_absolute_url()).content.decode()


def test_the_number_of_reports_is_a_setting(a_comment, settings):
    settings.MODERATION = {"REPORTS_TO_HOLD": 1}
    _report(_reader(1), a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.HELD


def test_after_a_moderator_approves_again_reports_count_anew(a_comment, a_moderator):
    for n in (1, 2, 3):
        _report(_reader(n), a_comment)
    services.approve(a_comment, by=a_moderator)
    for n in (4, 5):
        _report(_reader(n), a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.PUBLISHED and a_comment.reports_count == 5


def test_only_published_comments_can_be_reported(an_article):
    held = make_comment(an_article, status=Status.HELD)
    assert _reader(1).get(f"/comments/{held.pk}/report/").status_code == 404
    assert _reader(1).post(f"/comments/{held.pk}/report/", {"reason": "spam"}).status_code == 404


def test_a_report_needs_a_reason_and_the_csrf_token(a_comment):
    assert _report(_reader(1), a_comment, reason="").status_code == 400
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/comments/{a_comment.pk}/report/", {"reason": "spam"})
    assert response.status_code == 403
    assert not CommentReport.objects.exists()


def test_moderators_see_the_reports_in_the_queue(a_comment, a_moderator):
    _report(_reader(1), a_comment, note="Offende gli altri lettori")
    moderator = Client()
    moderator.force_login(a_moderator)
    listing = moderator.get("/admin/moderation/comment/?status=all").content.decode()
    assert 'column-reports_count"' in listing
    assert '<td class="field-reports_count">1</td>' in listing
    detail = moderator.get(f"/admin/moderation/comment/{a_comment.pk}/change/").content.decode()
    assert "Offende gli altri lettori" in detail


# Issue 18, row 5: three anonymous reports took any comment down.


def test_three_addresses_of_one_ipv6_network_report_once(a_comment, settings):
    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"]}
    answers = [
        Client()
        .post(
            f"/api/comments/{a_comment.pk}/report/",
            {"reason": "offensive"},
            content_type="application/json",
            REMOTE_ADDR=f"2001:db8:1:2::{n}",
        )
        .status_code
        for n in (1, 2, 3)
    ]
    assert answers == [201, 409, 409]
    a_comment.refresh_from_db()
    assert a_comment.status == Status.PUBLISHED


def test_readers_whose_address_is_unknown_share_one_report(a_comment):
    """gunicorn on a unix socket: an empty REMOTE_ADDR for everyone, no cookies kept."""
    answers = [_report(Client(REMOTE_ADDR=""), a_comment).status_code for _ in range(3)]
    assert answers == [303, 409, 409]
    a_comment.refresh_from_db()
    assert a_comment.status == Status.PUBLISHED


def test_reports_through_the_form_are_rate_limited_per_network(an_article, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"moderation.reports": "2/minute"},
    }
    comments = [make_comment(an_article) for _ in range(3)]
    answers = [
        _report(Client(REMOTE_ADDR=f"2001:db8:1:2::{n}"), comment).status_code
        for n, comment in enumerate(comments, start=1)
    ]
    assert answers == [303, 303, 429]
    assert CommentReport.objects.count() == 2


def test_a_trusted_readers_report_weighs_twice(a_comment, settings):
    settings.MODERATION = {"REPORTS_TO_HOLD": 3}
    trusted = _reader(1)
    _report(trusted, a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.PUBLISHED
    AuthorRule.objects.create(
        kind="trust", field="reader", value=CommentReport.objects.get().reader_key
    )
    _report(_reader(2), a_comment)
    a_comment.refresh_from_db()
    assert a_comment.status == Status.HELD  # two networks, one of them trusted


def test_a_reports_network_key_is_erased_after_its_retention(a_comment, settings):
    settings.MODERATION = {"REPORT_NETWORK_RETENTION_DAYS": 7}
    _report(_reader(1), a_comment)
    CommentReport.objects.update(created_at=timezone.now() - timedelta(days=8))
    _report(_reader(2), make_comment(a_comment.target))
    assert tasks.erase_expired_personal_data() == 1
    assert sorted(CommentReport.objects.values_list("network_key", flat=True))[0] == ""
    assert CommentReport.objects.exclude(network_key="").count() == 1
