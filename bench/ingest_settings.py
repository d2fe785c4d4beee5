"""Settings for the ingest benchmark: the demo site's with every shipped check on (signed
target, honeypot, duplicate, flood on IP and reader, second thought, enqueue to Redis).
The load comes from one machine, so the site trusts loopback as its reverse proxy and each
request names its own reader address in X-Forwarded-For: the flood check runs for real."""

from bench.settings import *  # noqa: F403
from project.settings import MODERATION

MODERATION = {**MODERATION, "NOTIFY_EMAILS": (), "TRUSTED_PROXIES": ("127.0.0.1",)}

# The same connection policy as the peer's site: persistent connections, no "SELECT 1" health
# check before each request (the demo's settings add it; docs/benchmarks.md gives its cost).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = False  # noqa: F405
