"""``manage.py train_classifiers``: fit, evaluate and write the spam and toxicity models.

With ``--with-decisions`` it trains candidates on the moderators' labels instead and
registers them (see docs/retraining.md); ``--data`` is then optional.
"""

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
        parser.add_argument("--data", type=Path, help="the datasets folder")
        parser.add_argument(
            "--with-decisions",
            action="store_true",
            help="train registered candidates on the moderators' labels (plus --data if given)",
        )
        parser.add_argument("--output", type=Path, default=TRAINED_DIR, help="model folder")

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path | None = options["data"]
        if data_dir is not None and not data_dir.is_dir():
            raise CommandError(f"no data folder at {data_dir}")
        if options["with_decisions"]:
            self.train_with_decisions(options["task"], data_dir)
            return
        if data_dir is None:
            raise CommandError("--data is required (unless --with-decisions)")
        for task in [options["task"]] if options["task"] else TASKS:
            model, metadata = TRAINERS[task](data_dir, report=self.stdout.write)
            path = save(model, metadata, options["output"])
            self.stdout.write(f"\n{task}: threshold {metadata['threshold']}, wrote {path.name}")
            self.stdout.write(" | ".join(["split".ljust(44), *FIGURES]))
            for split, scores in metadata["evaluation"].items():
                cells = [f"{scores[name]:.3f}" for name in FIGURES[1:]]
                self.stdout.write(" | ".join([split.ljust(44), str(scores["rows"]), *cells]))

    def train_with_decisions(self, task: str | None, data_dir: Path | None) -> None:
        from moderation.learning.retraining import train_candidate
        from moderation.learning.versions import RegistryError

        for name in [task] if task else TASKS:
            try:
                result = train_candidate(name, data_dir=data_dir)
            except RegistryError as exc:
                raise CommandError(str(exc)) from exc
            version = result.version
            self.stdout.write(
                f"{name}: candidate {version.version} ({version.decision_rows} moderator labels)"
            )
            for model in ("active", "candidate"):
                figures = result.comparison[model]
                self.stdout.write(
                    f"  {model:<9} on {figures['rows']} newest unbiased labels, weighted: "
                    f"ROC AUC {figures['roc_auc']:.3f}, macro-F1 {figures['macro_f1']:.3f}, "
                    f"legitimate blocked {figures['blocked_legitimate']:.3f}"
                )
            outcome = "promoted" if result.promoted else "not promoted"
            self.stdout.write(f"  {outcome}: {result.verdict}")
