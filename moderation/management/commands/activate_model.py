"""``manage.py activate_model VERSION``: promote a candidate or roll back to an earlier version."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from moderation.learning.versions import RegistryError, activate
from moderation.models import ModelVersion


class Command(BaseCommand):
    help = "Make a registered model version the active one of its task (promotion or rollback)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("version", nargs="?", help="the version to activate")
        parser.add_argument("--reason", default="", help="why, kept in the audit record")
        parser.add_argument("--list", action="store_true", help="list the registered versions")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"] or not options["version"]:
            for row in ModelVersion.objects.order_by("task", "created_at", "pk"):
                self.stdout.write(f"{row.task:<9} {row.status:<9} {row.version}  {row.path}")
            return
        try:
            record = activate(options["version"], reason=options["reason"] or "manage.py")
        except RegistryError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{record.task}: {record.from_version or '-'} → {record.to_version}")
