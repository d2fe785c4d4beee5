"""``manage.py train_classifiers``: fit, evaluate and write the spam and toxicity models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers.registry import TASKS, TRAINED_DIR
from moderation.classifiers.training import TRAINERS, save

FIGURES = ("rows", "roc_auc", "average_precision", "f1", "mcc", "precision", "recall", "fpr")


class Command(BaseCommand):
    help = "Train the spam and/or toxicity model on the public data sets and write them."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--task", choices=TASKS, help="one task only (default: both)")
        parser.add_argument("--data", required=True, type=Path, help="the datasets folder")
        parser.add_argument("--output", type=Path, default=TRAINED_DIR, help="model folder")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data"]
        if not data_dir.is_dir():
            raise CommandError(f"no data folder at {data_dir}")
        for task in [options["task"]] if options["task"] else TASKS:
            model, metadata = TRAINERS[task](data_dir, report=self.stdout.write)
            path = save(model, metadata, options["output"])
            self.stdout.write(f"\n{task}: threshold {metadata['threshold']}, wrote {path.name}")
            self.stdout.write(" | ".join(["split".ljust(44), *FIGURES]))
            for split, scores in metadata["evaluation"].items():
                cells = [f"{scores[name]:.3f}" for name in FIGURES[1:]]
                self.stdout.write(" | ".join([split.ljust(44), str(scores["rows"]), *cells]))
