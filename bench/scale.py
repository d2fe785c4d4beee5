"""Scaling out on one Redis and one PostgreSQL: web processes and Celery workers as replicas.

    python bench/scale.py [--layouts 1x1,2x2] [--web-workers 2] [--connections 16] [--seconds 10]

For each layout ``WxC`` (W web processes, C worker processes; ``docker compose up --scale
web=W --scale worker=C`` on one machine), on a fresh PostgreSQL database (``BENCH_PG``) and
the real Redis (``REDIS_URL``): W gunicorn processes, each with ``--web-workers`` sync
workers and every shipped check on (bench/ingest_settings.py), and C Celery workers of
concurrency 1. wrk posts to every web process at once for ``--seconds`` (the connections
split between them, each request a new reader), then the run waits until every comment is
decided. Printed per layout: accepted posts/s, how fast the workers decided them
(comments/s from the first post to the last decision), how many were still queued when
posting stopped, and submit-to-decision latency (median / p95).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import commentdata, pg
from bench.ingest import Site, wrk
from bench.pipeline import wait_all_decided
from bench.stack import Stack, summary_ms, write_result

DATABASE = "bench_scale"


def run_layout(web: int, workers: int, args: argparse.Namespace, texts: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        stack = Stack(Path(tmp), settings="bench.ingest_settings")
        try:
            stack.manage("migrate", "--noinput", "-v0")
            import django

            django.setup()
            from moderation.models import Comment, Status
            from project.articles.models import Article

            Comment.objects.all().delete()  # and their events: each layout starts empty
            article, _ = Article.objects.get_or_create(slug="scala", defaults={"title": "Prova"})
            sites = []
            for _ in range(web):
                url = stack.gunicorn(workers=args.web_workers)
                pid = stack.processes[-1].pid
                fields = ("comment", "author", "email")
                path = article.get_absolute_url()
                sites.append(
                    Site("ours", url, path, "/comments/post/", 303, fields, True, pid, DATABASE)
                )
            for _ in range(workers):
                stack.worker(concurrency=1)
            time.sleep(3)  # the workers connect to the broker
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=web) as pool:
                share = max(args.connections // web, 1)
                runs = list(pool.map(lambda s: wrk(s, share, args.seconds, texts), sites))
            posted = time.perf_counter() - started
            queued = Comment.objects.filter(status=Status.PENDING).count()
            time.sleep(2)  # the requests still in flight when wrk stopped are stored
            ids = list(Comment.objects.values_list("pk", flat=True))
            wait_all_decided(ids, timeout=600)
            finished = time.perf_counter() - started
            rows = Comment.objects.filter(pk__in=ids).values_list("created_at", "decided_at")
            latency = sorted((decided - created).total_seconds() for created, decided in rows)
        finally:
            stack.stop()
            import redis

            redis.Redis.from_url(stack.env["REDIS_URL"]).delete(stack.env["CELERY_QUEUE"])
    accepted = sum(r["accepted"] for r in runs)
    return {
        "layout": f"{web} web x {workers} workers",
        "accepted_per_s": round(accepted / posted, 1),
        "refused": sum(r["refused"] for r in runs),
        "queued_when_posting_stopped": queued,
        "decided_per_s": round(len(latency) / finished, 1),
        "web_cpu_ms_per_post": statistics.median(r["web_cpu_ms_per_post"] for r in runs),
        # every run read the same database backends over the same seconds: count them once
        "db_cpu_ms_per_post": round(
            max(r["db_cpu_ms_per_post"] * r["accepted"] for r in runs) / max(accepted, 1), 2
        ),
        "submit_to_decision": summary_ms(latency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", default="1x1,2x2")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = pg.fresh_database(DATABASE)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts.txt"
        texts.write_text("\n".join(t.replace("\n", " ") for t in commentdata.TEXTS) + "\n")
        for layout in args.layouts.split(","):
            web, workers = (int(n) for n in layout.split("x"))
            results.append(run_layout(web, workers, args, texts))
    print(
        f"{args.web_workers} gunicorn sync workers per web process; wrk {args.connections} "
        f"connections in all, {args.seconds:g} s"
    )
    print(
        f"{'layout':24} {'posts/s':>8} {'queued':>7} {'decided/s':>10} {'p50 ms':>8} "
        f"{'p95 ms':>8} {'web CPU':>8} {'db CPU':>7}"
    )
    for r in results:
        latency = r["submit_to_decision"]
        print(
            f"{r['layout']:24} {r['accepted_per_s']:8.1f} {r['queued_when_posting_stopped']:7} "
            f"{r['decided_per_s']:10.1f} {latency['median_ms']:8.0f} {latency['p95_ms']:8.0f} "
            f"{r['web_cpu_ms_per_post']:8.2f} {r['db_cpu_ms_per_post']:7.2f}"
        )
    print("(decided/s: from the first post to the last decision; CPU: ms per accepted post)")
    print("written to", write_result("scale", {"settings": vars(args), "layouts": results}))


if __name__ == "__main__":
    main()
