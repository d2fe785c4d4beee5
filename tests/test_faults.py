"""Faults under load, with real processes: gunicorn, a Celery worker, Redis and the database.
Nothing a reader was told is accepted is lost or decided twice, and no one sees a 500.

The long versions (100 posts/s for 60 s, a 20 s Redis outage) are in bench/load.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
from unittest import mock

import pytest
from django import db
from django.db import connection
from django.test import Client

from bench.load import DroppedConnections, RedisOutage, check, new_tag, post_at_rate
from bench.stack import free_port, wait_http
from moderation import services, tasks
from moderation.models import Comment
from tests.conftest import TEST_QUEUE, form_fields
from tests.helpers import (
    ROOT,
    WorkerProcess,
    database_url_for_subprocess,
    point_producer_at,
    wait_for,
)

BUSY_IT = "il sito è momentaneamente occupato"
BUSY_EN = "the site is busy"


ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


# A database error while posting: a friendly 503, nothing half-saved -------------------------


def failing(*args, **kwargs):
    raise db.OperationalError("terminating connection due to administrator command")


@pytest.mark.django_db
def test_a_database_error_while_posting_is_a_503_in_italian_with_the_input_kept(
    an_article, post_comment
):
    with mock.patch.object(services, "submit_comment", failing):
        response = post_comment(Client(HTTP_ACCEPT_LANGUAGE="it"), an_article, author="Zoe Unica")
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"]
    assert BUSY_IT in body
    assert "Zoe Unica" in body and "Bella iniziativa" in body  # the reader's input is kept
    assert "Traceback" not in body and "OperationalError" not in body
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_a_database_error_while_posting_is_a_503_in_english_on_the_english_site(an_article):
    client = Client()
    page = client.get(f"/en{an_article.get_absolute_url()}").content.decode()
    data = {
        **form_fields(page),
        "comment": "Good idea.",
        "author": "Ann",
        "email": "ann@example.org",
    }
    with mock.patch.object(services, "submit_comment", failing):
        response = client.post("/en/comments/post/", data)
    assert response.status_code == 503
    assert BUSY_EN in response.content.decode()


@pytest.mark.django_db
def test_when_the_database_stays_down_the_503_page_still_renders(an_article, post_comment):
    page = Client().get(an_article.get_absolute_url()).content.decode()
    with mock.patch("moderation.section.forms.resolve_target", failing):
        response = Client().post("/comments/post/", {**form_fields(page), "comment": "x"})
    assert response.status_code == 503
    assert BUSY_IT in response.content.decode()


@pytest.mark.django_db
def test_a_database_error_while_posting_through_the_api_is_a_503(an_article):
    from django.core.cache import cache

    cache.clear()
    body = {
        "target": f"articles.article:{an_article.pk}",
        "text": "Ottimo articolo.",
        "name": "Anna",
        "email": "anna@example.org",
    }
    with mock.patch.object(services, "submit_comment", failing):
        response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
            "/api/comments/", body, content_type="application/json"
        )
    assert response.status_code == 503
    assert BUSY_EN in response.json()["detail"]


# A trigger that makes the database refuse every audit event, as a full disk or a broken
# constraint would: by vendor, how to create it and how to drop it.
_REFUSE_EVENTS = {
    "sqlite": (
        [
            "CREATE TRIGGER refuse_events BEFORE INSERT ON moderation_moderationevent "
            "BEGIN SELECT RAISE(ABORT, 'no events'); END"
        ],
        ["DROP TRIGGER refuse_events"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ BEGIN RAISE EXCEPTION 'no events'; END $$",
            "CREATE TRIGGER refuse_events BEFORE INSERT ON moderation_moderationevent "
            "FOR EACH ROW EXECUTE FUNCTION refuse_event()",
        ],
        ["DROP TRIGGER refuse_events ON moderation_moderationevent", "DROP FUNCTION refuse_event"],
    ),
}


@pytest.mark.django_db(transaction=True)
def test_a_comment_whose_submitted_event_fails_is_not_saved_at_all(an_article, post_comment):
    from django.db import connection

    create, drop = _REFUSE_EVENTS[connection.vendor]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        response = post_comment(Client(), an_article)
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)
    assert response.status_code == 503
    assert not Comment.objects.exists()  # the comment and its event are written together


# Real processes under load ------------------------------------------------------------------


@pytest.fixture
def site(own_redis, an_article, transactional_db):
    """gunicorn with 2 workers and one Celery worker, on the test database and own Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # flood control off: one host posts all
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": own_redis.url,
        "CELERY_QUEUE": TEST_QUEUE,
    }
    port = free_port()
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "project.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    worker = WorkerProcess(own_redis.url, TEST_QUEUE, database_url_for_subprocess()).start()
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_http(base_url + "/")
        yield base_url, an_article.get_absolute_url()
    finally:
        worker.stop()
        gunicorn.terminate()
        gunicorn.wait(timeout=20)


def sweep_until_decided(tag: str, settings, timeout: float = 60) -> None:
    """What beat does every 30 s, with PENDING_SWEEP_AFTER at 0, until nothing is pending."""
    settings.MODERATION = {"PENDING_SWEEP_AFTER": 0}

    def swept_and_decided() -> bool:
        db.close_old_connections()
        if not Comment.objects.filter(author_name__startswith=tag, status="pending").exists():
            return True
        tasks.sweep_pending()
        return False

    wait_for(swept_and_decided, timeout=timeout, interval=3)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_redis_stopped_mid_load_every_post_is_accepted_and_decided_once(
    site, own_redis, settings
):
    base_url, path = site
    outage = RedisOutage(own_redis, at=3, seconds=5)
    outage.start()
    tag = new_tag()
    posts = post_at_rate(base_url, path, rate=10, seconds=12, tag=tag, threads=8)
    outage.join()
    point_producer_at(own_redis.url, TEST_QUEUE)
    sweep_until_decided(tag, settings)

    result = check(tag, posts)
    during = [p for p in posts if outage.started_at <= p.sent_at < outage.ended_at]
    assert len(during) >= 20, "the outage did not happen during the load"
    assert result["statuses"] == {303: 120}
    assert result["lost"] == result["half_saved"] == 0
    assert result["undecided"] == result["decided_twice"] == result["decided_not_once"] == 0


@pytest.mark.slow
@pytest.mark.skipif(not ON_POSTGRES, reason="drops PostgreSQL connections: set DATABASE_URL")
@pytest.mark.django_db(transaction=True)
def test_with_postgres_connections_dropped_mid_load_the_site_recovers_by_itself(
    site, own_redis, settings
):
    base_url, path = site
    fault = DroppedConnections(database_url_for_subprocess(), at=2, times=3, every=1.5)
    fault.start()
    tag = new_tag()
    posts = post_at_rate(base_url, path, rate=10, seconds=10, tag=tag, threads=8)
    fault.join()
    connection.close()  # the test's own connection was dropped too
    sweep_until_decided(tag, settings)

    result = check(tag, posts)
    assert fault.terminated > 0
    assert set(result["statuses"]) <= {303, 503}, result["statuses"]
    assert all(p.status == 303 for p in posts[-20:]), "the site did not recover by itself"
    assert result["lost"] == result["half_saved"] == 0
    assert result["undecided"] == result["decided_twice"] == result["decided_not_once"] == 0


# A model file replaced by garbage: held by the workers (test_pipeline.py), reported by checks


@pytest.mark.parametrize("sidecar", ["{}", '{"task": "%s"}'])
def test_a_model_file_replaced_by_garbage_is_reported_by_the_system_check(
    tmp_path, settings, sidecar
):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    for task in ("spam", "toxicity"):
        (tmp_path / f"{task}.skops").write_bytes(b"not a model at all")
        (tmp_path / f"{task}.json").write_text(sidecar.replace("%s", task))
    settings.MODERATION = {"MODEL_DIR": str(tmp_path)}
    with pytest.raises(SystemCheckError, match=r"moderation\.E002"):
        call_command("check", "--deploy", "--fail-level", "ERROR")
