"""``manage.py evaluate_classifier``: score a labelled CSV with a shipped or the active model."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers.base import ModelError
from moderation.classifiers.labelled_csv import evaluate_csv
from moderation.classifiers.registry import TASKS, TRAINED_DIR


class Command(BaseCommand):
    help = "Score every row of a labelled CSV and print ROC AUC, AP, F1, MCC and speed."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--task", choices=TASKS, required=True)
        parser.add_argument("--input", required=True, type=Path, help="CSV file")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")
        models = parser.add_mutually_exclusive_group()
        models.add_argument("--model-dir", type=Path, default=TRAINED_DIR)
        models.add_argument(
            "--active",
            action="store_true",
            help="score with the registry's active version of the task (the site's model)",
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        model_dir = options["model_dir"]
        if options["active"]:
            from moderation.learning.versions import current_paths

            model_dir = current_paths()[0][options["task"]].parent
        try:
            result = evaluate_csv(
                options["task"],
                options["input"],
                text_column=options["text_column"],
                label_column=options["label_column"],
                model_dir=model_dir,
            )
        except (ModelError, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for name, value in result.items():
            self.stdout.write(
                f"{name:18s} {value:.4f}" if isinstance(value, float) else f"{name:18s} {value}"
            )
        self.stdout.write(f"(took {time.perf_counter() - started:.1f} s)")
