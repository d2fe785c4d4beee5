"""Importing what real WordPress exports contain (issue 21): HTML, orphans, permalinks,
two site addresses, bad bytes, later exports, feeds that are not exports, scale."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from moderation.formatting import comment_text_html
from moderation.html_text import text_from_html
from moderation.models import Comment
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
