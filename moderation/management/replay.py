"""A labelled stream played through the real pipeline, moderators included (issue 17).

Each row is submitted as a reader's comment (``services.submit_comment``) and classified in
this process by the service the workers call (``dispatch.classifying_in_process``), so the
policy, the audit sample and the labels are the product's own. The "moderators" then decide
exactly what the product puts before them (held comments and audit picks) with the row's
label; every ``retrain_every`` comments a candidate is trained as the weekly task would
(``learning.retraining.train_candidate``) and promoted if earned and allowed. Readers'
reports are not played: a CSV has none. The comments hang off the ``Comment`` content type,
never under a real article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType

from moderation import dispatch, services
from moderation.learning import loaded_models
from moderation.learning.evaluation import LABEL_FIELDS
from moderation.learning.retraining import train_candidate
from moderation.learning.versions import RegistryError
from moderation.models import Comment, ModelVersion, RejectReason, Status, TrainingLabel


@dataclass
class Replay:
    """What the stream did: counts so far and one entry per retraining round."""

    task: str
    comments: int = 0
    shown_to_moderators: int = 0
    held: int = 0
    audit_picks: int = 0
    candidates: int = 0
    promotions: int = 0
    rounds: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        active = ModelVersion.objects.get(task=self.task, status=ModelVersion.State.ACTIVE)
        return {
            "task": self.task,
            "comments": self.comments,
            "shown_to_moderators": self.shown_to_moderators,
            "shown_share": round(self.shown_to_moderators / max(self.comments, 1), 4),
            "held": self.held,
            "audit_picks": self.audit_picks,
            "labels": TrainingLabel.objects.filter(
                **{f"{LABEL_FIELDS[self.task]}__isnull": False}
            ).count(),
            "candidates": self.candidates,
            "promotions": self.promotions,
            "active_version": active.version,
            "rounds": self.rounds,
        }


def _moderate(comment: Comment, task: str, positive: bool) -> bool:
    """Decide ``comment`` as a moderator who knows its label would; False if not shown."""
    if comment.status == Status.HELD or (comment.status == Status.PUBLISHED and comment.audit_pick):
        if positive and task == "spam":
            services.mark_spam(comment, by=None)
        elif positive:
            services.reject(comment, by=None, reason=RejectReason.OFFENSIVE)
        elif comment.status == Status.HELD:
            services.approve(comment, by=None)
        else:
            services.confirm_audit(comment, by=None)
        return True
    return False


def _retrain(replay: Replay, auto_promote: bool) -> None:
    entry: dict[str, Any] = {"comments": replay.comments, "shown": replay.shown_to_moderators}
    try:
        result = train_candidate(replay.task, auto_promote=auto_promote)
    except RegistryError as exc:
        entry.update(outcome="refused", reason=str(exc))
    else:
        replay.candidates += 1
        replay.promotions += result.promoted
        entry.update(
            outcome="promoted" if result.promoted else "candidate",
            version=result.version.version,
            reason=result.verdict,
            comparison=result.comparison,
        )
        if result.promoted:
            loaded_models.forget_models()  # score the next comments with it at once
    replay.rounds.append(entry)


def replay_stream(
    task: str,
    rows: list[tuple[str, int]],
    *,
    retrain_every: int = 500,
    auto_promote: bool = True,
    start: int = 0,
) -> Replay:
    """Play ``rows`` (text, 0/1 label) as a site's stream; ``start`` numbers its authors."""
    target = ContentType.objects.get_for_model(Comment)
    replay = Replay(task)
    with dispatch.classifying_in_process(services.classify_comments):
        for i, (text, label) in enumerate(rows, start=start):
            comment = services.submit_comment(
                services.Submission(
                    target=target,
                    author_name=f"Lettore {i}",
                    author_email=f"lettore{i}@replay.invalid",
                    text=text,
                )
            )
            comment.refresh_from_db()
            replay.comments += 1
            replay.held += comment.status == Status.HELD
            replay.audit_picks += bool(comment.audit_pick)
            replay.shown_to_moderators += _moderate(comment, task, bool(label))
            if retrain_every and replay.comments % retrain_every == 0:
                _retrain(replay, auto_promote)
    return replay
