"""The reader's path through the form: submit, see one's own pending comment, errors kept."""

import re
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import translation

from moderation.models import Comment, ModerationEvent, Status
from moderation.section.context import section_context
from moderation.section.cookies import READER_COOKIE, REMEMBER_COOKIE
from moderation.section.forms import load_target, sign_target
from moderation.section.second_thought import acknowledgement
from moderation.section.threads import render_threads_by_template
from tests.conftest import form_fields
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


def test_a_comment_is_saved_pending_and_the_reader_is_sent_to_it(
    italian_client, an_article, post_comment
):
    response = post_comment(italian_client, an_article)
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == (
        f"{an_article.get_absolute_url()}?commento={comment.pk}#comment-{comment.pk}"
    )
    assert comment.status == Status.PENDING
    assert comment.target == an_article
    assert comment.ip_address == "127.0.0.1"
    assert ModerationEvent.objects.get(comment=comment).action == "submitted"


def test_only_the_author_sees_the_pending_comment(italian_client, an_article, post_comment):
    post_comment(italian_client, an_article, comment="Il mio commento in attesa")
    own = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert "Il mio commento in attesa" in own
    assert "Il tuo commento è in attesa di moderazione." in own
    other = Client(HTTP_ACCEPT_LANGUAGE="it").get(an_article.get_absolute_url()).content.decode()
    assert "Il mio commento in attesa" not in other


def test_the_author_still_sees_a_held_comment_as_awaiting_moderation(
    italian_client, an_article, post_comment
):
    post_comment(italian_client, an_article, comment="Trattenuto dal modello")
    Comment.objects.update(status=Status.HELD)
    own = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert "Trattenuto dal modello" in own
    assert "Il tuo commento è in attesa di moderazione." in own
    Comment.objects.update(status=Status.SPAM)
    assert (
        "Trattenuto dal modello"
        not in italian_client.get(an_article.get_absolute_url()).content.decode()
    )


def test_an_invalid_email_is_announced_with_the_privacy_note(
    italian_client, an_article, post_comment
):
    html = post_comment(italian_client, an_article, email="sbagliata").content.decode()
    assert 'aria-describedby="email-notes email_error"' in html
    assert 'id="email_error"' in html


def test_a_guessed_own_comments_cookie_shows_nothing(italian_client, an_article, post_comment):
    post_comment(italian_client, an_article, comment="Segreto in attesa")
    comment = Comment.objects.get()
    intruder = Client()
    intruder.cookies["moderation_own"] = str(comment.pk)
    assert "Segreto in attesa" not in intruder.get(an_article.get_absolute_url()).content.decode()


def test_the_italian_page_carries_the_source_sites_section(italian_client, an_article):
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    for text in [
        "Lascia un commento",
        "Il tuo indirizzo email non sarà pubblicato.",
        "I campi obbligatori sono contrassegnati",
        "Salva il mio nome, email e sito web in questo browser per la prossima volta che commento.",
        "Pubblica il commento",
    ]:
        assert text in html
    labels = re.findall(r'<label for="(comment|author|email|url|save_info)">([^<]*)', html)
    assert [(f, label.strip()) for f, label in labels] == [
        ("comment", "Commento"),
        ("author", "Nome"),
        ("email", "Email"),
        ("url", "Sito web"),
        (
            "save_info",
            "Salva il mio nome, email e sito web in questo browser per la prossima "
            "volta che commento.",
        ),
    ]
    assert html.count('<span class="required" aria-hidden="true">*</span>') == 4  # 3 + the note


def test_the_english_page_uses_the_english_labels(english_client, an_article):
    html = english_client.get("/en" + an_article.get_absolute_url()).content.decode()
    for text in [
        "Leave a Reply",
        "Your email address will not be published.",
        "Post Comment",
        ">Comment <",
        ">Name <",
        ">Website<",
    ]:
        assert text in html


@pytest.mark.parametrize(
    ("client_fixture", "prefix", "message"),
    [
        ("italian_client", "", "Campo obbligatorio."),
        ("english_client", "/en", "This field is required."),
    ],
)
def test_errors_come_back_in_the_readers_language_with_input_kept(
    request, client_fixture, prefix, message, an_article
):
    client = request.getfixturevalue(client_fixture)
    page = client.get(prefix + an_article.get_absolute_url()).content.decode()
    action = re.search(r'action="([^"]+)" method="post" id="commentform"', page).group(1)
    response = client.post(
        action,
        {
            "comment": "Testo che non deve andare perso",
            "author": "",
            "email": "sbagliata",
            "url": "javascript:alert(1)",
            "target": form_fields(page)["target"],
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "Testo che non deve andare perso" in html
    assert 'value="sbagliata"' in html
    assert Comment.objects.count() == 0


def test_a_duplicate_is_refused_with_409(italian_client, an_article, post_comment, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    post_comment(italian_client, an_article, comment="Stesso testo")
    response = post_comment(italian_client, an_article, comment="Stesso testo")
    assert response.status_code == 409
    assert "Identificato un commento duplicato" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_second_comment_within_the_flood_interval_gets_429(
    italian_client, an_article, post_comment
):
    post_comment(italian_client, an_article, comment="Primo")
    response = post_comment(italian_client, an_article, comment="Secondo")
    assert response.status_code == 429
    assert "Stai scrivendo commenti troppo in fretta. Rallenta." in response.content.decode()
    assert "Secondo" in response.content.decode()
    assert Comment.objects.count() == 1


def test_flood_control_keys_on_the_readers_own_comments_too(an_article, post_comment):
    first = Client(REMOTE_ADDR="10.0.0.1")
    post_comment(first, an_article, comment="Primo")
    moved = Client(REMOTE_ADDR="10.0.0.2")
    moved.cookies = first.cookies  # the same browser on another network
    response = post_comment(moved, an_article, comment="Secondo", email="altro@example.org")
    assert response.status_code == 429


def _answer(response, email: str) -> tuple[int, str]:
    """The status and body of a response, with the typed email (echoed in the form) and the
    time-stamped tokens blanked."""
    body = response.content.decode().replace(email, "EMAIL")
    return response.status_code, re.sub(
        r'name="(csrfmiddlewaretoken|target)" value="[^"]*"', "", body
    )


@pytest.mark.parametrize("flood_interval", [15, 0])
def test_no_answer_of_the_form_depends_on_the_typed_email(
    an_article, post_comment, settings, flood_interval
):
    """Issue 18, row 1: the victim's text again with guessed emails, after one post of the
    prober's own: wrong and right emails get the same status and the same page."""
    settings.MODERATION = {"FLOOD_INTERVAL": flood_interval}
    victim_text = "Ho visto il sindaco al bar ieri sera, parlava dei lavori sul ponte."
    post_comment(
        Client(REMOTE_ADDR="10.0.0.9"), an_article, comment=victim_text, email="vittima@example.org"
    )
    Comment.objects.update(status=Status.REJECTED)  # never public
    prober = Client(HTTP_ACCEPT_LANGUAGE="it", REMOTE_ADDR="10.0.0.66")
    assert post_comment(prober, an_article, comment="Un mio commento").status_code == 303
    last_pk, cookies = Comment.objects.latest("pk").pk, prober.cookies.output()

    def probe(email: str) -> tuple[int, str]:
        response = post_comment(
            prober, an_article, comment=f"{victim_text}!", email=email, acknowledge=False
        )
        Comment.objects.filter(pk__gt=last_pk).delete()
        prober.cookies.load(cookies)  # each guess from the same state
        return _answer(response, email)

    right, wrong = probe("vittima@example.org"), probe("sbagliata@example.org")
    assert right == wrong
    assert right[0] == (429 if flood_interval else 303)


def test_a_forged_target_gets_400_and_nothing_is_saved(italian_client, an_article):
    response = italian_client.post(
        "/comments/post/",
        {
            "comment": "x",
            "author": "a",
            "email": "a@example.org",
            "target": "articles.article:1:forged:signature",
        },
    )
    assert response.status_code == 400
    assert "Il modulo non è valido" in response.content.decode()
    assert Comment.objects.count() == 0


def test_an_expired_form_comes_back_with_the_text_and_a_fresh_signature(italian_client, an_article):
    three_days_ago = time.time() - 3 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=three_days_ago):
        old = sign_target(an_article)
    response = italian_client.post(
        "/comments/post/",
        {"comment": "Scritto ieri", "author": "Anna", "email": "a@example.org", "target": old},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Il modulo è scaduto" in html
    assert "Scritto ieri" in html
    assert load_target(form_fields(html)["target"]) == an_article
    assert Comment.objects.count() == 0


def test_comments_close_after_the_configured_days(italian_client, an_article, settings):
    settings.MODERATION = {"CLOSE_AFTER_DAYS": 0}
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert "I commenti sono chiusi." in html
    assert 'id="commentform"' not in html


def test_posting_to_a_closed_article_is_refused(italian_client, an_article, settings):
    page = italian_client.get(an_article.get_absolute_url()).content.decode()
    settings.MODERATION = {"CLOSE_AFTER_DAYS": 0}
    response = italian_client.post(
        "/comments/post/",
        {
            "comment": "Tardi",
            "author": "Anna",
            "email": "a@example.org",
            "target": form_fields(page)["target"],
        },
    )
    assert response.status_code == 403
    assert "I commenti sono chiusi." in response.content.decode()
    assert Comment.objects.count() == 0


def test_the_honeypot_quietly_keeps_the_comment_as_spam(italian_client, an_article, post_comment):
    response = post_comment(italian_client, an_article, honeypot="http://spam.example")
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.status == Status.SPAM
    assert response["Location"] == (  # the same answer as an accepted comment's
        f"{an_article.get_absolute_url()}?commento={comment.pk}#comment-{comment.pk}"
    )
    assert comment.events.get().reason == "honeypot field filled"


def test_the_honeypot_path_runs_the_flood_and_duplicate_checks_first(an_article, post_comment):
    """Issue 18, row 7: fifty long trapped posts from one address were all stored."""
    bot = Client(REMOTE_ADDR="203.0.113.50")
    answers = [
        post_comment(bot, an_article, comment=f"{n} " + "x" * 60_000, honeypot="spam").status_code
        for n in range(5)
    ]
    assert answers == [303, 429, 429, 429, 429]
    assert Comment.objects.count() == 1
    human = post_comment(bot, an_article, comment="Un commento vero.")
    assert human.status_code == 429  # the trapped post counts against the flood interval


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"comment=\xff\xfe\xfa&author=\xc3\x28&target=\x00", "application/x-www-form-urlencoded"),
        (b"comment=" + b"a" * 1_100_000, "application/x-www-form-urlencoded"),
        (b'{"comment": "json"}', "application/json"),
        (b"\x00\x01\x02", "application/octet-stream"),
        (b"--x\r\nbroken multipart", "multipart/form-data; boundary=x"),
        (b"&".join(b"f%d=1" % i for i in range(5000)), "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_requests_get_a_4xx_never_a_500(an_article, body, content_type):
    client = Client(raise_request_exception=False)
    response = client.generic("POST", "/comments/post/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert Comment.objects.count() == 0


def test_get_is_not_allowed(italian_client):
    assert italian_client.get("/comments/post/").status_code == 405


def test_csrf_is_enforced_for_a_reader_with_the_apps_cookies(an_article):
    client = Client(enforce_csrf_checks=True)
    page = client.get(an_article.get_absolute_url()).content.decode()
    client.cookies[READER_COOKIE] = "a-reader"
    response = client.post(
        "/comments/post/",
        {
            "comment": "x",
            "author": "a",
            "email": "a@example.org",
            "target": form_fields(page)["target"],
        },
    )
    assert response.status_code == 403
    assert Comment.objects.count() == 0


# Remembering the reader (consent) -------------------------------------------------------------


def test_with_consent_the_next_visit_is_prefilled(italian_client, an_article, post_comment):
    post_comment(
        italian_client,
        an_article,
        author="Bruno",
        email="bruno@example.org",
        url="https://bruno.example",
        save_info="on",
    )
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert 'value="Bruno"' in html
    assert 'value="bruno@example.org"' in html
    assert 'value="https://bruno.example"' in html
    assert re.search(r'name="save_info"[^>]*checked', html)


def test_without_consent_nothing_is_remembered_and_old_values_are_cleared(
    italian_client, an_article, post_comment, settings
):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    first = post_comment(italian_client, an_article, author="Bruno", comment="Primo")
    assert REMEMBER_COOKIE not in first.cookies  # nothing stored, nothing to clear
    post_comment(italian_client, an_article, author="Bruno", save_info="on")
    assert italian_client.cookies[REMEMBER_COOKIE].value
    post_comment(italian_client, an_article, author="Bruno", comment="Altro", save_info=None)
    assert not italian_client.cookies[REMEMBER_COOKIE].value
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert 'value="Bruno"' not in html


# Published comments -------------------------------------------------------------------------


def test_published_comments_show_name_link_date_and_safe_text(italian_client, an_article):
    make_comment(
        an_article,
        author_name="Carla",
        author_url="https://carla.example",
        text="Vedi https://fonte.example/dati\nseconda riga <script>alert(1)</script>",
    )
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert (
        '<a href="https://carla.example" rel="nofollow ugc noopener" class="url">Carla</a>' in html
    )
    assert 'href="https://fonte.example/dati" rel="nofollow ugc"' in html
    assert "seconda riga" in html and "<br>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "1 commento" in html
    assert re.search(r"\d{1,2} [a-z]+ \d{4} alle \d{2}:\d{2}", html)


def test_held_spam_and_rejected_comments_are_not_shown(italian_client, an_article):
    for status in (Status.HELD, Status.SPAM, Status.REJECTED, Status.PENDING):
        make_comment(an_article, status=status, text=f"nascosto {status}")
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert "nascosto" not in html


def test_replies_nest_under_their_parent(italian_client, an_article):
    parent = make_comment(an_article, text="Padre")
    make_comment(an_article, parent=parent, text="Figlio")
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    nested = re.search(
        rf'id="comment-{parent.pk}".*?mod-comment-list--children.*?Figlio', html, re.S
    )
    assert nested


def test_reply_mode_works_without_javascript(italian_client, an_article, post_comment):
    parent = make_comment(an_article, author_name="Dario")
    html = italian_client.get(
        f"{an_article.get_absolute_url()}?replytocom={parent.pk}"
    ).content.decode()
    assert "Rispondi a <span" in html and "Dario</span>" in html
    assert f'name="parent" value="{parent.pk}"' in html
    post_comment(italian_client, an_article, parent=str(parent.pk))
    reply = Comment.objects.exclude(pk=parent.pk).get()
    assert reply.parent == parent and reply.depth == 1 and reply.root_id == parent.pk


@pytest.mark.parametrize(
    ("name", "title", "label"),
    [("Dario", "Rispondi a ", "> a Dario<"), ("Anna", "Rispondi ad ", "> ad Anna<")],
)
def test_italian_writes_ad_before_a_name_starting_with_a(
    italian_client, an_article, name, title, label
):
    parent = make_comment(an_article, author_name=name)
    html = italian_client.get(
        f"{an_article.get_absolute_url()}?replytocom={parent.pk}"
    ).content.decode()
    shown = re.search(r'<span class="mod-respond__to"[^>]*?(?<! hidden)>([^<]*)<', html)
    assert shown and shown.group(1) == title
    assert label in html  # the screen reader's "Rispondi a Dario" / "Rispondi ad Anna"


def test_threads_stop_at_the_configured_depth(italian_client, an_article, post_comment, settings):
    settings.MODERATION = {"MAX_THREAD_DEPTH": 2}
    top = make_comment(an_article)
    child = make_comment(an_article, parent=top)
    response = post_comment(italian_client, an_article, parent=str(child.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 2


def test_a_reply_to_a_comment_of_another_article_is_refused(
    italian_client, an_article, another_article, post_comment
):
    foreign = make_comment(another_article)
    response = post_comment(italian_client, an_article, parent=str(foreign.pk))
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_top_level_comments_are_paginated(italian_client, an_article, settings):
    settings.MODERATION = {"COMMENTS_PER_PAGE": 3}
    for i in range(7):
        make_comment(an_article, text=f"numero-{i}-fine")
    first = italian_client.get(an_article.get_absolute_url()).content.decode()
    third = italian_client.get(an_article.get_absolute_url() + "?cpage=3").content.decode()
    assert "numero-0-fine" in first and "numero-3-fine" not in first
    assert "numero-6-fine" in third and "numero-0-fine" not in third
    assert "7 commenti" in first


def _article_queries(client, article, django_assert_max_num_queries=None):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(article.get_absolute_url()).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_comments(italian_client, an_article, settings):
    for _ in range(3):
        make_comment(an_article)
    few = _article_queries(italian_client, an_article)
    parents = [make_comment(an_article) for _ in range(60)]
    for parent in parents:
        child = make_comment(an_article, parent=parent)
        make_comment(an_article, parent=child)
    many = _article_queries(italian_client, an_article)
    assert many == few


# What a reader's comment POST costs the database, statement by statement (in order; each
# the start of its SQL), so that a statement added on this path fails here. The duplicate and
# flood checks are part of the comment's INSERT (services/_sql.py). On PostgreSQL the comment
# and its audit event are one statement; SQLite needs two, in a transaction (the tests run
# inside one, so it shows as SAVEPOINT / RELEASE). Not counted here: with CONN_HEALTH_CHECKS,
# Django first sends "SELECT 1" on a reused connection; a logged-in reader adds the session
# and user; the classification is enqueued once the comment is stored, in Redis.
_TARGET = ("the target, forms.load_target", 'SELECT "articles_article"')
_PARENT = ("the parent, CommentForm.clean", 'SELECT "moderation_comment"')
_SUBMIT = {
    "postgresql": [
        (
            "the checks, the comment and its audit event",
            'WITH new_comment AS (INSERT INTO "moderation_comment"',
        ),
    ],
    "sqlite": [
        ("the transaction begins", "SAVEPOINT"),
        ("the checks and the comment, its root included", 'INSERT INTO "moderation_comment"'),
        ('its "submitted" event (audit trail)', 'INSERT INTO "moderation_moderationevent"'),
        ("the transaction commits", "RELEASE SAVEPOINT"),
    ],
}[connection.vendor]


@pytest.mark.parametrize(
    ("reply", "expected"),
    [(False, [_TARGET, *_SUBMIT]), (True, [_TARGET, _PARENT, *_SUBMIT])],
    ids=["top-level", "reply"],
)
def test_a_comment_post_makes_these_queries_and_no_more(
    italian_client, an_article, reply, expected, django_assert_num_queries
):
    parent = make_comment(an_article) if reply else None
    page = italian_client.get(an_article.get_absolute_url())  # also caches the ContentType
    text = "Bella iniziativa, finalmente una pista sicura."
    data = {
        "comment": text,
        "author": "Anna",
        "email": "anna@example.org",
        "target": form_fields(page.content.decode())["target"],
        "second_thought": acknowledgement(text),
        **({"parent": str(parent.pk)} if parent else {}),
    }
    listing = "\n".join(f"{n}. {what}" for n, (what, _sql) in enumerate(expected, 1))
    with django_assert_num_queries(len(expected), info=listing) as queries:
        response = italian_client.post("/comments/post/", data)
    assert response.status_code == 303
    sqls = [query["sql"] for query in queries.captured_queries]
    for sql, (what, start) in zip(sqls, expected, strict=True):
        assert sql.startswith(start), f"expected {what}, got {sql[:80]}"
    assert Comment.objects.latest("pk").root_id == (parent.pk if parent else None)


def _post_data(page, text: str) -> dict:
    return {
        "comment": text,
        "author": "Anna",
        "email": "anna@example.org",
        "target": form_fields(page.content.decode())["target"],
        "second_thought": acknowledgement(text),
    }


def test_a_process_reads_the_commented_object_once_per_target_cache_seconds(
    an_article, django_assert_num_queries
):
    page = Client().get(an_article.get_absolute_url())
    first = Client(REMOTE_ADDR="192.0.2.1").post("/comments/post/", _post_data(page, "Primo."))
    assert first.status_code == 303
    with django_assert_num_queries(len(_SUBMIT)) as queries:  # the article is not read again
        response = Client(REMOTE_ADDR="192.0.2.2").post(
            "/comments/post/", _post_data(page, "Secondo.")
        )
    assert response.status_code == 303
    assert not any('"articles_article"' in q["sql"].split("WHERE")[0] for q in queries)


def test_an_object_deleted_after_it_was_read_takes_no_comment(an_article):
    page = Client().get(an_article.get_absolute_url())
    first = Client(REMOTE_ADDR="192.0.2.1").post("/comments/post/", _post_data(page, "Primo."))
    assert first.status_code == 303
    an_article.delete()  # this process still holds the object it read
    response = Client(REMOTE_ADDR="192.0.2.2").post("/comments/post/", _post_data(page, "Secondo."))
    assert response.status_code == 404
    assert "La pagina che stai commentando non esiste." in response.content.decode()
    assert list(Comment.objects.values_list("text", flat=True)) == ["Primo."]


def test_templates_can_be_overridden_per_target_model(
    italian_client, an_article, tmp_path, settings
):
    override = tmp_path / "moderation" / "articles" / "article"
    override.mkdir(parents=True)
    (override / "section.html").write_text("<p>sezione personalizzata {{ count }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert "sezione personalizzata 0" in html


@pytest.mark.parametrize("language", ["it", "en"])
def test_the_python_rendered_threads_equal_the_comment_template(an_article, language):
    parent = make_comment(an_article, author_name="Àlberto <b>", author_url="https://a.example")
    child = make_comment(an_article, parent=parent, author_name="Anna", text="Sì!\n\nwww.x.it")
    make_comment(an_article, parent=child, author_name="Marco & co", text="<script>")
    make_comment(an_article, author_name="Dario", text="Riga uno\nriga due")
    with translation.override(language):
        context = section_context(RequestFactory().get("/"), an_article)
        by_template = render_threads_by_template(context)
    assert context["threads_html"] == by_template
    assert "Àlberto &lt;b&gt;" in by_template and "&lt;script&gt;" in by_template


@pytest.mark.parametrize("parent", ["¹", "²³"])
def test_a_parent_of_unicode_digits_is_a_form_error_not_a_server_error(
    italian_client, an_article, post_comment, parent
):
    """``"¹".isdigit()`` is true but ``int("¹")`` fails: the form page must still render."""
    response = post_comment(italian_client, an_article, parent=parent)
    assert response.status_code == 400


def test_a_posted_comment_carries_its_browsers_reader_key(italian_client, an_article, post_comment):
    """What a moderator's trust binds to when the author has no account (issue 18, row 2)."""
    post_comment(italian_client, an_article, comment="Primo")
    token = italian_client.cookies[READER_COOKIE].value.split(":")[0]
    assert Comment.objects.get().reader_key == token != ""
