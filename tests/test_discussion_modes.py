"""Per-article discussion modes: closed (no form; the form, the POST and the API refuse),
pre-moderated (every comment held for a human, with a notice to readers), open; set from
the article's admin page and from the queue."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.core import checks
from django.test import Client
from django.utils import translation

from moderation import services
from moderation.models import Comment, DiscussionMode, DiscussionSettings, Status
from moderation.section.second_thought import acknowledgement
from tests.conftest import form_fields
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

PREMODERATED_IT = (
    "I commenti a questo articolo vengono letti dalla redazione prima della pubblicazione."
)
PREMODERATED_EN = "Comments on this article are read by the editors before they are published."
CLEAN = "Ottima notizia per il quartiere, speriamo che completino presto anche il secondo tratto."


def _path(article) -> str:
    with translation.override("it"):
        return article.get_absolute_url()


def _submission(article, text: str = CLEAN) -> services.Submission:
    return services.Submission(
        target=article, author_name="Anna", author_email="anna@example.org", text=text
    )


# Reading and setting the mode ------------------------------------------------------------------


def test_a_target_without_settings_is_open_and_a_moderator_sets_it(
    an_article, another_article, a_moderator
):
    assert services.discussion_mode(an_article) == DiscussionMode.OPEN
    services.set_discussion_mode(an_article, DiscussionMode.CLOSED, by=a_moderator)
    assert services.discussion_mode(an_article) == DiscussionMode.CLOSED
    assert services.discussion_mode(another_article) == DiscussionMode.OPEN
    row = DiscussionSettings.objects.get()
    assert (row.target, row.changed_by) == (an_article, a_moderator)
    with pytest.raises(ValueError):
        services.set_discussion_mode(an_article, "sometimes", by=a_moderator)


# Closed -----------------------------------------------------------------------------------------


def test_a_closed_article_shows_no_form_and_says_why(italian_client, an_article, a_moderator):
    make_comment(an_article, text="Commento vecchio.")
    services.set_discussion_mode(an_article, DiscussionMode.CLOSED, by=a_moderator)
    html = italian_client.get(_path(an_article)).content.decode()
    assert 'id="commentform"' not in html
    assert "La redazione ha chiuso i commenti a questo articolo." in html
    assert "Commento vecchio." in html  # the discussion stays readable
    assert "mod-comment__reply" not in html


def test_a_post_to_a_closed_article_is_refused_in_the_same_query_as_the_other_checks(
    italian_client, an_article, a_moderator, django_assert_num_queries
):
    page = italian_client.get(_path(an_article)).content.decode()  # rendered before closing
    services.set_discussion_mode(an_article, DiscussionMode.CLOSED, by=a_moderator)
    with django_assert_num_queries(1), pytest.raises(services.CommentsClosed):
        services.check_submission(_submission(an_article))
    data = {
        "comment": CLEAN,
        "author": "Anna",
        "email": "anna@example.org",
        "target": form_fields(page)["target"],
        "second_thought": acknowledgement(CLEAN),
    }
    response = italian_client.post("/comments/post/", data)
    assert response.status_code == 403
    assert "I commenti sono chiusi." in response.content.decode()
    assert not Comment.objects.exists()


def test_the_api_refuses_a_comment_on_a_closed_article(an_article, a_moderator, settings):
    settings.MODERATION = {"API_TARGET_MODELS": ["articles.article"]}
    services.set_discussion_mode(an_article, DiscussionMode.CLOSED, by=a_moderator)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/comments/",
        {
            "target": f"articles.article:{an_article.pk}",
            "name": "Anna",
            "email": "anna@example.org",
            "text": CLEAN,
        },
        "application/json",
    )
    assert (response.status_code, response.json()) == (403, {"detail": "Comments are closed."})
    assert not Comment.objects.exists()


# Pre-moderated ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "notice"), [("", PREMODERATED_IT), ("/en", PREMODERATED_EN)])
def test_readers_are_told_an_article_is_pre_moderated(
    client, an_article, a_moderator, language, notice, django_capture_on_commit_callbacks
):
    assert notice not in client.get(language + _path(an_article)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the cached page is dropped
        services.set_discussion_mode(an_article, DiscussionMode.PREMODERATED, by=a_moderator)
    html = client.get(language + _path(an_article)).content.decode()
    assert notice in html
    assert html.index(notice) < html.index('id="commentform"')


def test_a_clean_comment_on_a_pre_moderated_article_is_classified_then_held(
    an_article, another_article, a_moderator
):
    services.set_discussion_mode(an_article, DiscussionMode.PREMODERATED, by=a_moderator)
    here = make_comment(an_article, status=Status.PENDING, text=CLEAN)
    elsewhere = make_comment(another_article, status=Status.PENDING, text=CLEAN)
    services.classify_comments([here.pk, elsewhere.pk])
    here.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (here.status, here.reasons) == (Status.HELD, ["pre-moderated article"])
    assert here.spam_score is not None and here.model_version  # classified all the same
    assert elsewhere.status == Status.PUBLISHED


def test_a_blocked_word_on_a_pre_moderated_article_still_goes_to_spam(
    an_article, a_moderator, settings
):
    settings.MODERATION = {"BLOCKED_WORDS": ["viagra"]}
    services.set_discussion_mode(an_article, DiscussionMode.PREMODERATED, by=a_moderator)
    spam = make_comment(an_article, status=Status.PENDING, text="Compra viagra qui")
    services.classify_comments([spam.pk])
    spam.refresh_from_db()
    assert spam.status == Status.SPAM


def test_publishing_unclassified_comments_spares_pre_moderated_articles(
    an_article, another_article, a_moderator, settings
):
    settings.MODERATION = {"PUBLISH_UNCLASSIFIED": True}
    services.set_discussion_mode(an_article, DiscussionMode.PREMODERATED, by=a_moderator)
    here = make_comment(an_article, status=Status.PENDING)
    elsewhere = make_comment(another_article, status=Status.PENDING)
    services.decide_unclassified([here.pk, elsewhere.pk])
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {here.pk: Status.HELD, elsewhere.pk: Status.PUBLISHED}


# Setting it in the admin ------------------------------------------------------------------------


def _article_editor(username: str) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    return user


@pytest.fixture
def moderator_client(a_moderator) -> Client:
    """A moderator who also edits the articles."""
    a_moderator.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_article", "change_article"])
    )
    client = Client()
    client.force_login(a_moderator)
    return client


def _article_form(article, **changes) -> dict:
    return {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "author": article.author,
        "published_at_0": "2026-11-28",
        "published_at_1": "10:00:00",
        **changes,
    }


def test_a_moderator_sets_the_mode_on_the_articles_admin_page(
    moderator_client, an_article, a_moderator
):
    url = f"/admin/articles/article/{an_article.pk}/change/"
    page = moderator_client.get(url).content.decode()
    assert 'name="comment_mode"' in page and '<option value="open" selected>' in page
    response = moderator_client.post(url, _article_form(an_article, comment_mode="premoderated"))
    assert response.status_code == 302
    assert services.discussion_mode(an_article) == DiscussionMode.PREMODERATED
    assert DiscussionSettings.objects.get().changed_by == a_moderator
    page = moderator_client.get(url).content.decode()
    assert '<option value="premoderated" selected>' in page


def test_an_editor_who_cannot_moderate_sees_the_mode_but_cannot_change_it(an_article):
    client = Client()
    client.force_login(_article_editor("editor"))
    url = f"/admin/articles/article/{an_article.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="comment_mode"' not in page and "Aperti: decidono le regole" in page
    response = client.post(url, _article_form(an_article, comment_mode="closed"))
    assert response.status_code == 302  # the article is saved, the mode is not changed
    assert services.discussion_mode(an_article) == DiscussionMode.OPEN


def test_the_queue_sets_the_mode_of_the_chosen_comments_articles(
    moderator_client, an_article, another_article, a_moderator
):
    chosen = [make_comment(an_article, status=Status.HELD) for _ in range(2)]
    make_comment(another_article, status=Status.HELD)
    response = moderator_client.post(
        "/admin/moderation/comment/?status=all",
        {
            "action": "discussion_closed",
            "_selected_action": [c.pk for c in chosen],
            "index": "0",
        },
        follow=True,
    )
    assert "1 articolo: Chiusi." in response.content.decode()
    assert services.discussion_mode(an_article) == DiscussionMode.CLOSED
    assert services.discussion_mode(another_article) == DiscussionMode.OPEN


def test_an_unknown_default_order_is_reported_by_a_system_check(settings):
    settings.MODERATION = {"COMMENT_ORDER": "random"}
    errors = [m for m in checks.run_checks() if m.id == "moderation.E012"]
    assert len(errors) == 1 and "random" in errors[0].msg
    settings.MODERATION = {"COMMENT_ORDER": "newest"}
    assert not [m for m in checks.run_checks() if m.id == "moderation.E012"]
