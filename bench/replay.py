"""The learning loop as a site lives it: HaSpeeDe played through replay_stream.

Usage, from the project root:  python -m bench.replay --data ../shared/datasets

HaSpeeDe 2018 (Italian hate speech, Facebook + Twitter; evaluation only, never in a shipped
model) is shuffled once; the first ``--comments`` rows are the site's stream, played by
``moderation.management.replay.replay_stream`` with the shipped defaults (audit sample, guard rails,
automatic promotion as the replay command does), ``--every`` comments per round, in a
fresh SQLite database. After each round the active model is judged on the other rows,
which the loop never sees: ROC AUC and macro-F1 at the model's own threshold, beside the
shipped model's. Writes bench/results/replay.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _judge(model, items: list, y: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import roc_auc_score

    from moderation.classifiers.metrics import macro_f1

    proba = model.predict_proba(items)
    return {
        "roc_auc": round(float(roc_auc_score(y, proba)), 4),
        "macro_f1": round(macro_f1(y, proba >= model.threshold), 4),
    }


def run(data_dir: Path, comments: int, every: int, seed: int, overrides: dict) -> dict:
    from django.core.management import call_command
    from django.test import override_settings

    from moderation.classifiers import data as datasets
    from moderation.classifiers import load_model
    from moderation.classifiers.registry import model_path
    from moderation.conf import DEFAULTS
    from moderation.learning import loaded_models
    from moderation.management.replay import replay_stream
    from moderation.models import ModelVersion

    labelled = datasets.haspeede(data_dir)
    order = np.random.default_rng(seed).permutation(len(labelled))
    texts = [labelled.items[i].text for i in order]
    y = labelled.y[order].astype(int)
    stream = [(t, int(label)) for t, label in zip(texts[:comments], y[:comments], strict=True)]
    unseen_items = [labelled.items[i] for i in order[comments:]]
    unseen_y = y[comments:]
    shipped = load_model(model_path("toxicity"))
    baseline = _judge(shipped, unseen_items, unseen_y)
    store = Path(tempfile.mkdtemp(prefix="replay-models-"))
    rounds = []
    settings = {**moderation_settings_dict(), "MODEL_STORE_DIR": str(store), **overrides}
    with override_settings(MODERATION=settings):
        call_command("migrate", verbosity=0)
        loaded_models.forget_models()
        shown = held = picks = 0
        for start in range(0, len(stream), every):
            result = replay_stream("toxicity", stream[start : start + every], start=start)
            summary = result.summary()
            shown += result.shown_to_moderators
            held += result.held
            picks += result.audit_picks
            active = loaded_models.get_models()["toxicity"]
            last = result.rounds[-1] if result.rounds else {}
            candidate = None
            if last.get("version"):  # what the round's candidate would do on the unseen rows
                row = ModelVersion.objects.get(version=last["version"])
                candidate = _judge(load_model(Path(row.path)), unseen_items, unseen_y)
            point = {
                "comments": start + result.comments,
                "shown_share": round(shown / (start + result.comments), 4),
                "held": held,
                "audit_picks": picks,
                "labels": summary["labels"],
                "outcome": result.rounds[-1]["outcome"] if result.rounds else None,
                "reason": result.rounds[-1].get("reason") if result.rounds else None,
                "judged_on_holdout": result.rounds[-1].get("comparison") if result.rounds else None,
                "active_version": summary["active_version"],
                **_judge(active, unseen_items, unseen_y),
                "candidate_on_unseen": candidate,
            }
            print(point, flush=True)
            rounds.append(point)
    return {
        "stream": f"haspeede2018 FB + TW, shuffled with seed {seed}: the first {comments} "
        f"rows played, judged on the other {len(unseen_y)} ({float(unseen_y.mean()):.3f} hateful)",
        "settings": {
            name: {**DEFAULTS, **overrides}[name]
            for name in ("AUDIT_SHARE", "AUDIT_NEAR_BAND", "CANDIDATE_MIN_AUDITED", "HOLDOUT_SHARE")
        },
        "shipped": {"version": shipped.version, **baseline},
        "rounds": rounds,
    }


def moderation_settings_dict() -> dict:
    from django.conf import settings

    return dict(settings.MODERATION)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the datasets folder")
    parser.add_argument("--comments", type=int, default=2000, help="rows played as the stream")
    parser.add_argument("--every", type=int, default=500, help="comments between retrainings")
    parser.add_argument("--seed", type=int, default=42, help="the order of the stream")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=JSON", help="a MODERATION setting"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "replay.json")
    args = parser.parse_args()
    overrides = {}
    for assignment in args.set:
        name, _, value = assignment.partition("=")
        overrides[name] = json.loads(value)
    database = Path(tempfile.mkdtemp(prefix="replay-db-")) / "replay.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    result = run(args.data, args.comments, args.every, args.seed, overrides)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
