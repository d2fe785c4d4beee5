"""The hand-off's one Redis command (``SET NX EX``, the waiting mark) three ways, paired.

    python bench/redis_mark.py [--calls 10000] [--rounds 5]

On the Redis at ``REDIS_URL`` (a key named after this run's process id, deleted at the
end), in one process, each call of each way in turn (the order reversed every other call):

- ``own connection``: a redis-py connection kept outside any pool, the command sent and its
  answer read on it (how dispatch.py marked before it used the client);
- ``pooled client``: ``redis.Redis.from_url(...).set(key, 1, nx=True, ex=5)``, which takes
  a connection from the client's pool, checks it, and gives it back (dispatch.py now);
- ``single-connection client``: the same client with ``single_connection_client=True``
  (one connection, no pool, a lock; it connects when made, so a forked process would
  have to make its own).

CPU time (``time.process_time``) and wall time per call; per round the median of each
way; printed the median over the rounds, and each way's per-round difference to the own
connection with its spread (lowest-highest). Written to bench/results/redis_mark.json.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from bench.stack import write_result

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    key = f"bench:redis-mark:{os.getpid()}"
    pooled = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0))
    single = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), single_connection_client=True)
    pool = pooled.connection_pool
    own = pool.connection_class(**pool.connection_kwargs)

    def own_connection() -> object:
        own.send_command("SET", key, 1, "NX", "EX", 5)
        return own.read_response()

    ways = {
        "own connection": own_connection,
        "pooled client": lambda: pooled.set(key, 1, nx=True, ex=5),
        "single-connection client": lambda: single.set(key, 1, nx=True, ex=5),
    }
    rounds: dict[str, list[dict]] = {name: [] for name in ways}
    try:
        for _ in range(args.rounds):
            cpu: dict[str, list[float]] = {name: [] for name in ways}
            wall: dict[str, list[float]] = {name: [] for name in ways}
            order = list(ways.items())
            for call in range(args.calls):
                for name, way in order if call % 2 else reversed(order):
                    started, used = time.perf_counter(), time.process_time()
                    way()
                    cpu[name].append(time.process_time() - used)
                    wall[name].append(time.perf_counter() - started)
            for name in ways:
                rounds[name].append(
                    {
                        "cpu_us": round(statistics.median(cpu[name]) * 1e6, 1),
                        "wall_us": round(statistics.median(wall[name]) * 1e6, 1),
                    }
                )
    finally:
        pooled.delete(key)
    result: dict = {"settings": vars(args), "rounds": rounds, "medians": {}, "over_own": {}}
    print(f"{args.rounds} rounds of {args.calls} calls of each way; µs per call")
    print(f"{'way':26} {'CPU':>7} {'wall':>7}   more CPU than the own connection")
    for name in ways:
        medians = {m: statistics.median(r[m] for r in rounds[name]) for m in ("cpu_us", "wall_us")}
        more = [
            r["cpu_us"] - o["cpu_us"]
            for r, o in zip(rounds[name], rounds["own connection"], strict=True)
        ]
        result["medians"][name] = medians
        result["over_own"][name] = {
            "cpu_us_median": round(statistics.median(more), 1),
            "lowest": round(min(more), 1),
            "highest": round(max(more), 1),
        }
        spread = result["over_own"][name]
        print(
            f"{name:26} {medians['cpu_us']:7.1f} {medians['wall_us']:7.1f}   "
            f"{spread['cpu_us_median']:+.1f} ({spread['lowest']:+.1f} to {spread['highest']:+.1f})"
        )
    print("written to", write_result("redis_mark", result))


if __name__ == "__main__":
    main()
