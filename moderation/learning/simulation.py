"""The threshold simulator: recent decisions replayed with other policy settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from moderation import policy
from moderation.conf import moderation_settings
from moderation.learning import loaded_models
from moderation.models import Comment, Status


@dataclass
class Simulation:
    """How many of the comments each policy would have published, held, marked spam, rejected."""

    comments: int
    current: dict[str, int]
    simulated: dict[str, int]
    changed: int
    #: Comments the simulated policy would publish that are now spam or rejected.
    published_but_removed: int


def simulate(last: int, overrides: dict[str, Any]) -> Simulation:
    """Decide the last ``last`` scored comments again, with the settings and with ``overrides``.

    ``overrides`` maps setting names to values (``PolicyRules.from_settings``). Scores are the
    stored ones; the models' own thresholds are the active models'. Author rules are not
    replayed: they do not depend on thresholds.
    """
    # Both scores are excluded when None: the rows' types say what the query guarantees.
    comments = cast(
        "list[tuple[str, float, float, str]]",
        list(
            Comment.objects.exclude(spam_score=None)
            .exclude(toxicity_score=None)
            .exclude(decided_at=None)
            .order_by("-decided_at", "-pk")
            .values_list("text", "spam_score", "toxicity_score", "status")[:last]
        ),
    )
    models = loaded_models.get_models()
    facts = [
        policy.Facts(
            text=text,
            spam_score=spam,
            toxicity_score=toxicity,
            spam_threshold=models["spam"].threshold,
            toxicity_threshold=models["toxicity"].threshold,
        )
        for text, spam, toxicity, _status in comments
    ]
    now_rules = policy.PolicyRules.from_settings(moderation_settings)
    other_rules = policy.PolicyRules.from_settings(moderation_settings, overrides)
    current = [policy.decide(f, now_rules).status for f in facts]
    simulated = [policy.decide(f, other_rules).status for f in facts]
    statuses = (Status.PUBLISHED, Status.HELD, Status.SPAM, Status.REJECTED)
    removed = {Status.SPAM, Status.REJECTED}
    return Simulation(
        comments=len(facts),
        current={s: current.count(s) for s in statuses},
        simulated={s: simulated.count(s) for s in statuses},
        changed=sum(a != b for a, b in zip(current, simulated, strict=True)),
        published_but_removed=sum(
            new == Status.PUBLISHED and row[3] in removed
            for new, row in zip(simulated, comments, strict=True)
        ),
    )
