"""The pipeline with real parts: a Redis broker and a Celery worker process classify every
comment before it is published, and nothing is lost when a part fails."""

from __future__ import annotations

import time

import pytest
from celery import current_app
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from moderation import dispatch, tasks
from moderation.learning import versions
from moderation.models import AuthorRule, Comment, ModerationEvent, Status
from tests.conftest import TEST_QUEUE
from tests.helpers import (
    WorkerProcess,
    a_candidate,
    database_url_for_subprocess,
    point_producer_at,
    tiny_registry,
    wait_for,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CLEAN = "Il mercato coperto riapre sabato, ottima notizia per il quartiere."
TOXIC = "Sei un idiota e un imbecille, stai zitto, fai schifo, vergognati cretino!"


def decided(pk: int) -> Comment | None:
    comment = Comment.objects.get(pk=pk)
    return comment if comment.status != Status.PENDING else None


def posted(client: Client, article, post_comment, **fields) -> Comment:
    response = post_comment(client, article, **fields)
    assert response.status_code == 303, response.content.decode()[:500]
    return Comment.objects.latest("pk")


def pending_comments(article, count: int) -> list[int]:
    """``count`` pending comments on ``article``, each from its own reader; their ids in order."""
    target = {
        "content_type": ContentType.objects.get_for_model(article),
        "object_pk": str(article.pk),
    }
    Comment.objects.bulk_create(
        Comment(
            **target, author_name=f"L{i}", author_email=f"l{i}@example.org", text=f"{CLEAN} ({i})"
        )
        for i in range(count)
    )
    return list(Comment.objects.order_by("pk").values_list("pk", flat=True))


def test_posted_comments_are_classified_and_decided_by_the_worker(
    worker, an_article, post_comment, settings
):
    settings.MODERATION = {"FLOOD_INTERVAL": 0}
    clean = posted(Client(), an_article, post_comment, comment=CLEAN)
    toxic = posted(Client(), an_article, post_comment, comment=TOXIC, email="b@example.org")
    AuthorRule.objects.create(kind="block", field="domain", value="spam.example")
    spam = posted(Client(), an_article, post_comment, comment="Ciao", email="x@spam.example")

    clean, toxic, spam = (wait_for(lambda c=c: decided(c.pk)) for c in (clean, toxic, spam))

    assert clean.status == Status.PUBLISHED
    assert toxic.status == Status.HELD
    assert any(reason.startswith("toxicity") for reason in toxic.reasons)
    assert toxic.explanation["toxicity"]  # the words that drove the score, for moderators
    assert spam.status == Status.SPAM and spam.reasons == ["blocked email domain"]
    for comment in (clean, toxic, spam):
        assert 0 <= comment.spam_score <= 1 and 0 <= comment.toxicity_score <= 1
        assert comment.model_version
        event = comment.events.get(action="classified")
        assert (event.from_status, event.to_status) == (Status.PENDING, comment.status)
        assert event.model_version == comment.model_version


def test_a_published_comment_appears_to_other_readers(worker, an_article, post_comment):
    comment = posted(Client(), an_article, post_comment, comment=CLEAN)
    wait_for(lambda: decided(comment.pk))
    assert CLEAN in Client().get(an_article.get_absolute_url()).content.decode()


def test_the_batch_task_decides_a_backlog(worker, an_article):
    ids = pending_comments(an_article, 300)
    tasks.classify_batch.delay(ids)
    wait_for(lambda: not Comment.objects.filter(status=Status.PENDING).exists(), timeout=60)
    assert ModerationEvent.objects.filter(action="classified").count() == 300


def test_broker_down_at_submit_the_comment_waits_and_the_sweeper_decides_it(
    own_redis, an_article, post_comment, settings
):
    own_redis.stop()
    comment = posted(Client(), an_article, post_comment, comment=CLEAN)
    assert comment.status == Status.PENDING  # saved, the reader got the normal redirect

    settings.MODERATION = {"PENDING_SWEEP_AFTER": 0}
    assert tasks.sweep_pending() == 0  # still down: the broker took nothing
    comment.refresh_from_db()
    assert comment.requeued_at is None  # so the next pass tries again

    own_redis.start()
    point_producer_at(own_redis.url, TEST_QUEUE)
    worker = WorkerProcess(own_redis.url, TEST_QUEUE, database_url_for_subprocess()).start()
    try:
        assert tasks.sweep_pending() == 1
        assert wait_for(lambda: decided(comment.pk)).status == Status.PUBLISHED
    finally:
        worker.stop()
    assert comment.events.filter(action="classified").count() == 1


def test_a_worker_killed_mid_batch_leaves_every_comment_decided_exactly_once(
    broker, an_article, transactional_db
):
    ids = pending_comments(an_article, 4000)
    worker = WorkerProcess(broker.url, TEST_QUEUE, database_url_for_subprocess()).start()
    try:
        for start in range(0, len(ids), 400):
            tasks.classify_batch.delay(ids[start : start + 400])
        wait_for(lambda: Comment.objects.exclude(status=Status.PENDING).exists(), timeout=60)
        pending_at_kill = Comment.objects.filter(status=Status.PENDING).count()
        worker.kill_pool()  # SIGKILL the process running the current batch
        wait_for(lambda: not Comment.objects.filter(status=Status.PENDING).exists(), timeout=120)
    finally:
        worker.stop()
    assert pending_at_kill > 0, "the kill came after the work was done: nothing was tested"
    per_comment = ModerationEvent.objects.filter(action="classified").values_list("comment_id")
    assert per_comment.count() == len(ids) == len(set(per_comment))


def test_a_broken_model_file_holds_comments_and_never_publishes_them(
    broker, an_article, post_comment, tmp_path, transactional_db
):
    for task in ("spam", "toxicity"):
        (tmp_path / f"{task}.skops").write_bytes(b"not a model at all")
        (tmp_path / f"{task}.json").write_text("{}")
    worker = WorkerProcess(
        broker.url, TEST_QUEUE, database_url_for_subprocess(), MODERATION_MODEL_DIR=str(tmp_path)
    ).start()
    try:
        comment = posted(Client(), an_article, post_comment, comment=CLEAN)
        comment = wait_for(lambda: decided(comment.pk), timeout=60)
    finally:
        worker.stop()
    assert comment.status == Status.HELD
    assert comment.reasons == ["classifier unavailable"]
    assert comment.events.filter(action="classified").count() == 1


REFRESH_SECONDS = 1


def test_a_running_worker_picks_up_a_newly_activated_model_without_a_restart(
    broker, an_article, post_comment, tmp_path, transactional_db
):
    """One worker process, never restarted, decides with the version activated while it runs.

    test_registry.py checks the interval itself with a fake clock; here a real worker with
    ``MODERATION_MODEL_REFRESH_SECONDS`` sees an activation made by another process.
    """
    with tiny_registry(tmp_path, FLOOD_INTERVAL=0):  # the base versions are active
        worker = WorkerProcess(
            broker.url,
            TEST_QUEUE,
            database_url_for_subprocess(),
            MODERATION_MODEL_DIR=str(tmp_path),
            MODERATION_MODEL_REFRESH_SECONDS=str(REFRESH_SECONDS),
        ).start()
        try:
            first = posted(Client(), an_article, post_comment, comment="ottimo articolo grazie")
            first = wait_for(lambda: decided(first.pk), timeout=60)
            seen_at = time.monotonic()  # the worker asked the registry before this
            processes = worker.pids()

            a_candidate("toxicity", "toxicity-new", tmp_path, flip=True)
            versions.activate("toxicity-new", reason="hot reload test")
            # Just past the interval since the worker's last look: its next task asks again.
            time.sleep(max(0.0, seen_at + REFRESH_SECONDS + 0.5 - time.monotonic()))

            second = posted(
                Client(),
                an_article,
                post_comment,
                comment="bella giornata al parco",
                email="b@example.org",
            )
            second = wait_for(lambda: decided(second.pk), timeout=30)
            assert worker.pids() == processes, "the worker or its pool was restarted"
        finally:
            worker.stop()
    assert (first.model_version, first.status) == ("spam-base+toxicity-base", Status.PUBLISHED)
    # The flipped model calls clean text toxic: the new version really decided.
    assert second.model_version == "spam-base+toxicity-new"
    assert second.status == Status.HELD
    assert second.toxicity_score > 0.5 > first.toxicity_score
    assert any(reason.startswith("toxicity") for reason in second.reasons)


def test_one_task_decides_every_comment_waiting_even_beyond_a_batch(
    broker, an_article, transactional_db
):
    ids = pending_comments(an_article, 1200)  # more than two batches of BATCH_SIZE (500)
    with current_app.connection_for_write() as connection:
        connection.default_channel.queue_purge(TEST_QUEUE)  # no task of an earlier test
    dispatch.no_task_waiting()
    assert dispatch.enqueue_classification(ids[-1:])
    worker = WorkerProcess(broker.url, TEST_QUEUE, database_url_for_subprocess()).start()
    try:
        wait_for(lambda: not Comment.objects.filter(status=Status.PENDING).exists(), timeout=90)
    finally:
        worker.stop()
    assert ModerationEvent.objects.filter(action="classified").count() == 1200
