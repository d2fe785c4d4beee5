"""Shadow scoring: candidate models score beside the active ones, and what the policy would
have decided with their scores is stored for the moderators to compare. Nothing changes."""

from __future__ import annotations

import dataclasses

from moderation import policy
from moderation.classifiers import CommentInput
from moderation.learning import loaded_models
from moderation.models import ShadowScore


def record_shadow_scores(
    items: dict[int, CommentInput],
    facts: dict[int, policy.Facts],
    decided: dict[int, str],
    rules: policy.PolicyRules,
) -> int:
    """Score the comments with the candidates and store what the policy would have decided.

    Never changes a comment; returns how many shadow scores were stored.
    """
    models = loaded_models.get_shadow_models()
    if models is None or not items:
        return 0
    ids = list(items)
    scores = loaded_models.score_with(models, [items[pk] for pk in ids])
    rows = []
    for pk, shadow in zip(ids, scores, strict=True):
        would = policy.decide(
            dataclasses.replace(
                facts[pk],
                spam_score=shadow.spam,
                toxicity_score=shadow.toxicity,
                spam_threshold=shadow.spam_threshold,
                toxicity_threshold=shadow.toxicity_threshold,
            ),
            rules,
        )
        rows.append(
            ShadowScore(
                comment_id=pk,
                model_version=shadow.model_version,
                spam=shadow.spam,
                toxicity=shadow.toxicity,
                would_decide=would.status,
                decided=decided[pk],
            )
        )
    ShadowScore.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
