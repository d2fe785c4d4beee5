"""Start and stop the real stack on loopback for a benchmark: Redis, database, gunicorn,
Celery workers. Uses DATABASE_URL / REDIS_URL when set, else SQLite and the embedded Redis."""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from project.processes import celery_worker

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SETTINGS = "bench.settings"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "median_ms": round(statistics.median(values) * 1000, 2),
        "p95_ms": round(percentile(values, 95) * 1000, 2),
        "p99_ms": round(percentile(values, 99) * 1000, 2),
    }


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


class Stack:
    """The processes of one benchmark run, stopped together."""

    def __init__(self, workdir: Path, settings: str = SETTINGS) -> None:
        self.workdir = workdir
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings, "PYTHONPATH": str(ROOT)}
        self.processes: list[subprocess.Popen] = []
        self.redis = None
        if "DATABASE_URL" not in os.environ:
            self.env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        if "REDIS_URL" not in os.environ:
            from project.embedded_redis import EmbeddedRedis

            self.redis = EmbeddedRedis(workdir / "redis.sock").start()
            self.env["REDIS_URL"] = self.redis.url
        self.env["CELERY_QUEUE"] = f"bench-{os.getpid()}"
        os.environ.update({k: self.env[k] for k in ("DATABASE_URL", "REDIS_URL", "CELERY_QUEUE")})
        os.environ["DJANGO_SETTINGS_MODULE"] = settings

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def spawn(self, *args: str, quiet: bool = True) -> subprocess.Popen:
        out = subprocess.DEVNULL if quiet else None
        process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=out)
        self.processes.append(process)
        return process

    def gunicorn(self, workers: int = 2, port: int | None = None, *options: str) -> str:
        port = port or free_port()
        self.spawn(
            sys.executable,
            "-m",
            "gunicorn",
            "project.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            *options,
        )
        url = f"http://127.0.0.1:{port}"
        wait_http(url + "/", timeout=90)  # each worker loads the models as it boots
        return url

    def worker(self, concurrency: int = 1, pool: str = "prefork") -> subprocess.Popen:
        return self.spawn(
            *celery_worker(
                hostname=f"bench-{len(self.processes)}@%h",
                concurrency=concurrency,
                loglevel="WARNING",
                pool=pool,
            )
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis is not None:
            self.redis.stop()


def wait_http(url: str, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def running_stack(workdir: Path):
    stack = Stack(workdir)
    try:
        stack.manage("migrate", "--noinput", "-v0")
        import django

        django.setup()
        yield stack
    finally:
        stack.stop()
