"""The actions of the services layer: each changes a status once and leaves an audit event."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from moderation import dispatch, services, signals, tasks
from moderation.conf import moderation_settings
from moderation.models import AuthorRule, Comment, DigestLog, ModerationEvent, Status
from moderation.notifications import send_held_digest
from moderation.policy import Decision
from moderation.services import submission
from project.celery import app as celery_app
from tests.factories import make_comment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("action", "start", "expected"),
    [
        (services.approve, Status.HELD, Status.PUBLISHED),
        (services.reject, Status.HELD, Status.REJECTED),
        (services.mark_spam, Status.PUBLISHED, Status.SPAM),
        (services.mark_ham, Status.SPAM, Status.PUBLISHED),
        (services.restore, Status.REJECTED, Status.HELD),
    ],
)
def test_each_moderator_action_changes_the_status_and_is_audited(
    action, start, expected, an_article, a_moderator
):
    comment = make_comment(an_article, status=start)
    action(comment, by=a_moderator, reason="offensive")
    comment.refresh_from_db()
    assert comment.status == expected
    event = ModerationEvent.objects.get(comment=comment)
    assert (event.actor, event.user, event.from_status, event.to_status, event.reason) == (
        "moderator",
        a_moderator,
        start,
        expected,
        "offensive",
    )


def test_signals_announce_a_publication_after_commit(
    an_article, a_moderator, django_capture_on_commit_callbacks
):
    received = []
    signals.comment_published.connect(lambda **kw: received.append(kw["comment"].pk), weak=False)
    comment = make_comment(an_article, status=Status.HELD)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(comment, by=a_moderator)
    assert received == [comment.pk]


def test_a_decision_is_applied_only_to_a_still_pending_comment(an_article):
    comment = make_comment(an_article, status=Status.PENDING)
    decision = {comment.pk: (Decision(Status.PUBLISHED, []), None, {})}
    assert services.apply_decisions(decision) == 1
    assert services.apply_decisions(decision) == 0  # a second delivery changes nothing
    assert comment.events.filter(action="classified").count() == 1


def test_a_batch_stores_each_decision_with_its_own_event(an_article):
    held = make_comment(an_article, status=Status.PENDING)
    published = make_comment(an_article, status=Status.PENDING)
    scores = mock.Mock(spam=0.25, toxicity=0.75, model_version="s1+t1")
    decisions = {
        held.pk: (Decision(Status.HELD, ["toxicity"]), scores, {"toxicity": [("idiota", 0.5)]}),
        published.pk: (Decision(Status.PUBLISHED, []), None, {}),
    }
    assert services.apply_decisions(decisions, scored=[held, published]) == 2
    held.refresh_from_db()
    published.refresh_from_db()
    assert (held.status, held.reasons, held.explanation) == (
        Status.HELD,
        ["toxicity"],
        {"toxicity": [["idiota", 0.5]]},
    )
    assert (held.spam_score, held.toxicity_score, held.model_version) == (0.25, 0.75, "s1+t1")
    assert published.status == Status.PUBLISHED and published.spam_score is None
    assert held.decided_at == published.decided_at is not None
    events = {e.comment_id: e for e in ModerationEvent.objects.filter(action="classified")}
    assert (events[held.pk].to_status, events[held.pk].reasons) == (Status.HELD, ["toxicity"])
    assert events[held.pk].toxicity_score == 0.75
    assert (events[published.pk].to_status, events[published.pk].reason) == (Status.PUBLISHED, "")


def test_a_batch_announces_every_comment_and_bumps_its_target_once(
    an_article, django_capture_on_commit_callbacks
):
    comments = [make_comment(an_article, status=Status.PENDING) for _ in range(3)]
    received = []
    signals.comment_published.connect(lambda **kw: received.append(kw["event"].pk), weak=False)
    decisions = {c.pk: (Decision(Status.PUBLISHED, []), None, {}) for c in comments}
    with (
        mock.patch("moderation.page_versions.bump") as bump,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.apply_decisions(decisions)
    events = ModerationEvent.objects.filter(action="classified")
    assert sorted(received) == sorted(events.values_list("pk", flat=True))
    bump.assert_called_once_with(comments[0].content_type_id, str(an_article.pk))


def test_unclassified_comments_are_held_unless_the_owner_opted_in(an_article, settings):
    held = make_comment(an_article, status=Status.PENDING)
    services.decide_unclassified([held.pk])
    held.refresh_from_db()
    assert (held.status, held.reasons) == (Status.HELD, ["classifier unavailable"])
    settings.MODERATION = {"PUBLISH_UNCLASSIFIED": True}
    published = make_comment(an_article, status=Status.PENDING)
    services.decide_unclassified([published.pk])
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED


def test_a_task_takes_the_comments_waiting_longest_into_its_batch(an_article, settings):
    settings.MODERATION = {"BATCH_SIZE": 3}
    waiting = [make_comment(an_article, status=Status.PENDING) for _ in range(4)]
    make_comment(an_article, status=Status.HELD)
    newest = waiting[-1].pk
    assert services.pending_batch(newest) == [newest, waiting[0].pk, waiting[1].pk]


def test_the_sweeper_finds_only_comments_pending_too_long(an_article):
    old = make_comment(an_article, status=Status.PENDING)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    make_comment(an_article, status=Status.PENDING)
    make_comment(an_article, status=Status.HELD)
    assert services.stale_pending_ids() == [old.pk]


def _pending_since(article, seconds: int) -> Comment:
    comment = make_comment(article, status=Status.PENDING)
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    return comment


def _requeued_at(comment: Comment):
    comment.refresh_from_db()
    return comment.requeued_at


def test_a_swept_comment_is_enqueued_again_only_after_the_sweep_delay(an_article, settings):
    settings.MODERATION = {"PENDING_SWEEP_AFTER": 60}
    waiting = _pending_since(an_article, 300)
    with mock.patch.object(celery_app, "send_task") as publish:
        assert tasks.sweep_pending() == 1
        publish.assert_called_once_with(dispatch.CLASSIFY_BATCH, ([waiting.pk],), retry=False)
        assert _requeued_at(waiting) is not None

        assert tasks.sweep_pending() == 0  # the next pass, 15 s later: already in the queue
        assert services.stale_pending_ids() == []
        assert publish.call_count == 1

        # Still waiting a minute later (the message was lost, or the backlog is long).
        Comment.objects.filter(pk=waiting.pk).update(
            requeued_at=timezone.now() - timedelta(seconds=61)
        )
        assert tasks.sweep_pending() == 1
        assert publish.call_count == 2
    # The moderators' queue still shows it: pending too long, enqueued again or not.
    assert list(Comment.objects.overdue()) == [waiting]


def test_a_sweep_the_broker_refused_is_tried_again_by_the_next_pass(an_article, settings):
    settings.MODERATION = {"PENDING_SWEEP_AFTER": 60}
    waiting = _pending_since(an_article, 300)
    refused = OSError("Error 111 connecting to redis. Connection refused.")
    with mock.patch.object(celery_app, "send_task", side_effect=refused):
        assert tasks.sweep_pending() == 0
    assert _requeued_at(waiting) is None
    with mock.patch.object(celery_app, "send_task") as publish:
        assert tasks.sweep_pending() == 1  # 15 s later, the broker is back
    publish.assert_called_once_with(dispatch.CLASSIFY_BATCH, ([waiting.pk],), retry=False)
    assert _requeued_at(waiting) is not None


def test_only_the_batches_the_broker_took_are_marked_as_enqueued(an_article, settings):
    settings.MODERATION = {"PENDING_SWEEP_AFTER": 60, "BATCH_SIZE": 2}
    first, second, third = (_pending_since(an_article, 300 - i) for i in range(3))
    broker_dies = [None, OSError("Connection refused.")]
    with mock.patch.object(celery_app, "send_task", side_effect=broker_dies):
        assert tasks.sweep_pending() == 2
    assert [_requeued_at(c) is not None for c in (first, second, third)] == [True, True, False]
    assert services.stale_pending_ids() == [third.pk]


def test_block_and_trust_rules_are_made_from_a_comment(an_article, a_moderator):
    comment = make_comment(
        an_article, author_email="Troll@Example.ORG", ip_address="203.0.113.9", user=a_moderator
    )
    services.add_author_rule(comment, kind="block", field="domain", by=a_moderator)
    services.add_author_rule(comment, kind="block", field="ip", by=a_moderator)
    services.add_author_rule(comment, kind="trust", field="user", by=a_moderator)
    with pytest.raises(ValueError):  # anyone can type an email
        services.add_author_rule(comment, kind="trust", field="email", by=a_moderator)
    rules = set(AuthorRule.objects.values_list("kind", "field", "value"))
    assert rules == {
        ("block", "domain", "example.org"),
        ("block", "ip", "203.0.113.9"),
        ("trust", "user", str(a_moderator.pk)),
    }


def test_held_comments_are_mailed_as_one_digest_per_interval(an_article, settings):
    settings.MODERATION = {"NOTIFY_EMAILS": ["redazione@example.org"], "NOTIFY_DIGEST_MINUTES": 15}
    twenty_minutes_ago = timezone.now() - timedelta(minutes=20)
    for _ in range(3):
        make_comment(
            an_article,
            status=Status.HELD,
            decided_at=twenty_minutes_ago,
            reasons=["toxicity 0.91 ≥ 0.80"],
        )
    assert send_held_digest() == 3
    assert len(mail.outbox) == 1
    assert "toxicity 0.91 ≥ 0.80" in mail.outbox[0].body
    make_comment(an_article, status=Status.HELD, decided_at=timezone.now())
    assert send_held_digest() == 0  # within the interval: no second mail
    DigestLog.objects.update(sent_at=timezone.now() - timedelta(minutes=16))
    assert send_held_digest() == 1  # only the comment held since the last digest
    assert len(mail.outbox) == 2


def test_no_digest_without_recipients(an_article, settings):
    settings.MODERATION = {"NOTIFY_EMAILS": ()}
    make_comment(an_article, status=Status.HELD, decided_at=timezone.now())
    assert send_held_digest() == 0
    assert mail.outbox == []


# Threads: a reply's root is its thread's top-level comment; a top-level comment has none.


def _submit(article, text: str, parent: Comment | None = None) -> Comment:
    comment = services.submit_comment(
        services.Submission(
            target=article,
            author_name="Anna",
            author_email="anna@example.org",
            text=text,
            parent=parent,
        )
    )
    Comment.objects.filter(pk=comment.pk).update(status=Status.PUBLISHED)  # may be replied to
    comment.refresh_from_db()
    return comment


def test_a_reply_is_rooted_at_its_threads_top_level_comment_which_has_no_root(an_article, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    top = _submit(an_article, "Primo")
    reply = _submit(an_article, "Risposta", parent=top)
    deeper = _submit(an_article, "Risposta alla risposta", parent=reply)
    assert (top.root_id, reply.root_id, deeper.root_id) == (None, top.pk, top.pk)


def test_a_reply_to_a_top_level_comment_rooted_at_itself_joins_its_thread(
    an_article, italian_client, settings
):
    """Code older than migration 0007 set a top-level comment's root to itself."""
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    old = make_comment(an_article, text="Scritto prima")
    Comment.objects.filter(pk=old.pk).update(root=old)
    old.refresh_from_db()
    reply = _submit(an_article, "Risposta nuova", parent=old)
    assert reply.root_id == old.pk
    html = italian_client.get(an_article.get_absolute_url()).content.decode()
    assert html.count(f'id="comment-{old.pk}"') == 1
    assert html.index(f'id="comment-{old.pk}"') < html.index("Risposta nuova")


# The duplicate and flood checks: one query, a duplicate reported before a flood.


def _submission(article, text: str = "Stesso testo", **fields) -> services.Submission:
    return services.Submission(
        target=article,
        author_name=fields.pop("author_name", "Anna"),
        author_email=fields.pop("author_email", "anna@example.org"),
        text=text,
        ip_address=fields.pop("ip_address", "203.0.113.7"),
        **fields,
    )


def test_the_duplicate_and_flood_checks_are_one_query(an_article, django_assert_num_queries):
    own = (services.submit_comment(_submission(an_article)).pk,)
    someone_else = {"author_name": "Bruno", "author_email": "b@example.org", "ip_address": None}
    with django_assert_num_queries(1):  # neither: both checks were made
        services.check_submission(_submission(an_article, text="Altro", **someone_else))
    with django_assert_num_queries(1), pytest.raises(services.TooFast):
        services.check_submission(_submission(an_article, text="Altro"))
    with django_assert_num_queries(1), pytest.raises(services.DuplicateComment):
        services.check_submission(_submission(an_article, own_comment_ids=own))


def test_a_duplicate_within_the_flood_interval_is_reported_as_a_duplicate(an_article):
    own = (services.submit_comment(_submission(an_article)).pk,)
    with pytest.raises(services.DuplicateComment) as error:  # 409, not 429
        services.submit_comment(_submission(an_article, own_comment_ids=own))
    with translation.override("en"):
        assert str(error.value.message) == (
            "Duplicate comment detected; it looks as though you’ve already said that!"
        )
    assert error.value.status_code == 409


def test_a_new_text_within_the_flood_interval_is_too_fast(an_article, another_article):
    own = (services.submit_comment(_submission(another_article)).pk,)
    with pytest.raises(services.TooFast) as error:  # the reader's own comment, from anywhere
        services.submit_comment(
            _submission(an_article, text="Altro testo", ip_address=None, own_comment_ids=own)
        )
    with translation.override("en"):
        assert str(error.value.message) == "You are posting comments too quickly. Slow down."
    assert error.value.status_code == 429


@pytest.mark.parametrize(
    "moderation", [{"FLOOD_INTERVAL": 0}, {"FLOOD_KEYS": ()}, {"FLOOD_KEYS": ("ip",)}]
)
def test_without_flood_control_only_duplicates_are_refused(
    an_article, settings, moderation, django_assert_num_queries
):
    settings.MODERATION = moderation
    own = (services.submit_comment(_submission(an_article, ip_address=None)).pk,)
    again = {"ip_address": None, "own_comment_ids": own}
    with django_assert_num_queries(1):
        services.check_submission(_submission(an_article, text="Altro testo", **again))
    with pytest.raises(services.DuplicateComment):
        services.check_submission(_submission(an_article, **again))


def test_a_long_text_posted_again_is_a_duplicate_and_one_letter_more_is_not(an_article, settings):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    text = "Un commento lungo, " * 2000  # 38,000 characters: beyond what a B-tree key holds
    own = (services.submit_comment(_submission(an_article, text=text, ip_address=None)).pk,)
    again = {"ip_address": None, "own_comment_ids": own}
    with pytest.raises(services.DuplicateComment):
        services.check_submission(_submission(an_article, text=text, **again))
    services.check_submission(_submission(an_article, text=text + "!", **again))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the digest index is PostgreSQL's")
def test_the_duplicate_check_reads_no_other_comment_of_the_target(an_article):
    """An article's published comments are not read one by one to find a copy."""
    for _ in range(300):
        make_comment(an_article)
    condition, params = submission._refusals(_submission(an_article, text="Nuovo"))["duplicate"]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE moderation_comment")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT {condition}", params)
        (plan,) = cursor.fetchone()[0]

    def rows_read(node: dict) -> int:
        own = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
        scans = node.get("Relation Name") == "moderation_comment"
        return (own if scans else 0) + sum(rows_read(n) for n in node.get("Plans", []))

    assert rows_read(plan["Plan"]) == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="index statistics: PostgreSQL's")
def test_top_level_comments_take_no_entry_in_the_indexes_of_replies(an_article, django_user_model):
    """A top-level comment by a reader without an account writes nothing into the indexes of
    the parent, the thread and the account (NULL there), which still find the rest."""
    top = [make_comment(an_article) for _ in range(40)]
    reply = make_comment(an_article, parent=top[0])
    make_comment(an_article, parent=reply)
    make_comment(an_article, user=django_user_model.objects.create(username="abbonato"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE moderation_comment")  # counts each index's entries
        cursor.execute(
            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)",
            [["moderation_comment_parent", "moderation_comment_root", "moderation_comment_user"]],
        )
        entries = dict(cursor.fetchall())
    assert entries == {
        "moderation_comment_parent": 2,
        "moderation_comment_root": 2,
        "moderation_comment_user": 1,
    }
    assert list(Comment.objects.filter(root=top[0]).order_by("pk")) == [
        reply,
        *Comment.objects.filter(parent=reply),
    ]


def test_flood_control_keys_on_the_ip_address(an_article, settings):
    settings.MODERATION = {"FLOOD_KEYS": ("ip",)}
    services.submit_comment(_submission(an_article))
    with pytest.raises(services.TooFast):
        services.check_submission(
            _submission(an_article, text="Altro", author_name="Bruno", author_email="b@example.org")
        )
    services.check_submission(  # another address: not flooding
        _submission(an_article, text="Altro", author_email="b@example.org", ip_address="192.0.2.1")
    )


def test_flood_control_holds_when_a_reader_rotates_addresses_in_their_ipv6_64(an_article, settings):
    settings.MODERATION = {"FLOOD_KEYS": ("ip",)}
    services.submit_comment(_submission(an_article, ip_address="2001:db8:1:2::10"))
    with pytest.raises(services.TooFast):  # another address of the same /64
        services.submit_comment(
            _submission(an_article, text="Altro", ip_address="2001:db8:1:2:ffff:1:2:3")
        )
    services.submit_comment(  # another subscriber's /64: not flooding
        _submission(an_article, text="Altro", ip_address="2001:db8:1:3::10")
    )
    assert sorted(Comment.objects.values_list("network", flat=True)) == [
        "2001:db8:1:2::/64",
        "2001:db8:1:3::/64",
    ]


def test_the_network_is_erased_with_the_address(an_article):
    comment = services.submit_comment(_submission(an_article, ip_address="2001:db8:1:2::10"))
    days = moderation_settings.IP_RETENTION_DAYS
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(days=days + 1)
    )
    services.erase_expired_personal_data()
    comment.refresh_from_db()
    assert (comment.ip_address, comment.network) == (None, "")


def test_the_checks_answer_the_same_whatever_email_is_typed(an_article):
    """Neither check reads the typed email: a held comment's author cannot be learnt by
    typing guesses (issue 18, row 1)."""
    services.submit_comment(_submission(an_article, ip_address="192.0.2.9"))
    for email in ("anna@example.org", "guess@example.org"):  # a copy of a pending comment
        services.check_submission(_submission(an_article, author_email=email, ip_address=None))
    published = services.submit_comment(
        _submission(an_article, text="Pubblicato", ip_address="192.0.2.10")
    )
    Comment.objects.filter(pk=published.pk).update(status=Status.PUBLISHED)
    for email in ("anna@example.org", "guess@example.org"):  # a copy of public text: refused
        with pytest.raises(services.DuplicateComment):
            services.check_submission(
                _submission(an_article, text="Pubblicato", author_email=email, ip_address=None)
            )


def test_trust_binds_to_a_proven_identity_never_to_a_typed_email(an_article, a_moderator):
    """Issue 18, row 2: a trust rule on an email let anyone typing it skip the toxicity hold."""
    toxic = "Sei un idiota e un imbecille, stai zitto, fai schifo, vergognati cretino!"
    AuthorRule.objects.create(kind="trust", field="email", value="fido@example.org")
    AuthorRule.objects.create(kind="trust", field="reader", value="fido-browser")
    AuthorRule.objects.create(kind="trust", field="user", value=str(a_moderator.pk))
    typed = make_comment(
        an_article, status=Status.PENDING, author_email="fido@example.org", text=toxic
    )
    browser = make_comment(
        an_article, status=Status.PENDING, reader_key="fido-browser", text=f"{toxic}!"
    )
    account = make_comment(an_article, status=Status.PENDING, user=a_moderator, text=f"{toxic}?")
    services.classify_comments([typed.pk, browser.pk, account.pk])
    statuses = dict(Comment.objects.values_list("pk", "status"))
    assert statuses == {
        typed.pk: Status.HELD,
        browser.pk: Status.PUBLISHED,
        account.pk: Status.PUBLISHED,
    }


def test_an_approved_history_is_the_proven_authors_not_the_typed_emails(an_article, settings):
    """A sibling of row 2: FIRST_COMMENTS_HELD counted the approved comments of the typed
    email, so typing a regular's address skipped the new-author hold."""
    settings.MODERATION = {"FIRST_COMMENTS_HELD": 1}
    make_comment(an_article, author_email="fido@example.org", reader_key="fido-browser")
    clean = "Il mercato coperto riapre sabato, ottima notizia per il quartiere."
    typed = make_comment(
        an_article, status=Status.PENDING, author_email="fido@example.org", text=clean
    )
    browser = make_comment(
        an_article, status=Status.PENDING, reader_key="fido-browser", text=f"{clean}!"
    )
    services.classify_comments([typed.pk, browser.pk])
    statuses = dict(
        Comment.objects.filter(status__in=[Status.HELD, Status.PUBLISHED]).values_list(
            "pk", "status"
        )
    )
    assert (statuses[typed.pk], statuses[browser.pk]) == (Status.HELD, Status.PUBLISHED)
