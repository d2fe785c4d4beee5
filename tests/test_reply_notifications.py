"""Reply notifications: with consent, the author of a comment is mailed, by a Celery task,
when replies are published; one mail per interval, and a signed one-click unsubscribe."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from moderation import dispatch, notifications, policy, services, tasks
from moderation.models import Comment, Status
from project.celery import app as celery_app
from tests.factories import make_comment

pytestmark = pytest.mark.django_db

LABEL_IT = "Avvisami via email se qualcuno risponde al mio commento."


@pytest.fixture
def a_subscribed_comment(an_article) -> Comment:
    return make_comment(
        an_article,
        author_email="anna@example.org",
        notify_replies=True,
        notify_replies_at=timezone.now() - timedelta(hours=1),
        language="it",
    )


def _publish_reply(parent: Comment, **fields) -> Comment:
    reply = make_comment(parent.target, parent=parent, status=Status.PENDING, **fields)
    services.apply_decisions({reply.pk: (policy.Decision(Status.PUBLISHED), None, {})})
    reply.refresh_from_db()
    return reply


def test_the_form_offers_the_checkbox_unchecked(italian_client, an_article):
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert LABEL_IT in html
    checkbox = re.search(r'<input type="checkbox" name="notify_replies"[^>]*>', html).group(0)
    assert "checked" not in checkbox


def test_consent_is_recorded_on_the_comment_with_its_time(
    italian_client, an_article, post_comment, settings
):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    post_comment(italian_client, an_article, notify_replies="on", comment="Con avviso")
    post_comment(Client(), an_article, email="b@example.org", comment="Senza avviso")
    with_consent, without = Comment.objects.order_by("pk")
    # asked for, not yet on: the author confirms from the mail (double opt-in)
    assert not with_consent.notify_replies and with_consent.notify_replies_at is not None
    assert not without.notify_replies and without.notify_replies_at is None


def test_a_published_reply_enqueues_a_task_and_sends_nothing_itself(
    a_subscribed_comment, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(celery_app, "send_task") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _publish_reply(a_subscribed_comment)
    enqueue.assert_called_once_with(
        dispatch.NOTIFY_REPLIES, (a_subscribed_comment.pk,), retry=False
    )
    assert mail.outbox == []


def test_no_task_without_consent(an_article, django_capture_on_commit_callbacks):
    parent = make_comment(an_article)
    with (
        mock.patch.object(celery_app, "send_task") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _publish_reply(parent)
    enqueue.assert_not_called()


def test_the_task_mails_the_author_a_link_to_the_reply_and_to_unsubscribe(
    a_subscribed_comment, settings
):
    settings.MODERATION = {"SITE_URL": "https://giornale.example"}
    reply = _publish_reply(a_subscribed_comment, author_email="bruno@example.org")
    assert tasks.notify_replies(a_subscribed_comment.pk) == 1
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "1 nuova risposta al tuo commento"
    page = f"https://giornale.example{reply.target.get_absolute_url()}"
    url = f"{page}?commento={reply.pk}#comment-{reply.pk}"
    assert url in message.body
    assert "bruno@example.org" not in message.body
    unsubscribe = re.search(r"https://giornale.example(/comments/unsubscribe/\S+/)", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe.group(0)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_mail_for_the_authors_own_reply(a_subscribed_comment):
    _publish_reply(a_subscribed_comment, author_email="ANNA@example.org")
    assert tasks.notify_replies(a_subscribed_comment.pk) == 0
    assert mail.outbox == []


def test_unpublished_replies_are_not_mailed(a_subscribed_comment):
    make_comment(a_subscribed_comment.target, parent=a_subscribed_comment, status=Status.HELD)
    assert tasks.notify_replies(a_subscribed_comment.pk) == 0


def test_replies_within_the_interval_are_collected_into_one_later_mail(a_subscribed_comment):
    _publish_reply(a_subscribed_comment, text="Prima risposta")
    tasks.notify_replies(a_subscribed_comment.pk)
    _publish_reply(a_subscribed_comment, text="Seconda risposta")
    _publish_reply(a_subscribed_comment, text="Terza risposta")
    with mock.patch.object(tasks.notify_replies, "apply_async") as later:
        assert tasks.notify_replies(a_subscribed_comment.pk) == 0
    ((args,), kwargs) = later.call_args
    assert args == (a_subscribed_comment.pk,) and 0 < kwargs["countdown"] <= 15 * 60
    assert len(mail.outbox) == 1

    later = timezone.now() + timedelta(minutes=16)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert tasks.notify_replies(a_subscribed_comment.pk) == 2
    digest = mail.outbox[1]
    assert "2 nuove risposte" in digest.subject
    assert "Seconda risposta" in digest.body and "Terza risposta" in digest.body
    assert "Prima risposta" not in digest.body
    assert tasks.notify_replies(a_subscribed_comment.pk) == 0  # nothing new: safe to run twice


def test_the_unsubscribe_link_asks_first_on_get(a_subscribed_comment):
    url = f"/comments/unsubscribe/{notifications.unsubscribe_token(a_subscribed_comment)}/"
    page = Client(HTTP_ACCEPT_LANGUAGE="it").get(url)
    assert page.status_code == 200 and "Annulla l'iscrizione" in page.content.decode()
    a_subscribed_comment.refresh_from_db()
    assert a_subscribed_comment.notify_replies


def test_one_click_unsubscribe_works_without_login_or_csrf_token(a_subscribed_comment):
    url = f"/comments/unsubscribe/{notifications.unsubscribe_token(a_subscribed_comment)}/"
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    a_subscribed_comment.refresh_from_db()
    assert not a_subscribed_comment.notify_replies
    _publish_reply(a_subscribed_comment)
    assert tasks.notify_replies(a_subscribed_comment.pk) == 0


def test_a_tampered_unsubscribe_link_is_refused(a_subscribed_comment, an_article):
    other = make_comment(an_article, notify_replies=True)
    token = notifications.unsubscribe_token(a_subscribed_comment)
    forged = token.replace(token.split(":")[0], str(other.pk), 1)
    for bad in (forged, "abc", f"{other.pk}"):
        assert Client().post(f"/comments/unsubscribe/{bad}/").status_code == 400
    other.refresh_from_db()
    assert other.notify_replies


def test_a_broker_failure_does_not_break_publishing(
    a_subscribed_comment, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(celery_app, "send_task", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        reply = _publish_reply(a_subscribed_comment)
    assert reply.status == Status.PUBLISHED


# Double opt-in (issue 18, row 11) ------------------------------------------------------------


@pytest.fixture
def an_asking_comment(italian_client, an_article, post_comment) -> Comment:
    """A comment whose author ticked the box in the form, still pending."""
    post_comment(italian_client, an_article, notify_replies="on", email="anna@example.org")
    return Comment.objects.get()


def _publish(comment: Comment) -> None:
    services.apply_decisions({comment.pk: (policy.Decision(Status.PUBLISHED), None, {})})
    comment.refresh_from_db()


def _confirmation_path(message) -> str:
    return re.search(r"https://giornale.example(/comments/confirm-replies/\S+/)", message.body)[1]


def test_nothing_is_mailed_about_replies_before_the_author_confirms(
    an_asking_comment, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(celery_app, "send_task") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        _publish(an_asking_comment)
        _publish_reply(an_asking_comment, author_email="bruno@example.org")
    # the confirmation is asked for; the reply is not announced to an unconfirmed address
    enqueue.assert_called_once_with(
        dispatch.CONFIRM_REPLY_NOTIFICATIONS, (an_asking_comment.pk,), retry=False
    )
    assert tasks.notify_replies(an_asking_comment.pk) == 0
    assert mail.outbox == []


def test_the_confirmation_mail_links_to_a_page_that_turns_notifications_on(
    an_asking_comment, settings
):
    settings.MODERATION = {"SITE_URL": "https://giornale.example"}
    _publish(an_asking_comment)
    assert tasks.confirm_reply_notifications(an_asking_comment.pk) is True
    assert tasks.confirm_reply_notifications(an_asking_comment.pk) is False  # once per comment
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "Conferma gli avvisi delle risposte al tuo commento"
    path = _confirmation_path(message)

    browser = Client(HTTP_ACCEPT_LANGUAGE="it", enforce_csrf_checks=True)
    page = browser.get(path)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200
    assert (
        "Vuoi ricevere un'email quando qualcuno risponde al tuo commento?" in page.content.decode()
    )
    an_asking_comment.refresh_from_db()
    assert not an_asking_comment.notify_replies
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(path, {"csrfmiddlewaretoken": csrf})
    assert "Confermato" in done.content.decode()
    an_asking_comment.refresh_from_db()
    assert an_asking_comment.notify_replies

    _publish_reply(an_asking_comment, author_email="bruno@example.org")
    assert tasks.notify_replies(an_asking_comment.pk) == 1
    assert mail.outbox[-1].subject == "1 nuova risposta al tuo commento"


def test_the_confirmation_page_speaks_english_too(an_asking_comment):
    Comment.objects.filter(pk=an_asking_comment.pk).update(language="en")
    _publish(an_asking_comment)
    assert tasks.confirm_reply_notifications(an_asking_comment.pk) is True
    [message] = mail.outbox
    assert message.subject == "Confirm the notifications of replies to your comment"
    path = re.search(r"(/en/comments/confirm-replies/\S+/)", message.body)[1]
    page = Client().get(path).content.decode()
    assert "Receive an email when someone replies to your comment?" in page
    bad = Client().get("/en/comments/confirm-replies/forged/")
    assert bad.status_code == 400
    assert "This confirmation link is not valid or has expired." in bad.content.decode()


def test_a_held_comment_gets_no_confirmation_mail(an_asking_comment):
    Comment.objects.filter(pk=an_asking_comment.pk).update(status=Status.HELD)
    assert tasks.confirm_reply_notifications(an_asking_comment.pk) is False
    assert mail.outbox == []


def test_confirmation_links_are_signed_expire_and_name_the_address(an_asking_comment, an_article):
    other = make_comment(an_article, notify_replies_at=timezone.now())
    token = notifications.confirmation_token(an_asking_comment)
    # Another comment's link made without the site's key, and this link with its signature
    # altered. (The payload is base64: replacing the id in it changes nothing reliably.)
    forged = signing.dumps(
        [other.pk, other.author_email.lower()], key="not-the-key", salt=notifications.CONFIRM_SALT
    )
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    italian = Client(HTTP_ACCEPT_LANGUAGE="it")
    for bad in (forged, altered, "abc", notifications.unsubscribe_token(other)):
        refused = italian.post(f"/comments/confirm-replies/{bad}/")
        assert refused.status_code == 400
        assert "Questo link di conferma non è valido o è scaduto." in refused.content.decode()
    week_later = timezone.now() + timedelta(days=8)
    with mock.patch("django.core.signing.time.time", return_value=week_later.timestamp()):
        assert notifications.comment_for_confirmation(token) is None
    Comment.objects.filter(pk=an_asking_comment.pk).update(author_email="nuova@example.org")
    assert notifications.comment_for_confirmation(token) is None  # the address changed
    other.refresh_from_db()
    assert not other.notify_replies
