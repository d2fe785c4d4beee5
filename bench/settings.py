"""Settings the benchmarks run with: the demo site's, with flood control off (one machine
posts everything from 127.0.0.1), no second-thought prompt (every post goes through, as if
each reader chose "post anyway") and no digest mail. Everything else is as shipped."""

import os

# The development settings as a base (no HTTPS redirect on loopback), then production's DEBUG.
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault(
    "SECRET_KEY", "benchmark-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)

from project.settings import *  # noqa: F403
from project.settings import MODERATION

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
MODERATION = {**MODERATION, "FLOOD_INTERVAL": 0, "SECOND_THOUGHT": False, "NOTIFY_EMAILS": ()}
if os.environ.get("BENCH_COMMENTS_PER_PAGE"):  # bench/reads.py: every comment on one page
    MODERATION["COMMENTS_PER_PAGE"] = int(os.environ["BENCH_COMMENTS_PER_PAGE"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False}
