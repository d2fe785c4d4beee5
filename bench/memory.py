"""Resident memory of one web process and one Celery worker process with both models loaded.

    python bench/memory.py [--requests 50]

Starts gunicorn with 1 sync worker and a Celery worker with 1 prefork child on loopback
(fresh PostgreSQL database on ``BENCH_PG``, Redis at ``REDIS_URL``), warms them (article
page views and comments posted through the form until each is decided, so the child has
loaded the spam and toxicity models), then reads RSS and USS with psutil. The peer's gunicorn
worker (django-contrib-comments, same settings) is measured after the same page views.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pg
from bench.formclient import FormClient
from bench.ingest import start_peer
from bench.pipeline import wait_all_decided
from bench.stack import Stack, write_result

MB = 1024 * 1024


def sizes(pid: int) -> dict[str, float]:
    info = psutil.Process(pid).memory_full_info()
    return {"rss_mb": round(info.rss / MB, 1), "uss_mb": round(info.uss / MB, 1)}


def only_child(process) -> int:
    children = psutil.Process(process.pid).children()
    assert len(children) == 1, children
    return children[0].pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = pg.fresh_database("bench_ours_memory")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp))
        peer_process = None
        try:
            stack.manage("migrate", "--noinput", "-v0")
            import django

            django.setup()
            from moderation.models import Comment
            from project.articles.models import Article

            article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
            base_url = stack.gunicorn(workers=1)
            web = stack.processes[-1]
            worker = stack.worker(concurrency=1)
            client = FormClient(base_url, article.get_absolute_url())
            for i in range(args.requests):
                client.post(f"Commento numero {i}, grazie.", f"Lettore {i}", f"l{i}@example.org")
                urllib.request.urlopen(base_url + article.get_absolute_url()).read()
            wait_all_decided(list(Comment.objects.values_list("pk", flat=True)), timeout=120)
            time.sleep(1)
            result = {
                "web_worker": sizes(only_child(web)),
                "celery_child_models_loaded": sizes(only_child(worker)),
                "celery_main": sizes(worker.pid),
            }
            peer_process, peer = start_peer(1)
            for i in range(args.requests):
                peer.post(i)
                urllib.request.urlopen(peer.base_url + peer.path).read()
            result["peer_web_worker"] = sizes(only_child(peer_process))
        finally:
            if peer_process is not None:
                peer_process.terminate()
                peer_process.wait()
            stack.stop()
            import redis

            redis.Redis.from_url(stack.env["REDIS_URL"]).delete(stack.env["CELERY_QUEUE"])
    print(f"{'process':44} {'RSS MB':>7} {'USS MB':>7}")
    for key, label in (
        ("web_worker", "ours: gunicorn worker"),
        ("celery_child_models_loaded", "ours: Celery child, both models loaded"),
        ("celery_main", "ours: Celery main process"),
        ("peer_web_worker", "django-contrib-comments: gunicorn worker"),
    ):
        print(f"{label:44} {result[key]['rss_mb']:7} {result[key]['uss_mb']:7}")
    print("written to", write_result("memory", result))


if __name__ == "__main__":
    main()
