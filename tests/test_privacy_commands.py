"""A commenter's data: exported in full, erased on request, IPs forgotten after retention."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import CharField, GenericIPAddressField, JSONField, TextField
from django.utils import timezone, translation

from moderation import services, tasks
from moderation.client_ip import network_key_of
from moderation.models import (
    AuthorRule,
    Comment,
    CommentReport,
    ModerationEvent,
    Status,
    TrainingLabel,
)
from moderation.notifications import send_reply_digest
from tests.factories import make_comment

EMAIL = "giulia.rossi@example.org"


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def giulias_comments(an_article, another_article):
    first = make_comment(
        an_article,
        author_name="Giulia",
        author_email=EMAIL,
        author_url="https://giulia.example",
        ip_address="203.0.113.9",
        user_agent="Firefox/140",
        language="it",
        text="Ottimo articolo.",
    )
    ModerationEvent.objects.create(
        comment=first, actor="classifier", action="classified", to_status=Status.PUBLISHED
    )
    services.record_training_label(first, action="approved", by=None, reason="", source="held")
    second = make_comment(
        another_article,
        status=Status.HELD,
        author_name="Giulia R.",
        author_email=EMAIL.upper(),
        language="en",
        text="Second thoughts.",
        explanation={"spam": [["thoughts", 0.1]]},
    )
    return first, second


@pytest.fixture
def someone_else(an_article):
    return make_comment(an_article, author_email="marco@example.org", ip_address="192.0.2.1")


# Export -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_export_holds_every_comment_with_all_fields_and_events(giulias_comments, someone_else):
    AuthorRule.objects.create(kind="trust", field="email", value=EMAIL, note="regular reader")
    data = json.loads(run("export_commenter_data", EMAIL))
    assert data["email"] == EMAIL
    first, second = data["comments"]
    assert first["author_name"] == "Giulia"
    assert first["author_url"] == "https://giulia.example"
    assert first["ip_address"] == "203.0.113.9"
    assert first["user_agent"] == "Firefox/140"
    assert first["text"] == "Ottimo articolo."
    assert first["target"] == "articles.article"
    assert first["created_at"]
    assert [e["action"] for e in first["events"]] == ["classified"]
    assert second["author_email"] == EMAIL.upper()
    assert second["status"] == Status.HELD
    assert [r["note"] for r in data["author_rules"]] == ["regular reader"]
    assert [label["author_name"] for label in data["training_labels"]] == ["Giulia"]
    assert "marco@example.org" not in json.dumps(data)


@pytest.mark.django_db
def test_an_export_is_recorded_in_the_audit_trail(giulias_comments, someone_else):
    run("export_commenter_data", EMAIL)
    events = ModerationEvent.objects.filter(action="exported")
    assert {e.comment_id for e in events} == {c.pk for c in giulias_comments}
    assert {e.actor for e in events} == {ModerationEvent.Actor.SYSTEM}
    assert not someone_else.events.exists()


@pytest.mark.django_db
def test_the_export_can_be_written_to_a_file(giulias_comments, tmp_path):
    output = run("export_commenter_data", EMAIL, "--output", str(tmp_path / "giulia.json"))
    assert "2 comment(s) exported" in output
    assert len(json.loads((tmp_path / "giulia.json").read_text())["comments"]) == 2


@pytest.mark.django_db
def test_an_unknown_commenter_has_an_empty_export():
    data = json.loads(run("export_commenter_data", "nobody@example.org"))
    assert data["comments"] == []


# Erasure ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_erasure_anonymises_every_comment_and_keeps_the_text(giulias_comments, someone_else):
    output = run("erase_commenter_data", EMAIL)
    assert "2 comment(s) anonymised; text kept" in output
    first, second = (Comment.objects.get(pk=c.pk) for c in giulias_comments)
    with translation.override("it"):
        assert first.author_name == str(services.ERASED_AUTHOR_NAME)  # in the comment's language
    assert second.author_name == "Anonymous"
    for comment in (first, second):
        assert comment.author_email.endswith("@erased.invalid")
        assert (comment.author_url, comment.ip_address, comment.user_agent) == ("", None, "")
    assert first.author_email != second.author_email
    assert first.text == "Ottimo articolo."
    assert second.status == Status.HELD
    assert not services.commenter_comments(EMAIL).exists()
    someone_else.refresh_from_db()
    assert someone_else.ip_address == "192.0.2.1"
    label = TrainingLabel.objects.get()
    assert (label.author_url, label.author_email_domain) == ("", "")
    assert label.author_name != "Giulia"
    assert label.text == "Ottimo articolo."


@pytest.mark.django_db
def test_erasure_can_remove_the_text_too(giulias_comments):
    run("erase_commenter_data", EMAIL, "--remove-text")
    second = Comment.objects.get(pk=giulias_comments[1].pk)
    assert second.text == "This comment was removed at its author's request."
    assert second.explanation == {}
    assert not TrainingLabel.objects.exists()  # no text, no training example


@pytest.mark.django_db
def test_an_erasure_is_recorded_in_the_audit_trail(giulias_comments):
    run("erase_commenter_data", EMAIL, "--remove-text")
    events = ModerationEvent.objects.filter(action="erased")
    assert events.count() == 2
    assert {e.actor for e in events} == {ModerationEvent.Actor.SYSTEM}
    assert {e.reason for e in events} == {"personal data and text erased"}


GIULIAS_SECRETS = (
    "Giulia Rossi",
    "3331234567",
    "giulia.rossi",
    "203.0.113.77",
    "GiuliaPC",
    "giulia-rossi.example",
    network_key_of("203.0.113.77"),
)


def stored_text_containing(secrets: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Every (model, field, secret) whose stored values, in any table, contain a secret."""
    found = []
    for model in apps.get_models():
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, CharField | TextField | JSONField | GenericIPAddressField)
        ]
        for row in model._default_manager.values_list(*names) if names else ():
            for name, value in zip(names, row, strict=True):
                found += [(model._meta.label, name, s) for s in secrets if s in str(value)]
    return found


@pytest.mark.django_db
def test_erasure_with_the_text_leaves_no_copy_in_any_table(an_article, mailoutbox):
    """Issue 18, row 6: previous texts, rules, reports and subscriptions kept copies."""
    hers = make_comment(
        an_article,
        author_name="Giulia Rossi",
        author_email=EMAIL,
        author_url="https://giulia-rossi.example",
        ip_address="203.0.113.77",
        user_agent="Firefox/140.0 GiuliaPC",
        text="Sono Giulia Rossi, tel. 3331234567: chiamatemi.",
        notify_replies=True,
        notify_replies_at=timezone.now(),
    )
    ModerationEvent.objects.create(
        comment=hers,
        actor="reader",
        action="edited",
        from_status=Status.PUBLISHED,
        to_status=Status.PENDING,
        previous_text="Sono Giulia Rossi, tel. 3331234567, scrivetemi a giulia.rossi@",
    )
    services.record_training_label(hers, action="approved", by=None, reason="", source="held")
    AuthorRule.objects.create(kind="trust", field="email", value=EMAIL, note="Giulia Rossi")
    other = make_comment(an_article)
    CommentReport.objects.create(
        comment=hers, reason="other", note="Ha scritto 3331234567", reader_key="r1"
    )
    CommentReport.objects.create(  # a report she sent, from her address
        comment=other,
        reason="spam",
        reader_key=f"api:{network_key_of('203.0.113.77')}",
        network_key=network_key_of("203.0.113.77"),
    )
    assert {s for _, _, s in stored_text_containing(GIULIAS_SECRETS)} == set(GIULIAS_SECRETS)

    run("erase_commenter_data", EMAIL, "--remove-text")

    assert stored_text_containing(GIULIAS_SECRETS) == []
    assert CommentReport.objects.count() == 2  # the reports still count, unlinkable
    reply = make_comment(an_article, parent=Comment.objects.get(pk=hers.pk))
    Comment.objects.filter(pk=reply.pk).update(decided_at=timezone.now())
    assert send_reply_digest(hers.pk) == (0, None)
    assert mailoutbox == []


# Retention of IP addresses ------------------------------------------------------------------


def age(comment: Comment, days: float) -> None:
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))


@pytest.mark.django_db
def test_ip_addresses_and_agents_older_than_the_retention_are_erased(an_article, settings):
    settings.MODERATION = {"IP_RETENTION_DAYS": 30}
    old = make_comment(an_article, ip_address="203.0.113.1", user_agent="Old/1")
    recent = make_comment(an_article, ip_address="203.0.113.2", user_agent="New/1")
    age(old, 31)
    age(recent, 29)
    assert tasks.erase_expired_personal_data() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.2", "New/1")
    assert old.author_email and old.text  # only the network data goes


@pytest.mark.django_db
def test_the_retention_period_is_a_setting(an_article, settings):
    comment = make_comment(an_article, ip_address="203.0.113.1")
    age(comment, 10)
    settings.MODERATION = {"IP_RETENTION_DAYS": 30}
    assert services.erase_expired_personal_data() == 0
    settings.MODERATION = {"IP_RETENTION_DAYS": 7}
    assert services.erase_expired_personal_data() == 1
    assert services.erase_expired_personal_data() == 0  # nothing left to erase
