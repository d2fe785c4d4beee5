"""The demo news site: settings, URLs, the Celery app and an ``articles`` app."""

from project.celery import app as celery_app

__all__ = ["celery_app"]
