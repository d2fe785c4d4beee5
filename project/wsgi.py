"""WSGI entry point for gunicorn."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
application = get_wsgi_application()

# Pay scikit-learn's import, the models' loading (a second or more) and the broker client's
# imports at start-up, not on the first comment a reader posts.
from moderation import dispatch  # noqa: E402
from moderation.learning import loaded_models  # noqa: E402

loaded_models.warm_up()
dispatch.warm_up()

# What start-up made lives as long as the process: out of the garbage collector's reach, a
# full collection walks only what came later (91 ms before, under 1 ms just after), and a
# server that forks after this (gunicorn --preload) keeps those pages shared.
gc.freeze()
