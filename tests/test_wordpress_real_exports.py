"""Importing what real WordPress exports contain (issue 21): HTML, orphans, permalinks,
two site addresses, bad bytes, later exports, feeds that are not exports, scale."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Value
from django.db.models.functions import Replace

from moderation import services
from moderation.conf import moderation_settings
from moderation.learning.evaluation import UNBIASED_SOURCES, labelled_rows
from moderation.models import Comment, ModerationEvent, Status, TrainingLabel
from moderation.section.formatting import comment_text_html
from moderation.wordpress.export import WordPressExport
from moderation.wordpress.html_text import text_from_html
from moderation.wordpress.importer import site_key
from project.articles.models import Article

NEWSROOM = Path(__file__).parent / "data" / "wordpress-newsroom.xml"


def run_import(*args: str, export: Path = NEWSROOM) -> str:
    out = io.StringIO()
    call_command(
        "import_wordpress_comments", str(export), "--model", "articles.article", *args, stdout=out
    )
    return out.getvalue()


@pytest.fixture
def ponte(db) -> Article:
    return Article.objects.create(title="Il ponte chiude", slug="ponte", body="...")


@pytest.mark.django_db
def test_html_comments_become_the_text_the_reader_meant(ponte):
    run_import()
    giulia = Comment.objects.get(author_name="Giulia")
    assert giulia.text == (
        "Leggete la fonte (https://comune.example/ordinanza) & poi giudicate.\n"
        "Il sindaco l'aveva detto <ma nessuno> ci credeva &amp; basta.\n\n"
        "Secondo paragrafo :-) clic\n\nTerzo\na capo"
    )
    assert Comment.objects.get(author_name="Marco").text == "https://www.example.org/mappa"
    html = comment_text_html(giulia.text)
    assert '<a href="https://comune.example/ordinanza" rel="nofollow ugc">' in html
    assert "&lt;ma nessuno&gt;" in html and "<script" not in html and "javascript" not in html


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("post&#039;s &amp;amp; &hellip;", "post's &amp; …"),
        ('<a href="mailto:a@b.example">scrivimi</a>', "scrivimi (a@b.example)"),
        ("<style>p{}</style><b>grassetto</b>", "grassetto"),
        ("<ul><li>uno</li><li>due</li></ul>", "uno\ndue"),
        ("uno&nbsp;due", "uno due"),
        ('<img src="x" onerror="alert(1)">testo', "testo"),
        ("testo semplice", "testo semplice"),
    ],
)
def test_html_to_text(html, text):
    assert text_from_html(html) == text


@pytest.mark.django_db
def test_published_replies_to_hidden_comments_are_shown_and_counted(ponte, client):
    output = run_import()
    assert "not imported), shown under the nearest published one or at the top: 3" in output
    paola = Comment.objects.get(author_name="Paola")
    assert Comment.objects.get(author_name="Rita").parent == paola  # its parent was trashed
    assert Comment.objects.get(author_name="Luca").parent is None  # its parent is held
    assert Comment.objects.get(author_name="Enzo").parent is None  # its parent is not here
    assert Comment.objects.get(author_name="Ugo").parent == paola  # not published: kept
    page = client.get(ponte.get_absolute_url()).content.decode()
    for text in ("Risposta pubblicata a un commento", "a una risposta cestinata", "uno spam"):
        assert text in page


@pytest.fixture
def kyiv(db) -> Article:
    return Article.objects.create(title="Kiev", slug="ucraina-київ", body="...")


@pytest.mark.django_db
def test_a_unicode_slug_is_matched_and_its_article_served(ponte, kyiv, client):
    run_import()
    assert Comment.objects.get(author_name="Olena").target == kyiv
    page = client.get(kyiv.get_absolute_url())
    assert page.status_code == 200
    assert "Grazie per la cronaca da Kiev." in page.content.decode()


@pytest.mark.django_db
def test_matching_by_url_with_unicode_slugs_does_not_crash(ponte, kyiv):
    output = run_import("--match", "url")
    assert Comment.objects.get(author_name="Olena").target == kyiv  # /articoli/ucraina-київ
    assert "2 post(s) matched no object" in output  # the other paths differ here


@pytest.mark.django_db
def test_plain_permalinks_match_on_their_post_id_only(ponte, kyiv):
    # The old URLs kept in a field (here the summary): plain permalinks differ only by ?p=.
    Article.objects.create(slug="altro", body=".", summary="https://gazzetta-valle.example/?p=1")
    sindaco = Article.objects.create(
        slug="sindaco", body=".", summary="https://gazzetta-valle.example/?p=2003"
    )
    run_import("--match", "url", "--field", "summary")
    assert Comment.objects.get(author_name="Piero").target == sindaco
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_matching_by_wordpress_post_id(ponte):
    sindaco = Article.objects.create(id=2003, slug="il-sindaco", body=".")
    run_import("--match", "id", "--field", "id")
    assert list(Comment.objects.values_list("author_name", flat=True)) == ["Piero"]
    assert Comment.objects.get().target == sindaco


@pytest.mark.django_db
def test_a_post_whose_link_names_another_post_is_skipped_and_reported(db):
    Article.objects.create(slug="confuso", body=".")
    Article.objects.create(id=2099, slug="altro-articolo", body=".")
    output = run_import()
    assert "1 post(s) whose link names another post" in output
    assert "post 2004 https://gazzetta-valle.example/?p=2099: its link names post 2099" in output
    assert not Comment.objects.filter(author_name="Nina").exists()


@pytest.mark.parametrize(
    "address",
    [
        "http://gazzetta-valle.example",
        "https://www.gazzetta-valle.example/",
        "https://WWW.Gazzetta-Valle.example:443",
    ],
)
def test_one_site_has_one_key_whatever_its_address(address):
    assert site_key(address) == "gazzetta-valle.example"
    assert site_key("https://www.example.org/blog/") == "example.org/blog"


@pytest.mark.django_db
def test_the_same_site_under_another_address_imports_nothing_twice(ponte, tmp_path):
    run_import()
    count = Comment.objects.count()
    moved = NEWSROOM.read_text().replace(
        "<wp:base_site_url>https://gazzetta-valle", "<wp:base_site_url>http://www.gazzetta-valle"
    )
    (tmp_path / "www.xml").write_text(moved)
    output = run_import(export=tmp_path / "www.xml")
    assert Comment.objects.count() == count
    assert f"already imported before: {count}" in output
    ModerationEvent.objects.update(reason=Replace("reason", Value("@"), Value("@https://www.")))
    assert f"already imported before: {count}" in run_import()  # events of older imports


def faulty_export(tmp_path: Path) -> Path:
    data = (
        NEWSROOM.read_bytes()
        .replace(b"Commento pubblicato.", b"Commento\x0b pubblicato.")  # pasted from Word
        .replace(b"<![CDATA[Sara]]>", b"<![CDATA[Sara Perr\xe8]]>")  # a Latin-1 byte
        .replace(
            b"<title><![CDATA[Il sindaco risponde]]></title>",
            b"<title>Il sindaco&nbsp;risponde &egrave; AT&T</title>",
        )
    )
    path = tmp_path / "faulty.xml"
    path.write_bytes(data)
    return path


def line_of(path: Path, fragment: bytes) -> int:
    return path.read_bytes()[: path.read_bytes().index(fragment)].count(b"\n") + 1


@pytest.mark.django_db
def test_bad_bytes_are_repaired_listed_by_line_and_the_rest_imported(ponte, tmp_path):
    faulty = faulty_export(tmp_path)
    output = run_import(export=faulty)
    assert Comment.objects.get(author_name="Paola").text == "Commento pubblicato."
    assert Comment.objects.filter(author_name="Sara Perrè").exists()
    assert Comment.objects.count() == 8
    assert "5 fault(s) of the file repaired, the rest imported:" in output
    tab_line = line_of(faulty, b"Commento\x0b")
    assert f"line {tab_line}: control character U+000B removed" in output
    assert f"line {line_of(faulty, b'Sara')}: byte(s) e8 not UTF-8, read as Latin-1 'è'" in output
    title = line_of(faulty, b"Il sindaco&nbsp;")
    assert f"line {title}: HTML entity &nbsp; read as '\\xa0'" in output
    assert f"line {title}: stray '&' kept as text before 'T'" in output
    with faulty.open("rb") as stream:
        titles = [post.title for post in WordPressExport(stream).posts()]
    assert "Il sindaco\xa0risponde è AT&T" in titles


@pytest.mark.django_db
def test_a_truncated_file_is_still_refused(ponte, tmp_path):
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(NEWSROOM.read_bytes()[:2000])
    with pytest.raises(CommandError, match="malformed XML"):
        run_import(export=truncated)
    assert not Comment.objects.exists()


def set_status(text: str, comment_id: int, status: str) -> str:
    """The export ``text`` with WordPress status ``status`` for comment ``comment_id``."""
    start = text.index(f"<wp:comment_id>{comment_id}<")
    old = text.index("<wp:comment_approved>", start)
    end = text.index("</wp:comment_approved>", old)
    return f"{text[:old]}<wp:comment_approved>{status}{text[end:]}"


@pytest.mark.django_db
def test_a_later_export_applies_status_changes_audited(ponte, a_moderator, tmp_path):
    run_import()
    giulia = Comment.objects.get(author_name="Giulia")
    services.reject(giulia, by=a_moderator)  # decided here since the first import
    later = NEWSROOM.read_text()
    for comment_id, status in ((510, "1"), (512, "trash"), (501, "0")):
        later = set_status(later, comment_id, status)
    (tmp_path / "later.xml").write_text(later)
    output = run_import(export=tmp_path / "later.xml")
    assert "status changed in WordPress since, applied: 1 published, 1 rejected" in output
    assert "status changed in WordPress since, kept as moderated here: 1" in output
    sara = Comment.objects.get(author_name="Sara")
    assert sara.status == Status.PUBLISHED
    event = sara.events.latest("pk")
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "wordpress_approved",
        ModerationEvent.Actor.SYSTEM,
        Status.HELD,
        Status.PUBLISHED,
    )
    assert event.reason == "changed in WordPress"
    assert Comment.objects.get(author_name="Paola").status == Status.REJECTED
    assert Comment.objects.get(author_name="Giulia").status == Status.REJECTED
    again = run_import(export=tmp_path / "later.xml")
    assert "since, applied" not in again


@pytest.mark.django_db
def test_a_plain_rss_feed_is_refused_with_a_failing_exit_code(ponte):
    feed = Path(__file__).parent / "data" / "plain-feed.xml"
    with pytest.raises(CommandError, match=r"not a WordPress export.*plain RSS feed") as refused:
        run_import(export=feed)
    assert refused.value.returncode == 1


@pytest.mark.django_db
def test_editorial_notes_are_not_counted_as_pingbacks(ponte):
    output = run_import()
    assert "pingbacks and trackbacks left out: 1" in output
    assert "other comment types left out (not readers'): 1 note" in output
    assert not Comment.objects.filter(text__startswith="Nota interna").exists()


@pytest.mark.django_db
def test_imported_labels_weigh_little_and_never_judge_a_candidate(ponte, a_moderator):
    """Issue 21: an export has no spam, so its approvals must not count as the moderators'."""
    run_import()
    imported = TrainingLabel.objects.all()
    assert {(label.action, label.source) for label in imported} == {
        ("wordpress_approved", TrainingLabel.Source.IMPORT)  # no spam exported
    }
    assert imported.count() == 6  # the published comments on the matched post
    services.mark_spam(Comment.objects.get(author_name="Giulia"), by=a_moderator)
    rows = labelled_rows("spam")
    weight_of = dict(zip(rows.sources, rows.weights, strict=True))
    assert weight_of == {
        TrainingLabel.Source.IMPORT: moderation_settings.IMPORT_LABEL_WEIGHT,
        TrainingLabel.Source.OTHER: 1.0,
    }
    assert not set(rows.sources) & set(UNBIASED_SOURCES)


@pytest.mark.slow
def test_commands_that_do_not_classify_do_not_import_scikit_learn():
    """Issue 21: every command paid some 3 s importing scikit-learn at start-up."""
    code = (
        "import sys, django; django.setup();"
        "from django.urls import get_resolver; get_resolver().url_patterns;"
        "from django.contrib import admin; admin.autodiscover();"
        "import moderation.management.commands.import_wordpress_comments;"
        "print(sorted({'sklearn', 'skops'} & set(sys.modules)))"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=True
    )
    assert done.stdout.strip() == "[]"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("choice", "held", "rejected", "reported"),
    [
        ("keep", 1, 1, ""),
        ("reject", 0, 2, "1 imported as rejected, 0 left out"),
        ("skip", 0, 1, "0 imported as rejected, 1 left out"),
    ],
)
def test_years_old_held_comments_can_be_rejected_or_left_out(
    ponte, choice, held, rejected, reported
):
    # Sara's comment (held) dates from 2026-10-03: old when older than 0 days.
    output = run_import("--old-held", choice, "--old-held-days", "0")
    assert Comment.objects.filter(status=Status.HELD).count() == held
    assert Comment.objects.filter(status=Status.REJECTED).count() == rejected
    if choice != "keep":
        expected = (
            "1 imported as rejected, 0 left out"
            if choice == "reject"
            else "0 imported as rejected, 1 left out"
        )
        assert f"held in WordPress for longer than --old-held-days: {expected}" in output
    again = run_import("--old-held", choice, "--old-held-days", "0")
    assert "since, applied" not in again  # a re-run does not bring them back to the queue


@pytest.mark.django_db
def test_long_imports_are_stored_in_batches_with_progress(ponte):
    err = io.StringIO()
    call_command(
        "import_wordpress_comments",
        str(NEWSROOM),
        "--model",
        "articles.article",
        "--batch-size",
        "3",
        stdout=io.StringIO(),
        stderr=err,
    )
    lines = err.getvalue().splitlines()
    assert lines == ["10 of 13 comments read (76%)", "13 of 13 comments read (100%)"]
    assert Comment.objects.count() == 8


def test_the_reader_streams_the_file():
    item = NEWSROOM.read_text().split("<item>")[1].split("</item>")[0]
    head = NEWSROOM.read_text().partition("<item>")[0]
    big = head + "".join(f"<item>{item}</item>" for _ in range(2000)) + "</channel></rss>"
    stream = io.BytesIO(big.encode())
    first = next(iter(WordPressExport(stream).posts()))
    assert first.id == 2001
    assert stream.tell() < len(big) / 10  # the first post before a tenth of the file is read


def export_with(tmp_path: Path, comments: list[tuple[int, str, int]]) -> Path:
    """A one-post export ("ponte") with published comments (id, author, parent)."""
    head = NEWSROOM.read_text().partition("<wp:comment>")[0]
    body = "".join(
        f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[{author}]]></wp:comment_author>"
        f"<wp:comment_author_email>r{comment_id}@example.org</wp:comment_author_email>"
        f"<wp:comment_date_gmt>2026-10-0{1 + comment_id % 9} 10:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content>Commento {comment_id}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
        for comment_id, author, parent in comments
    )
    path = tmp_path / "export.xml"
    path.write_text(f"{head}{body}</item></channel></rss>")
    return path


@pytest.mark.django_db
def test_anonymous_comments_show_anonimo(ponte, italian_client, english_client, tmp_path):
    run_import(export=export_with(tmp_path, [(1, "", 0), (2, "Bea", 1)]))
    assert Comment.objects.get(text="Commento 1").author_name == ""
    italian = italian_client.get(ponte.get_absolute_url()).content.decode()
    assert '<b class="mod-comment__author">Anonimo</b>' in italian
    english = english_client.get("/en" + ponte.get_absolute_url()).content.decode()
    assert '<b class="mod-comment__author">Anonymous</b>' in english


@pytest.mark.django_db
def test_replies_deeper_than_the_thread_limit_are_kept(ponte, client, settings, tmp_path):
    settings.MODERATION = {"MAX_THREAD_DEPTH": 3}
    chain = [(1, "Ada", 0)] + [(n, f"Lettore {n}", n - 1) for n in range(2, 8)]
    run_import(export=export_with(tmp_path, chain))
    deepest = Comment.objects.get(text="Commento 7")
    assert deepest.depth == 6 and deepest.parent == Comment.objects.get(text="Commento 6")
    page = client.get(ponte.get_absolute_url()).content.decode()
    assert all(f"Commento {n}" in page for n in range(1, 8))
