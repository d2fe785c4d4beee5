"""A reader's post in one process, and the parts of it a change touches, timed paired
against another checkout of the project.

    python bench/post_cost.py --against DIR [--rounds 8] [--posts 400] [--calls 1000]

DIR is another checkout (say ``git archive <commit> | tar -x -C DIR``). Each round runs one
fresh process per checkout, which one goes first alternating from round to round, so a
change of the machine's speed falls on both. Every process uses the same fresh PostgreSQL
database (on ``BENCH_PG``, named after this run's process id, dropped at the end; its
comments emptied as each process starts) and the Redis at ``REDIS_URL`` (a queue of this
run's own, deleted at the end), with bench/ingest_settings.py (every shipped check on, the
second thought included) and the WSGI module loaded as gunicorn loads it (models and
broker client warmed up, start-up frozen out of the garbage collector). Each process times:

- ``post``: the form POST through Django's test client, CSRF enforced, each by a new reader
  (its own address, no cookie but CSRF's if the page set one) with a numbered text: the
  checks, the comment stored, its hand-off run on commit (after 50 untimed posts);
- ``hand-off``: ``dispatch.enqueue_classification`` while a classification task is marked
  waiting (what most comments cost under load: one Redis command);
- ``second thought``: the toxicity model's probability of one comment, as the form asks it.

CPU time (``time.process_time``) and wall time per call; a process reports its medians.
Printed per checkout: the median over the rounds; per round the ratio of the two
checkouts' medians, their median and their spread (lowest-highest). Written to
bench/results/post_cost.json (``--name`` changes the file's name).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.ingest_settings"
WARM_POSTS = 50
MEASURES = (
    "post_cpu_us",
    "post_wall_us",
    "handoff_cpu_us",
    "handoff_wall_us",
    "second_thought_cpu_us",
    "second_thought_wall_us",
)


def _median_us(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1e6, 1)


def measure(posts: int, calls: int) -> dict:
    """Runs in a child process, its checkout first on ``sys.path``."""
    import re
    from dataclasses import replace
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    import project.wsgi  # noqa: F401 (start-up as under gunicorn: warm-ups and gc.freeze)
    from bench import commentdata
    from moderation import dispatch
    from moderation.classifiers import CommentInput
    from moderation.learning import loaded_models
    from project.articles.models import Article

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE moderation_comment CASCADE")
    article = Article.objects.get(slug="bench")
    client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")
    page = client.get(article.get_absolute_url()).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    # A page shared through a cache carries no CSRF token: its readers post without cookies.
    jar = {k: v.value for k, v in client.cookies.items() if k == "csrftoken"}
    referer = "http://127.0.0.1" + article.get_absolute_url()
    texts = commentdata.TEXTS
    statuses: dict[int, int] = {}
    post_cpu, post_wall = [], []
    for n in range(WARM_POSTS + posts):
        client.cookies = SimpleCookie(jar)  # a new reader each time
        fields = {
            **hidden,
            "comment": f"{texts[n % len(texts)]} [{os.getpid()}-{n}]",
            "author": f"Lettore {n}",
            "email": f"lettore{n}@example.org",
        }
        address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            "/comments/post/",
            urlencode(fields),
            content_type="application/x-www-form-urlencoded",  # as browsers send the form
            HTTP_X_FORWARDED_FOR=address,
            HTTP_REFERER=referer,
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if n >= WARM_POSTS:
            post_cpu.append(cpu)
            post_wall.append(wall)

    from moderation.models import Comment

    pk = Comment.objects.order_by("pk").values_list("pk", flat=True).last()
    dispatch.enqueue_classification([pk])  # the mark set (5 s), or already set by the posts
    handoff_cpu, handoff_wall = [], []
    for _ in range(calls):
        wall, cpu = time.perf_counter(), time.process_time()
        dispatch.enqueue_classification([pk])
        handoff_cpu.append(time.process_time() - cpu)
        handoff_wall.append(time.perf_counter() - wall)

    toxicity = loaded_models.get_models()["toxicity"]
    item = CommentInput("", author_name="Lettore")
    score_cpu, score_wall = [], []
    for n in range(calls):
        numbered = replace(item, text=f"{texts[n % len(texts)]} [{os.getpid()}-{n}]")
        wall, cpu = time.perf_counter(), time.process_time()
        toxicity.predict_proba([numbered])
        score_cpu.append(time.process_time() - cpu)
        score_wall.append(time.perf_counter() - wall)
    return {
        "statuses": statuses,
        "post_cpu_us": _median_us(post_cpu),
        "post_wall_us": _median_us(post_wall),
        "handoff_cpu_us": _median_us(handoff_cpu),
        "handoff_wall_us": _median_us(handoff_wall),
        "second_thought_cpu_us": _median_us(score_cpu),
        "second_thought_wall_us": _median_us(score_wall),
    }


def child(root: Path, env: dict[str, str], posts: int, calls: int) -> dict:
    options = ["--posts", str(posts), "--calls", str(calls)]
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(root), *options],
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        sys.exit(f"the process timing {root} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


def prepare(env: dict[str, str]) -> None:
    """Migrate the fresh database and create the article every process posts to."""
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    code = (
        "from project.articles.models import Article; "
        "Article.objects.create(title='Articolo di prova', slug='bench', body='...')"
    )
    subprocess.run([*manage, "shell", "-c", code], cwd=ROOT, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", type=Path, help="another checkout, timed alternately")
    parser.add_argument("--label", default="the other checkout", help="what --against holds")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--name", default="post_cost")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.child.resolve()))
        import django

        django.setup()
        print(json.dumps(measure(args.posts, args.calls)))
        return

    from bench import pg
    from bench.stack import write_result

    database = f"bench_post_cost_{os.getpid()}"
    queue = f"bench-post-cost-{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": pg.fresh_database(database),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CELERY_QUEUE": queue,
    }
    roots = {"this checkout": ROOT}
    if args.against:
        roots[args.label] = args.against.resolve()
    runs: dict[str, list[dict]] = {name: [] for name in roots}
    try:
        prepare(env)
        for number in range(args.rounds):
            order = list(roots.items())
            if number % 2:
                order.reverse()
            for name, root in order:
                runs[name].append(child(root, env, args.posts, args.calls))
                print(f"round {number + 1} {name}: {runs[name][-1]}", flush=True)
    finally:
        clean_up(env, database, queue)
    result: dict = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("child", "against")},
        "runs": runs,
        "medians": {
            name: {key: statistics.median(r[key] for r in results) for key in MEASURES}
            for name, results in runs.items()
        },
    }
    names = list(roots)
    print(f"{args.rounds} rounds, {args.posts} posts and {args.calls} calls per process; µs")
    print(f"{'measure':24}" + "".join(f"{name[-24:]:>26}" for name in names), end="")
    if len(names) == 2:
        print(f"{'ratio: median (lowest-highest)':>34}", end="")
        result["ratios"] = {}
    print()
    for key in MEASURES:
        line = f"{key:24}" + "".join(f"{result['medians'][n][key]:26.1f}" for n in names)
        if len(names) == 2:
            ratios = [a[key] / b[key] for a, b in zip(runs[names[0]], runs[names[1]], strict=True)]
            result["ratios"][key] = {
                "median": round(statistics.median(ratios), 3),
                "lowest": round(min(ratios), 3),
                "highest": round(max(ratios), 3),
                "rounds": [round(r, 3) for r in ratios],
            }
            r = result["ratios"][key]
            line += f"{r['median']:>18.3f} ({r['lowest']:.3f}-{r['highest']:.3f})"
        print(line)
    if len(names) == 2:
        print(f"(ratio: {names[0]} / {names[1]}, per round)")
    print("written to", write_result(args.name, result))


def clean_up(env: dict[str, str], database: str, queue: str) -> None:
    import psycopg
    import redis

    from bench import pg

    client = redis.Redis.from_url(env["REDIS_URL"])
    client.delete(queue, f"moderation:classification-waiting:{queue}")
    with psycopg.connect(f"{pg.SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
