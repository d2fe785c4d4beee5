"""A second thought before posting: asked once for a likely offensive or repeated comment,
never blocking, and "post anyway" skips the question and nothing else."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from moderation import services
from moderation.learning import loaded_models
from moderation.models import Comment, Status
from moderation.section.second_thought import acknowledgement, similarity
from tests.conftest import form_fields

pytestmark = pytest.mark.django_db

TOXIC = "Sei un idiota e un imbecille, stai zitto, fai schifo, vergognati cretino!"
TOXIC_TOO = "Siete tutti idioti e imbecilli, state zitti, fate schifo, cretini!"
CLEAN = "Il mercato coperto riapre sabato, ottima notizia per il quartiere."
SIMILAR = "Il mercato coperto riapre sabato: ottima notizia per tutto il quartiere!"
PROMPT_IT = "Il tuo commento potrebbe risultare offensivo."


@pytest.fixture(autouse=True)
def _no_flood_control(settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}


def _prompt(html: str) -> str:
    match = re.search(r'<div class="mod-second-thought".*?</div>', html, re.DOTALL)
    return match.group(0) if match else ""


def _post_anyway_value(html: str) -> str:
    return re.search(r'name="second_thought" value="([^"]+)"', html).group(1)


def test_a_likely_offensive_comment_comes_back_once_with_the_input_kept(
    italian_client, an_article, post_comment
):
    response = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    html = response.content.decode()
    assert response.status_code == 200
    assert Comment.objects.count() == 0
    prompt = _prompt(html)
    assert PROMPT_IT in prompt
    assert "sarà esaminato da un moderatore prima della pubblicazione" in prompt
    assert "Modifica" in prompt and "Pubblica comunque" in prompt
    assert TOXIC in html  # the textarea keeps what the reader wrote
    assert 'value="anna@example.org"' in html


def test_the_prompt_reveals_neither_the_score_nor_the_words(
    italian_client, an_article, post_comment
):
    html = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    prompt = re.sub(r'value="[^"]*"', "", _prompt(html.content.decode()))
    assert "mod-second-thought" in prompt
    for leak in ("idiota", "imbecille", "cretino", "0.", "%"):
        assert leak not in prompt


def test_the_prompt_speaks_english_on_the_english_site(english_client, an_article):
    page = english_client.get("/en" + an_article.get_absolute_url()).content.decode()
    response = english_client.post(
        "/en/comments/post/",
        {"comment": TOXIC, "author": "Ann", "email": "ann@example.org", **form_fields(page)},
    )
    prompt = _prompt(response.content.decode())
    assert "Your comment may come across as offensive." in prompt
    assert "Post anyway" in prompt and "Edit" in prompt


def test_posting_anyway_sends_the_comment_through_the_normal_pipeline(
    italian_client, an_article, post_comment
):
    html = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    html = html.content.decode()
    data = {**form_fields(html), "comment": TOXIC, "author": "Anna", "email": "anna@example.org"}
    data["second_thought"] = _post_anyway_value(html)
    response = italian_client.post("/comments/post/", data)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert comment.status == Status.PENDING
    services.classify_comments([comment.pk])  # what the worker does
    comment.refresh_from_db()
    assert comment.status == Status.HELD
    assert any(reason.startswith("toxicity") for reason in comment.reasons)


def test_posting_anyway_holds_only_for_the_text_it_was_given_for(
    italian_client, an_article, post_comment
):
    response = post_comment(
        italian_client,
        an_article,
        comment=TOXIC_TOO,
        second_thought=acknowledgement(TOXIC),
        acknowledge=False,
    )
    assert response.status_code == 200
    assert PROMPT_IT in _prompt(response.content.decode())
    assert Comment.objects.count() == 0


def test_a_forged_acknowledgement_is_ignored(italian_client, an_article, post_comment):
    response = post_comment(
        italian_client, an_article, comment=TOXIC, second_thought="yes", acknowledge=False
    )
    assert response.status_code == 200
    assert Comment.objects.count() == 0


def test_posting_anyway_skips_no_other_check(italian_client, an_article, post_comment):
    post_comment(italian_client, an_article, comment=TOXIC)
    again = post_comment(
        italian_client, an_article, comment=TOXIC, second_thought=acknowledgement(TOXIC)
    )
    assert again.status_code == 409  # the duplicate rule still applies
    assert Comment.objects.count() == 1


def test_a_clean_comment_is_not_asked_about(italian_client, an_article, post_comment):
    response = post_comment(italian_client, an_article, comment=CLEAN, acknowledge=False)
    assert response.status_code == 303


def test_a_comment_very_similar_to_the_authors_previous_one_is_asked_about(
    italian_client, an_article, post_comment
):
    post_comment(italian_client, an_article, comment=CLEAN)
    response = post_comment(italian_client, an_article, comment=SIMILAR, acknowledge=False)
    assert response.status_code == 200
    assert "molto simile a uno che hai già scritto qui" in _prompt(response.content.decode())
    assert Comment.objects.count() == 1


def test_similar_comments_of_other_readers_are_not_asked_about_even_with_their_email(
    italian_client, an_article, post_comment
):
    """Only the reader's own comments (signed cookie) count: typing someone's email must
    not tell whether they wrote something similar (issue 18, row 1)."""
    post_comment(Client(), an_article, comment=CLEAN, email="bruno@example.org")
    response = post_comment(
        italian_client, an_article, comment=SIMILAR, email="bruno@example.org", acknowledge=False
    )
    assert response.status_code == 303


def test_similarity_is_high_for_near_copies_and_low_for_other_texts():
    assert similarity(CLEAN, SIMILAR) >= 0.8
    assert similarity(CLEAN, "Che bella giornata di sole oggi in città.") < 0.3


def test_the_prompt_can_be_turned_off(italian_client, an_article, post_comment, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0, "SECOND_THOUGHT": False}
    response = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    assert response.status_code == 303


def test_the_threshold_is_a_setting(italian_client, an_article, post_comment, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0, "SECOND_THOUGHT_THRESHOLD": 1.0}
    response = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    assert response.status_code == 303


def test_without_a_model_the_comment_is_posted_without_a_prompt(
    italian_client, an_article, post_comment, settings, tmp_path
):
    settings.MODERATION = {"FLOOD_INTERVAL": 0, "MODEL_DIR": str(tmp_path)}
    response = post_comment(italian_client, an_article, comment=TOXIC, acknowledge=False)
    assert response.status_code == 303
    assert Comment.objects.get().status == Status.PENDING
    loaded_models.forget_models()


# In a real browser ----------------------------------------------------------------------------


@pytest.fixture
def chromium_page(chromium):
    page = chromium.new_page(locale="it-IT", extra_http_headers={"Accept-Language": "it"})
    yield page
    page.close()


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_reader_thinks_twice_edits_and_posts_anyway_in_a_browser(
    live_server, chromium_page, an_article, settings
):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    page = chromium_page
    page.goto(live_server.url + an_article.get_absolute_url())
    page.fill("#comment", TOXIC)
    page.fill("#author", "Anna")
    page.fill("#email", "anna@example.org")
    page.click("#submit")

    prompt = page.locator(".mod-second-thought")
    prompt.wait_for()
    assert PROMPT_IT in prompt.inner_text()
    assert page.input_value("#comment") == TOXIC
    assert Comment.objects.count() == 0

    page.click("text=Modifica")
    assert prompt.is_hidden()
    assert page.evaluate("document.activeElement.id") == "comment"
    page.fill("#comment", TOXIC_TOO)
    page.click("#submit")
    page.locator(".mod-second-thought").wait_for()  # the new text is asked about too
    assert Comment.objects.count() == 0

    page.click("text=Pubblica comunque")
    page.wait_for_url(re.compile(rf"{an_article.get_absolute_url()}\?commento=\d+#comment-\d+$"))
    assert "Il tuo commento è in attesa di moderazione." in page.content()
    comment = Comment.objects.get()
    assert (comment.text, comment.status) == (TOXIC_TOO, Status.PENDING)
