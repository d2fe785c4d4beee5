"""``manage.py demo``: sample articles, a moderator, and the site with its workers.

Starts, next to Django's development server, a Celery worker and beat, and an embedded
Redis when ``REDIS_URL`` is not set; Ctrl-C stops them all.
"""

import os
import secrets
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from project.articles.models import Article
from project.articles.samples import SAMPLE_ARTICLES
from project.embedded_redis import EmbeddedRedis
from project.processes import celery_beat, celery_worker

MODERATOR = "moderatore"


class Command(BaseCommand):
    help = "Run the demo news site with its Celery worker, beat and (if needed) embedded Redis."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--setup-only", action="store_true", help="Create the sample data and exit."
        )

    def handle(self, *args, addrport, setup_only, **options):
        self.load_samples()
        self.create_moderator()
        if setup_only:
            return
        env = dict(os.environ)
        redis = None
        if "REDIS_URL" not in os.environ:
            redis = EmbeddedRedis(settings.VAR_DIR / "redis.sock").start()
            env["REDIS_URL"] = redis.url
            env.setdefault("CACHE_URL", redis.cache_url)
            self.stdout.write(f"Embedded Redis at {redis.socket_path}")
        commands = [
            celery_worker(hostname="demo@%h"),
            celery_beat(),
            [sys.executable, "manage.py", "runserver", addrport],
        ]
        processes = [subprocess.Popen(cmd, env=env) for cmd in commands]  # noqa: S603
        self.stdout.write(self.style.SUCCESS(f"Demo site: http://{addrport}/  (Ctrl-C stops)"))
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for p in processes:
                p.terminate()
            for p in processes:
                p.wait(timeout=15)
            if redis is not None:
                redis.stop()

    def load_samples(self):
        for data in SAMPLE_ARTICLES:
            Article.objects.get_or_create(slug=data["slug"], defaults=data)
        self.stdout.write(f"{Article.objects.count()} articles")

    def create_moderator(self):
        password = secrets.token_urlsafe(12)
        user, _created = get_user_model().objects.get_or_create(
            username=MODERATOR, defaults={"is_staff": True}
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name="Moderators"))
        self.stdout.write(
            self.style.SUCCESS(f"Moderator account: {MODERATOR} / {password}  (log in at /admin/)")
        )
