"""Real processes for the pipeline tests (a Redis broker and Celery worker subprocesses), tiny
models registered as the active versions, for the registry tests, and the requests of the
REST API's tests."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import kombu.pools
import numpy as np
import psutil
from django.contrib.auth.models import User
from django.db import connection
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from moderation.classifiers import CommentInput
from moderation.classifiers.adaptation import metadata
from moderation.classifiers.base import read_sidecar
from moderation.classifiers.features import SpamFeatures, ToxicityFeatures
from moderation.classifiers.linear import LinearTextClassifier
from moderation.classifiers.training import save
from moderation.learning import loaded_models, versions
from moderation.models import ModelVersion
from project.celery import app as celery_app
from project.embedded_redis import EmbeddedRedis
from project.processes import celery_worker

ROOT = Path(__file__).resolve().parent.parent


def wait_for(predicate: Callable[[], object], timeout: float = 30.0, interval: float = 0.1):
    """Poll until ``predicate()`` is truthy; fail with a clear message after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def database_url_for_subprocess() -> str:
    """A URL of the database the tests run on, for processes the tests start."""
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    user = s["USER"] or "postgres"
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgres://{user}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def point_producer_at(url: str, queue: str) -> None:
    """Make this process's Celery app publish to ``url`` and ``queue`` from now on."""
    celery_app.conf.broker_url = url
    celery_app.conf.task_default_queue = queue
    kombu.pools.reset()  # closes and forgets the process-wide connection and producer pools
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class Broker:
    def __init__(self, url: str, embedded: EmbeddedRedis | None) -> None:
        self.url = url
        self.embedded = embedded

    @classmethod
    def start(cls, url: str | None, workdir: Path) -> Broker:
        if url:
            return cls(url, None)
        embedded = EmbeddedRedis(workdir / "redis.sock").start()
        return cls(embedded.url, embedded)

    def use_for_producer(self, queue: str) -> None:
        point_producer_at(self.url, queue)

    def stop(self) -> None:
        if self.embedded is not None:
            self.embedded.stop()


class WorkerProcess:
    """``celery -A project worker`` in a subprocess, as in production."""

    def __init__(self, broker_url: str, queue: str, database_url: str, **env: str) -> None:
        self.env = {
            **os.environ,
            "REDIS_URL": broker_url,
            "CELERY_QUEUE": queue,
            "DATABASE_URL": database_url,
            **env,
        }
        self.process: subprocess.Popen | None = None

    def start(self, concurrency: int = 1) -> WorkerProcess:
        self.process = subprocess.Popen(
            celery_worker(
                hostname=f"test-{os.getpid()}@%h", concurrency=concurrency, loglevel="WARNING"
            ),
            cwd=ROOT,
            env=self.env,
        )
        return self

    def pids(self) -> set[int]:
        """The main process and its pool children: unchanged while the worker is not restarted."""
        return {self.process.pid, *_children(self.process.pid)}

    def kill_pool(self) -> None:
        """SIGKILL the pool processes that run the tasks; the main process restarts them."""
        for child in _children(self.process.pid):
            os.kill(child, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and its pool children)."""
        if self.process is not None:
            self.kill_pool()
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
            self.process = None


def _children(pid: int) -> list[int]:
    try:
        return [c.pid for c in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


# Tiny models --------------------------------------------------------------------------------

CLEAN = ["bella giornata al parco", "ottimo articolo grazie", "la pista ciclabile è utile"] * 4
TOXIC = ["sei un idiota schifoso", "stupido imbecille vattene", "idiota cretino"] * 4


def tiny_model(task: str, version: str, directory: Path, *, flip: bool = False) -> Path:
    """A small model of ``task`` written to ``directory``; ``flip`` makes it call clean text bad."""
    features = (SpamFeatures if task == "spam" else ToxicityFeatures)(n_features=2**12)
    items = [CommentInput(t) for t in CLEAN + TOXIC]
    y = np.array([0] * len(CLEAN) + [1] * len(TOXIC))
    if flip:
        y = 1 - y
    model = LinearTextClassifier(features, C=4.0).fit(items, y)
    model.calibrate(items, y)
    info = metadata(task, 0.5, version, training_sets={"tiny": len(y)}, settings={"C": 4.0})
    return save(model, info, directory / version)


@contextmanager
def tiny_registry(directory: Path, **settings: object) -> Iterator[Path]:
    """Tiny base models in ``directory`` as the first active versions; no refresh delay.

    ``settings`` are further MODERATION keys for the test process.
    """
    for task in ("spam", "toxicity"):
        path = tiny_model(task, f"{task}-base", directory)
        (directory / f"{task}.skops").write_bytes(path.read_bytes())
        (directory / f"{task}.json").write_bytes(path.with_suffix(".json").read_bytes())
    with override_settings(
        MODERATION={
            "MODEL_DIR": str(directory),
            "MODEL_STORE_DIR": str(directory / "store"),
            "MODEL_REFRESH_SECONDS": 0,
            **settings,
        }
    ):
        loaded_models.get_models()
        yield directory
    loaded_models.forget_models()


def a_candidate(task: str, version: str, directory: Path, **kwargs) -> ModelVersion:
    path = tiny_model(task, version, directory, **kwargs)
    return versions.register(path, read_sidecar(path))


# The REST API ---------------------------------------------------------------------------------

EDITED = "Bella iniziativa, ma servono più rastrelliere per le bici."
_addresses = itertools.count(1)


def token_client(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def target_of(article) -> str:
    return f"articles.article:{article.pk}"


def post(client: APIClient, article, remote_addr: str | None = None, **fields):
    """Post a comment from its own address unless told otherwise (flood control keys on it)."""
    n = next(_addresses)
    data = {
        "target": target_of(article),
        "name": "Anna",
        "email": f"anna{n}@example.org",
        "text": f"Bella iniziativa, finalmente una pista sicura ({n}).",
        **fields,
    }
    return client.post(
        "/api/comments/",
        {k: v for k, v in data.items() if v is not None},
        format="json",
        REMOTE_ADDR=remote_addr or f"198.51.100.{n % 250 + 1}",
    )
