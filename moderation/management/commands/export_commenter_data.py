"""``manage.py export_commenter_data EMAIL``: everything stored about a commenter, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from moderation import services


class Command(BaseCommand):
    help = (
        "Print (or write to --output) a JSON document of every comment, audit event and "
        "author rule stored about the commenter with this email. The export is recorded."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--output", type=Path, help="write the JSON to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        data = services.export_commenter_data(options["email"])
        document = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        if options["output"] is None:
            self.stdout.write(document)
            return
        try:
            options["output"].write_text(document + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc}") from exc
        self.stdout.write(f"{len(data['comments'])} comment(s) exported to {options['output']}")
