"""A reader's post with one of its parts done two ways, alternating post by post in one
process: what the part costs inside the post, where caches are cold, not in a loop.

    python bench/post_ab.py mark [--rounds 4] [--posts 1000]
    python bench/post_ab.py scoring --root DIR [--rounds 4] [--posts 1000]

``mark``: the hand-off's waiting mark (``SET NX EX``) sent on a connection each thread keeps
outside any pool, made from the client's own settings, with one retry after the broker
closed it (how dispatch.py marked before), or by ``dispatch``'s pooled redis-py client
(as shipped). Needs a checkout with ``dispatch._mark_client``.
``scoring``: the second thought's toxicity score of the one comment from its counted n-gram
columns (``classifiers/counted.py``) or from the sparse matrix every batch uses. Needs a
checkout that still has both paths (``--root``, say ``git archive c247093 | tar -x -C DIR``).

Each round is one fresh process (``--root``'s code, this checkout's by default) on a fresh
PostgreSQL database (on ``BENCH_PG``, named after this run's process id, dropped at the
end) and the Redis at ``REDIS_URL`` (a queue of the run's own, deleted at the end), with
bench/ingest_settings.py (every shipped check on, the second thought included) and the
WSGI module loaded as gunicorn loads it. After 50 untimed posts, ``--posts`` form POSTs
through Django's test client, each by a new reader (its own address, a numbered text), the
two ways taking turns (AB, BA, AB, ...). CPU time (``time.process_time``) and wall time
per post, and the CPU time of Django's part (the request handler, without the test
client's building and reading of the request: about what a gunicorn worker spends beyond
its own HTTP parsing); per round the median of each way and of the pairs' differences.
Printed: each way's median over the rounds, the difference (B - A) per round with its
median and spread, and what it is of a post. Written to bench/results/post_ab-PART.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
WARM_POSTS = 50
WAYS = {"mark": ("own connection", "pooled client"), "scoring": ("counted", "matrix")}


def mark_ways() -> tuple:
    """The two ways of sending the mark, each a function that puts itself in place."""
    import redis

    from moderation import dispatch

    shipped = dispatch._mark_task_waiting
    local = threading.local()

    def send(connection) -> bool:
        key = dispatch._task_waiting_key()
        connection.send_command("SET", key, 1, "NX", "EX", dispatch.TASK_WAITING_SECONDS)
        return connection.read_response() is not None

    def own_connection() -> bool:
        client = dispatch._mark_client()
        kept = getattr(local, "connection", None)
        if kept is None:
            pool = client.connection_pool
            kept = local.connection = pool.connection_class(**pool.connection_kwargs)
        try:
            return send(kept)
        except redis.ConnectionError:  # closed by the broker: once more, connected anew
            return send(kept)

    def use_own() -> None:
        dispatch._mark_task_waiting = own_connection

    def use_pooled() -> None:
        dispatch._mark_task_waiting = shipped

    return use_own, use_pooled


def scoring_ways() -> tuple:
    from moderation.classifiers import features

    few = features.FEW_TEXTS

    def use_counted() -> None:
        features.FEW_TEXTS = few

    def use_matrix() -> None:
        features.FEW_TEXTS = 0

    return use_counted, use_matrix


def measure(part: str, posts: int) -> dict:
    """Runs in a child process, its checkout first on ``sys.path``."""
    import re
    from http.cookies import SimpleCookie
    from urllib.parse import urlencode

    from django.db import connection
    from django.test import Client

    import project.wsgi  # noqa: F401 (start-up as under gunicorn: warm-ups and gc.freeze)
    from bench import commentdata
    from project.articles.models import Article

    ways = dict(zip(WAYS[part], mark_ways() if part == "mark" else scoring_ways(), strict=True))
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE moderation_comment CASCADE")
    article = Article.objects.get(slug="bench")
    client = Client(enforce_csrf_checks=True, SERVER_NAME="127.0.0.1")
    page = client.get(article.get_absolute_url()).content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    jar = {k: v.value for k, v in client.cookies.items() if k == "csrftoken"}
    referer = "http://127.0.0.1" + article.get_absolute_url()
    texts = commentdata.TEXTS
    handler_cpu = [0.0]
    handler = client.handler

    def timed_handler(environ):  # Django's own work on the request, without the client's
        started = time.process_time()
        try:
            return handler(environ)
        finally:
            handler_cpu[0] = time.process_time() - started

    client.handler = timed_handler
    taken: dict[str, dict[str, list[float]]] = {
        way: {"cpu": [], "wall": [], "handler_cpu": []} for way in ways
    }
    statuses: dict[int, int] = {}
    names = list(ways)
    for n in range(WARM_POSTS + posts):
        way = names[(n + n // 2) % 2]  # A B, B A, A B, ...
        ways[way]()
        client.cookies = SimpleCookie(jar)  # a new reader each time
        fields = {
            **hidden,
            "comment": f"{texts[n % len(texts)]} [{os.getpid()}-{n}]",
            "author": f"Lettore {n}",
            "email": f"lettore{n}@example.org",
        }
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.post(
            "/comments/post/",
            urlencode(fields),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_FORWARDED_FOR=f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}",
            HTTP_REFERER=referer,
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if n >= WARM_POSTS:
            taken[way]["cpu"].append(cpu)
            taken[way]["wall"].append(wall)
            taken[way]["handler_cpu"].append(handler_cpu[0])
    first, second = names
    pairs = zip(taken[first]["cpu"], taken[second]["cpu"], strict=False)
    return {
        "statuses": statuses,
        **{
            f"{way}_{kind}_us": round(statistics.median(values[kind]) * 1e6, 1)
            for way, values in taken.items()
            for kind in ("cpu", "wall", "handler_cpu")
        },
        "pair_cpu_difference_us": round(statistics.median(b - a for a, b in pairs) * 1e6, 1),
    }


def child(part: str, root: Path, env: dict[str, str], posts: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, part, "--child", str(root), "--posts", str(posts)],
        cwd=root,
        env={**env, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
    )
    if completed.returncode:
        sys.exit(f"the process timing {root} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=sorted(WAYS))
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to time")
    parser.add_argument("--label", default="", help="what --root holds, for the results")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(args.child.resolve()))
        import django

        django.setup()
        print(json.dumps(measure(args.part, args.posts)))
        return

    from bench import pg
    from bench.post_cost import clean_up, prepare
    from bench.stack import write_result

    database = f"bench_post_ab_{os.getpid()}"
    queue = f"bench-post-ab-{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.ingest_settings",
        "DATABASE_URL": pg.fresh_database(database),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "CELERY_QUEUE": queue,
    }
    runs: list[dict] = []
    try:
        prepare(env)
        for number in range(args.rounds):
            runs.append(child(args.part, args.root.resolve(), env, args.posts))
            print(f"round {number + 1}: {runs[-1]}", flush=True)
    finally:
        clean_up(env, database, queue)
    first, second = WAYS[args.part]
    differences = [r[f"{second}_cpu_us"] - r[f"{first}_cpu_us"] for r in runs]
    pairs = [r["pair_cpu_difference_us"] for r in runs]
    post = statistics.median(r[f"{first}_cpu_us"] for r in runs)
    handled = statistics.median(r[f"{first}_handler_cpu_us"] for r in runs)
    result = {
        "settings": {k: v for k, v in vars(args).items() if k not in ("child", "root")},
        "runs": runs,
        "medians": {
            f"{way}_{kind}_us": statistics.median(r[f"{way}_{kind}_us"] for r in runs)
            for way in (first, second)
            for kind in ("cpu", "wall", "handler_cpu")
        },
        "difference_cpu_us": {
            "median": statistics.median(differences),
            "lowest": min(differences),
            "highest": max(differences),
            "of_a_post": round(statistics.median(differences) / post, 4),
            "of_djangos_part": round(statistics.median(differences) / handled, 4),
        },
        "pair_difference_cpu_us": {
            "median": statistics.median(pairs),
            "lowest": min(pairs),
            "highest": max(pairs),
        },
    }
    print(f"{args.rounds} processes of {args.posts} posts, the two ways taking turns")
    for way in (first, second):
        medians = result["medians"]
        print(
            f"{way:16} post: {medians[f'{way}_cpu_us']:8.1f} us CPU "
            f"{medians[f'{way}_wall_us']:9.1f} us wall, Django's part "
            f"{medians[f'{way}_handler_cpu_us']:8.1f} us CPU (medians)"
        )
    d, p = result["difference_cpu_us"], result["pair_difference_cpu_us"]
    print(
        f"{second} - {first}: {d['median']:+.1f} us CPU per post "
        f"(rounds {d['lowest']:+.1f} to {d['highest']:+.1f}): {100 * d['of_a_post']:.1f} % "
        f"of a post, {100 * d['of_djangos_part']:.1f} % of Django's part of it; "
        f"median of the pairs' differences {p['median']:+.1f} "
        f"({p['lowest']:+.1f} to {p['highest']:+.1f})"
    )
    print("written to", write_result(f"post_ab-{args.part}", result))


if __name__ == "__main__":
    main()
