"""Live updates (moderation.section.live): the JSON list of comments published after a given one,
cached and revalidated like the page, and the section's region that asks for it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from moderation import services
from moderation.models import DiscussionMode, Status
from moderation.section.live import live_url
from moderation.section.threads import REPLY_PARAM
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def new_comments(article, after: int, client: Client | None = None, **headers):
    return (client or Client()).get(f"{live_url(article)}?after={after}", **headers)


def test_only_comments_published_after_the_given_one_are_listed(an_article):
    seen = make_comment(an_article, text="Già sulla pagina.")
    make_comment(an_article, status=Status.PENDING, text="In attesa.")
    make_comment(an_article, status=Status.HELD, text="Trattenuto.")
    new = make_comment(an_article, text="Appena pubblicato.", author_email="new@example.org")
    reply = make_comment(an_article, parent=seen, text="Una risposta nuova.")
    response = new_comments(an_article, seen.pk, HTTP_ACCEPT_LANGUAGE="it")
    data = response.json()
    assert [(c["id"], c["parent"]) for c in data["comments"]] == [
        (new.pk, None),
        (reply.pk, seen.pk),
    ]
    assert (data["count"], data["last_id"], data["more"]) == (2, reply.pk, False)
    assert data["notice"] == "2 nuovi commenti — mostra"
    assert data["title"] == "3 commenti"
    assert f'id="comment-{new.pk}"' in data["comments"][0]["html"]
    assert "Appena pubblicato." in data["comments"][0]["html"]
    body = response.content.decode()
    for hidden in ("In attesa.", "Trattenuto.", "new@example.org", "Già sulla pagina."):
        assert hidden not in body


@pytest.mark.parametrize("mode", [DiscussionMode.OPEN, DiscussionMode.CLOSED])
def test_new_comments_offer_a_reply_link_only_where_the_page_would(an_article, mode):
    seen = make_comment(an_article)
    services.set_discussion_mode(an_article, mode, by=None)
    make_comment(an_article, text="Approvato dopo la chiusura.")
    (new,) = new_comments(an_article, seen.pk).json()["comments"]
    assert (f"{REPLY_PARAM}=" in new["html"]) == (mode == DiscussionMode.OPEN)


def test_nothing_new_is_an_empty_list_that_keeps_the_given_id(an_article):
    last = make_comment(an_article)
    data = new_comments(an_article, last.pk).json()
    assert (data["count"], data["last_id"], data["comments"]) == (0, last.pk, [])


def test_the_answer_is_public_short_lived_and_revalidated(
    an_article, a_moderator, django_capture_on_commit_callbacks
):
    first = make_comment(an_article)
    response = new_comments(an_article, first.pk)
    assert "public" in response["Cache-Control"] and "max-age=30" in response["Cache-Control"]
    assert (
        new_comments(an_article, first.pk, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )
    held = make_comment(an_article, status=Status.HELD, text="Approvato ora.")
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(held, by=a_moderator)
    again = new_comments(an_article, first.pk, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 200
    assert [c["id"] for c in again.json()["comments"]] == [held.pk]


def test_the_answer_is_the_same_for_a_reader_with_cookies(an_article, post_comment):
    first = make_comment(an_article)
    author = Client()
    post_comment(author, an_article, comment="Il mio commento, ancora in attesa.")
    assert new_comments(an_article, first.pk, author).json()["comments"] == []


def queries_for(article, after: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert new_comments(article, after).status_code == 200
    return len(captured)


def test_the_queries_do_not_grow_with_the_comments(an_article, another_article):
    start = make_comment(an_article)
    for _ in range(3):
        make_comment(an_article)
    other_start = make_comment(another_article)
    for n in range(30):
        make_comment(another_article, parent=other_start if n % 2 else None)
    assert queries_for(an_article, start.pk) == queries_for(another_article, other_start.pk)


def test_at_most_a_batch_is_sent_and_the_rest_announced(an_article, monkeypatch):
    monkeypatch.setattr("moderation.section.live.MAX_COMMENTS", 2)
    comments = [make_comment(an_article) for _ in range(3)]
    data = new_comments(an_article, 0).json()
    assert [c["id"] for c in data["comments"]] == [c.pk for c in comments[:2]]
    assert data["more"] is True


@pytest.mark.parametrize("after", ["", "abc", "-1", "²", "1" * 40, "1.5"])
def test_a_bad_after_is_a_400_in_json(an_article, after):
    response = Client(HTTP_ACCEPT_LANGUAGE="it").get(f"{live_url(an_article)}?after={after}")
    assert response.status_code == 400
    assert response.json()["error"] == "«after» deve essere il numero di un commento."


@pytest.mark.parametrize("token", ["1.1:forged", "garbage", "9.1", "%E2%80%A8"])
def test_a_forged_address_is_a_400_in_json(an_article, token):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/en/comments/live/{token}/?after=1")
    assert response.status_code == 400
    assert response.json()["error"] == "This address is not valid."


def test_the_address_of_a_deleted_page_is_a_404_in_json(an_article):
    url = live_url(an_article)
    an_article.delete()
    response = Client().get(f"{url}?after=0")
    assert response.status_code == 404
    assert "error" in response.json()


def test_live_updates_can_be_turned_off(an_article, settings):
    settings.MODERATION = {"LIVE_UPDATES": False}
    assert new_comments(an_article, 0).status_code == 404
    assert 'class="mod-live"' not in Client().get(an_article.get_absolute_url()).content.decode()


# The section's live region -------------------------------------------------------------------


def live_region(html: str) -> dict[str, str]:
    match = re.search(r'<div class="mod-live" aria-live="polite"([^>]*)>', html)
    assert match, "no live region"
    return dict(re.findall(r'data-([\w-]+)="([^"]*)"', match.group(1)))


def test_the_last_page_polls_from_the_last_published_comment(an_article, settings):
    settings.MODERATION = {"LIVE_POLL_SECONDS": 20, "LIVE_POLL_MAX_SECONDS": 300}
    make_comment(an_article)
    last = make_comment(an_article)
    make_comment(an_article, status=Status.PENDING)
    region = live_region(Client().get(an_article.get_absolute_url()).content.decode())
    assert region == {
        "url": live_url(an_article),
        "after": str(last.pk),
        "poll": "20",
        "poll-max": "300",
    }


def test_an_earlier_page_of_comments_does_not_poll(an_article, settings):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 1}
    make_comment(an_article)
    make_comment(an_article)
    url = an_article.get_absolute_url()
    assert 'class="mod-live"' not in Client().get(f"{url}?cpage=1").content.decode()
    assert live_region(Client().get(f"{url}?cpage=2").content.decode())


def test_newest_first_polls_on_its_first_page_and_the_picks_never(
    an_article, a_moderator, settings
):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 1}
    services.feature(make_comment(an_article), by=a_moderator)
    last = make_comment(an_article)
    url = an_article.get_absolute_url()
    first = Client().get(f"{url}?ordine=recenti").content.decode()
    assert live_region(first)["after"] == str(last.pk)
    assert re.search(r'<div class="mod-live"[^>]* data-newest-first>', first)
    assert "data-newest-first" not in Client().get(f"{url}?cpage=2").content.decode()
    for query in ("?ordine=recenti&cpage=2", "?ordine=scelti"):
        assert 'class="mod-live"' not in Client().get(url + query).content.decode()
