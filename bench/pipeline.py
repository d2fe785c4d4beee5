"""Submit-to-decision latency through the form with one worker, and backlog drain rate.

    python bench/pipeline.py [--comments 500] [--rate 50] [--wait 60] [--backlog 10000]

Starts gunicorn (2 workers), one Celery worker and Redis on loopback, posts comments
through the real form at a fixed rate, and reads when each was decided from the database.
Then bulk-creates a backlog of pending comments and times the batch task draining it with
one and with two worker processes. Settings: bench/settings.py (flood control off).
Comments the worker has not decided ``--wait`` seconds after the last post are reported as
still pending (the figures cover the decided ones) and removed before the drain.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.formclient import FormClient
from bench.stack import running_stack, summary_ms, write_result

TEXTS = [
    "Bella iniziativa, finalmente una pista sicura per andare a scuola.",
    "Non sono d'accordo: i posti auto servono ai negozi del centro.",
    "Great news for the city, I hope they finish the second part soon.",
    "Sei un idiota, vergognati per quello che scrivi.",
]


def wait_all_decided(ids: list[int], timeout: float, *, strict: bool = True) -> float:
    """Seconds until none of ``ids`` is pending; after ``timeout``, raise (or return if lax).

    Asks about the range of ``ids`` (the bench's database holds no other comments there):
    a list of 10,000 ids, sent every 50 ms, would take this process most of a core away
    from the worker being timed."""
    from moderation.models import Comment, Status

    if not ids:
        return 0.0
    pending = Comment.objects.filter(pk__range=(min(ids), max(ids)), status=Status.PENDING)
    started = time.perf_counter()
    while pending.exists():
        if time.perf_counter() - started > timeout:
            if strict:
                raise RuntimeError("comments still pending after the timeout")
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def submit_to_decision(base_url: str, article, comments: int, rate: float, wait: float) -> dict:
    """Post at ``rate`` through the form; when each was decided. Comments still pending
    ``wait`` seconds after the last post are counted and deleted (with the queue's tasks)."""
    from moderation.models import Comment, Status

    client = FormClient(base_url, article.get_absolute_url())
    first_id = Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    interval = 1 / rate
    latencies, statuses = [], []

    def post(i: int) -> None:
        status, seconds = client.post(
            f"{TEXTS[i % len(TEXTS)]} #{i}", f"Lettore {i}", f"lettore{i}@example.org"
        )
        statuses.append(status)
        latencies.append(seconds)

    with ThreadPoolExecutor(max_workers=16) as pool:
        start = time.perf_counter()
        for i in range(comments):
            delay = start + i * interval - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
    posted = time.perf_counter() - start
    ids = list(Comment.objects.filter(pk__gt=first_id).values_list("pk", flat=True))
    waited = wait_all_decided(ids, timeout=wait, strict=False)
    rows = Comment.objects.filter(pk__in=ids).exclude(status=Status.PENDING)
    rows = rows.values_list("created_at", "decided_at")
    decision = sorted((decided - created).total_seconds() for created, decided in rows)
    pending = Comment.objects.filter(pk__in=ids, status=Status.PENDING)
    still_pending = pending.count()
    if still_pending:
        _purge_queue()
        pending.delete()
    return {
        "comments": comments,
        "rate_per_s": rate,
        "accepted": sum(s == 303 for s in statuses),
        "errors_5xx": sum(s >= 500 or s == 0 for s in statuses),
        "post_latency": summary_ms(latencies),
        "decided": len(decision),
        "still_pending_after_wait": still_pending,
        "decided_per_s": round(len(decision) / (posted + waited), 1),
        "submit_to_decision": summary_ms(decision) if decision else {},
    }


def _purge_queue() -> None:
    import os

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(os.environ["CELERY_QUEUE"])


def drain(article, backlog: int) -> dict:
    from django.contrib.contenttypes.models import ContentType

    from moderation import tasks
    from moderation.conf import moderation_settings
    from moderation.models import Comment

    target = {
        "content_type": ContentType.objects.get_for_model(article),
        "object_pk": str(article.pk),
    }
    created = Comment.objects.bulk_create(
        (
            Comment(
                **target,
                author_name=f"Arretrato {i}",
                author_email=f"a{i}@example.org",
                text=f"{TEXTS[i % len(TEXTS)]} (arretrato {i})",
            )
            for i in range(backlog)
        ),
        batch_size=2000,
    )
    ids = (
        [c.pk for c in created]
        if created[0].pk
        else list(
            Comment.objects.filter(author_name__startswith="Arretrato ").values_list(
                "pk", flat=True
            )
        )
    )
    started = time.perf_counter()
    size = moderation_settings.BATCH_SIZE
    for start in range(0, len(ids), size):
        tasks.classify_batch.delay(ids[start : start + size])
    wait_all_decided(ids, timeout=600)
    seconds = time.perf_counter() - started
    Comment.objects.filter(pk__in=ids).delete()
    return {
        "backlog": backlog,
        "seconds": round(seconds, 2),
        "decided_per_s": round(backlog / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--backlog", type=int, default=10_000)
    parser.add_argument("--wait", type=float, default=60, help="seconds to wait for decisions")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, running_stack(Path(tmp)) as stack:
        from project.articles.models import Article

        article, _ = Article.objects.get_or_create(
            slug="bench", defaults={"title": "Articolo di prova", "body": "..."}
        )
        base_url = stack.gunicorn(workers=2)
        one = stack.worker(concurrency=1)
        time.sleep(3)
        submit = submit_to_decision(base_url, article, args.comments, args.rate, args.wait)
        result = {"submit": submit}
        result["drain_1_worker"] = drain(article, args.backlog)
        one.terminate()
        one.wait()
        stack.worker(concurrency=2)
        time.sleep(3)
        result["drain_2_workers"] = drain(article, args.backlog)
    print(f"{'measure':40} value")
    s = result["submit"]
    print(
        f"{'POST latency median / p95 (ms)':40} {s['post_latency']['median_ms']} / "
        f"{s['post_latency']['p95_ms']}"
    )
    decision = s["submit_to_decision"]
    print(
        f"{'submit→decision median / p95 (ms)':40} {decision.get('median_ms', '-')} / "
        f"{decision.get('p95_ms', '-')}"
    )
    print(
        f"{'decided / still pending after wait':40} {s['decided']} / "
        f"{s['still_pending_after_wait']} ({s['decided_per_s']} decided/s)"
    )
    print(f"{'accepted / 5xx':40} {s['accepted']} / {s['errors_5xx']}")
    for key in ("drain_1_worker", "drain_2_workers"):
        print(f"{key + ' (comments/s)':40} {result[key]['decided_per_s']}")
    print("written to", write_result("pipeline", result))


if __name__ == "__main__":
    main()
