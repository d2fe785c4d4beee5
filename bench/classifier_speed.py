"""Time ``score_all`` with both shipped models, in CPU time and wall time, optionally A/B.

Usage, from the project root:
    python bench/classifier_speed.py --data ../shared/datasets [--against DIR] [--rounds 3]

Each measurement runs in a fresh process on the comments ``bench/classifiers.py`` times
(the first 1,000 of each compared set), each signed with an author name: the median of
300 single calls, then the median of 5 batches of all of them (the first batch, whose
words are mostly not yet in the per-word caches, is also shown). The second thought's
call, the toxicity model alone on one comment, is timed on all of them, each text ending
in a number of its own (``f"{text} [{row}]"``) so that a word misses the per-word caches:
first before the batches (most rare words new too), then after them (the number alone).
``--against`` also times the code of another checkout (say ``git archive <commit> | tar
-x -C DIR``), alternating the two so both see the same machine load; CPU time
(``time.process_time``) is less affected by other jobs than wall time.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


#: Author names given in turn to the timed comments (the toxicity model scores them too).
AUTHOR_NAMES = ("Marco Rossi", "giulia_88", "Lettore indignato", "John", "Anna B.")


def timing_items(data_dir: Path) -> list:
    from dataclasses import replace

    from moderation.classifiers import data
    from moderation.classifiers.training import split_parts

    parts = [
        split_parts(data.jigsaw_it(data_dir))["test"][0],
        split_parts(data.jigsaw_en(data_dir))["test"][0],
        split_parts(data.olid(data_dir))["test"][0],
        data.haspeede(data_dir).items,
        data.ethos(data_dir).items,
    ]
    items = [item for items in parts for item in items[:1000]]
    return [
        replace(item, author_name=AUTHOR_NAMES[row % len(AUTHOR_NAMES)])
        for row, item in enumerate(items)
    ]


def second_thought_cpu(toxicity, items: list, first_number: int) -> list[float]:
    """CPU seconds of the toxicity model on each comment alone, its text numbered from
    ``first_number`` on."""
    from dataclasses import replace

    seconds = []
    for row, item in enumerate(items, start=first_number):
        numbered = replace(item, text=f"{item.text} [{row}]")
        cpu = time.process_time()
        toxicity.predict_proba([numbered])
        seconds.append(time.process_time() - cpu)
    return seconds


def measure(data_dir: Path, batches: int = 5) -> dict:
    from moderation.classifiers import load_model
    from moderation.classifiers.registry import model_path
    from moderation.classifiers.scoring import score_all

    models = [load_model(model_path("spam")), load_model(model_path("toxicity"))]
    items = timing_items(data_dir)
    single_wall, single_cpu = [], []
    gc.collect()
    for item in items[:300]:
        wall, cpu = time.perf_counter(), time.process_time()
        score_all(models, [item])
        single_cpu.append(time.process_time() - cpu)
        single_wall.append(time.perf_counter() - wall)
    first_sight_cpu = second_thought_cpu(models[1], items, first_number=0)
    batch_wall, batch_cpu = [], []
    for _ in range(batches):
        gc.collect()  # so that a collection the batch triggers depends on the batch alone
        wall, cpu = time.perf_counter(), time.process_time()
        score_all(models, items)
        batch_cpu.append(time.process_time() - cpu)
        batch_wall.append(time.perf_counter() - wall)
    seen_cpu = second_thought_cpu(models[1], items, first_number=len(items))
    return {
        "comments": len(items),
        "ms_single_wall": statistics.median(single_wall) * 1000,
        "ms_single_cpu": statistics.median(single_cpu) * 1000,
        "ms_second_thought_new_words_cpu": statistics.median(first_sight_cpu) * 1000,
        "ms_second_thought_cpu": statistics.median(seen_cpu) * 1000,
        "per_second_batch_wall": len(items) / statistics.median(batch_wall),
        "per_second_batch_cpu": len(items) / statistics.median(batch_cpu),
        "per_second_first_batch_cpu": len(items) / batch_cpu[0],
    }


def child(root: Path, data_dir: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", str(root), "--data", str(data_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(completed.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--against", type=Path, help="another checkout to time alternately")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    data_dir = args.data.resolve()
    if args.child:
        sys.path.insert(0, str(args.child.resolve()))
        print(json.dumps(measure(data_dir)))
        return
    roots = {"this checkout": ROOT}
    if args.against:
        roots[str(args.against)] = args.against.resolve()
    runs: dict[str, list[dict]] = {name: [] for name in roots}
    for _ in range(args.rounds):
        for name, root in roots.items():
            runs[name].append(child(root, data_dir))
    keys = (
        "ms_second_thought_cpu",
        "ms_second_thought_new_words_cpu",
        "ms_single_cpu",
        "ms_single_wall",
        "per_second_batch_cpu",
        "per_second_batch_wall",
        "per_second_first_batch_cpu",
    )
    print(f"{runs['this checkout'][0]['comments']} comments, median of {args.rounds} processes")
    print(
        f"{'code':24} {'ms toxicity alone CPU':>21} {'new words':>9} {'ms both alone CPU':>17} "
        f"{'wall':>6} {'per s batch CPU':>16} {'wall':>6} {'first batch CPU':>16}"
    )
    for name, results in runs.items():
        medians = [statistics.median(result[key] for result in results) for key in keys]
        print(
            f"{name:24} {medians[0]:21.3f} {medians[1]:9.3f} {medians[2]:17.3f} {medians[3]:6.3f} "
            f"{medians[4]:16.0f} {medians[5]:6.0f} {medians[6]:16.0f}"
        )


if __name__ == "__main__":
    main()
