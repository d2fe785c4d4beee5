"""Time the moderators' queue (the Comment changelist) over 100,000 comments.

Usage: ``python bench/admin_queue.py [--rows 100000] [--repeat 15]``. Uses ``DATABASE_URL``
when set (its tables must be empty of comments), else a fresh SQLite file in a temporary
folder. Prints the median time in milliseconds of each changelist request.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="admin-queue-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    populate(args.rows)
    measure(args.repeat)


def populate(rows: int) -> None:
    from django.contrib.auth.models import Group, User
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from moderation.models import Comment, Status
    from project.articles.models import Article

    rng = random.Random(5)
    articles = Article.objects.bulk_create(
        Article(title=f"Article {i}", slug=f"article-{i}", body="...") for i in range(200)
    )
    content_type = ContentType.objects.get_for_model(Article)
    statuses = [Status.PUBLISHED] * 70 + [Status.HELD] * 12 + [Status.SPAM] * 12
    statuses += [Status.REJECTED] * 4 + [Status.PENDING] * 2
    now = timezone.now()
    batch = []
    for n in range(rows):
        spam, toxicity = rng.random(), rng.random()
        batch.append(
            Comment(
                content_type=content_type,
                object_pk=str(rng.choice(articles).pk),
                author_name=f"Reader {n % 5000}",
                author_email=f"reader{n % 5000}@example.org",
                author_url="https://example.org" if n % 7 == 0 else "",
                text=f"Comment number {n}: " + "lorem ipsum dolor sit amet " * rng.randint(1, 12),
                ip_address=f"10.{n % 250}.{(n // 250) % 250}.{n % 200 + 1}",
                language=rng.choice(["it", "it", "en"]),
                status=rng.choice(statuses),
                spam_score=round(spam, 3),
                toxicity_score=round(toxicity, 3),
                reasons=[f"spam {spam:.2f} ≥ 0.80"] if spam >= 0.8 else [],
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    spread = [now - timedelta(minutes=m) for m in range(rows)]
    comments = list(Comment.objects.only("pk"))
    for comment, created in zip(comments, spread, strict=True):
        comment.created_at = created
    Comment.objects.bulk_update(comments, ["created_at"], batch_size=5000)
    moderator = User.objects.create_user("bench-moderator", is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    print(f"{Comment.objects.count()} comments, {Article.objects.count()} articles")


def measure(repeat: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(User.objects.get(username="bench-moderator"))
    views = {
        "queue (default)": {},
        "all comments": {"status": "all"},
        "search 'number 4242'": {"status": "all", "q": "number 4242"},
        "held, high spam": {"status": "held", "spam": "high"},
    }
    for label, params in views.items():
        client.get("/admin/moderation/comment/", params)  # warm up
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get("/admin/moderation/comment/", params)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        print(
            f"{label:24} median {statistics.median(timings):7.1f} ms"
            f"  (min {min(timings):.1f}, max {max(timings):.1f}, {len(queries)} queries)"
        )


if __name__ == "__main__":
    main()
