"""``manage.py replay_stream``: play a labelled CSV as a site's stream, moderators included."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.classifiers.labelled_csv import read_labelled_csv
from moderation.classifiers.registry import TASKS


class Command(BaseCommand):
    help = (
        "Submit every row of a labelled CSV through the real pipeline, let moderators decide "
        "what the product shows them, retrain and promote as the settings say; print figures."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--task", choices=TASKS, required=True)
        parser.add_argument("--input", required=True, type=Path, help="CSV file")
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")
        parser.add_argument("--retrain-every", type=int, default=500, help="0: never retrain")
        parser.add_argument(
            "--auto-promote",
            action="store_true",
            default=True,
            help="promote a candidate that earns it (the default in a replay)",
        )
        parser.add_argument("--no-auto-promote", dest="auto_promote", action="store_false")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        from moderation.management.replay import replay_stream

        try:
            texts, labels = read_labelled_csv(
                options["input"], options["text_column"], options["label_column"]
            )
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = [(text, int(label)) for text, label in zip(texts, labels, strict=True) if text]
        result = replay_stream(
            options["task"],
            rows,
            retrain_every=options["retrain_every"],
            auto_promote=options["auto_promote"],
        ).summary()
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for name, value in result.items():
            if name != "rounds":
                self.stdout.write(f"{name:20s} {value}")
        for entry in result["rounds"]:
            self.stdout.write(
                f"after {entry['comments']}: {entry['outcome']} ({entry.get('reason', '')})"
            )
