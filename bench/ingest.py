"""Comments accepted per second through the form POST: ours against django-contrib-comments.

    python bench/ingest.py [--workers 2] [--clients 8] [--seconds 10] [--rate 100] [--rounds 2]

Both sites run under gunicorn on loopback with the same settings (``--workers`` sync workers,
default 2 for the 2 cores), each on its own fresh PostgreSQL database of the same server
(``BENCH_PG``); ours also enqueues each comment on the real Redis (``REDIS_URL``, default
127.0.0.1:6379; no worker consumes it here, the queue is deleted afterwards). Clients keep
their cookies and post through the real forms (CSRF; our signed target, the peer's security
hash). Measured per round, alternating the sites: accepted comments per second with
``--clients`` concurrent clients posting back to back for ``--seconds``; then POST latency at
``--rate`` posts per second, open loop. Settings: bench/settings.py (flood control off) for
ours, bench/peer/peer_settings.py for the peer.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import commentdata, pg
from bench.formclient import FormClient
from bench.stack import Stack, free_port, summary_ms, wait_http, write_result


class Site:
    """How to post one comment to a site, and which status means accepted."""

    def __init__(self, name: str, base_url: str, path: str, action: str, accepted: int):
        self.name, self.base_url, self.path = name, base_url, path
        self.action, self.accepted = action, accepted
        self.counter = iter(range(10**9))
        self.lock = threading.Lock()

    def client(self) -> FormClient:
        return FormClient(self.base_url, self.path, self.action)

    def post(self, client: FormClient) -> tuple[int, float]:
        with self.lock:
            n = next(self.counter)
        text = f"{commentdata.TEXTS[n % len(commentdata.TEXTS)]} [{self.name} {n}]"
        name, email = f"Lettore {n}", f"lettore{n}@example.org"
        if self.name == "ours":
            return client.post(text, name, email)
        return client.post_fields(
            {**client.hidden, "name": name, "email": email, "url": "", "comment": text}
        )


def throughput(site: Site, clients: int, seconds: float) -> dict:
    """Concurrent clients posting back to back; accepted comments per second."""
    stop = time.perf_counter() + seconds
    counts = [[0, 0] for _ in range(clients)]

    def run(i: int) -> None:
        client = site.client()
        while time.perf_counter() < stop:
            status, _ = site.post(client)
            counts[i][0 if status == site.accepted else 1] += 1

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(run, range(clients)))
    elapsed = time.perf_counter() - started
    accepted = sum(c[0] for c in counts)
    return {
        "accepted_per_s": round(accepted / elapsed, 1),
        "accepted": accepted,
        "failed": sum(c[1] for c in counts),
    }


def at_rate(site: Site, rate: float, seconds: float) -> dict:
    """Open loop: one POST every 1/rate seconds; latency of each."""
    clients = [site.client() for _ in range(16)]
    latencies, failed = [], []

    def post(i: int) -> None:
        status, elapsed = site.post(clients[i % len(clients)])
        latencies.append(elapsed)
        if status != site.accepted:
            failed.append(status)

    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=32) as pool:
        start = time.perf_counter()
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, i)
    return {"rate_per_s": rate, "posts": total, "failed": len(failed), **summary_ms(latencies)}


def start_ours(workdir: Path, workers: int) -> tuple[Stack, Site]:
    os.environ["DATABASE_URL"] = pg.fresh_database("bench_ours_ingest")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    stack = Stack(workdir)
    stack.manage("migrate", "--noinput", "-v0")
    import django

    django.setup()
    from project.articles.models import Article

    article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
    base_url = stack.gunicorn(workers=workers)
    return stack, Site("ours", base_url, article.get_absolute_url(), "/comments/post/", 303)


def start_peer(workers: int) -> tuple[subprocess.Popen, Site]:
    python = pg.peer_python()
    folder = pg.peer_project()
    env = pg.peer_env(pg.fresh_database("bench_peer_ingest"))
    subprocess.run([python, "peer_run.py", "setup", "--comments", "0"], cwd=folder, env=env)
    port = free_port()
    process = subprocess.Popen(
        [python, "-m", "gunicorn", "peer_wsgi", "--bind", f"127.0.0.1:{port}", *_w(workers)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_http(base_url + "/articoli/bench/")
    return process, Site("peer", base_url, "/articoli/bench/", "/comments/post/", 302)


def _w(workers: int) -> list[str]:
    return ["--workers", str(workers)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack, ours = start_ours(Path(tmp), args.workers)
        peer_process, peer = start_peer(args.workers)
        rounds = {"ours": [], "peer": []}
        try:
            for _ in range(args.rounds):
                for site in (ours, peer):
                    rounds[site.name].append(
                        {
                            "throughput": throughput(site, args.clients, args.seconds),
                            "at_rate": at_rate(site, args.rate, args.seconds),
                        }
                    )
        finally:
            peer_process.terminate()
            peer_process.wait()
            stack.stop()
            _drop_queue(stack.env)
    result = {"settings": vars(args), "rounds": rounds}
    for name, runs in rounds.items():
        result[name] = {
            "accepted_per_s": statistics.median(r["throughput"]["accepted_per_s"] for r in runs),
            "failed": sum(r["throughput"]["failed"] + r["at_rate"]["failed"] for r in runs),
            "p50_ms_at_rate": statistics.median(r["at_rate"]["median_ms"] for r in runs),
            "p99_ms_at_rate": statistics.median(r["at_rate"]["p99_ms"] for r in runs),
        }
    result["ratio_ours_to_peer"] = round(
        result["ours"]["accepted_per_s"] / result["peer"]["accepted_per_s"], 2
    )
    print(
        f"gunicorn {args.workers} sync workers, {args.clients} clients, {args.seconds:g} s, "
        f"{args.rounds} rounds (medians)"
    )
    print(f"{'site':32} {'accepted/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for label, key in (("ours", "ours"), ("django-contrib-comments 2.2.0", "peer")):
        row = result[key]
        print(
            f"{label:32} {row['accepted_per_s']:10.1f} {row['p50_ms_at_rate']:8.1f} "
            f"{row['p99_ms_at_rate']:8.1f} {row['failed']:7}"
        )
    print(f"(latency at {args.rate:g} posts/s)  ratio ours / peer: {result['ratio_ours_to_peer']}")
    print("written to", write_result("ingest", result))


def _drop_queue(env: dict) -> None:
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).delete(env["CELERY_QUEUE"])


if __name__ == "__main__":
    main()
