"""Article page reads per second with 500 comments: ours, served from the page cache, beside
django-contrib-comments' page, in one run.

    python bench/reads.py [--comments 500] [--seconds 10] [--connections 8] [--workers 2]

Both sites run under gunicorn on loopback with the same options (``--workers`` gthread
workers of 2 threads, so that connections are kept alive), each on a fresh PostgreSQL
database of the same server (``BENCH_PG``) holding the same comments (bench/commentdata.py),
all on one page (ours: COMMENTS_PER_PAGE = 1000; the peer has no pages). Ours keeps its
pages and versions in Redis (the embedded one, as the demo). ``wrk`` (anonymous readers,
``--connections`` keep-alive connections, 2 threads) measures, for ours:

- warm: every reader gets the cached copy;
- cold: every request misses the cache (a query string of its own), renders and stores;
- revalidated: the reader sends the page's ``ETag`` back and gets a 304;

and for the peer, its page (it has no cache: every read renders).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pg
from bench.render import setup_ours
from bench.stack import Stack, free_port, wait_http, write_result

SERVER_OPTIONS = ("--worker-class", "gthread", "--threads", "2")
#: A wrk script giving every request a query string of its own: each one misses the cache.
COLD_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, wrk.path .. "?cold=" .. counter)
end
"""


def wrk(url: str, seconds: float, connections: int, *options: str) -> float:
    """Requests per second that ``wrk`` measured on ``url``."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", *options, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"errors while reading {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def comments_on(url: str, marker: str) -> int:
    with urllib.request.urlopen(url) as response:
        return response.read().decode().count(marker)


def measure_ours(total: int, args) -> dict:
    article = setup_ours(total, database="bench_ours_reads")
    stack = Stack(Path(tempfile.mkdtemp(prefix="bench-reads-")))
    try:
        stack.env["BENCH_COMMENTS_PER_PAGE"] = "1000"
        if stack.redis is not None:
            stack.env["CACHE_URL"] = stack.redis.cache_url
        base = stack.gunicorn(args.workers, None, *SERVER_OPTIONS)
        url = base + article.get_absolute_url()
        with urllib.request.urlopen(url) as response:
            etag = response.headers["ETag"]
        cold_script = Path(stack.workdir) / "cold.lua"
        cold_script.write_text(COLD_SCRIPT)
        return {
            "warm_per_s": wrk(url, args.seconds, args.connections),
            "cold_per_s": wrk(url, args.seconds, args.connections, "-s", str(cold_script)),
            "revalidated_304_per_s": wrk(
                url, args.seconds, args.connections, "-H", f"If-None-Match: {etag}"
            ),
            "comments_rendered": comments_on(url, '<li id="comment-'),
        }
    finally:
        stack.stop()


def measure_peer(total: int, args) -> dict:
    python, folder = pg.peer_python(), pg.peer_project()
    env = pg.peer_env(pg.fresh_database("bench_peer_reads"))
    setup = [python, "peer_run.py", "setup", "--comments", str(total)]
    subprocess.run(setup, cwd=folder, env=env, check=True)
    port = free_port()
    bind = ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "peer_wsgi", *bind, *SERVER_OPTIONS],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/articoli/bench/"
        wait_http(url)
        return {
            "per_s": wrk(url, args.seconds, args.connections),
            "comments_rendered": comments_on(url, '<dt id="c'),
        }
    finally:
        server.terminate()
        server.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    ours = measure_ours(args.comments, args)
    theirs = measure_peer(args.comments, args)
    result = {
        "comments": args.comments,
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "ours": ours,
        "django_contrib_comments": theirs,
        "ratio_warm_to_peer": round(ours["warm_per_s"] / theirs["per_s"], 1),
        "ratio_cold_to_peer": round(ours["cold_per_s"] / theirs["per_s"], 2),
    }
    print(
        f"article page, {args.comments} comments, gunicorn {args.workers} gthread workers, "
        f"wrk {args.connections} keep-alive connections, {args.seconds:g} s each"
    )
    print(f"{'site':36} {'reads/s':>9} {'× peer':>7} {'comments':>8}")
    rows = (
        ("ours, warm (from the page cache)", ours["warm_per_s"], ours["comments_rendered"]),
        ("ours, cold (every read renders)", ours["cold_per_s"], ours["comments_rendered"]),
        ("ours, revalidated (304)", ours["revalidated_304_per_s"], 0),
        ("django-contrib-comments 2.2.0", theirs["per_s"], theirs["comments_rendered"]),
    )
    for label, per_s, comments in rows:
        print(f"{label:36} {per_s:9.1f} {per_s / theirs['per_s']:7.1f} {comments:8}")
    print("written to", write_result("reads", result))


if __name__ == "__main__":
    main()
