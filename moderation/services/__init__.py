"""The actions on comments, each written once and called by views, admin, API and tasks.

Nothing else changes a comment's status: every change goes through
``transitions.transition`` or ``classification.apply_decisions`` and leaves a
``ModerationEvent``. One module per family of actions: ``submission``, ``classification``,
``transitions`` (moderators), ``picks`` (editors' picks), ``discussions`` (per-target modes),
``readers``, ``privacy``; callers import the names from here.
"""

from moderation.services.classification import (
    apply_decisions,
    classifier_input,
    classify_comments,
    decide_unclassified,
    pending_batch,
    requeue_stale_pending,
    stale_pending_ids,
)
from moderation.services.discussions import discussion_mode, set_discussion_mode, set_targets_mode
from moderation.services.errors import (
    TOO_FAST_MESSAGE,
    AlreadyReported,
    CommentError,
    CommentsClosed,
    DuplicateComment,
    EditWindowClosed,
    InvalidParent,
    TargetGone,
    TooFast,
)
from moderation.services.picks import feature, unfeature
from moderation.services.privacy import (
    ERASED_AUTHOR_NAME,
    ERASED_EMAIL_DOMAIN,
    ERASED_TEXT,
    commenter_comments,
    erase_commenter_data,
    erase_expired_personal_data,
    export_commenter_data,
)
from moderation.services.readers import (
    DELETED_BY_AUTHOR,
    REPORTED_BY_READERS,
    can_edit,
    confirm_reply_notifications,
    delete_by_author,
    edit_comment,
    report_comment,
    stop_reply_notifications,
)
from moderation.services.submission import (
    Submission,
    check_submission,
    comments_open,
    create_comment,
    submit_comment,
    submit_trapped_spam,
)
from moderation.services.transitions import (
    add_author_rule,
    approve,
    confirm_audit,
    mark_ham,
    mark_spam,
    record_training_label,
    reject,
    restore,
    transition,
)

__all__ = [
    "DELETED_BY_AUTHOR",
    "ERASED_AUTHOR_NAME",
    "ERASED_EMAIL_DOMAIN",
    "ERASED_TEXT",
    "REPORTED_BY_READERS",
    "TOO_FAST_MESSAGE",
    "AlreadyReported",
    "CommentError",
    "CommentsClosed",
    "DuplicateComment",
    "EditWindowClosed",
    "InvalidParent",
    "Submission",
    "TargetGone",
    "TooFast",
    "add_author_rule",
    "apply_decisions",
    "approve",
    "can_edit",
    "check_submission",
    "classifier_input",
    "classify_comments",
    "commenter_comments",
    "comments_open",
    "confirm_audit",
    "confirm_reply_notifications",
    "create_comment",
    "decide_unclassified",
    "delete_by_author",
    "discussion_mode",
    "edit_comment",
    "erase_commenter_data",
    "erase_expired_personal_data",
    "export_commenter_data",
    "feature",
    "mark_ham",
    "mark_spam",
    "pending_batch",
    "record_training_label",
    "reject",
    "report_comment",
    "requeue_stale_pending",
    "restore",
    "set_discussion_mode",
    "set_targets_mode",
    "stale_pending_ids",
    "stop_reply_notifications",
    "submit_comment",
    "submit_trapped_spam",
    "transition",
    "unfeature",
]
