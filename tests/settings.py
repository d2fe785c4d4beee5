"""The demo site's settings as the tests run them: development mode and a key of their own.

Set in the environment, so that the Celery workers and servers the tests start inherit them.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-by-a-site-0123456789abcdef")

from project.settings import *  # noqa: F403
