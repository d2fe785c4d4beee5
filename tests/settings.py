"""The demo site's settings as the tests run them: development mode and a key of their own.

Set in the environment, so that the Celery workers and servers the tests start inherit them.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-never-used-by-a-site-0123456789abcdef")

from project.settings import *  # noqa: F403
from project.settings import DATABASES

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The tests commit thousands of times and test no crash recovery: SQLite's flush to disk
    # at each commit (some 20 ms here) is left out. Workers started by the tests share it.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous=OFF"
