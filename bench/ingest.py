"""Comments accepted per second through the form POST: ours against django-contrib-comments.

    python bench/ingest.py [--workers 4] [--connections 16] [--seconds 10] [--rounds 2]
                           [--rate 100] [--profile]

Both sites run under gunicorn on loopback with the same settings (``--workers`` sync workers),
each on its own fresh PostgreSQL database of the same server (``BENCH_PG``) with persistent
connections and DEBUG off. Ours runs with every shipped check on (bench/ingest_settings.py)
and hands each comment to the workers through the real Redis (``REDIS_URL``; no worker
consumes the queue here, it is deleted afterwards). wrk posts the real forms (CSRF, our
signed target, the peer's security hash), text, name, email and reader address differing
per request. Per round, both sites starting from no comments, each measure taken of one
site then the other (which goes first alternates): accepted posts/s at ``--connections``
and at 1 connection (wrk, with its p50 / p99), then POST latency at ``--rate`` posts/s,
open loop. The ratio of posts/s is printed for the best rounds, the median ones, and as
the median of each round's own ratio. CPU per accepted post is given for the site's gunicorn
workers, PostgreSQL (all its processes) and the whole machine (wrk and the kernel included);
so is the WAL PostgreSQL wrote (what each commit waits to reach the disk).
``--profile`` samples our gunicorn workers with py-spy during one more round at
``--connections`` and writes where the time went to bench/results/ingest-profile.txt.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import contextlib
import functools

import psutil

from bench import commentdata, pg
from bench.formclient import FormClient
from bench.stack import RESULTS, Stack, free_port, summary_ms, wait_http, write_result

WRK_SCRIPT = Path(__file__).with_name("wrk_post.lua")


@dataclass
class Site:
    """One site's form: where it is, its fixed fields, and what an accepted post answers."""

    name: str
    base_url: str
    path: str
    action: str
    accepted: int
    field_names: tuple[str, str, str]  # text, name, email
    forwarded: bool  # each request names its reader's address (ours trusts loopback)
    server_pid: int  # gunicorn's master: its workers' CPU time is measured
    database: str  # the name of its database
    comments_table: str  # emptied before each round, so every round starts from no comments

    def __post_init__(self) -> None:
        client = FormClient(self.base_url, self.path, self.action)
        self.fixed = {**client.hidden, **({"url": ""} if self.name == "peer" else {})}
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)

    def post(self, n: int) -> tuple[int, float]:
        """One POST by a new reader (no cookie but CSRF's), the status and the seconds."""
        text, name, email = (
            f"{commentdata.TEXTS[n % len(commentdata.TEXTS)]} [{n}]",
            f"Lettore {n}",
            f"lettore{n}@example.org",
        )
        body = {**self.fixed, **dict(zip(self.field_names, (text, name, email), strict=True))}
        headers = {"Cookie": self.cookie, "Referer": self.base_url + self.path}
        if self.forwarded:
            headers["X-Forwarded-For"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        request = urllib.request.Request(
            self.base_url + self.action, urllib.parse.urlencode(body).encode(), headers
        )
        started = time.perf_counter()
        try:
            status = urllib.request.build_opener(_NoRedirect()).open(request, timeout=30).status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        return status, time.perf_counter() - started


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_runs = itertools.count()


def tree_cpu_seconds(root: psutil.Process) -> float:
    """CPU seconds used so far by ``root``'s child processes, the live ones and those it has
    reaped: a worker or a database backend replaced during a run is not lost."""
    times = root.cpu_times()
    live = 0.0
    for child in root.children():
        with contextlib.suppress(psutil.NoSuchProcess):
            live += sum(child.cpu_times()[:2])
    return times.children_user + times.children_system + live


@functools.cache
def postmaster() -> psutil.Process:
    """PostgreSQL's main process, the parent of every backend."""
    import psycopg

    with psycopg.connect(f"{pg.SERVER}/postgres") as conn:
        (pid,) = conn.execute("SELECT pg_backend_pid()").fetchone()
        return psutil.Process(psutil.Process(pid).ppid())  # while the backend is alive


def cpu_seconds(site: Site) -> tuple[float, float]:
    """CPU seconds used so far by the site's gunicorn workers and by PostgreSQL (every
    backend and background process; the other site's, idle meanwhile, cost nothing)."""
    return tree_cpu_seconds(psutil.Process(site.server_pid)), tree_cpu_seconds(postmaster())


def busy_seconds() -> float:
    """CPU seconds the whole machine has been busy: every process, wrk, PostgreSQL's
    background writers and the kernel's disk flushes included."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + times.irq + times.softirq


def wal_bytes() -> int:
    """Bytes of WAL the PostgreSQL server has written so far (every database)."""
    import psycopg

    with psycopg.connect(f"{pg.SERVER}/postgres", autocommit=True) as conn:
        query = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
        return conn.execute(query).fetchone()[0]


def empty_comments(site: Site) -> None:
    """Delete the site's comments and what refers to them: each round starts as the first did
    (the peer's duplicate check reads every comment of the article by the same author, so
    it slows down as they pile up; ours is indexed)."""
    import psycopg

    with psycopg.connect(f"{pg.SERVER}/{site.database}", autocommit=True) as conn:
        conn.execute(f"TRUNCATE {site.comments_table} CASCADE")


def cpu_ms_per_post(before: tuple[float, float], after: tuple[float, float], posts: int) -> dict:
    """CPU milliseconds per accepted post, in the web workers and in PostgreSQL."""
    posts = max(posts, 1)
    return {
        "web_cpu_ms_per_post": round(1000 * (after[0] - before[0]) / posts, 2),
        "db_cpu_ms_per_post": round(1000 * (after[1] - before[1]) / posts, 2),
    }


def wrk(site: Site, connections: int, seconds: float, texts: Path) -> dict:
    """Posts back to back over ``connections`` keep-alive connections; accepted posts/s and
    the web workers' CPU milliseconds per accepted post."""
    cpu_before, machine_before, wal_before = cpu_seconds(site), busy_seconds(), wal_bytes()
    env = {
        "WRK_RUN": str(next(_runs)),
        **os.environ,
        "WRK_FIELDS": urllib.parse.urlencode(site.fixed),
        "WRK_NAMES": ",".join(site.field_names),
        "WRK_COOKIE": site.cookie,
        "WRK_REFERER": site.base_url + site.path,
        "WRK_FORWARD": "1" if site.forwarded else "0",
        "WRK_ACCEPTED": str(site.accepted),
        "WRK_TEXTS": str(texts),
    }
    threads = str(min(2, connections))
    output = subprocess.run(
        [
            "wrk",
            "-t",
            threads,
            "-c",
            str(connections),
            "-d",
            f"{seconds:g}s",
            "--latency",
            "-s",
            str(WRK_SCRIPT),
            site.base_url + site.action,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(re.search(r"^RESULT (.*)$", output, re.M).group(1))
    result["accepted_per_s"] = round(result["accepted"] / result["seconds"], 1)
    result.update(cpu_ms_per_post(cpu_before, cpu_seconds(site), result["accepted"]))
    machine = busy_seconds() - machine_before
    result["machine_cpu_ms_per_post"] = round(1000 * machine / max(result["accepted"], 1), 2)
    result["wal_bytes_per_post"] = round((wal_bytes() - wal_before) / max(result["accepted"], 1))
    return result


def at_rate(site: Site, rate: float, seconds: float, first: int) -> dict:
    """Open loop: one POST every 1/rate seconds, each by a new reader; latency of each."""
    latencies, refused = [], []

    def post(n: int) -> None:
        status, elapsed = site.post(n)
        latencies.append(elapsed)
        if status != site.accepted:
            refused.append(status)

    total = int(rate * seconds)
    with ThreadPoolExecutor(max_workers=32) as pool:
        start = time.perf_counter()
        for i in range(total):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(post, first + i)
    return {"rate_per_s": rate, "posts": total, "refused": len(refused), **summary_ms(latencies)}


def start_ours(workdir: Path, workers: int) -> tuple[Stack, Site]:
    os.environ["DATABASE_URL"] = pg.fresh_database("bench_ours_ingest")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    stack = Stack(workdir, settings="bench.ingest_settings")
    stack.manage("migrate", "--noinput", "-v0")
    import django

    django.setup()
    from project.articles.models import Article

    article = Article.objects.create(title="Articolo di prova", slug="bench", body="...")
    base_url = stack.gunicorn(workers=workers)
    path, pid = article.get_absolute_url(), stack.processes[-1].pid
    fields = ("comment", "author", "email")
    return stack, Site(
        "ours",
        base_url,
        path,
        "/comments/post/",
        303,
        fields,
        True,
        pid,
        "bench_ours_ingest",
        "moderation_comment",
    )


def start_peer(workers: int) -> tuple[subprocess.Popen, Site]:
    python = pg.peer_python()
    folder = pg.peer_project()
    env = pg.peer_env(pg.fresh_database("bench_peer_ingest"))
    subprocess.run([python, "peer_run.py", "setup", "--comments", "0"], cwd=folder, env=env)
    port = free_port()
    process = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "peer_wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    wait_http(base_url + "/articoli/bench/")
    fields = ("comment", "name", "email")
    path = "/articoli/bench/"
    return process, Site(
        "peer",
        base_url,
        path,
        "/comments/post/",
        302,
        fields,
        False,
        process.pid,
        "bench_peer_ingest",
        "django_comments",
    )


def profile(stack: Stack, site: Site, connections: int, seconds: float, texts: Path) -> Path:
    """py-spy on every gunicorn worker during one wrk round; the functions by share of samples."""
    master = stack.processes[-1].pid
    raw = stack.workdir / "profile.txt"
    spy = subprocess.Popen(
        [
            shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy")),
            "record",
            "--pid",
            str(master),
            "--subprocesses",
            "--format",
            "raw",
            "--output",
            str(raw),
            "--rate",
            "200",
            "--duration",
            f"{seconds + 2:g}",
            "--nonblocking",
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1)
    wrk(site, connections, seconds, texts)
    spy.wait()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack_text, _, count = line.rpartition(" ")
        frames = [f for f in stack_text.split(";") if f]
        if not any("handle_request" in f for f in frames):
            continue  # the master, idle workers waiting in accept()
        total += int(count)
        for frame in set(re.sub(r":\d+\)$", ")", f) for f in frames):
            inclusive[frame] += int(count)
    out = RESULTS / "ingest-profile.txt"
    lines = [f"{total} samples holding the GIL in requests (py-spy --gil, 200 Hz, every worker)"]
    lines += [f"{100 * n / total:5.1f} %  {frame}" for frame, n in inclusive.most_common(80)]
    out.write_text("\n".join(lines) + "\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk (Debian's package)")
    with tempfile.TemporaryDirectory() as tmp:
        texts = Path(tmp) / "texts.txt"
        texts.write_text("\n".join(t.replace("\n", " ") for t in commentdata.TEXTS) + "\n")
        stack, ours = start_ours(Path(tmp), args.workers)
        peer_process, peer = start_peer(args.workers)
        rounds: dict[str, list] = {"ours": [], "peer": []}
        posted = 0
        try:
            for number in range(args.rounds):
                # Each measure taken of both sites in turn, the first site alternating: a
                # change of the machine's speed falls on both.
                pair = (ours, peer) if number % 2 == 0 else (peer, ours)
                first = 15_000_000 + posted
                for site in pair:
                    empty_comments(site)
                taken: dict[str, dict] = {site.name: {} for site in pair}
                for site in pair:
                    taken[site.name]["many"] = wrk(site, args.connections, args.seconds, texts)
                for site in pair:
                    taken[site.name]["one"] = wrk(site, 1, args.seconds, texts)
                for site in pair:
                    taken[site.name]["at_rate"] = at_rate(site, args.rate, args.seconds, first)
                for name, runs in taken.items():
                    rounds[name].append(runs)
                posted += int(args.rate * args.seconds)
            if args.profile:
                print(
                    "profile written to",
                    profile(stack, ours, args.connections, args.seconds, texts),
                )
        finally:
            peer_process.terminate()
            peer_process.wait()
            stack.stop()
            _drop_queue(stack.env)
    result: dict = {"settings": vars(args), "rounds": rounds}
    for name, runs in rounds.items():
        result[name] = {
            "best_accepted_per_s": max(r["many"]["accepted_per_s"] for r in runs),
            "median_accepted_per_s": statistics.median(r["many"]["accepted_per_s"] for r in runs),
            "one_connection_per_s": max(r["one"]["accepted_per_s"] for r in runs),
            "one_connection_p50_ms": statistics.median(r["one"]["p50_ms"] for r in runs),
            "one_connection_p99_ms": statistics.median(r["one"]["p99_ms"] for r in runs),
            **{
                key: statistics.median(r[k][key] for r in runs for k in ("many", "one"))
                for key in (
                    "web_cpu_ms_per_post",
                    "db_cpu_ms_per_post",
                    "machine_cpu_ms_per_post",
                    "wal_bytes_per_post",
                )
            },
            "p50_ms_at_rate": statistics.median(r["at_rate"]["median_ms"] for r in runs),
            "p99_ms_at_rate": statistics.median(r["at_rate"]["p99_ms"] for r in runs),
            "refused": sum(
                r["many"]["refused"] + r["one"]["refused"] + r["at_rate"]["refused"] for r in runs
            ),
        }
    for kind in ("best", "median"):
        result[f"{kind}_ratio_ours_to_peer"] = round(
            result["ours"][f"{kind}_accepted_per_s"] / result["peer"][f"{kind}_accepted_per_s"], 2
        )
    result["paired_ratio_ours_to_peer"] = round(
        statistics.median(
            o["many"]["accepted_per_s"] / p["many"]["accepted_per_s"]
            for o, p in zip(rounds["ours"], rounds["peer"], strict=True)
        ),
        2,
    )
    print(
        f"gunicorn {args.workers} sync workers; wrk {args.connections} connections and 1, "
        f"{args.seconds:g} s; {args.rounds} rounds (best posts/s, median latencies)"
    )
    header = f"{'site':30} {'posts/s':>8} {'1 conn/s':>8} {'p50':>6} {'p99':>6}"
    print(
        f"{header} {'p50@rate':>9} {'p99@rate':>9} {'web CPU':>8} {'db CPU':>7} {'machine':>8} "
        f"{'WAL B':>6} {'refused':>8}"
    )
    for label, key in (("ours", "ours"), ("django-contrib-comments 2.2.0", "peer")):
        row = result[key]
        print(
            f"{label:30} {row['best_accepted_per_s']:8.1f} {row['one_connection_per_s']:8.1f} "
            f"{row['one_connection_p50_ms']:6.1f} {row['one_connection_p99_ms']:6.1f} "
            f"{row['p50_ms_at_rate']:9.1f} {row['p99_ms_at_rate']:9.1f} "
            f"{row['web_cpu_ms_per_post']:8.2f} {row['db_cpu_ms_per_post']:7.2f} "
            f"{row['machine_cpu_ms_per_post']:8.2f} {row['wal_bytes_per_post']:6.0f} "
            f"{row['refused']:8}"
        )
    print(
        f"(latency in ms; @rate: {args.rate:g} posts/s)  ratio of posts/s: best "
        f"{result['best_ratio_ours_to_peer']}, median {result['median_ratio_ours_to_peer']}, "
        f"paired (median of the rounds' own) {result['paired_ratio_ours_to_peer']}"
    )
    print("written to", write_result("ingest", result))


def _drop_queue(env: dict) -> None:
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).delete(env["CELERY_QUEUE"])


if __name__ == "__main__":
    main()
