"""The edit window: the author, recognised by the signed own-comments cookie, may edit or
delete a comment for a few minutes; an edit is classified again, and moderators keep the
previous text."""

from __future__ import annotations

import re
import tracemalloc
from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from moderation import policy, services
from moderation.models import Comment, ModerationEvent, Status, TrainingLabel
from moderation.section import formatting
from tests.conftest import form_fields

pytestmark = pytest.mark.django_db

FIRST = "Bella iniziativa, finalmente una pista sicura."
SECOND = "Bella iniziativa, ma servono più parcheggi per le bici."


@pytest.fixture
def own_comment(italian_client, an_article, post_comment) -> Comment:
    post_comment(italian_client, an_article, comment=FIRST)
    return Comment.objects.get()


def _publish(comment: Comment) -> None:
    services.apply_decisions({comment.pk: (policy.Decision(Status.PUBLISHED), None, {})})
    comment.refresh_from_db()


def _age(comment: Comment, minutes: int) -> None:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    comment.refresh_from_db()


def _edit(client: Client, comment: Comment, text: str):
    page = client.get(f"/comments/{comment.pk}/edit/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = {"comment": text, **({"csrfmiddlewaretoken": token.group(1)} if token else {})}
    return client.post(f"/comments/{comment.pk}/edit/", data)


def test_the_author_sees_an_edit_link_and_others_do_not(italian_client, own_comment, an_article):
    _publish(own_comment)
    own = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert f'href="/comments/{own_comment.pk}/edit/"' in own
    assert "Modifica o elimina" in own
    other = Client().get(an_article.get_absolute_url()).content.decode()
    assert f"/comments/{own_comment.pk}/edit/" not in other


def test_another_reader_cannot_open_or_post_the_edit_page(own_comment):
    intruder = Client()
    assert intruder.get(f"/comments/{own_comment.pk}/edit/").status_code == 404
    assert intruder.post(f"/comments/{own_comment.pk}/edit/", {"comment": "x"}).status_code == 404
    assert intruder.post(f"/comments/{own_comment.pk}/delete/").status_code == 404
    own_comment.refresh_from_db()
    assert own_comment.text == FIRST and own_comment.status == Status.PENDING


def test_an_edit_goes_back_to_pending_and_is_classified_again(
    italian_client, own_comment, an_article, django_capture_on_commit_callbacks
):
    _publish(own_comment)
    with (
        mock.patch("moderation.dispatch.enqueue_classification") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _edit(italian_client, own_comment, SECOND)
    assert response.status_code == 303
    assert response["Location"].endswith(f"#comment-{own_comment.pk}")
    own_comment.refresh_from_db()
    assert (own_comment.text, own_comment.status) == (SECOND, Status.PENDING)
    enqueue.assert_called_once_with([own_comment.pk])
    event = own_comment.events.get(action="edited")
    assert (event.actor, event.from_status, event.to_status) == ("reader", "published", "pending")
    assert event.previous_text == FIRST
    assert SECOND not in Client().get(an_article.get_absolute_url()).content.decode()
    own_page = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert SECOND in own_page and "Il tuo commento è in attesa di moderazione." in own_page


def test_a_decision_on_the_text_before_the_edit_is_not_applied(own_comment):
    services.edit_comment(own_comment, text=SECOND)
    decided = services.apply_decisions(
        {own_comment.pk: (policy.Decision(Status.PUBLISHED), None, {})},
        scored=[own_comment],
    )
    own_comment.refresh_from_db()
    assert decided == 0 and own_comment.status == Status.PENDING


def test_after_the_window_the_comment_can_no_longer_be_changed(italian_client, own_comment):
    _age(own_comment, 6)
    assert italian_client.get(f"/comments/{own_comment.pk}/edit/").status_code == 404
    assert _edit(italian_client, own_comment, SECOND).status_code == 404
    with pytest.raises(services.EditWindowClosed):
        services.edit_comment(own_comment, text=SECOND)
    own_comment.refresh_from_db()
    assert own_comment.text == FIRST


def test_the_window_is_a_setting(italian_client, own_comment, settings):
    _age(own_comment, 6)
    settings.MODERATION = {"EDIT_WINDOW_MINUTES": 10}
    assert italian_client.get(f"/comments/{own_comment.pk}/edit/").status_code == 200
    settings.MODERATION = {"EDIT_WINDOW_MINUTES": 0}
    _age(own_comment, 0)
    assert italian_client.get(f"/comments/{own_comment.pk}/edit/").status_code == 404


def test_held_and_rejected_comments_cannot_be_edited(italian_client, own_comment):
    Comment.objects.filter(pk=own_comment.pk).update(status=Status.HELD)
    assert italian_client.get(f"/comments/{own_comment.pk}/edit/").status_code == 404


def test_deleting_hides_the_comment_for_good_and_is_audited(
    italian_client, own_comment, an_article
):
    _publish(own_comment)
    page = italian_client.get(f"/comments/{own_comment.pk}/edit/").content.decode()
    response = italian_client.post(f"/comments/{own_comment.pk}/delete/", form_fields(page))
    assert response.status_code == 303
    own_comment.refresh_from_db()
    assert own_comment.status == Status.REJECTED
    event = own_comment.events.get(action="deleted")
    assert (event.actor, event.reason) == ("reader", "deleted by author")
    assert not TrainingLabel.objects.exists()  # the author's choice says nothing about spam
    for client in (italian_client, Client()):
        assert FIRST not in client.get(an_article.get_absolute_url()).content.decode()


def test_delete_needs_a_post(italian_client, own_comment):
    assert italian_client.get(f"/comments/{own_comment.pk}/delete/").status_code == 405


def test_the_edit_and_delete_forms_carry_a_csrf_token(own_comment, italian_client):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = italian_client.cookies
    assert csrf_client.post(f"/comments/{own_comment.pk}/delete/").status_code == 403
    page = csrf_client.get(f"/comments/{own_comment.pk}/edit/").content.decode()
    forms = re.findall(r'id="(\w+)">\s*<input type="hidden" name="csrfmiddlewaretoken"', page)
    assert forms == ["editform", "deleteform"]


def test_moderators_see_the_previous_text_in_the_audit_trail(
    own_comment, a_moderator, italian_client
):
    _edit(italian_client, own_comment, SECOND)
    moderator = Client()
    moderator.force_login(a_moderator)
    html = moderator.get(f"/admin/moderation/comment/{own_comment.pk}/change/").content.decode()
    assert FIRST in html and "edited" in html
    assert ModerationEvent.objects.filter(comment=own_comment, previous_text=FIRST).exists()


# Bounds on what one author can make the site do (issue 18, row 3) ---------------------------


def test_form_edits_count_against_the_apis_posting_rate(italian_client, own_comment, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"moderation.comments": "3/minute"},
    }
    cache.clear()
    answers = [_edit(italian_client, own_comment, f"{SECOND} ({n})").status_code for n in range(5)]
    assert answers == [303, 303, 303, 429, 429]
    refused = _edit(italian_client, own_comment, "Ancora un altro testo.")
    assert "Stai scrivendo commenti troppo in fretta. Rallenta." in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    own_comment.refresh_from_db()
    assert own_comment.text == f"{SECOND} (2)"


def test_one_comment_takes_a_bounded_number_of_edits(italian_client, own_comment, settings):
    settings.MODERATION = {**settings.MODERATION, "EDITS_PER_COMMENT": 2}
    cache.clear()
    answers = [_edit(italian_client, own_comment, f"{SECOND} ({n})").status_code for n in range(4)]
    assert answers == [303, 303, 400, 400]
    assert own_comment.events.filter(action="edited").count() == 2  # previous texts kept: 2
    refused = _edit(italian_client, own_comment, "Ancora un altro testo.")
    assert "Questo commento non può più essere modificato." in refused.content.decode()


def test_the_cache_of_rendered_texts_is_bounded_in_characters_not_entries(monkeypatch):
    cache_of_texts = formatting.RENDERED_TEXTS
    cache_of_texts.clear()
    long_texts = [f"Testo lungo {n}. " + "parola " * 9_000 for n in range(100)]
    formatting.comment_text_html("parola " * 9_000)  # the first call compiles and loads
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for text in long_texts:
        assert formatting.comment_text_html(text).startswith("<p>Testo lungo")
    retained = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert retained < 1_000_000  # 100 texts of 63 k characters, not one of them kept
    # The same cache bounded at a tenth of its 4,000,000 characters: the same eviction for
    # ten times fewer renders. Short texts, adding up to a fifth more than the bound holds.
    monkeypatch.setattr(cache_of_texts, "max_chars", cache_of_texts.max_chars // 10)
    offered = n = 0
    while offered <= cache_of_texts.max_chars * 1.2:
        text = f"Commento breve numero {n}, www.example.org"
        offered += len(text) + len(formatting.comment_text_html(text))
        n += 1
    assert 0 < cache_of_texts.chars <= cache_of_texts.max_chars
    assert formatting.comment_text_html(text) is formatting.comment_text_html(text)
    cache_of_texts.clear()
