"""Editors' picks and the reader's order: featuring through services, admin and API, the
badge, the picks view, ``?ordine=`` kept in every link, links to a comment opening the page
that lists it, and a constant number of queries."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from moderation import services
from moderation.models import Comment, ModerationEvent, Status
from moderation.section.context import section_context
from moderation.section.threads import render_threads_by_template
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

BADGE_IT = "Scelto dalla redazione"


@pytest.fixture
def moderator_client(a_moderator) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    client.force_login(a_moderator)
    return client


def _page(client: Client, article, query: str = "", language: str = "") -> str:
    with translation.override("it"):  # the Italian path; English pages are under /en
        path = article.get_absolute_url()
    response = client.get(language + path + query)
    assert response.status_code == 200
    return response.content.decode()


def _texts(html: str) -> list[str]:
    """The comments' texts in the order the page shows them."""
    return re.findall(r"(Commento \w+)\.", html)


# Featuring -------------------------------------------------------------------------------------


def test_featuring_a_published_comment_is_recorded_with_its_moderator(an_article, a_moderator):
    comment = make_comment(an_article)
    services.feature(comment, by=a_moderator)
    services.feature(comment, by=a_moderator)  # again: nothing more
    comment.refresh_from_db()
    assert comment.featured_at is not None
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.action, event.user, event.to_status) == ("featured", a_moderator, "published")
    services.unfeature(comment, by=a_moderator)
    comment.refresh_from_db()
    assert comment.featured_at is None
    assert list(comment.events.values_list("action", flat=True)) == ["featured", "unfeatured"]


@pytest.mark.parametrize("status", [Status.PENDING, Status.HELD, Status.SPAM, Status.REJECTED])
def test_only_a_published_comment_can_be_featured(an_article, a_moderator, status):
    comment = make_comment(an_article, status=status)
    with pytest.raises(services.CommentError):
        services.feature(comment, by=a_moderator)
    comment.refresh_from_db()
    assert comment.featured_at is None
    assert not comment.events.exists()


def test_an_unpublished_pick_keeps_its_mark_but_readers_no_longer_see_it(
    italian_client, an_article, a_moderator
):
    comment = make_comment(an_article, text="Commento scelto.")
    services.feature(comment, by=a_moderator)
    assert BADGE_IT in _page(italian_client, an_article)
    services.restore(comment, by=a_moderator)  # e.g. reported: back to the queue
    assert BADGE_IT not in _page(italian_client, an_article)
    assert "Commento scelto" not in _page(italian_client, an_article, "?ordine=scelti")
    services.approve(comment, by=a_moderator)
    assert BADGE_IT in _page(italian_client, an_article, "?ordine=scelti")


def test_an_edited_pick_is_no_longer_a_pick(an_article, a_moderator):
    comment = make_comment(an_article)
    services.feature(comment, by=a_moderator)
    services.edit_comment(comment, text="Un altro testo")
    comment.refresh_from_db()
    assert comment.featured_at is None


def test_the_admin_action_features_the_published_comments_only(
    moderator_client, an_article, a_moderator
):
    published, held = make_comment(an_article), make_comment(an_article, status=Status.HELD)
    response = moderator_client.post(
        "/admin/moderation/comment/?status=all",
        {"action": "feature", "_selected_action": [published.pk, held.pk], "index": "0"},
        follow=True,
    )
    html = response.content.decode()
    assert "1 commento scelto dalla redazione." in html
    assert "non è pubblicato" in html
    assert Comment.objects.get(pk=published.pk).featured_at is not None
    assert Comment.objects.get(pk=held.pk).featured_at is None
    picks = moderator_client.get("/admin/moderation/comment/?status=picks").content.decode()
    assert f'value="{published.pk}"' in picks and f'value="{held.pk}"' not in picks


def test_the_queue_has_shortcuts_to_feature_and_unfeature(moderator_client, an_article):
    make_comment(an_article, status=Status.HELD)
    html = moderator_client.get("/admin/moderation/comment/").content.decode()
    assert "<kbd>f</kbd>" in html and "<kbd>u</kbd>" in html


def test_the_api_features_a_published_comment_and_refuses_a_held_one(an_article, a_moderator):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(a_moderator)
    comment, held = make_comment(an_article), make_comment(an_article, status=Status.HELD)
    url = "/api/moderation/comments/{}/featured/"
    response = client.post(url.format(comment.pk), {"featured": True}, "application/json")
    assert response.status_code == 200
    assert response.json()["featured_at"] is not None
    assert response.json()["events"][-1]["action"] == "featured"
    refused = client.post(url.format(held.pk), {"featured": True}, "application/json")
    assert refused.status_code == 400
    assert refused.json() == {"featured": ["Only a published comment can be an editors' pick."]}
    out = client.post(url.format(comment.pk), {"featured": False}, "application/json")
    assert out.json()["featured_at"] is None


def test_the_api_lets_only_moderators_feature(an_article, a_staff_member):
    comment = make_comment(an_article)
    client = Client()
    client.force_login(a_staff_member)
    response = client.post(
        f"/api/moderation/comments/{comment.pk}/featured/", {"featured": True}, "application/json"
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.featured_at is None


def test_the_public_api_says_which_comments_are_picks(client, an_article, a_moderator, settings):
    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"]}
    picked, other = make_comment(an_article), make_comment(an_article)
    services.feature(picked, by=a_moderator)
    results = client.get(f"/api/comments/?target=articles.article:{an_article.pk}").json()
    assert {c["id"]: c["featured"] for c in results["results"]} == {
        picked.pk: True,
        other.pk: False,
    }


# What readers see -------------------------------------------------------------------------------


@pytest.fixture
def a_discussion(an_article, a_moderator) -> dict[str, Comment]:
    """Three top-level comments (the second featured) and a featured reply to the first."""
    first = make_comment(an_article, text="Commento primo.")
    second = make_comment(an_article, text="Commento secondo.")
    third = make_comment(an_article, text="Commento terzo.")
    reply = make_comment(an_article, parent=first, text="Commento risposta.")
    for comment in (second, reply):
        services.feature(comment, by=a_moderator)
    return {"first": first, "second": second, "third": third, "reply": reply}


def test_the_badge_marks_the_picks_in_the_thread(italian_client, an_article, a_discussion):
    html = _page(italian_client, an_article)
    assert _texts(html) == [
        "Commento primo",
        "Commento risposta",
        "Commento secondo",
        "Commento terzo",
    ]
    assert html.count(BADGE_IT) == 2
    second = html.split('id="comment-{}"'.format(a_discussion["second"].pk))[1]
    assert second.index(BADGE_IT) < second.index("Commento secondo")


def test_the_picks_view_shows_the_featured_comments_alone(italian_client, an_article, a_discussion):
    html = _page(italian_client, an_article, "?ordine=scelti")
    assert _texts(html) == ["Commento secondo", "Commento risposta"]
    assert html.count(BADGE_IT) == 2
    assert 'aria-current="true">Scelti dalla redazione</a>' in html
    assert "4 commenti" in html  # the heading still counts them all


def test_newest_first_reverses_the_threads_not_the_replies(
    italian_client, an_article, a_discussion
):
    html = _page(italian_client, an_article, "?ordine=recenti")
    assert _texts(html) == [
        "Commento terzo",
        "Commento secondo",
        "Commento primo",
        "Commento risposta",
    ]
    assert 'aria-current="true">Più recenti</a>' in html


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("?ordine=newest", "Commento terzo"),
        ("?ordine=oldest", "Commento primo"),
        ("?ordine=%FF", "Commento primo"),
        ("?ordine=nonsense", "Commento primo"),
    ],
)
def test_english_names_are_accepted_and_an_unknown_order_is_the_default(
    italian_client, an_article, a_discussion, query, first
):
    assert _texts(_page(italian_client, an_article, query))[0] == first


def test_the_order_links_are_a_plain_nav_and_hide_picks_when_there_are_none(
    english_client, an_article
):
    make_comment(an_article, text="Commento solo.")
    html = _page(english_client, an_article, language="/en")
    nav = re.search(
        r'<nav class="mod-order" aria-label="Order of comments">(.*?)</nav>', html, re.S
    )
    assert nav is not None
    assert re.findall(r'href="([^"]+)"', nav.group(1)) == [
        "?ordine=meno-recenti#comments",
        "?ordine=recenti#comments",
    ]
    assert 'aria-current="true">Oldest</a>' in nav.group(1)
    empty = _page(english_client, an_article, "?ordine=scelti", language="/en")
    assert "The editors have not picked any comment yet." in empty


def test_the_order_is_kept_in_the_pagination_and_reply_links(italian_client, an_article, settings):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 2}
    comments = [make_comment(an_article, text=f"Commento n{i}.") for i in range(5)]
    html = _page(italian_client, an_article, "?ordine=recenti&cpage=2")
    assert _texts(html) == ["Commento n2", "Commento n1"]
    assert 'href="?ordine=recenti&amp;cpage=1#comments">Commenti più recenti</a>' in html
    assert 'href="?ordine=recenti&amp;cpage=3#comments">Commenti meno recenti</a>' in html
    reply_link = f"?ordine=recenti&cpage=2&replytocom={comments[2].pk}"
    assert f'href="{reply_link.replace("&", "&amp;")}#respond"' in html
    replying = _page(italian_client, an_article, reply_link)
    assert (
        'id="cancel-comment-reply-link" href="?ordine=recenti&amp;cpage=2&amp;#respond"' in replying
    )
    assert f'name="parent" value="{comments[2].pk}"' in replying


def test_a_reader_who_posts_is_sent_to_the_page_showing_their_comment_in_their_order(
    italian_client, an_article, post_comment, settings, a_moderator
):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 2, "FLOOD_INTERVAL": 0}
    for i in range(5):
        make_comment(an_article, text=f"Commento n{i}.")
    url = an_article.get_absolute_url()

    posted = post_comment(italian_client, an_article, comment="Commento mio.")
    own = Comment.objects.get(text="Commento mio.")
    assert posted["Location"] == f"{url}?commento={own.pk}#comment-{own.pk}"
    assert _texts(_page(italian_client, an_article, posted["Location"][len(url) :])) == [
        "Commento n4",
        "Commento mio",
    ]

    posted = post_comment(
        italian_client, an_article, query="?ordine=recenti&cpage=3", comment="Commento nuovo."
    )
    new = Comment.objects.get(text="Commento nuovo.")
    assert posted["Location"] == f"{url}?ordine=recenti&commento={new.pk}#comment-{new.pk}"
    shown = _page(italian_client, an_article, posted["Location"][len(url) :])
    assert _texts(shown) == ["Commento nuovo", "Commento mio"]

    # The picks hold no new comment: the reader is sent to the default order.
    services.feature(Comment.objects.get(text="Commento n0."), by=a_moderator)
    posted = post_comment(italian_client, an_article, query="?ordine=scelti", comment="Ultimo.")
    assert posted["Location"].startswith(f"{url}?commento=")


def test_a_link_to_a_comment_opens_the_page_of_its_thread_and_tells_nothing_hidden(
    italian_client, an_article, another_article, settings
):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 2}
    threads = [make_comment(an_article, text=f"Commento n{i}.") for i in range(5)]
    late = make_comment(an_article, parent=threads[4], text="Commento risposta.")
    early = make_comment(an_article, parent=threads[0], text="Commento prima.")
    assert _texts(_page(italian_client, an_article, f"?commento={late.pk}")) == [
        "Commento n4",
        "Commento risposta",
    ]
    newest = _page(italian_client, an_article, f"?ordine=recenti&commento={early.pk}")
    assert _texts(newest) == ["Commento n0", "Commento prima"]

    first_page = _texts(_page(italian_client, an_article))
    pending = make_comment(an_article, parent=threads[4], status=Status.PENDING)
    elsewhere = make_comment(another_article)
    for comment_id in (pending.pk, elsewhere.pk, 10**9, "abc"):
        assert _texts(_page(italian_client, an_article, f"?commento={comment_id}")) == first_page


def test_the_default_order_is_a_setting_and_leaves_the_links_bare(
    italian_client, an_article, a_discussion, settings
):
    settings.MODERATION = {"COMMENT_ORDER": "newest"}
    html = _page(italian_client, an_article)
    assert _texts(html)[0] == "Commento terzo"
    assert f'href="?replytocom={a_discussion["third"].pk}#respond"' in html
    assert _texts(_page(italian_client, an_article, "?ordine=meno-recenti"))[0] == "Commento primo"


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("order", ["", "recenti", "scelti"])
def test_the_python_rendered_threads_equal_the_template_in_every_order(
    an_article, a_discussion, language, order
):
    with translation.override(language):
        context = section_context(RequestFactory().get("/", {"ordine": order}), an_article)
        assert context["threads_html"] == render_threads_by_template(context)
    assert ("★" in context["threads_html"]) and ("ordine=" in context["threads_html"]) == bool(
        order
    )


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("order", ["meno-recenti", "recenti", "scelti"])
def test_every_order_costs_a_constant_number_of_queries(
    italian_client, an_article, a_moderator, order
):
    url = f"{an_article.get_absolute_url()}?ordine={order}"
    services.feature(make_comment(an_article), by=a_moderator)
    few = _queries(italian_client, url)
    for _ in range(30):
        parent = make_comment(an_article)
        services.feature(make_comment(an_article, parent=parent), by=a_moderator)
    assert _queries(italian_client, url) == few


def test_no_unpublished_or_other_articles_comment_reaches_the_picks(
    italian_client, an_article, another_article, a_moderator
):
    elsewhere = make_comment(another_article, text="Commento altrove.")
    services.feature(elsewhere, by=a_moderator)
    mine = make_comment(an_article, text="Commento mio.")
    services.feature(mine, by=a_moderator)
    Comment.objects.filter(pk=mine.pk).update(status=Status.SPAM)
    html = _page(italian_client, an_article, "?ordine=scelti")
    assert _texts(html) == []


def test_a_default_of_picks_shows_all_comments_while_there_are_none(
    italian_client, an_article, a_moderator, settings, django_capture_on_commit_callbacks
):
    settings.MODERATION = {"COMMENT_ORDER": "picks"}
    make_comment(an_article, text="Commento primo.")
    second = make_comment(an_article, text="Commento secondo.")
    assert _texts(_page(italian_client, an_article)) == ["Commento primo", "Commento secondo"]
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is dropped
        services.feature(second, by=a_moderator)
    assert _texts(_page(italian_client, an_article)) == ["Commento secondo"]
