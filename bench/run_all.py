"""Run every benchmark in turn, each printing its table and writing bench/results/*.json.

    python bench/run_all.py [--data ../shared/datasets] [--quick]

Needs PostgreSQL (``BENCH_PG``, default postgresql://postgres@127.0.0.1:5432) and Redis
(``REDIS_URL``, default redis://127.0.0.1:6379/0) on loopback; each benchmark makes its own
fresh databases. ``--data`` adds the classifier comparison (bench/classifiers.py);
``--quick`` shortens every run (for a smoke test, not for figures).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import pg

ROOT = pg.ROOT


def run(*args: str, env: dict | None = None) -> None:
    print(f"\n$ python {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, *args], cwd=ROOT, env=env or os.environ, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    quick = args.quick
    run("bench/render.py", "--repeat", "5" if quick else "30")
    run("bench/ingest.py", *(["--seconds", "3", "--rounds", "1"] if quick else ["--rounds", "3"]))
    run("bench/scale.py", "--layouts", "1x1,2x1,2x2", *(["--seconds", "3"] if quick else []))
    env = {**os.environ, "DATABASE_URL": pg.fresh_database("bench_ours_pipeline")}
    pipeline = ["--comments", "100", "--backlog", "1000"] if quick else ["--comments", "3000"]
    run("bench/pipeline.py", "--rate", "50", *pipeline, env=env)
    run("bench/memory.py", "--requests", "10" if quick else "50")
    if args.data:
        run("-m", "bench.classifiers", "--data", str(args.data))


if __name__ == "__main__":
    main()
