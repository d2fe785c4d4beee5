"""Command lines of the demo site's Celery processes, shared by the demo, tests and benchmarks."""

from __future__ import annotations

import sys


def celery_worker(
    *, hostname: str, concurrency: int = 1, loglevel: str = "INFO", pool: str = "prefork"
) -> list[str]:
    """``celery -A project worker`` with this interpreter; a lone worker: no gossip, no mingle."""
    return [
        sys.executable, "-m", "celery", "-A", "project", "worker",
        "--loglevel", loglevel, "--concurrency", str(concurrency), "--pool", pool,
        "--without-gossip", "--without-mingle", "--hostname", hostname,
    ]  # fmt: skip


def celery_beat(loglevel: str = "INFO") -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "project", "beat", "--loglevel", loglevel]
