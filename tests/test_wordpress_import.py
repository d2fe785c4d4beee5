"""Importing a WordPress export: threads, statuses, matching, idempotency, hostile files."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from moderation.models import Comment, ModerationEvent, Status, TrainingLabel
from moderation.wordpress.export import ExportError, WordPressExport

EXPORT = Path(__file__).parent / "data" / "wordpress-export.xml"
SITE = "https://www.cronaca-locale.example"


def run_import(*args: str, export: Path = EXPORT) -> str:
    out = io.StringIO()
    call_command("import_wordpress_comments", str(export), *args, stdout=out)
    return out.getvalue()


def by_author_and_text(fragment: str) -> Comment:
    return Comment.objects.get(text__contains=fragment)


@pytest.fixture
def imported(an_article, another_article, settings):
    settings.MODERATION = {"IP_RETENTION_DAYS": 100_000}
    return run_import("--model", "articles.article")


def test_the_reader_streams_posts_with_their_comments():
    with EXPORT.open("rb") as stream:
        export = WordPressExport(stream)
        posts = list(export.posts())
    assert export.site == SITE
    slugs = ["pista-ciclabile", "mercato", "vecchio-articolo", "chi-siamo"]
    assert [p.slug for p in posts] == slugs
    first = posts[0]
    assert [c.id for c in first.comments] == [102, 101, 103, 104, 105, 106, 107]
    anna = first.comments[1]
    assert anna.author == "Anna"
    assert anna.email == "anna@example.org"
    assert anna.content == "Bella iniziativa, <b>finalmente</b> una pista sicura & larga."
    assert anna.date == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert anna.parent_id == 0


@pytest.mark.django_db
def test_comments_are_imported_with_their_authors_dates_and_addresses(imported, an_article):
    anna = by_author_and_text("Bella iniziativa")
    assert anna.target == an_article
    assert (anna.author_name, anna.author_email) == ("Anna", "anna@example.org")
    assert anna.author_url == "https://anna.example"
    assert anna.ip_address == "203.0.113.5"
    assert anna.created_at == datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert anna.text == "Bella iniziativa, finalmente una pista sicura & larga."
    assert by_author_and_text("Finalmente! Il sabato").ip_address == "2001:db8::1"


@pytest.mark.django_db
def test_threads_are_kept_even_when_a_reply_comes_first_in_the_file(imported):
    anna = by_author_and_text("Bella iniziativa")
    bruno = by_author_and_text("Sono d'accordo")
    thanks = by_author_and_text("Grazie Bruno")
    assert (bruno.parent, bruno.root, bruno.depth) == (anna, anna, 1)
    assert (thanks.parent, thanks.root, thanks.depth) == (bruno, anna, 2)
    assert anna.root is None  # a top-level comment has no root


@pytest.mark.django_db
def test_wordpress_decisions_become_statuses_without_classification(imported):
    assert by_author_and_text("Bella iniziativa").status == Status.PUBLISHED
    assert by_author_and_text("Aspetto di vederla").status == Status.HELD
    assert by_author_and_text("Bonus senza deposito").status == Status.SPAM
    assert by_author_and_text("cestinato").status == Status.REJECTED
    assert not Comment.objects.filter(status=Status.PENDING).exists()
    assert not Comment.objects.exclude(spam_score=None).exists()
    assert "imported 7 comment(s) on 2 post(s)" in imported
    assert "1 held, 4 published, 1 rejected, 1 spam" in imported


@pytest.mark.django_db
def test_pingbacks_are_left_out_and_bad_values_dropped(imported):
    assert not Comment.objects.filter(author_name="Altro Blog").exists()
    assert "pingbacks and trackbacks left out: 1" in imported
    spam = by_author_and_text("Bonus senza deposito")
    assert spam.ip_address is None  # "not-an-ip"
    # No GMT date: the local date is read in the site's time zone (Europe/Rome, UTC+1).
    assert spam.created_at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_each_imported_comment_has_an_audit_event_with_its_wordpress_id(imported):
    anna = by_author_and_text("Bella iniziativa")
    event = ModerationEvent.objects.get(comment=anna)
    assert event.action == "imported"
    assert event.actor == ModerationEvent.Actor.SYSTEM
    assert event.reason == "wordpress:101@cronaca-locale.example"
    assert event.to_status == Status.PUBLISHED
    assert ModerationEvent.objects.filter(action="imported").count() == 7


@pytest.mark.django_db
def test_approved_and_spam_decisions_become_training_labels_once(imported):
    labels = {label.comment.text[:12]: label for label in TrainingLabel.objects.all()}
    assert len(labels) == 5  # 4 published + 1 spam; held and trashed say nothing sure
    assert (labels["Bella inizia"].is_spam, labels["Bella inizia"].is_toxic) == (False, False)
    assert labels["Vinci subito"].is_spam is True
    assert labels["Vinci subito"].action == "wordpress_spam"
    assert {label.moderator for label in labels.values()} == {None}
    run_import("--model", "articles.article")
    assert TrainingLabel.objects.count() == 5


@pytest.mark.django_db
def test_unmatched_posts_are_reported_and_not_imported(imported):
    assert not Comment.objects.filter(author_name="Franco").exists()
    assert "1 post(s) matched no object" in imported
    assert "vecchio-articolo" in imported
    assert "chi-siamo" not in imported  # a post without comments is nothing to report


@pytest.mark.django_db
def test_a_second_run_imports_nothing_twice(imported):
    again = run_import("--model", "articles.article")
    assert Comment.objects.count() == 7
    assert "imported 0 comment(s)" in again
    assert "already imported before: 7" in again


@pytest.mark.django_db
def test_a_reply_to_a_comment_imported_by_an_earlier_run_joins_its_thread(
    imported, tmp_path, an_article
):
    later = EXPORT.read_text().replace("<wp:comment_id>107<", "<wp:comment_id>108<")
    (tmp_path / "later.xml").write_text(later)
    run_import("--model", "articles.article", export=tmp_path / "later.xml")
    copies = Comment.objects.filter(text="Grazie Bruno!").order_by("pk")
    assert copies.count() == 2
    assert copies[1].parent == by_author_and_text("Sono d'accordo")


@pytest.mark.django_db
def test_matching_by_url_uses_the_objects_addresses(an_article, another_article):
    output = run_import("--model", "articles.article", "--match", "url")
    assert Comment.objects.filter(object_pk=str(an_article.pk)).count() == 6
    assert not Comment.objects.filter(object_pk=str(another_article.pk)).exists()
    assert "2 post(s) matched no object" in output
    assert "/2026/11/mercato/" in output


@pytest.mark.django_db
def test_a_dry_run_stores_nothing(an_article, another_article):
    output = run_import("--model", "articles.article", "--dry-run")
    assert "would import 7 comment(s)" in output
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_old_ip_addresses_are_not_imported(an_article, another_article, settings):
    settings.MODERATION = {"IP_RETENTION_DAYS": 1}
    output = run_import("--model", "articles.article")
    assert not Comment.objects.exclude(ip_address=None).exists()
    assert "IP addresses not kept (older than IP_RETENTION_DAYS): 5" in output


@pytest.mark.django_db
def test_malformed_xml_is_a_clear_error_and_imports_nothing(an_article, tmp_path):
    broken = EXPORT.read_text().replace("</wp:comment_author>", "", 3)
    (tmp_path / "broken.xml").write_text(broken)
    with pytest.raises(CommandError, match=r"malformed XML at line \d+.*nothing was imported"):
        run_import("--model", "articles.article", export=tmp_path / "broken.xml")
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_file_declaring_entities_is_refused(an_article, tmp_path):
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;">]>\n'
        "<rss><channel><wp:base_site_url>x</wp:base_site_url><title>&b;</title></channel></rss>"
    )
    (tmp_path / "laughs.xml").write_text(laughs)
    with pytest.raises(CommandError, match="document type"):
        run_import("--model", "articles.article", export=tmp_path / "laughs.xml")


def test_a_file_that_is_not_an_export_is_refused():
    with pytest.raises(ExportError, match="not a WordPress export"):
        list(WordPressExport(io.BytesIO(b"<html><body>hello</body></html>")).posts())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "articles.nothing"], "unknown model"),
        (["--model", "articles.article", "--field", "colour"], "no field 'colour'"),
    ],
)
def test_wrong_arguments_are_clear_errors(args, message):
    with pytest.raises(CommandError, match=message):
        run_import(*args)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        run_import("--model", "articles.article", export=tmp_path / "nope.xml")


@pytest.mark.django_db
def test_comments_the_form_would_refuse_are_reported_and_not_imported(
    an_article, another_article, tmp_path
):
    """Issue 18: the import stored any email and any length the form refuses."""
    hostile = (
        EXPORT.read_text()
        .replace("<![CDATA[promo@spam.example]]>", "<![CDATA[not an email]]>")
        .replace(
            "<![CDATA[Grazie Bruno!]]>",
            f"<![CDATA[{'Grazie Bruno! ' * 5000}]]>",
        )
    )
    (tmp_path / "hostile.xml").write_text(hostile)
    output = run_import("--model", "articles.article", export=tmp_path / "hostile.xml")
    assert "2 comment(s) the form would refuse were not imported:" in output
    assert "comment 104: invalid email 'not an email'" in output
    assert "comment 107: text longer than 65525 characters" in output
    assert not Comment.objects.filter(author_email="not an email").exists()
    assert not Comment.objects.filter(text__startswith="Grazie Bruno!").exists()
    assert by_author_and_text("Sono d'accordo").parent == by_author_and_text("Bella iniziativa")
