"""Run inside the peer's virtual environment: prepare the peer site's data and time its page.

    python peer_run.py setup [--comments 1000]
    python peer_run.py render [--repeat 30]

``setup`` creates the tables, the article (slug ``bench``) and the comments of
``commentdata.comments`` (flat: django-contrib-comments has no threads). ``render`` GETs the
article page in process and prints JSON: times of each request and the SQL query count.
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")

import django

django.setup()

import commentdata  # noqa: E402
from articles.models import Article  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.contrib.sites.models import Site  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_comments.models import Comment  # noqa: E402


def setup(total: int) -> None:
    call_command("migrate", run_syncdb=True, verbosity=0)
    article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
    content_type = ContentType.objects.get_for_model(Article)
    site = Site.objects.get_current()
    Comment.objects.bulk_create(
        Comment(
            content_type=content_type,
            object_pk=str(article.pk),
            site=site,
            user_name=row["name"],
            user_email=row["email"],
            user_url=row["url"],
            comment=row["text"],
            submit_date=row["created"],
            ip_address="127.0.0.1",
            is_public=True,
        )
        for row in commentdata.comments(total)
    )


def render(repeat: int) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    url = Article.objects.get(slug="bench").get_absolute_url()
    client.get(url)
    times, cpu = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    assert response.status_code == 200
    html = response.content.decode()
    print(
        json.dumps(
            {
                "median_s": statistics.median(times),
                "median_cpu_s": statistics.median(cpu),
                "queries": len(queries.captured_queries),
                "comments_rendered": html.count('<dt id="c'),
                "bytes": len(html),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "render"])
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.comments)
    else:
        render(args.repeat)


if __name__ == "__main__":
    main()
