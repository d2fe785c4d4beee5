"""``manage.py erase_commenter_data EMAIL [--remove-text]``: anonymise a commenter."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moderation import services


class Command(BaseCommand):
    help = (
        "Anonymise every comment written with this email: name, email, website, IP address "
        "and user agent are erased; with --remove-text the text too. The erasure is recorded."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--remove-text", action="store_true", help="replace the comments' text as well"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = services.erase_commenter_data(options["email"], remove_text=options["remove_text"])
        kept = "removed" if options["remove_text"] else "kept"
        self.stdout.write(f"{count} comment(s) anonymised; text {kept}")
