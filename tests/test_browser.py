"""The reader's and the moderator's paths in a real Chromium, against the demo site served on
loopback, with the real Redis broker and a real Celery worker classifying the comments.

Screenshots of every final state go to test-artifacts/; UPDATE_DOCS_SCREENSHOTS=1 also
refreshes the two in docs/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import BrowserContext, Page, expect

from moderation import services
from moderation.models import Comment, DiscussionMode, Status
from tests.conftest import TEST_QUEUE
from tests.factories import make_comment
from tests.helpers import ROOT, WorkerProcess, database_url_for_subprocess, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"

AWAITING = "Il tuo commento è in attesa di moderazione."
SAVE_INFO = (
    "Salva il mio nome, email e sito web in questo browser per la prossima volta che commento."
)
CLEAN = "Ottima notizia per il quartiere, speriamo che completino presto anche il secondo tratto."
TOXIC = "Sei un idiota e un imbecille, stai zitto, fai schifo, vergognati cretino!"


# The browser ---------------------------------------------------------------------------------


@pytest.fixture
def reader(chromium, live_server):
    """A new reader: a browser context of its own (cookies, storage) on the demo site."""
    contexts: list[BrowserContext] = []

    def new_reader(**options) -> Page:
        context = chromium.new_context(base_url=live_server.url, locale="it-IT", **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_reader
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str, selector: str | None = None) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    if selector:
        page.locator(selector).screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=True)
    return path


def publish_screenshot(source: Path, name: str) -> None:
    """Refresh a screenshot of the docs, when asked to (UPDATE_DOCS_SCREENSHOTS=1)."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, DOCS_SCREENSHOTS / name)


# The site and the worker ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_flood_control(settings):
    """All readers here post from 127.0.0.1; the live server thread shares these settings."""
    settings.MODERATION = {**settings.MODERATION, "FLOOD_INTERVAL": 0}


@pytest.fixture(scope="module")
def module_worker(broker, django_db_setup):
    """One Celery worker process for the module, started and stopped by the fixtures below."""
    process = WorkerProcess(broker.url, TEST_QUEUE, database_url_for_subprocess())
    yield process
    process.stop()


@pytest.fixture
def worker(module_worker, transactional_db):
    """The worker classifies what readers post."""
    if module_worker.process is None:
        module_worker.start()
    return module_worker


@pytest.fixture
def no_worker(module_worker, transactional_db):
    """Nobody classifies: what readers post stays pending for as long as the test needs."""
    module_worker.stop()


@pytest.fixture
def moderator(transactional_db) -> User:
    """A member of the Moderators group (made again: an earlier test's flush removed it)."""
    group, _ = Group.objects.get_or_create(name="Moderators")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="moderation",
            codename__in=["can_moderate", "view_comment", "change_comment"],
        )
    )
    user = User.objects.create_user("redazione", password="pw-for-tests", is_staff=True)
    user.groups.add(group)
    return user


def decided(pk: int) -> str:
    """The worker's decision on a comment, with its reasons (for the failure message)."""
    comment = wait_for(
        lambda: Comment.objects.exclude(status=Status.PENDING).filter(pk=pk).first(), timeout=40
    )
    return f"{comment.status} {comment.reasons}"


# Reading and posting, as a reader does -------------------------------------------------------


def open_article(page: Page, article, query: str = ""):
    return page.goto(f"{article.get_absolute_url()}{query}")


def fill_form(page: Page, *, comment: str, author: str, email: str, url: str = "", save=False):
    page.get_by_role("textbox", name="Commento", exact=True).fill(comment)
    page.get_by_role("textbox", name="Nome", exact=True).fill(author)
    page.get_by_role("textbox", name="Email", exact=True).fill(email)
    page.get_by_role("textbox", name="Sito web", exact=True).fill(url)
    page.get_by_label(SAVE_INFO).set_checked(save)


def post(page: Page, *, anyway: bool = False, **fields) -> int:
    """Fill the form, post it, and return the id of the comment the page lands on.

    With ``anyway``, the form is expected to ask for a second thought (docs/readers.md) and
    the reader answers "Pubblica comunque".
    """
    fill_form(page, **fields)
    page.get_by_role("button", name="Pubblica il commento").click()
    if anyway:
        page.get_by_role("button", name="Pubblica comunque").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    return int(page.url.rsplit("-", 1)[1])


def comment_item(page: Page, pk: int):
    return page.locator(f"#comment-{pk}")


def form_labels(page: Page) -> list[str]:
    labels = page.locator("#commentform p:not(.mod-form__trap) label")
    return [" ".join(text.split()) for text in labels.all_inner_texts()]


def field_values(page: Page) -> dict[str, str]:
    return {name: page.locator(f"#{name}").input_value() for name in ("author", "email", "url")}


# Scenarios without a worker: the reader's own comment stays pending ---------------------------


def test_a_reader_posts_a_comment_that_waits_for_moderation(no_worker, reader, an_article):
    page = reader()
    open_article(page, an_article)
    address = page.url

    expect(page.locator("#reply-title")).to_have_text("Lascia un commento", use_inner_text=True)
    expect(page.locator("#email-notes")).to_have_text("Il tuo indirizzo email non sarà pubblicato.")
    assert form_labels(page) == [
        "Commento *",
        "Nome *",
        "Email *",
        "Sito web",
        SAVE_INFO,
        "Avvisami via email se qualcuno risponde al mio commento.",
    ]

    page.get_by_role("button", name="Pubblica il commento").click()
    textarea = page.get_by_role("textbox", name="Commento", exact=True)
    assert textarea.evaluate("field => field.matches(':invalid')")
    assert textarea.evaluate("field => field.validationMessage")
    assert page.url == address
    assert not Comment.objects.exists()

    fill_form(
        page,
        comment=CLEAN,
        author="Anna Rossi",
        email="anna@example.org",
        url="ftp://anna.example.org",
        save=True,
    )
    page.get_by_role("button", name="Pubblica il commento").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Il tuo commento non è stato pubblicato"
    )
    website = page.get_by_role("textbox", name="Sito web", exact=True)
    expect(website).to_have_attribute("aria-invalid", "true")
    expect(website).to_have_accessible_description("Inserisci un URL valido")
    expect(page.get_by_role("textbox", name="Commento", exact=True)).to_have_value(CLEAN)
    screenshot(page, "1-server-says-what-to-correct", "#comments")

    pk = post(
        page,
        comment=CLEAN,
        author="Anna Rossi",
        email="anna@example.org",
        url="https://anna.example.org",
        save=True,
    )
    expect(page).to_have_url(
        re.compile(rf"{an_article.get_absolute_url()}\?commento={pk}#comment-{pk}$")
    )
    mine = comment_item(page, pk)
    expect(mine).to_be_in_viewport()
    expect(mine).to_contain_text(AWAITING)
    expect(mine).to_contain_text(CLEAN)
    screenshot(page, "1-own-comment-awaiting-moderation", "#comments")

    other = reader()
    open_article(other, an_article)
    expect(other.locator("#comments")).to_be_visible()
    expect(comment_item(other, pk)).to_have_count(0)
    assert CLEAN not in other.content()
    screenshot(other, "1-other-reader-does-not-see-it", "#comments")


def test_a_returning_reader_finds_the_form_filled_in_only_with_consent(
    no_worker, reader, an_article
):
    consenting = reader()
    open_article(consenting, an_article)
    post(
        consenting,
        comment="Primo commento di Anna.",
        author="Anna Rossi",
        email="anna@example.org",
        url="https://anna.example.org",
        save=True,
    )
    not_consenting = reader()
    open_article(not_consenting, an_article)
    post(not_consenting, comment="Primo commento di Bruno.", author="Bruno", email="b@example.org")

    open_article(consenting, an_article)
    assert field_values(consenting) == {
        "author": "Anna Rossi",
        "email": "anna@example.org",
        "url": "https://anna.example.org",
    }
    expect(consenting.get_by_label(SAVE_INFO)).to_be_checked()
    expect(consenting.get_by_role("textbox", name="Commento", exact=True)).to_have_value("")
    screenshot(consenting, "3-returning-reader-form-filled-in", "#respond")

    open_article(not_consenting, an_article)
    assert field_values(not_consenting) == {"author": "", "email": "", "url": ""}
    expect(not_consenting.get_by_label(SAVE_INFO)).not_to_be_checked()
    screenshot(not_consenting, "3-reader-without-consent-empty-form", "#respond")


def test_the_page_works_without_javascript(no_worker, reader, an_article):
    parent = make_comment(an_article, author_name="Marco", text="Era ora, la aspettavamo da anni.")
    page = reader(java_script_enabled=False)
    open_article(page, an_article)

    pk = post(page, comment=CLEAN, author="Anna Rossi", email="anna@example.org")
    expect(comment_item(page, pk)).to_contain_text(AWAITING)

    comment_item(page, parent.pk).get_by_role("link", name="Rispondi").click()
    page.wait_for_url(re.compile(rf"\?replytocom={parent.pk}#respond$"))
    expect(page.locator("#reply-title")).to_have_text(
        "Rispondi a Marco Annulla risposta", use_inner_text=True
    )
    expect(page.get_by_role("link", name="Annulla risposta")).to_be_visible()
    expect(page.locator(".mod-respond__leave")).to_be_hidden()

    reply = post(page, comment="Anche io, Marco!", author="Carla", email="carla@example.org")
    nested = page.locator(f"#comment-{parent.pk} > ol > #comment-{reply}")
    expect(nested).to_contain_text("Anche io, Marco!")
    expect(nested).to_contain_text(AWAITING)
    assert Comment.objects.get(pk=reply).parent_id == parent.pk
    screenshot(page, "6-without-javascript-reply-nested", "#comments")


def test_the_comment_section_fits_a_phone(no_worker, reader, an_article):
    parent = make_comment(
        an_article,
        author_name="Marco con un nome lunghissimo da lettore appassionato",
        author_url="https://marco.example.org",
        text="Guardate qui: https://example.org/" + "percorso-molto-lungo-" * 8,
    )
    make_comment(an_article, parent=parent, author_name="Lucia", text="Concordo in pieno.")
    page = reader(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    open_article(page, an_article)

    def fits() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        for field in ("#comment", "#author", "#email", "#url", "#save_info", "#submit"):
            element = page.locator(field)
            element.scroll_into_view_if_needed()
            expect(element).to_be_in_viewport()
            box = element.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375, field
            if field != "#save_info":
                assert box["height"] >= 24, f"{field} is too small to tap"

    fits()
    page.get_by_text(SAVE_INFO).tap()
    expect(page.get_by_label(SAVE_INFO)).to_be_checked()
    pk = post(page, comment=CLEAN, author="Anna Rossi", email="anna@example.org", save=True)
    expect(comment_item(page, pk)).to_contain_text(AWAITING)
    fits()
    screenshot(page, "7-phone-375px")


def test_a_reader_served_the_cached_page_can_post(no_worker, reader, an_article):
    first = reader()
    shared = open_article(first, an_article).headers["etag"]
    page = reader()
    response = open_article(page, an_article)
    assert response.headers["etag"] == shared  # the same copy, from the cache
    assert "public" in response.headers["cache-control"]
    expect(page.locator("[name=csrfmiddlewaretoken]")).to_have_count(0)

    pk = post(page, comment=CLEAN, author="Anna Rossi", email="anna@example.org")
    expect(comment_item(page, pk)).to_contain_text(AWAITING)
    assert Comment.objects.get(pk=pk).status == Status.PENDING
    first.reload()  # the other reader's page does not show it
    expect(comment_item(first, pk)).to_have_count(0)


def test_new_comments_are_offered_while_the_page_is_open_and_inserted_in_place(
    no_worker, reader, an_article, moderator, settings
):
    settings.MODERATION = {**settings.MODERATION, "LIVE_POLL_SECONDS": 1}
    parent = make_comment(an_article, author_name="Marco", text="Era ora, la aspettavamo da anni.")
    reply = make_comment(an_article, parent=parent, status=Status.HELD, text="Anche secondo me.")
    other = make_comment(an_article, status=Status.HELD, text="Un nuovo commento in fondo.")
    page = reader()
    open_article(page, an_article)
    expect(page.locator("#comments-title")).to_have_text("1 commento")
    live = page.locator(".mod-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live.get_by_role("button")).to_have_count(0)

    services.approve(reply, by=moderator)
    services.approve(other, by=moderator)
    show = live.get_by_role("button", name="2 nuovi commenti — mostra")
    expect(show).to_be_visible(timeout=15_000)
    screenshot(page, "8-new-comments-offered", "#comments")
    show.click()

    expect(page.locator(f"#comment-{parent.pk} > ol > #comment-{reply.pk}")).to_contain_text(
        "Anche secondo me."
    )
    expect(page.locator(f"#comments > ol > #comment-{other.pk}")).to_contain_text(
        "Un nuovo commento in fondo."
    )
    expect(comment_item(page, reply.pk)).to_be_focused()
    expect(page.locator("#comments-title")).to_have_text("3 commenti")
    expect(live.get_by_role("button")).to_have_count(0)
    screenshot(page, "8-new-comments-inserted", "#comments")


def test_newest_first_new_threads_are_inserted_at_the_top(
    no_worker, reader, an_article, moderator, settings
):
    settings.MODERATION = {**settings.MODERATION, "LIVE_POLL_SECONDS": 1}
    make_comment(an_article, text="Il primo commento della discussione.")
    newer = make_comment(an_article, status=Status.HELD, text="Appena pubblicato.")
    page = reader()
    open_article(page, an_article, "?ordine=recenti")
    services.approve(newer, by=moderator)
    page.locator(".mod-live").get_by_role("button", name="1 nuovo commento — mostra").click(
        timeout=15_000
    )
    top = page.locator("#comments > ol > li").first
    expect(top).to_have_id(f"comment-{newer.pk}")
    expect(top).to_be_focused()


# Scenarios with the worker: comments are classified, then published or held -----------------


def test_the_worker_publishes_a_clean_comment_for_every_reader(worker, reader, an_article):
    author = reader()
    open_article(author, an_article)
    pk = post(
        author,
        comment=CLEAN,
        author="Anna Rossi",
        email="anna.rossi@example.org",
        url="https://anna.example.org",
    )
    assert decided(pk) == "published []"

    other = reader()
    source = open_article(other, an_article).text()
    published = comment_item(other, pk)
    expect(published).to_contain_text(CLEAN)
    expect(published).not_to_contain_text(AWAITING)
    name = published.get_by_role("link", name="Anna Rossi", exact=True)
    expect(name).to_have_attribute("href", "https://anna.example.org")
    expect(name).to_have_attribute("rel", "nofollow ugc noopener")
    expect(other.locator("#comments-title")).to_have_text("1 commento")
    assert "anna.rossi@example.org" not in source
    assert "anna.rossi@example.org" not in other.content()

    author.reload()
    expect(comment_item(author, pk)).not_to_contain_text(AWAITING)
    shot = screenshot(other, "2-published-comment-and-form", "#comments")
    publish_screenshot(shot, "article-comments.png")


def test_a_reply_moves_the_form_under_the_comment_and_is_published_nested(
    worker, reader, an_article
):
    parent = make_comment(an_article, author_name="Marco", text="Era ora, la aspettavamo da anni.")
    anna = make_comment(an_article, author_name="Anna", text="Speriamo che la finiscano presto.")
    page = reader()
    open_article(page, an_article)
    address = page.url

    comment_item(page, parent.pk).get_by_role("link", name="Rispondi").click()
    respond = page.locator(f"#comment-{parent.pk} #respond")
    expect(respond).to_be_visible()
    expect(page.locator("#reply-title")).to_have_text(
        "Rispondi a Marco Annulla risposta", use_inner_text=True
    )
    expect(page.get_by_role("link", name="Annulla risposta")).to_be_visible()
    expect(page.get_by_role("textbox", name="Commento", exact=True)).to_be_focused()
    assert page.url == address

    page.get_by_role("link", name="Annulla risposta").click()
    expect(respond).to_have_count(0)
    expect(page.locator("#reply-title")).to_have_text("Lascia un commento", use_inner_text=True)
    expect(page.get_by_role("link", name="Annulla risposta")).to_be_hidden()

    comment_item(page, anna.pk).get_by_role("link", name="Rispondi ad Anna").click()
    expect(page.locator("#reply-title")).to_have_text(
        "Rispondi ad Anna Annulla risposta", use_inner_text=True
    )

    comment_item(page, parent.pk).get_by_role("link", name="Rispondi").click()
    expect(respond).to_be_visible()
    reply = post(page, comment="Anche io, Marco!", author="Carla", email="carla@example.org")
    assert decided(reply) == "published []"
    assert Comment.objects.get(pk=reply).parent_id == parent.pk

    other = reader()
    open_article(other, an_article)
    nested = other.locator(f"#comment-{parent.pk} > ol > #comment-{reply}")
    expect(nested).to_contain_text("Anche io, Marco!")
    expect(nested).not_to_contain_text(AWAITING)
    screenshot(other, "4-reply-published-nested", "#comments")


def test_a_moderator_approves_a_held_toxic_comment_with_the_keyboard(
    worker, reader, an_article, moderator
):
    author = reader()
    open_article(author, an_article)
    pk = post(author, comment=TOXIC, author="Tizio", email="tizio@example.org", anyway=True)
    assert decided(pk).startswith("held ['toxicity")
    other = reader()
    open_article(other, an_article)
    expect(comment_item(other, pk)).to_have_count(0)

    admin = reader(viewport={"width": 1280, "height": 800})
    admin.goto("/admin/moderation/comment/")
    admin.locator("#id_username").fill("redazione")
    admin.locator("#id_password").fill("pw-for-tests")
    admin.locator("#login-form [type=submit]").click()
    admin.wait_for_url("**/admin/moderation/comment/")

    row = admin.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sei un idiota e un imbecille")
    expect(row.locator(".mod-bar--high .mod-bar__value")).to_have_count(1)
    expect(row.locator(".mod-reasons li")).to_contain_text("toxicity")
    shot = screenshot(admin, "5-moderation-queue", "#content")
    publish_screenshot(shot, "moderation-queue.png")

    admin.keyboard.press("Enter")
    admin.wait_for_url(f"**/admin/moderation/comment/{pk}/change/")
    highlighted = admin.locator(".mod-text mark").all_inner_texts()
    assert {"idiota", "imbecille", "cretino"} <= {word.lower() for word in highlighted}
    screenshot(admin, "5-held-comment-highlighted-words", "#content")

    admin.go_back()
    expect(row).to_have_class(re.compile("mod-focused"))
    admin.keyboard.press("a")
    expect(admin.locator(".messagelist")).to_be_visible()
    expect(row.filter(has_text="Sei un idiota")).to_have_count(0)
    assert Comment.objects.get(pk=pk).status == Status.PUBLISHED

    other.reload()  # within max-age the browser may show its own copy: a reload asks the site
    expect(comment_item(other, pk)).to_contain_text("Sei un idiota e un imbecille")
    screenshot(other, "5-approved-comment-on-the-article", "#comments")


# Orders, editors' picks and discussion modes (docs/readers.md) ------------------------------------


def log_in(page: Page, url: str) -> None:
    page.goto(url)
    page.locator("#id_username").fill("redazione")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("#login-form [type=submit]").click()
    page.wait_for_url(f"**{url}")


def test_readers_choose_the_order_and_the_editors_picks_without_javascript(
    no_worker, reader, an_article, moderator
):
    first = make_comment(an_article, author_name="Marco", text="Il primo commento.")
    make_comment(an_article, parent=first, author_name="Lucia", text="Una risposta.")
    make_comment(an_article, author_name="Carla", text="Il secondo commento.")
    admin = reader(viewport={"width": 1280, "height": 800})
    log_in(admin, "/admin/moderation/comment/?status=published")
    expect(admin.locator("#result_list tbody tr").first).to_have_class(re.compile("mod-focused"))
    admin.keyboard.press("f")  # the focused row: the oldest, Marco's
    expect(admin.locator(".messagelist")).to_contain_text("1 commento scelto dalla redazione.")
    assert Comment.objects.get(pk=first.pk).featured_at is not None

    page = reader(java_script_enabled=False)
    open_article(page, an_article)
    order = page.get_by_role("navigation", name="Ordine dei commenti")
    expect(order.get_by_role("link")).to_have_text(
        ["Meno recenti", "Più recenti", "Scelti dalla redazione"]
    )
    expect(order.get_by_role("link", name="Meno recenti")).to_have_attribute("aria-current", "true")
    authors = page.locator("#comments .mod-comment__author")
    expect(authors).to_have_text(["Marco", "Lucia", "Carla"])
    badge = comment_item(page, first.pk).locator(".mod-comment__featured").first
    expect(badge).to_have_text("★ Scelto dalla redazione")

    order.get_by_role("link", name="Più recenti").click()
    page.wait_for_url(re.compile(r"\?ordine=recenti#comments$"))
    expect(authors).to_have_text(["Carla", "Marco", "Lucia"])
    expect(
        page.get_by_role("navigation", name="Ordine dei commenti").get_by_role(
            "link", name="Più recenti"
        )
    ).to_have_attribute("aria-current", "true")
    reply = comment_item(page, first.pk).get_by_role("link", name="Rispondi").first
    expect(reply).to_have_attribute("href", f"?ordine=recenti&replytocom={first.pk}#respond")

    page.get_by_role("link", name="Scelti dalla redazione").click()
    page.wait_for_url(re.compile(r"\?ordine=scelti#comments$"))
    expect(authors).to_have_text(["Marco"])
    expect(page.locator("#comments .mod-comment__featured")).to_have_count(1)
    expect(page.locator("#comments-title")).to_have_text("3 commenti")
    screenshot(page, "7-editors-picks", "#comments")


def test_a_pre_moderated_article_says_so_and_holds_even_a_clean_comment(
    worker, reader, an_article, moderator
):
    services.set_discussion_mode(an_article, DiscussionMode.PREMODERATED, by=moderator)
    page = reader()
    open_article(page, an_article)
    notice = page.locator(".mod-respond__premoderated")
    expect(notice).to_have_text(
        "I commenti a questo articolo vengono letti dalla redazione prima della pubblicazione."
    )
    pk = post(page, comment=CLEAN, author="Anna Rossi", email="anna@example.org")
    assert decided(pk) == "held ['pre-moderated article']"
    page.reload()
    expect(comment_item(page, pk)).to_contain_text(AWAITING)

    english = reader()
    english.goto("/en" + an_article.get_absolute_url())
    expect(english.locator(".mod-respond__premoderated")).to_have_text(
        "Comments on this article are read by the editors before they are published."
    )
    screenshot(english, "8-pre-moderated-article-en", "#respond")


def test_a_closed_article_shows_its_comments_but_no_form(no_worker, reader, an_article, moderator):
    make_comment(an_article, author_name="Marco", text="Detto prima della chiusura.")
    services.set_discussion_mode(an_article, DiscussionMode.CLOSED, by=moderator)
    for language, message in [
        ("", "La redazione ha chiuso i commenti a questo articolo."),
        ("/en", "The editors have closed comments on this article."),
    ]:
        page = reader(java_script_enabled=False)
        page.goto(language + an_article.get_absolute_url())
        expect(page.locator("#comments")).to_contain_text("Detto prima della chiusura.")
        expect(page.locator(".mod-closed")).to_have_text(message)
        expect(page.locator("#commentform")).to_have_count(0)
        expect(page.locator(".mod-comment__reply")).to_have_count(0)
    screenshot(page, "8-closed-article-en", "#comments")
