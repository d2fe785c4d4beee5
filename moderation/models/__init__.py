"""The app's models: comments and what surrounds them (``comments``), and the learning
loop's records (``learning``)."""

from moderation.models.comments import (
    TO_AUDIT,
    AuditPick,
    AuthorRule,
    Comment,
    CommentQuerySet,
    CommentReport,
    DigestLog,
    DiscussionMode,
    DiscussionSettings,
    ModerationEvent,
    RejectReason,
    ReportReason,
    awaiting_review_filter,
    overdue_cutoff,
)
from moderation.models.learning import ModelActivation, ModelVersion, ShadowScore, TrainingLabel
from moderation.models.statuses import Status

__all__ = [
    "TO_AUDIT",
    "AuditPick",
    "AuthorRule",
    "Comment",
    "CommentQuerySet",
    "CommentReport",
    "DigestLog",
    "DiscussionMode",
    "DiscussionSettings",
    "ModelActivation",
    "ModelVersion",
    "ModerationEvent",
    "RejectReason",
    "ReportReason",
    "ShadowScore",
    "Status",
    "TrainingLabel",
    "awaiting_review_filter",
    "overdue_cutoff",
]
