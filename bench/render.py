"""The article page with 1,000 published comments: ours against django-contrib-comments.

    python bench/render.py [--comments 1000] [--repeat 30] [--profile]

Both sites get a fresh PostgreSQL database on the same server (``BENCH_PG``) holding the same
comments (bench/commentdata.py: 400 threads, 600 replies up to depth 4; the peer's are flat,
it has no threads). Each article page is requested in process with Django's test client and
the median time and SQL query count printed. Ours is rendered with COMMENTS_PER_PAGE = 1000,
so all 1,000 comments are on the page as in the peer's ``render_comment_list``; the default
page (50 threads) is timed too. ``--profile`` prints a pyinstrument profile of our page.
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

from bench import commentdata, pg
from bench.stack import write_result


def setup_ours(total: int, database: str = "bench_ours_render"):
    os.environ["DATABASE_URL"] = pg.fresh_database(database)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from moderation.models import Comment, Status
    from project.articles.models import Article

    call_command("migrate", verbosity=0)
    article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
    content_type = ContentType.objects.get_for_model(Article)
    rows = commentdata.comments(total)
    made: dict[int, Comment] = {}
    for depth in range(max(r["depth"] for r in rows) + 1):
        level = [r for r in rows if r["depth"] == depth]
        created = Comment.objects.bulk_create(
            Comment(
                content_type=content_type,
                object_pk=str(article.pk),
                parent=made[r["parent"]] if r["parent"] is not None else None,
                depth=depth,
                author_name=r["name"],
                author_email=r["email"],
                author_url=r["url"],
                text=r["text"],
                ip_address="127.0.0.1",
                status=Status.PUBLISHED,
            )
            for r in level
        )
        made.update((r["index"], c) for r, c in zip(level, created, strict=True))
    for r in rows:
        comment = made[r["index"]]
        comment.created_at = comment.decided_at = r["created"]
        root = comment
        while root.parent_id is not None:
            root = root.parent
        comment.root_id = root.pk if root is not comment else None  # top-level: no root
    Comment.objects.bulk_update(made.values(), ["created_at", "decided_at", "root"])
    return article


def time_page(url: str, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(url)
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        query_count = len(queries.captured_queries)
    assert response.status_code == 200
    html = response.content.decode()
    cold = []
    for _ in range(5):
        clear_caches()
        started = time.perf_counter()
        client.get(url)
        cold.append(time.perf_counter() - started)
    return {
        "cold_median_s": statistics.median(cold),
        "median_s": statistics.median(times),
        "median_cpu_s": statistics.median(cpu),
        "queries": query_count,
        "comments_rendered": html.count('<li id="comment-'),
        "bytes": len(html),
    }


def clear_caches() -> None:
    """Empty the per-process caches of rendered comment texts and dates, where there are any."""
    from moderation.section import formatting

    formatting.RENDERED_TEXTS.clear()
    for name in ("_date_text", "_time_text", "_at_text"):
        getattr(formatting, name).cache_clear()


def same_markup_as_template(article) -> bool:
    """Whether the Python-rendered threads equal moderation/comment.html rendered per comment."""
    from django.test import RequestFactory

    from moderation.section.context import section_context
    from moderation.section.threads import render_threads_by_template

    context = section_context(RequestFactory().get("/"), article)
    return render_threads_by_template(context) == context["threads_html"]


def profile_page(url: str) -> None:
    from django.test import Client
    from pyinstrument import Profiler

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(url)
    with Profiler(interval=0.0005) as profiler:
        for _ in range(10):
            client.get(url)
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def peer(total: int, repeat: int) -> dict:
    python = pg.peer_python()
    folder = pg.peer_project()
    env = pg.peer_env(pg.fresh_database("bench_peer_render"))
    subprocess.run(
        [python, "peer_run.py", "setup", "--comments", str(total)], cwd=folder, env=env, check=True
    )
    out = subprocess.run(
        [python, "peer_run.py", "render", "--repeat", str(repeat)],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    article = setup_ours(args.comments)
    from django.conf import settings
    from django.test import override_settings

    url = article.get_absolute_url()
    with override_settings(MODERATION={**settings.MODERATION, "COMMENTS_PER_PAGE": 1000}):
        if args.profile:
            profile_page(url)
            return
        ours = time_page(url, args.repeat)
        ours["same_markup_as_template"] = same_markup_as_template(article)
    ours_default = time_page(url, args.repeat)
    theirs = peer(args.comments, args.repeat)
    result = {
        "comments": args.comments,
        "ours_all_on_one_page": ours,
        "ours_default_page": ours_default,
        "django_contrib_comments": theirs,
        "ratio_ours_to_peer": round(ours["median_s"] / theirs["median_s"], 2),
        "ratio_cpu": round(ours["median_cpu_s"] / theirs["median_cpu_s"], 2),
        "ratio_cold": round(ours["cold_median_s"] / theirs["median_s"], 2),
    }
    print(
        f"{'article page, PostgreSQL':34} {'median ms':>9} {'CPU ms':>7} {'cold ms':>8} "
        f"{'queries':>7} {'comments':>8}"
    )
    for label, row in (
        ("ours, all 1,000 on the page", ours),
        ("ours, default page (50 threads)", ours_default),
        ("django-contrib-comments 2.2.0", theirs),
    ):
        print(
            f"{label:34} {row['median_s'] * 1000:9.1f} {row['median_cpu_s'] * 1000:7.1f} "
            f"{row.get('cold_median_s', row['median_s']) * 1000:8.1f} {row['queries']:7} "
            f"{row['comments_rendered']:8}"
        )
    print(f"{'ratio ours / peer, wall (all on the page)':52} {result['ratio_ours_to_peer']}")
    print(f"{'ratio ours / peer, CPU (all on the page)':52} {result['ratio_cpu']}")
    print(f"{'ratio ours / peer, cold caches (all on the page)':52} {result['ratio_cold']}")
    print(f"{'Python-rendered threads equal the template':52} {ours['same_markup_as_template']}")
    print("written to", write_result("render", result))


if __name__ == "__main__":
    main()
