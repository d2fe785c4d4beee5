"""The worker's batch writes on PostgreSQL: ``services._bulk`` against Django's own
``bulk_update`` and ``bulk_create``, paired.

    python bench/batch_writes.py [--sizes 50,200,500] [--rounds 8]

One process on a fresh PostgreSQL database (on ``BENCH_PG``, named after this run's process
id, dropped at the end), the benchmarks' settings (bench/settings.py) and the shipped
models. For each batch size and round, each way of writing in turn (which goes first
rotates from round to round): ``size`` new pending comments are stored (not timed; the
texts of bench/pipeline.py, a quarter of them held and so explained), then
``services.classify_comments`` decides them, as the worker's batch task does: scoring,
policy, explanations, then the decisions' UPDATE and the events' INSERT, written by

- ``_bulk``: ``services._bulk`` as shipped (each statement's rows as one JSON parameter);
- ``bulk_create``: ``_bulk.update`` for the decisions, Django's ``bulk_create`` for the
  events (Django 5.2 inserts with ``UNNEST`` on PostgreSQL);
- ``django``: Django's ``bulk_update`` and ``bulk_create``.

Timed per batch: the whole ``classify_comments`` (wall, this process's CPU, the database
backend's CPU) and the two writes alone (wall). Printed: the medians over the rounds, and
per round each way's ratio to ``_bulk`` in the same round, with the median and the spread
(lowest-highest) of those ratios. Written to bench/results/batch_writes.json.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WAYS = ("_bulk", "bulk_create", "django")
MEASURES = ("batch_wall_ms", "batch_cpu_ms", "db_cpu_ms", "writes_wall_ms")


def django_update(objs, names) -> None:
    if objs:
        type(objs[0])._default_manager.bulk_update(objs, names)


def django_insert(objs) -> None:
    if objs:
        type(objs[0])._default_manager.bulk_create(objs)


class Writes:
    """Puts one way's write functions in place of ``_bulk``'s and times them."""

    def __init__(self) -> None:
        from moderation.services import _bulk

        self.module = _bulk
        self.shipped = {"update": _bulk.update, "insert": _bulk.insert}
        self.seconds = 0.0

    def use(self, way: str) -> None:
        update, insert = self.shipped["update"], self.shipped["insert"]
        if way in ("bulk_create", "django"):
            insert = django_insert
        if way == "django":
            update = django_update
        self.module.update = self._timed(update)
        self.module.insert = self._timed(insert)

    def _timed(self, write):
        def timed(*args) -> None:
            started = time.perf_counter()
            try:
                write(*args)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


def backend_cpu_seconds() -> float:
    """CPU seconds of this connection's PostgreSQL backend so far (from the kernel's
    scheduler statistics, in nanoseconds: the clock ticks psutil reads are 10 ms)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with open(f"/proc/{pid}/schedstat") as stats:
        return int(stats.read().split()[0]) / 1e9


def pending_comments(article, size: int, first: int) -> list[int]:
    from django.contrib.contenttypes.models import ContentType

    from bench.pipeline import TEXTS
    from moderation.models import Comment

    target = {
        "content_type": ContentType.objects.get_for_model(article),
        "object_pk": str(article.pk),
    }
    created = Comment.objects.bulk_create(
        Comment(
            **target,
            author_name=f"Lettore {n}",
            author_email=f"lettore{n}@example.org",
            text=f"{TEXTS[n % len(TEXTS)]} ({n})",
        )
        for n in range(first, first + size)
    )
    return [comment.pk for comment in created]


def one_batch(writes: Writes, way: str, article, size: int, first: int) -> dict:
    from moderation import services
    from moderation.models import Comment, ModerationEvent, Status

    ids = pending_comments(article, size, first)
    writes.use(way)
    writes.seconds = 0.0
    gc.collect()
    db_cpu = backend_cpu_seconds()
    wall, cpu = time.perf_counter(), time.process_time()
    decided = services.classify_comments(ids)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    db_cpu = backend_cpu_seconds() - db_cpu
    events = ModerationEvent.objects.filter(comment_id__in=ids, action="classified").count()
    pending = Comment.objects.filter(pk__in=ids, status=Status.PENDING).count()
    assert decided == events == size and not pending, (way, decided, events, pending)
    return {
        "batch_wall_ms": round(wall * 1000, 2),
        "batch_cpu_ms": round(cpu * 1000, 2),
        "db_cpu_ms": round(db_cpu * 1000, 2),
        "writes_wall_ms": round(writes.seconds * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,500")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    from bench import pg
    from bench.stack import write_result

    database = f"bench_batch_writes_{os.getpid()}"
    queue = f"bench-batch-writes-{os.getpid()}"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": pg.fresh_database(database),
            "CELERY_QUEUE": queue,
        }
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        result = run(sizes, args.rounds)
    finally:
        _clean_up(database, queue)
    result["settings"] = vars(args)
    print("written to", write_result("batch_writes", result))


def run(sizes: list[int], rounds: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from moderation.learning import loaded_models
    from project.articles.models import Article

    call_command("migrate", "--noinput", verbosity=0)
    article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
    loaded_models.warm_up()
    writes = Writes()
    first = 0
    runs: dict = {str(size): {way: [] for way in WAYS} for size in sizes}
    for way in WAYS:  # untimed: each way's first batch (its SQL, the per-word caches)
        one_batch(writes, way, article, 50, first)
        first += 50
    for number in range(rounds):
        for size in sizes:
            order = WAYS[number % len(WAYS) :] + WAYS[: number % len(WAYS)]
            for way in order:
                runs[str(size)][way].append(one_batch(writes, way, article, size, first))
                first += size
        with connection.cursor() as cursor:  # every round starts from an empty table
            cursor.execute("TRUNCATE moderation_comment CASCADE")
        print(f"round {number + 1} of {rounds} done", flush=True)

    result: dict = {"runs": runs, "medians": {}, "ratios_to_bulk": {}}
    print(f"\n{rounds} rounds; medians per batch (ms); ratio to _bulk: median (lowest-highest)")
    header = "".join(f"{m:>16}" for m in MEASURES)
    print(f"{'size':>5} {'way':12}{header}  {'ratio, batch wall':>22} {'writes wall':>20}")
    for size in sizes:
        key = str(size)
        result["medians"][key], result["ratios_to_bulk"][key] = {}, {}
        for way in WAYS:
            taken = runs[key][way]
            medians = {m: round(statistics.median(r[m] for r in taken), 2) for m in MEASURES}
            result["medians"][key][way] = medians
            ratios = {
                m: [r[m] / b[m] for r, b in zip(taken, runs[key]["_bulk"], strict=True) if b[m] > 0]
                for m in MEASURES
            }
            result["ratios_to_bulk"][key][way] = {
                m: {
                    "median": round(statistics.median(values), 3),
                    "lowest": round(min(values), 3),
                    "highest": round(max(values), 3),
                }
                for m, values in ratios.items()
            }
            cells = "".join(f"{medians[m]:16.2f}" for m in MEASURES)
            spread = [result["ratios_to_bulk"][key][way][m] for m in MEASURES]
            print(f"{size:>5} {way:12}{cells}  {_ratio(spread[0]):>22} {_ratio(spread[3]):>20}")
    return result


def _ratio(r: dict) -> str:
    return f"{r['median']:.3f} ({r['lowest']:.2f}-{r['highest']:.2f})"


def _clean_up(database: str, queue: str) -> None:
    import psycopg
    import redis
    from django.db import connections

    from bench import pg

    connections.close_all()
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(queue)
    with psycopg.connect(f"{pg.SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
