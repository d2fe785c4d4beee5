"""The article page served to anonymous readers from a cache (``section.caching``):
validators and 304s, invalidation when a comment changes, private pages for readers with
cookies, and a shared page that leaks nothing and still lets its readers post."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client

from moderation import services
from moderation.models import Comment, Status
from moderation.section.context import section_context
from moderation.section.cookies import OWN_COMMENTS_COOKIE, REMEMBER_COOKIE
from tests.conftest import form_fields
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders():
    """Counts the renderings of the comment section (a page served from the cache has none)."""
    with mock.patch(
        "moderation.templatetags.moderation_tags.section_context", side_effect=section_context
    ) as counted:
        yield counted


def test_an_anonymous_reader_gets_a_public_page_with_its_validators(an_article):
    response = Client().get(an_article.get_absolute_url())
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=30", "stale-while-revalidate=60"}
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "Cookie" in response["Vary"]
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_settings_set_the_shared_pages_lifetimes(an_article, settings):
    settings.MODERATION = {"PAGE_MAX_AGE": 5, "PAGE_STALE_WHILE_REVALIDATE": 120}
    response = Client().get(an_article.get_absolute_url())
    assert "max-age=5" in response["Cache-Control"]
    assert "stale-while-revalidate=120" in response["Cache-Control"]


def test_the_next_anonymous_reader_is_served_from_the_cache(an_article, renders):
    make_comment(an_article, text="Un commento già pubblicato.")
    first = Client().get(an_article.get_absolute_url())
    second = Client().get(an_article.get_absolute_url())
    assert renders.call_count == 1
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert "Un commento già pubblicato." in second.content.decode()


def test_a_current_copy_is_answered_304_without_rendering(an_article, renders):
    url = an_article.get_absolute_url()
    first = Client().get(url)
    by_etag = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = Client().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert renders.call_count == 1
    assert Client().get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_each_page_of_comments_and_language_has_its_own_copy(an_article, settings):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 1}
    make_comment(an_article, text="Primo.")
    make_comment(an_article, text="Secondo.")
    url = an_article.get_absolute_url()
    first, second = Client().get(url), Client().get(f"{url}?cpage=2")
    english = Client().get(f"/en{url}")
    assert "Primo." in first.content.decode() and "Secondo." not in first.content.decode()
    assert "Secondo." in second.content.decode()
    assert len({first["ETag"], second["ETag"], english["ETag"]}) == 3
    assert 'lang="en"' in english.content.decode()


@pytest.fixture
def changes_page(django_capture_on_commit_callbacks):
    """The page an anonymous reader gets after ``change`` (committed), checked to be new."""

    def page_after(article, change) -> str:
        url = article.get_absolute_url()
        before = Client().get(url)
        with django_capture_on_commit_callbacks(execute=True):
            change()
        after = Client().get(url, HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        return after.content.decode()

    return page_after


def test_publishing_a_comment_drops_the_cached_page(an_article, a_moderator, changes_page):
    held = make_comment(an_article, status=Status.HELD, text="Trattenuto, poi approvato.")
    html = changes_page(an_article, lambda: services.approve(held, by=a_moderator))
    assert "Trattenuto, poi approvato." in html


def test_removing_a_comment_drops_the_cached_page(an_article, a_moderator, changes_page):
    shown = make_comment(an_article, text="Pubblicato, poi rimosso.")
    html = changes_page(an_article, lambda: services.reject(shown, by=a_moderator))
    assert "Pubblicato, poi rimosso." not in html


def test_an_authors_edit_drops_the_cached_page(an_article, changes_page):
    shown = make_comment(an_article, text="Testo prima della modifica.")
    html = changes_page(
        an_article, lambda: services.edit_comment(shown, text="Testo dopo la modifica.")
    )
    assert "prima della modifica" not in html
    assert "dopo la modifica" not in html  # pending again until it is classified


def test_erasing_a_commenters_data_drops_the_cached_page(an_article, changes_page):
    make_comment(an_article, author_name="Giulia Bianchi", author_email="giulia@example.org")
    html = changes_page(an_article, lambda: services.erase_commenter_data("giulia@example.org"))
    assert "Giulia Bianchi" not in html


def test_deleting_a_comment_drops_the_cached_page(an_article, changes_page):
    shown = make_comment(an_article, text="Cancellato dall'amministrazione.")
    html = changes_page(an_article, shown.delete)
    assert "Cancellato dall'amministrazione." not in html


def test_another_articles_comments_leave_the_cached_page_alone(
    an_article, another_article, a_moderator, django_capture_on_commit_callbacks
):
    url = an_article.get_absolute_url()
    before = Client().get(url)
    held = make_comment(another_article, status=Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(held, by=a_moderator)
    assert Client().get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


# Private readers -----------------------------------------------------------------------------


def private(response) -> bool:
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= cache_control and not response.has_header("ETag")


def test_a_reader_with_a_pending_comment_gets_a_private_page_never_shared(an_article, post_comment):
    Client().get(an_article.get_absolute_url())  # a shared copy exists
    author = Client()
    post_comment(author, an_article, comment="Il mio commento in attesa.", email="me@example.org")
    assert Comment.objects.get().status == Status.PENDING
    own = author.get(an_article.get_absolute_url())
    assert private(own)
    assert "Il mio commento in attesa." in own.content.decode()
    assert 'name="csrfmiddlewaretoken"' in own.content.decode()
    shared = Client().get(an_article.get_absolute_url())
    assert "Il mio commento in attesa." not in shared.content.decode()


def test_a_reader_with_remembered_details_gets_a_private_page_never_stored(
    an_article, post_comment
):
    author = Client()
    post_comment(author, an_article, author="Marta Neri", email="marta@example.org", save_info=True)
    del author.cookies[OWN_COMMENTS_COOKIE]
    assert REMEMBER_COOKIE in author.cookies
    page = author.get(an_article.get_absolute_url())
    assert private(page)
    assert "marta@example.org" in page.content.decode()
    shared = Client().get(an_article.get_absolute_url())
    assert not private(shared)
    assert "marta@example.org" not in shared.content.decode()
    assert "Marta Neri" not in shared.content.decode()


def test_a_signed_in_user_gets_a_private_page(an_article, a_moderator):
    client = Client()
    client.force_login(a_moderator)
    assert private(client.get(an_article.get_absolute_url()))


def test_the_shared_page_shows_no_email_and_no_pending_comment(an_article):
    make_comment(an_article, author_name="Piero", author_email="piero.segreto@example.org")
    make_comment(an_article, status=Status.PENDING, text="Non ancora deciso.")
    make_comment(an_article, status=Status.HELD, text="Trattenuto per i moderatori.")
    for _ in range(2):  # rendered, then from the cache
        html = Client().get(an_article.get_absolute_url()).content.decode()
        assert "Piero" in html
        assert "piero.segreto@example.org" not in html
        assert "Non ancora deciso." not in html
        assert "Trattenuto per i moderatori." not in html


def test_the_cache_can_be_turned_off(an_article, settings):
    settings.MODERATION = {"PAGE_CACHE": False}
    response = Client().get(an_article.get_absolute_url())
    assert not response.has_header("ETag")
    assert "public" not in response.get("Cache-Control", "")


# Posting from a shared page ------------------------------------------------------------------


def test_a_reader_served_the_cached_page_can_post(an_article, renders):
    url = an_article.get_absolute_url()
    Client().get(url)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(url)
    assert renders.call_count == 1  # this reader got the cached copy
    fields = {
        "comment": "Scritto dalla copia in cache.",
        "author": "Ugo",
        "email": "ugo@example.org",
        "target": form_fields(page.content.decode())["target"],
    }
    response = reader.post("/comments/post/", fields, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303
    assert Comment.objects.get().text == "Scritto dalla copia in cache."


def test_a_post_from_another_site_is_refused_in_the_readers_language(an_article):
    page = Client().get(an_article.get_absolute_url()).content.decode()
    fields = {
        "comment": "Inviato da un altro sito.",
        "author": "Bot",
        "email": "bot@example.org",
        "target": form_fields(page)["target"],
    }
    for headers in ({"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}):
        response = Client(HTTP_ACCEPT_LANGUAGE="it").post("/comments/post/", fields, **headers)
        assert response.status_code == 403
        assert "Si possono pubblicare commenti solo dalle pagine di questo sito." in (
            response.content.decode()
        )
    assert not Comment.objects.exists()


def test_the_demos_language_switch_is_links_so_the_cached_page_needs_no_form(an_article):
    html = Client().get(f"{an_article.get_absolute_url()}?cpage=1").content.decode()
    assert f'href="/en{an_article.get_absolute_url()}?cpage=1" hreflang="en"' in html
    assert "set_language" not in html and "/i18n/setlang/" not in html
