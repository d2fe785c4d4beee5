"""``manage.py simulate_thresholds``: what other thresholds would have done to recent comments."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from moderation.learning.simulation import simulate

#: Option → setting it overrides.
OPTIONS = {
    "spam_hold": "SPAM_HOLD_THRESHOLD",
    "spam_reject": "SPAM_REJECT_THRESHOLD",
    "toxicity_hold": "TOXICITY_HOLD_THRESHOLD",
    "toxicity_reject": "TOXICITY_REJECT_THRESHOLD",
    "max_links": "MAX_LINKS",
}


class Command(BaseCommand):
    help = "Replay the policy on the last N decided comments with other thresholds and count."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--last", type=int, default=1000, help="how many decided comments")
        for option in OPTIONS:
            kind = int if option == "max_links" else float
            parser.add_argument("--" + option.replace("_", "-"), type=kind, dest=option)

    def handle(self, *args: Any, **options: Any) -> None:
        overrides = {
            setting: options[option]
            for option, setting in OPTIONS.items()
            if options[option] is not None
        }
        result = simulate(options["last"], overrides)
        self.stdout.write(f"{result.comments} comments; simulated: {overrides or 'no change'}")
        self.stdout.write(f"{'':<10} {'now':>8} {'simulated':>10}")
        for status, count in result.current.items():
            self.stdout.write(f"{status:<10} {count:>8} {result.simulated[status]:>10}")
        self.stdout.write(f"decided differently: {result.changed}")
        self.stdout.write(
            f"would be published but are now spam or rejected: {result.published_but_removed}"
        )
