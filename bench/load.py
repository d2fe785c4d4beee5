"""Load with faults: post comments through the real form at a fixed rate for a fixed time,
then check that every accepted comment is stored, decided, and decided once.

    python bench/load.py [--rate 100] [--seconds 60] [--fault none|redis|postgres]
                         [--outage 20] [--sweep-after 60] [--sweep-every 15]

Starts gunicorn (2 workers), one Celery worker, Celery beat and Redis on loopback (the
database of DATABASE_URL, else SQLite). ``--fault redis`` stops the embedded Redis for
``--outage`` seconds in the middle of the load (beat's sweeper re-enqueues what was posted
meanwhile); ``--fault postgres`` drops every PostgreSQL connection three times. The sweeper's
settings default to the shipped ones. Prints a summary and writes bench/results/load.json.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.formclient import FormClient
from bench.pipeline import TEXTS
from bench.stack import running_stack, summary_ms, write_result

TERMINATE_BACKENDS = (
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


@dataclass
class Post:
    index: int
    sent_at: float  # seconds since the load started
    status: int  # 0: no HTTP answer (connection refused or reset)
    seconds: float


def new_tag() -> str:
    """A prefix for the author names of one run, to find its comments in the database."""
    return f"Load-{uuid.uuid4().hex[:6]}-"


def post_at_rate(
    base_url: str, article_path: str, rate: float, seconds: float, tag: str, threads: int = 32
) -> list[Post]:
    """POST ``rate * seconds`` comments through the form, one every ``1 / rate`` seconds."""
    client = FormClient(base_url, article_path)
    posts: list[Post] = []
    start = time.perf_counter()

    def post(i: int) -> None:
        sent_at = time.perf_counter() - start
        status, took = client.post(
            f"{TEXTS[i % len(TEXTS)]} ({tag}{i})", f"{tag}{i}", f"lettore{i}@example.org"
        )
        posts.append(Post(i, sent_at, status, took))

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for i in range(int(rate * seconds)):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
    return sorted(posts, key=lambda p: p.index)


def pending_count(tag: str) -> int:
    from moderation.models import Comment, Status

    return Comment.objects.filter(author_name__startswith=tag, status=Status.PENDING).count()


def wait_decided(tag: str, timeout: float) -> float | None:
    """Seconds until no comment of the run is pending; None if some still are at ``timeout``."""
    from django.db import close_old_connections

    started = time.perf_counter()
    while True:
        close_old_connections()
        if not pending_count(tag):
            return time.perf_counter() - started
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(0.25)


def check(tag: str, posts: list[Post]) -> dict:
    """What the database holds for the run's posts, against what the readers were told."""
    from django.db import close_old_connections
    from django.db.models import Count, Q

    from moderation.models import Comment, Status

    close_old_connections()
    rows = {
        int(c["author_name"].removeprefix(tag)): c
        for c in Comment.objects.filter(author_name__startswith=tag)
        .annotate(
            submitted=Count("events", filter=Q(events__action="submitted")),
            classified=Count("events", filter=Q(events__action="classified")),
        )
        .values("author_name", "status", "created_at", "decided_at", "submitted", "classified")
    }
    accepted = [p for p in posts if p.status == 303]
    stored_accepted = [rows[p.index] for p in accepted if p.index in rows]
    decision = [
        (c["decided_at"] - c["created_at"]).total_seconds()
        for c in stored_accepted
        if c["decided_at"] is not None
    ]
    return {
        "posted": len(posts),
        "accepted": len(accepted),
        "statuses": dict(sorted(Counter(p.status for p in posts).items())),
        "errors_5xx": sum(p.status >= 500 or p.status == 0 for p in posts),
        "errors_500": sum(p.status == 500 or p.status == 0 for p in posts),
        "lost": len(accepted) - len(stored_accepted),
        "stored_though_refused": sum(p.index in rows for p in posts if p.status != 303),
        "half_saved": sum(c["submitted"] != 1 for c in rows.values()),
        "undecided": sum(c["status"] == Status.PENDING for c in rows.values()),
        "decided_twice": sum(c["classified"] > 1 for c in rows.values()),
        "decided_not_once": sum(
            c["classified"] != 1 for c in rows.values() if c["status"] != Status.PENDING
        ),
        "post_latency": summary_ms([p.seconds for p in posts]),
        "submit_to_decision": summary_ms(decision) if decision else {},
    }


class Fault(threading.Thread):
    """Something that goes wrong at ``at`` seconds into the load; records when it happened."""

    def __init__(self, at: float) -> None:
        super().__init__(daemon=True)
        self.at = at
        self.started_at: float | None = None
        self.ended_at: float | None = None

    def run(self) -> None:
        t0 = time.perf_counter()
        time.sleep(self.at)
        self.started_at = time.perf_counter() - t0
        self.inject()
        self.ended_at = time.perf_counter() - t0

    def inject(self) -> None:
        raise NotImplementedError


class RedisOutage(Fault):
    """Stop an ``EmbeddedRedis`` for ``seconds``, then start it again on the same socket."""

    def __init__(self, redis, at: float, seconds: float) -> None:
        super().__init__(at)
        self.redis, self.seconds = redis, seconds

    def inject(self) -> None:
        self.redis.stop()
        time.sleep(self.seconds)
        self.redis.start()


class DroppedConnections(Fault):
    """Terminate every other connection to the database ``times`` times, ``every`` seconds."""

    def __init__(self, database_url: str, at: float, times: int = 3, every: float = 1.5) -> None:
        super().__init__(at)
        self.database_url, self.times, self.every = database_url, times, every
        self.terminated = 0

    def inject(self) -> None:
        import psycopg

        url = self.database_url.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(url, autocommit=True) as conn:
            for i in range(self.times):
                if i:
                    time.sleep(self.every)
                self.terminated += len(conn.execute(TERMINATE_BACKENDS).fetchall())


def sweeper_settings(workdir: Path, sweep_after: int, sweep_every: float) -> str:
    """A settings module for the processes of this run: bench/settings.py and the sweeper's."""
    (workdir / "load_settings.py").write_text(
        "from bench.settings import *  # noqa: F403\n"
        "from bench.settings import CELERY_BEAT_SCHEDULE, MODERATION\n"
        f"MODERATION = {{**MODERATION, 'PENDING_SWEEP_AFTER': {sweep_after}}}\n"
        "CELERY_BEAT_SCHEDULE = {**CELERY_BEAT_SCHEDULE, 'sweep-pending-comments': "
        f"{{**CELERY_BEAT_SCHEDULE['sweep-pending-comments'], 'schedule': {sweep_every}}}}}\n"
    )
    return "load_settings"


def print_summary(result: dict) -> None:
    r = result["check"]
    print(f"{'measure':42} value")
    rows = [
        ("posts sent (rate × seconds)", f"{r['posted']} ({result['rate_per_s']}/s)"),
        ("posts/s held (accepted / s)", result["accepted_per_s"]),
        ("HTTP statuses", r["statuses"]),
        ("5xx (incl. no answer) / of which 500", f"{r['errors_5xx']} / {r['errors_500']}"),
        ("lost (accepted, not stored)", r["lost"]),
        ("stored though refused / half-saved", f"{r['stored_though_refused']} / {r['half_saved']}"),
        ("undecided / decided twice", f"{r['undecided']} / {r['decided_twice']}"),
        ("POST median / p95 / p99 (ms)", "/".join(str(v) for v in r["post_latency"].values())),
        (
            "submit→decision median / p95 / p99 (ms)",
            "/".join(str(v) for v in r["submit_to_decision"].values()),
        ),
    ]
    if result.get("fault"):
        rows.append(("fault", result["fault"]))
    for name, value in rows:
        print(f"{name:42} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--fault", choices=["none", "redis", "postgres"], default="none")
    parser.add_argument("--outage", type=float, default=20.0, help="seconds Redis stays down")
    parser.add_argument("--sweep-after", type=int, default=60, help="PENDING_SWEEP_AFTER")
    parser.add_argument("--sweep-every", type=float, default=15.0, help="beat's sweep period")
    parser.add_argument("--decide-timeout", type=float, default=180.0)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the stack on `timeout`
    if args.seconds * args.rate > 20_000 or args.outage > 120:
        parser.error("keep the run bounded: at most 20,000 posts and a 120 s outage")
    if args.fault == "redis":
        os.environ.pop("REDIS_URL", None)  # an embedded Redis that this run may stop
    if args.fault == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        parser.error("--fault postgres needs DATABASE_URL=postgres://...")
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp)) as stack:
        from project.articles.models import Article

        stack.env["PYTHONPATH"] += os.pathsep + tmp
        stack.env["DJANGO_SETTINGS_MODULE"] = sweeper_settings(
            Path(tmp), args.sweep_after, args.sweep_every
        )
        article, _ = Article.objects.get_or_create(
            slug="load", defaults={"title": "Articolo sotto carico", "body": "..."}
        )
        base_url = stack.gunicorn(workers=args.gunicorn_workers)
        stack.worker(concurrency=1)
        stack.spawn(
            sys.executable,
            "-m",
            "celery",
            "-A",
            "project",
            "beat",
            "--loglevel",
            "WARNING",
            "--schedule",
            str(Path(tmp) / "beat-schedule"),
        )
        time.sleep(3)
        fault = None
        if args.fault == "redis":
            fault = RedisOutage(stack.redis, at=args.seconds / 3, seconds=args.outage)
        elif args.fault == "postgres":
            fault = DroppedConnections(os.environ["DATABASE_URL"], at=args.seconds / 3)
        if fault:
            fault.start()
        tag = new_tag()
        started = time.perf_counter()
        posts = post_at_rate(base_url, article.get_absolute_url(), args.rate, args.seconds, tag)
        load_seconds = time.perf_counter() - started
        if fault:
            fault.join()
        decided_after = wait_decided(tag, args.decide_timeout)
        result = {
            "rate_per_s": args.rate,
            "seconds": args.seconds,
            "load_seconds": round(load_seconds, 2),
            "accepted_per_s": round(sum(p.status == 303 for p in posts) / load_seconds, 1),
            "database": stack.env["DATABASE_URL"].split(":")[0],
            "gunicorn_workers": args.gunicorn_workers,
            "sweep_after_s": args.sweep_after,
            "sweep_every_s": args.sweep_every,
            "all_decided_s_after_load": round(decided_after, 2) if decided_after else None,
            "check": check(tag, posts),
        }
        if isinstance(fault, RedisOutage):
            back = fault.ended_at
            result["fault"] = {
                "kind": "redis stopped",
                "from_s": round(fault.started_at, 2),
                "to_s": round(back, 2),
                "posts_during": sum(fault.started_at <= p.sent_at < back for p in posts),
                "all_decided_s_after_redis_returned": round(load_seconds - back + decided_after, 2)
                if decided_after is not None
                else None,
            }
        elif isinstance(fault, DroppedConnections):
            result["fault"] = {
                "kind": "postgres connections terminated",
                "at_s": round(fault.started_at, 2),
                "times": fault.times,
                "connections_terminated": fault.terminated,
            }
    print_summary(result)
    name = "load" if args.fault == "none" else f"load-{args.fault}"
    print("written to", write_result(name, result))


if __name__ == "__main__":
    main()
